import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import { ARTIFACTS, campaignOf, expectResultsRendered, expectWholeStream, fillBrief, listedVersions, regenerateFromPage, revealVersion, timeline, waitForEnd, waitForNotice } from '../support/page-driver';

/**
 * The live progress page (public/) in real headless Chromium against the real app (offline model,
 * SQLite in a temp dir): a run over Socket.IO to its end, cancel, resume after a dropped socket,
 * the editor loop (regenerate with feedback, versions, make active, approve), the REST + SSE
 * fallback, and validation errors shown by the form.
 */

/** Records the page's WebSocket objects so a test can drop the connection from the page side. */
const RECORD_WEBSOCKETS = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();`;

describe('Live progress page (headless Chromium)', () => {
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'page-e2e-data-'));
  const shotDir = process.env.E2E_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'page-e2e-shots-'));
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, OFFLINE_LATENCY_MS: '150-300' }));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 30_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.E2E_SCREENSHOT_DIR) rmSync(shotDir, { recursive: true, force: true });
  });

  /** A fresh page at `path`; collects uncaught page errors and console errors. */
  async function open(path = '/', options: { initScript?: string; context?: BrowserContext; base?: string } = {}): Promise<{ page: Page; errors: string[] }> {
    const context = options.context ?? (await browser.newContext());
    if (!options.context) contexts.push(context);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    page.setDefaultTimeout(8_000); // fail with Playwright's message, well before Jest's test timeout
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
    if (options.initScript) await page.addInitScript(options.initScript);
    await page.goto((options.base ?? baseUrl) + path);
    return { page, errors };
  }

  it('is served under a Content-Security-Policy that allows no inline script, and so is the OpenAPI UI, with no violation in the browser', async () => {
    // A violation is a console error, which `open` collects from the first request on.
    const { page, errors } = await open('/');
    const policy = (await page.request.get(baseUrl + '/')).headers()['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("script-src-attr 'none'");
    await page.waitForSelector('#start:not([disabled])');

    const docs = await open('/api/docs');
    await docs.page.waitForSelector('.swagger-ui .opblock', { timeout: 8_000 });

    expect([...errors, ...docs.errors]).toEqual([]);
  });

  it('runs a campaign over Socket.IO: live timeline, the three artifacts, audit verdicts, final status', async () => {
    const { page, errors } = await open();
    await page.waitForSelector('#transport[data-transport="socket"]');
    await fillBrief(page);
    // Each artifact must appear as soon as it is generated, while the run is still going.
    const firstArtifactBeforeEnd = page.evaluate<boolean>(`new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('[data-artifact][data-status="ready"]')) return;
        observer.disconnect();
        resolve(!document.querySelector('#run-status').hasAttribute('data-terminal'));
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    })`);
    await page.click('#start');
    await page.waitForSelector('#timeline li[data-state="Queued"]');
    expect(await page.isEnabled('#cancel')).toBe(true);
    expect(await page.isDisabled('#start')).toBe(true);
    expect(await firstArtifactBeforeEnd).toBe(true);

    const status = await waitForEnd(page);
    expect(['Completed', 'PartiallyCompleted']).toContain(status);
    await expectResultsRendered(page, ['x', 'instagram', 'linkedin']);
    expectWholeStream(await timeline(page), status);
    expect(await page.locator('#timeline li .when').first().textContent()).toBe('+0.00 s');
    expect(await page.isDisabled('#cancel')).toBe(true);
    expect(await page.isEnabled('#start')).toBe(true);
    await page.screenshot({ path: join(shotDir, 'completed-run.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('starts another run from the same page, cancels it while it is generating, and approves what it made only with an override', async () => {
    const { page, errors } = await open();
    await page.waitForSelector('#transport[data-transport="socket"]');
    await fillBrief(page, { name: 'First run' });
    await page.click('#start');
    const first = await waitForEnd(page);
    const firstRunId = await page.textContent('#run-id');

    // Sequential mode: one generator at a time, so the run is still generating when Cancel lands.
    await fillBrief(page, { name: 'Second run' }, 'sequential');
    await page.click('#start');
    await page.waitForFunction(`document.getElementById('run-id').textContent !== ${JSON.stringify(firstRunId)}`);
    await page.waitForSelector('#timeline li[data-state="GeneratingCopy"][data-phase="started"]');
    expect(await page.locator(`#timeline li[data-state="${first}"]`).count()).toBe(0); // the first run's timeline was cleared
    expect(await page.isHidden('#editor-panel')).toBe(true); // and its campaign's panel hidden
    await page.click('#cancel');

    expect(await waitForEnd(page)).toBe('Cancelled');
    expectWholeStream(await timeline(page), 'Cancelled');
    expect(await page.isDisabled('#cancel')).toBe(true);
    // Not every generator ran: the cards that did not produce say so.
    await page.waitForSelector('[data-artifact="visualConcept"][data-status="absent"]');

    // Without a visual concept the campaign cannot be approved as it is: the page names what blocks it, an override needs a reason.
    await page.waitForSelector('#editor-panel:not([hidden]) #approve:not([disabled])');
    const cancelled = await campaignOf(page, baseUrl);
    expect(cancelled.campaign).toMatchObject({ name: 'Second run', status: 'cancelled' });
    await page.click('#approve');
    await page.waitForSelector('#approval-blocked:not([hidden])');
    const reasons = await page.locator('#approval-reasons [data-blocked]').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-blocked'), n.textContent]));
    expect(reasons.map(([type]) => type)).toEqual(ARTIFACTS.filter((type) => cancelled.activeArtifacts[type]?.auditVerdict !== 'pass'));
    expect(reasons).toContainEqual(['visualConcept', 'Visual concepts: it has no active version']);
    expect(await page.evaluate('document.activeElement.id')).toBe('override-reason');
    await page.click('#approve-override');
    expect(await page.textContent('[data-field="override.reason"].invalid .field-error')).toBe('Give the reason to approve anyway.');
    await page.fill('#override-reason', 'The brand team supplies the visuals for this one');
    await page.click('#approve-override');
    await page.waitForSelector('#campaign-status[data-status="approved"]');
    expect(await page.isHidden('#approval-blocked')).toBe(true);
    expect(await page.textContent('#approval-info')).toMatch(/^Approved by anonymous at .+, with an override: “The brand team supplies the visuals for this one”\.$/);
    expect((await campaignOf(page, baseUrl)).campaign.approval).toMatchObject({ override: { reason: 'The brand team supplies the visuals for this one' } });
    // Expected noise: the blocked approval's 409.
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('resumes after the WebSocket drops mid-run: re-subscribes after the last seq, no gap, no duplicate', async () => {
    const { page, errors } = await open('/', { initScript: RECORD_WEBSOCKETS });
    // After a reconnect socket.io starts over HTTP long-polling, then upgrades: watch both for run:subscribe.
    const subscribes: Array<{ runId: string; afterSeq: number }> = [];
    const record = (payload: string) => {
      for (const packet of payload.split('\x1e')) {
        const match = /^42\d*(\[.*\])$/s.exec(packet);
        const [name, body] = match ? (JSON.parse(match[1]) as [string, { runId: string; afterSeq: number }]) : [];
        if (name === 'run:subscribe') subscribes.push(body!);
      }
    };
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => record(String(payload))));
    page.on('request', (request) => request.method() === 'POST' && request.url().includes('/socket.io/') && record(request.postData() ?? ''));
    await page.waitForSelector('#transport[data-transport="socket"]');
    await fillBrief(page, { name: 'Reconnecting run' }, 'sequential');
    await page.click('#start');
    await page.waitForSelector('#timeline li[data-state="GeneratingCopy"][data-phase="completed"]');
    await page.evaluate('window.__sockets.forEach((socket) => socket.close())');

    const status = await waitForEnd(page);
    expect(['Completed', 'PartiallyCompleted']).toContain(status);
    expect(subscribes).toHaveLength(1);
    expect(subscribes[0].runId).toBe(await page.textContent('#run-id'));
    expect(subscribes[0].afterSeq).toBeGreaterThanOrEqual(3);
    expectWholeStream(await timeline(page), status);
    await expectResultsRendered(page, ['x', 'instagram', 'linkedin']);
    expect(errors).toEqual([]);
  });

  it('lets an editor regenerate an artifact with feedback, browse its versions, make the previous one active and approve the campaign', async () => {
    // One short-copy version a page, so that the list needs "More versions".
    const context = await browser.newContext();
    contexts.push(context);
    await context.route(/\/artifacts\/shortCopy\/versions\?/, (route) => route.continue({ url: route.request().url().replace(/pageSize=\d+/, 'pageSize=1') }));
    const { page, errors } = await open('/', { context });
    await page.waitForSelector('#transport[data-transport="socket"]');
    expect(await page.isHidden('#editor-panel')).toBe(true);
    await fillBrief(page, { name: 'Editor loop' });
    await page.click('#start');
    expect(['Completed', 'PartiallyCompleted']).toContain(await waitForEnd(page));

    // Once the run has ended: the campaign, its status and each artifact's versions.
    await page.waitForSelector('#editor-panel:not([hidden]) [data-versions-for="shortCopy"] [data-version]');
    const first = await campaignOf(page, baseUrl);
    expect(await page.textContent('#campaign-name')).toBe('Editor loop');
    expect(await page.getAttribute('#campaign-status', 'data-status')).toBe(first.campaign.status);
    for (const type of ['copy', 'visualConcept'] as const) expect((await listedVersions(page, type)).active).toBe(first.activeArtifacts[type]!.versionNumber);
    const previous = first.activeArtifacts.shortCopy!.versionNumber;
    const linkedinPosts = () => page.locator('[data-artifact="shortCopy"] [data-platform="linkedin"] .post p').allTextContents();
    const keptPosts = await linkedinPosts();

    // Regenerate the X posts only, with feedback: its own live timeline, the card rewritten while it runs.
    const regenerating = page.evaluate<boolean>(`new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('[data-artifact="shortCopy"][data-status="regenerating"]')) return;
        observer.disconnect();
        resolve(!document.querySelector('#run-status').hasAttribute('data-terminal'));
      });
      observer.observe(document.body, { subtree: true, attributes: true });
    })`);
    const feedback = 'Shorter posts, with one question to the reader, no more than two hashtags and a friendly sign-off that invites a reply';
    const { status, outcome } = await regenerateFromPage(page, 'shortCopy', feedback, { platforms: ['x'], activate: 'always' });
    expect(await regenerating).toBe(true);
    expect(['Completed', 'PartiallyCompleted']).toContain(status);
    const { states } = await timeline(page);
    expectWholeStream(await timeline(page), status);
    expect(states).toContain('GeneratingShortCopy');
    expect(states.filter((s) => s === 'GeneratingCopy' || s === 'GeneratingVisual')).toEqual([]);

    // The new version heads the list, active, with the feedback; the card shows it, LinkedIn's posts kept.
    const second = await campaignOf(page, baseUrl);
    const made = second.activeArtifacts.shortCopy!.versionNumber;
    expect(made).toBeGreaterThan(previous);
    expect(outcome).toContain(`v${made} is now the active version`);
    expect(await listedVersions(page, 'shortCopy')).toEqual({ numbers: [made], active: made });
    const newest = page.locator(`[data-versions-for="shortCopy"] [data-version="${made}"]`);
    expect(await newest.locator('.feedback').textContent()).toBe(`“${feedback.slice(0, 89).trimEnd()}…”`);
    expect(await newest.locator('.feedback').getAttribute('title')).toBe(feedback);
    expect(await newest.locator('.verdict').first().textContent()).toBe(second.activeArtifacts.shortCopy!.auditVerdict);
    expect(await newest.locator('.active-marker').textContent()).toBe('active');
    expect(await newest.locator('button').count()).toBe(0);
    expect(await page.getAttribute('[data-artifact="shortCopy"]', 'data-version-number')).toBe(String(made));
    expect(await linkedinPosts()).toEqual(keptPosts);
    expect(await page.getAttribute('#campaign-status', 'data-status')).toBe(second.campaign.status);

    // Someone else changes the campaign: "Make active" is stale (412); the page reloads it and says so.
    const renamed = await page.request.patch(`${baseUrl}/api/campaigns/${second.campaign.id}`, { data: { name: 'Editor loop (renamed elsewhere)' }, headers: { 'If-Match': second.etag } });
    expect(renamed.status()).toBe(200);
    await revealVersion(page, 'shortCopy', previous);
    await page.click(`[data-versions-for="shortCopy"] [data-version="${previous}"] button[data-activate]`);
    await waitForNotice(page, /has been reloaded/);
    expect(await page.textContent('#campaign-name')).toBe('Editor loop (renamed elsewhere)');
    expect((await campaignOf(page, baseUrl)).activeArtifacts.shortCopy!.versionNumber).toBe(made);

    // Make the previous version active again, this time with the fresh ETag.
    await revealVersion(page, 'shortCopy', previous);
    await page.click(`[data-versions-for="shortCopy"] [data-version="${previous}"] button[aria-label="Make active: Social posts v${previous}"]`);
    await waitForNotice(page, new RegExp(`^Social posts v${previous} is now the active version\\.$`));
    expect(await page.getAttribute('[data-artifact="shortCopy"]', 'data-version-number')).toBe(String(previous));
    expect(await linkedinPosts()).toEqual(keptPosts);
    const third = await campaignOf(page, baseUrl);
    expect(third.activeArtifacts.shortCopy!.versionNumber).toBe(previous);
    await revealVersion(page, 'shortCopy', previous);
    expect((await listedVersions(page, 'shortCopy')).active).toBe(previous);

    // Approve: at once when every active version passed, else the page names the others and asks for a reason.
    const notPassed = (['copy', 'shortCopy', 'visualConcept'] as const).filter((type) => third.activeArtifacts[type]?.auditVerdict !== 'pass');
    await page.click('#approve');
    if (notPassed.length) {
      await page.waitForSelector('#approval-blocked:not([hidden])');
      expect(await page.locator('#approval-reasons [data-blocked]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-blocked')))).toEqual(notPassed);
      expect(await page.evaluate('document.activeElement.id')).toBe('override-reason');
      await page.click('#approve-override');
      await page.waitForSelector('[data-field="override.reason"].invalid .field-error');
      await page.fill('#override-reason', 'Legal reviewed the conditional posts');
      await page.click('#approve-override');
    }
    await page.waitForSelector('#campaign-status[data-status="approved"]');
    expect(await page.isHidden('#approval-blocked')).toBe(true);
    expect(await page.isDisabled('#approve')).toBe(true);
    expect(await page.textContent('#approval-info')).toMatch(notPassed.length ? /^Approved by anonymous at .+, with an override: “Legal reviewed the conditional posts”\.$/ : /^Approved by anonymous at /);
    const approved = await campaignOf(page, baseUrl);
    expect(approved.campaign).toMatchObject({ status: 'approved', approval: { versionIds: third.campaign.activeVersionIds } });
    await page.screenshot({ path: join(shotDir, 'editor-loop.png'), fullPage: true });
    // Expected noise: the refused stale change (412) and, when blocked, the refused approval (409).
    const expected = notPassed.length ? /status of (409|412)/ : /status of 412/;
    expect(errors.filter((e) => !expected.test(e))).toEqual([]);
  });

  it.each([
    ['requested with ?transport=sse', '/?transport=sse', false],
    ['on its own when the socket cannot connect', '/', true],
  ])('falls back to REST + Server-Sent Events %s', async (_how, path, blockSocket) => {
    const context = await browser.newContext();
    contexts.push(context);
    // Refuse the Socket.IO endpoint (the client bundle still loads), as a proxy that blocks it would.
    if (blockSocket) {
      await context.route(/\/socket\.io\/\?EIO=/, (route) => route.abort('connectionrefused'));
      // The page tries the WebSocket transport first; the proxy refuses that too.
      await context.routeWebSocket(/\/socket\.io\//, (ws) => ws.close({ code: 1008, reason: 'blocked' }));
    }
    const { page, errors } = await open(path, { context });
    let websockets = 0;
    page.on('websocket', () => websockets++);
    await page.waitForSelector('#transport[data-transport="sse"]', { timeout: 5_000 });
    await fillBrief(page, { name: 'SSE run' }, 'parallel', ['threads', 'facebook']);
    const [started] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/runs') && r.request().method() === 'POST'), page.click('#start')]);
    expect(started.status()).toBe(202);

    const status = await waitForEnd(page);
    expect(['Completed', 'PartiallyCompleted']).toContain(status);
    await expectResultsRendered(page, ['threads', 'facebook']);
    expectWholeStream(await timeline(page), status);
    // A regeneration from the editor panel goes over REST + SSE as well.
    if (!blockSocket) {
      const regenerated = await regenerateFromPage(page, 'copy', 'Mention the free trial in every headline');
      expectWholeStream(await timeline(page), regenerated.status);
      expect((await timeline(page)).states).toContain('GeneratingCopy');
      expect(await page.locator('[data-versions-for="copy"] [data-version]').first().locator('.feedback').getAttribute('title')).toBe('Mention the free trial in every headline');
    }
    expect(websockets).toBe(0);
    // The aborted socket.io requests log "Failed to load resource"; nothing else may fail.
    expect(errors.filter((e) => !(blockSocket && /ERR_CONNECTION_REFUSED/.test(e)))).toEqual([]);
  });

  it.each(['/', '/?transport=sse'])('shows the server validation errors next to the form, naming the fields (%s)', async (path) => {
    const { page, errors } = await open(path);
    if (path === '/') await page.waitForSelector('#transport[data-transport="socket"]');
    await fillBrief(page, { objective: '   ', brandPalette: '#12345, red' }, 'parallel', []);
    await page.click('#start');

    await page.waitForSelector('#form-errors:not([hidden])');
    const listed = await page.locator('#form-errors li').allTextContents();
    expect(listed.join('\n')).toMatch(/Objective: /);
    expect(listed.join('\n')).toMatch(/Brand palette: .*#RRGGBB/);
    expect(listed.join('\n')).toMatch(/Platforms: /);
    for (const field of ['objective', 'brandPalette', 'selectedPlatforms']) {
      expect(await page.locator(`[data-field="${field}"].invalid .field-error`).count()).toBeGreaterThan(0);
    }
    expect(await page.textContent('#run-status')).toBe('Idle');
    expect(await page.locator('#timeline li').count()).toBe(0);

    // Fixing the brief clears the errors and starts the run.
    await fillBrief(page);
    await page.click('#start');
    await page.waitForSelector('#timeline li[data-state="Queued"]');
    expect(await page.isHidden('#form-errors')).toBe(true);
    expect(await page.locator('.field-error').count()).toBe(0);
    await waitForEnd(page);
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  describe('with AUTH_TOKENS set', () => {
    const TOKEN = 'e2e-page-token-0123456789';
    const securedDir = mkdtempSync(join(tmpdir(), 'page-e2e-secured-'));
    let secured: NestExpressApplication;
    let securedUrl: string;

    beforeAll(async () => {
      secured = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: securedDir, OFFLINE_LATENCY_MS: '150-300', AUTH_TOKENS: `${TOKEN}:tenant-a` }));
      await secured.listen(0, '127.0.0.1');
      securedUrl = `http://127.0.0.1:${(secured.getHttpServer().address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      // Its pages first, as the outer afterAll does: a page still connected (a long-poll in flight) holds the server's close open.
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
      await secured?.close();
      rmSync(securedDir, { recursive: true, force: true });
    });

    it.each(['/', '/?transport=sse'])('names the missing token, then runs with it and keeps it in sessionStorage only (%s)', async (path) => {
      const { page, errors } = await open(path, { base: securedUrl });
      if (path === '/') {
        await page.waitForSelector('#transport[data-transport="socket"]');
        expect(await page.textContent('#notice')).toMatch(/access token/);
      }
      await fillBrief(page, { name: 'Secured run' });
      await page.click('#start');
      await page.waitForSelector('[data-field="token"].invalid .field-error');
      expect(await page.locator('#form-errors li').allTextContents()).toEqual([expect.stringMatching(/^Access token: /)]);

      await page.fill('#token', TOKEN);
      await page.click('#start');
      const status = await waitForEnd(page);
      expect(['Completed', 'PartiallyCompleted']).toContain(status);
      await expectResultsRendered(page, ['x', 'instagram', 'linkedin']);
      // The campaign panel reads the campaign and its versions with the token too.
      await page.waitForSelector('#editor-panel:not([hidden]) [data-versions-for="copy"] [data-version]');
      expect(await page.evaluate('sessionStorage.getItem("token")')).toBe(TOKEN);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      // Expected noise: the refused REST call (401) and, after the refused socket handshake, socket.io's
      // last long-poll of the closed session (400 "Session ID unknown").
      expect(errors.filter((e) => !/status of 40[01]/.test(e))).toEqual([]);
    });
  });
});
