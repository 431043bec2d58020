import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRunRepository } from '../../src/persistence/adapters/sqlite-run.repository';
import { MIGRATIONS } from '../../src/persistence/adapters/sqlite-schema';
import { StoreError } from '../../src/persistence/store-errors';
import { runRepositoryContract, type RunRepositoryHarness } from '../contracts/run-repository.contract';
import { expectConflict, finishWith, numbering, rejectionOf, startedRun, TENANT_A } from '../contracts/run-repository.harness';
import { buildResult, newCampaign, newRun, REGENERATED, runEvent, runOutcome } from '../support/run-fixtures';

/** Runs `work` on a second, independent connection to the database file. */
function withConnection<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

const raise = `BEGIN SELECT RAISE(ABORT, 'injected failure'); END`;
/** Aborts finishRun at its last write, the terminal event: everything else of the outcome is written by then. */
const FAIL_TERMINAL_EVENT = `CREATE TRIGGER inject_failure BEFORE INSERT ON events WHEN json_extract(NEW.body, '$.state') IN ('Completed', 'PartiallyCompleted', 'Failed', 'Cancelled') ${raise}`;
/** Aborts finishRun at its first audit report, after the run's artifact versions were inserted. */
const FAIL_AUDIT_REPORTS = `CREATE TRIGGER inject_failure BEFORE INSERT ON audit_reports ${raise}`;

/** Installs a real trigger through another connection; returns the function that drops it. */
async function injectFailure(file: string, trigger: string): Promise<() => Promise<void>> {
  withConnection(file, (db) => void db.exec(trigger));
  return async () => withConnection(file, (db) => void db.exec(`DROP TRIGGER inject_failure`));
}

interface SqliteHarness extends RunRepositoryHarness {
  file: string;
  dir: string;
  breakFinishRun(): Promise<() => Promise<void>>;
}

