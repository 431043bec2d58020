import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILE } from '../support/api-documents';
import { httpRequest, removeDir, tempDir } from '../support/e2e-app';
import { runServer, spawnServer, type ServerProcess } from '../support/server-process';

/** The server as `npm start` runs it: its own process, its working directory, its `.env`. */
describe('Boot of the server process (e2e)', () => {
  let dir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => (dir = tempDir('orchestrator-boot-')));
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    removeDir(dir);
  });

  it('reads .env from its working directory, and a variable set in the environment wins over the file', async () => {
    writeFileSync(join(dir, '.env'), '# from the file\nPORT=1\nDATA_DIR=./from-file\nLOG_LEVEL=info\n');

    server = await spawnServer({ cwd: dir, env: { PORT: '0', OFFLINE_LATENCY_MS: '0' } });

    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.baseUrl).not.toMatch(/:1$/);
    expect((await httpRequest(server.baseUrl, 'GET', '/api/health/ready')).status).toBe(200);
    expect(existsSync(join(dir, 'from-file', 'orchestrator.db'))).toBe(true);
    expect(existsSync(join(dir, 'data'))).toBe(false);
    // The boot log names every route as it is served: /metrics has no /api prefix.
    expect(server.output().stdout).toMatch(/MetricsController \{\/metrics\}/);
    expect(server.output().stdout).not.toContain('/api/metrics');
  });

  it('serves, built as it ships, the OpenAPI document the suite checks answers against (docs/openapi.json)', async () => {
    server = await spawnServer({ cwd: dir, env: { PORT: '0' } });

    expect((await httpRequest(server.baseUrl, 'GET', '/api/docs-json')).body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });

  it('starts on its defaults when there is no .env', async () => {
    server = await spawnServer({ cwd: dir, env: { PORT: '0' } });

    expect((await httpRequest(server.baseUrl, 'GET', '/api/health/live')).status).toBe(200);
    expect(existsSync(join(dir, 'data', 'orchestrator.db'))).toBe(true);
  });

  it('stops the boot with the line at fault when .env is malformed', async () => {
    writeFileSync(join(dir, '.env'), 'PORT=0\nthis is not a variable\n');

    const exit = await runServer({ cwd: dir });

    expect(exit.code).toBe(1);
    expect(exit.stderr.trim()).toBe('Invalid configuration: .env line 2: expected NAME=value, got "this is not a variable"');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('stops the boot naming the variable when a value in .env is invalid', async () => {
    writeFileSync(join(dir, '.env'), 'PORT=0\nMAX_ATTEMPTS=many\n');

    const exit = await runServer({ cwd: dir });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('Invalid configuration:');
    expect(exit.stderr).toContain('MAX_ATTEMPTS');
  });
});