/** A repository on a fresh database file in its own temporary directory. */
function fileHarness(): SqliteHarness {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-run-repo-'));
  const file = join(dir, 'store.db');
  const harness: SqliteHarness = {
    repo: new SqliteRunRepository(file),
    file,
    dir,
    async teardown() {
      await harness.repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
    breakFinishRun: () => injectFailure(file, FAIL_TERMINAL_EVENT),
  };
  return harness;
}

runRepositoryContract('SQLite (file)', async () => fileHarness(), { faultInjection: true });

describe(SqliteRunRepository.name, () => {
  let harness: SqliteHarness;

  beforeEach(() => {
    harness = fileHarness();
  });

  afterEach(async () => {
    await harness.teardown();
  });

  it('keeps its database file in WAL journal mode', async () => {
    await harness.repo.ping();
    expect(withConnection(harness.file, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('keeps campaigns, runs, versions and events across closing and reopening the file', async () => {
    const { campaign, run } = await startedRun(harness.repo);
    const detail = await finishWith(harness.repo, run, 'success', REGENERATED);
    const campaignDetail = await harness.repo.getCampaignDetail(TENANT_A, campaign.id);
    const events = await harness.repo.listEvents(TENANT_A, run.id, 0);
    await harness.repo.close();

    const reopened = new SqliteRunRepository(harness.file);
    harness.repo = reopened;

    expect(await reopened.getCampaignDetail(TENANT_A, campaign.id)).toEqual(campaignDetail);
    expect((await reopened.listCampaigns(TENANT_A, 1, 10)).items.map((c) => c.id)).toEqual([campaign.id]);
    expect(await reopened.getRunDetail(TENANT_A, run.id)).toEqual(detail);
    expect(await reopened.listRuns(TENANT_A, campaign.id)).toHaveLength(1);
    expect(await reopened.listEvents(TENANT_A, run.id, 0)).toEqual(events);
    const { run: next } = await startedRun(reopened, TENANT_A, campaign);
    expect(numbering(await finishWith(reopened, next, 'success', REGENERATED))).toEqual([['copy', 1, 2], ['shortCopy', 1, 3], ['visualConcept', 1, 2], ['shortCopy', 2, 4]]);
  });

  it('migrates once: reopening an up-to-date file changes neither its schema nor its version', async () => {
    await harness.repo.close();
    const schemaOf = () =>
      withConnection(harness.file, (db) => ({
        version: db.pragma('user_version', { simple: true }),
        objects: db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY name`).all(),
      }));
    const before = schemaOf();

    for (let i = 0; i < 2; i++) {
      const reopened = new SqliteRunRepository(harness.file);
      await reopened.ping();
      await reopened.close();
    }
    harness.repo = new SqliteRunRepository(harness.file);

    expect(before.version).toBeGreaterThan(0);
    expect(schemaOf()).toEqual(before);
    await expect(harness.repo.createCampaign(newCampaign(TENANT_A, 'After reopen'))).resolves.toMatchObject({ status: 'draft' });
  });

  it('migrates a file of schema version 1 and keeps its events', async () => {
    await harness.repo.close();
    rmSync(harness.file, { force: true });
    withConnection(harness.file, (db) => {
      db.exec(MIGRATIONS[0]);
      db.pragma('user_version = 1');
      db.prepare(`INSERT INTO campaigns VALUES ('c1', ?, 'Old', '{}', 'generating', '{}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run(TENANT_A);
      db.prepare(`INSERT INTO runs (id, tenant_id, campaign_id, execution_mode, selected_platforms, status, created_at, updated_at, last_seq) VALUES ('r1', ?, 'c1', 'parallel', '["x"]', 'running', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 2)`).run(TENANT_A);
      for (const seq of [1, 2]) db.prepare(`INSERT INTO events VALUES ('r1', ?, ?)`).run(seq, JSON.stringify({ runId: 'r1', seq }));
    });

    harness.repo = new SqliteRunRepository(harness.file);

    expect(await harness.repo.listEvents(TENANT_A, 'r1', 0)).toEqual([{ runId: 'r1', seq: 1 }, { runId: 'r1', seq: 2 }]);
    const schema = withConnection(harness.file, (db) => ({
      version: db.pragma('user_version', { simple: true }),
      events: (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'events'`).get() as { sql: string }).sql,
    }));
    expect(schema.version).toBe(MIGRATIONS.length);
    expect(schema.events).not.toMatch(/WITHOUT ROWID/);
    await expectConflict(harness.repo.appendEvents(TENANT_A, [runEvent({ id: 'r1', campaignId: 'c1' }, 2, 'Auditing')]));
  });

  it('reports a SQLite failure inside finishRun as a StoreError and rolls back the versions written before it', async () => {
    const { run } = await startedRun(harness.repo);
    const outcome = runOutcome(TENANT_A, buildResult(run, 'success', REGENERATED), 7);
    const repair = await injectFailure(harness.file, FAIL_AUDIT_REPORTS);

    const error = await rejectionOf(harness.repo.finishRun(outcome));

    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(Database.SqliteError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('injected failure') });
    // By name, not instanceof: Jest may load the native module's classes twice (one per registry).
    expect(((error as StoreError).cause as Error).name).toBe('SqliteError');
    expect(((error as StoreError).cause as { code: string }).code).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(await harness.repo.getRunDetail(TENANT_A, run.id)).toMatchObject({ status: 'running', versions: [], auditReports: [] });
    await repair();
    await harness.repo.finishRun(outcome);
    expect(numbering((await harness.repo.getRunDetail(TENANT_A, run.id))!)).toEqual([['copy', 1, 1], ['shortCopy', 1, 1], ['visualConcept', 1, 1], ['shortCopy', 2, 2]]);
  });

  it('commits the writes of one turn together, and a failing one rolls back alone', async () => {
    const good = await startedRun(harness.repo);
    const bad = await startedRun(harness.repo);
    const before = await harness.repo.getRun(TENANT_A, bad.run.id);

    // Asked for in the same turn: one transaction, one savepoint each.
    const [appended, refused, created] = await Promise.allSettled([
      harness.repo.appendEvents(TENANT_A, [runEvent(good.run, 7, 'Auditing')]),
      // seq 7 is new and written first; seq 6 repeats a stored event and fails the write: 7 must go too.
      harness.repo.appendEvents(TENANT_A, [runEvent(bad.run, 7, 'Auditing'), runEvent(bad.run, 6, 'Auditing', { message: 'impostor' })]),
      harness.repo.createCampaign(newCampaign(TENANT_A, 'Same turn')),
    ]);

    expect(appended.status).toBe('fulfilled');
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'STORE_ERROR' } });
    expect(created).toMatchObject({ status: 'fulfilled', value: { name: 'Same turn' } });
    expect((await harness.repo.listEvents(TENANT_A, good.run.id, 6)).map((e) => e.seq)).toEqual([7]);
    expect(await harness.repo.listEvents(TENANT_A, bad.run.id, 5)).toHaveLength(1);
    expect(await harness.repo.getRun(TENANT_A, bad.run.id)).toEqual(before);
    // Committed, as another connection sees.
    expect(withConnection(harness.file, (db) => db.prepare(`SELECT count(*) AS n FROM campaigns WHERE name = 'Same turn'`).get())).toEqual({ n: 1 });
  });

  it('writes a campaign and its first run in one write: a failure leaves neither', async () => {
    const { run } = await startedRun(harness.repo);
    const campaigns = () => withConnection(harness.file, (db) => db.prepare(`SELECT name FROM campaigns ORDER BY rowid`).all());
    const before = campaigns();

    await expect(harness.repo.createCampaignRun({ ...newCampaign(TENANT_A, 'Clash'), run: { ...newRun(TENANT_A, 'x', run.id).run } })).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(campaigns()).toEqual(before);

    const created = await harness.repo.createCampaignRun({ ...newCampaign(TENANT_A, 'Fresh'), run: { ...newRun(TENANT_A, 'x').run } });
    // Committed, as another connection sees, with the campaign already generating.
    expect(withConnection(harness.file, (db) => db.prepare(`SELECT c.name, c.status, r.status AS run FROM campaigns c JOIN runs r ON r.campaign_id = c.id WHERE r.id = ?`).get(created.id))).toEqual({
      name: 'Fresh',
      status: 'generating',
      run: 'queued',
    });
  });

  it('commits what was asked for before it closes', async () => {
    const campaign = harness.repo.createCampaign(newCampaign(TENANT_A, 'Written at close'));
    await harness.repo.close();
    await expect(campaign).resolves.toMatchObject({ name: 'Written at close' });
    expect(withConnection(harness.file, (db) => db.prepare(`SELECT name FROM campaigns`).all())).toEqual([{ name: 'Written at close' }]);
  });

  it('creates the directory of its database file', async () => {
    const file = join(harness.dir, 'nested', 'deeper', 'store.db');
    const nested = new SqliteRunRepository(file);
    try {
      await nested.createCampaign(newCampaign(TENANT_A, 'Nested'));
      expect(existsSync(file)).toBe(true);
    } finally {
      await nested.close();
    }
  });

  it('stops answering ping once closed', async () => {
    await harness.repo.close();
    await expect(harness.repo.ping()).rejects.toThrow();
  });
});

describe(`${SqliteRunRepository.name} in memory`, () => {
  it('stores and ends a run without a file', async () => {
    const repo = new SqliteRunRepository(':memory:');
    try {
      const { campaign, run } = await startedRun(repo);
      const detail = await finishWith(repo, run, 'success', REGENERATED);

      expect(numbering(detail)).toEqual([['copy', 1, 1], ['shortCopy', 1, 1], ['visualConcept', 1, 1], ['shortCopy', 2, 2]]);
      expect(detail.auditReports.map((r) => r.versionId)).toEqual([0, 1, 2, 3].map((i) => detail.versions[i].id));
      expect((await repo.getCampaign(TENANT_A, campaign.id))?.status).toBe('completed');
      expect(await repo.listEvents(TENANT_A, run.id, 0)).toHaveLength(7);
    } finally {
      await repo.close();
    }
  });
});
