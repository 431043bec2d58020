import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';

/**
 * The live progress page (public/) in real headless Chromium against the real app (offline model,
 * SQLite in a temp dir): a run over Socket.IO to its end, cancel, resume after a dropped socket,
 * the REST + SSE fallback, and validation errors shown by the form.
 */

const TERMINAL_TIMEOUT_MS = 15_000;
const ARTIFACTS = ['copy', 'shortCopy', 'visualConcept'] as const;

/** Records the page's WebSocket objects so a test can drop the connection from the page side. */
const RECORD_WEBSOCKETS = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();`;

interface Brief {
  name: string;
  objective: string;
  targetAudience: string;
  productDetails: string;
  toneGuidelines: string;
  brandPalette: string;
  requiredKeywords: string;
  restrictedKeywords: string;
}

const BRIEF: Brief = {
  name: 'Oat cold brew launch',
  objective: 'Get commuters to try the new oat-milk cold brew in its launch month',
  targetAudience: 'Office workers aged 25-40 who buy coffee on the way to work',
  productDetails: 'Cold brew steeped for 18 hours, blended with oat milk, sold in 330 ml recyclable cans.',
  toneGuidelines: 'upbeat, concise',
  brandPalette: '#3E2723, #FFF8E1',
  requiredKeywords: 'oat',
  restrictedKeywords: 'cheap',
};

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

  async function fillBrief(page: Page, brief: Partial<Brief> = {}, mode: 'parallel' | 'sequential' = 'parallel', platforms = ['x', 'instagram', 'linkedin']) {
    for (const [field, value] of Object.entries({ ...BRIEF, ...brief })) await page.fill(`#${field}`, value);
    await page.check(`input[name="executionMode"][value="${mode}"]`);
    for (const platform of ['x', 'threads', 'instagram', 'linkedin', 'facebook']) {
      await page.setChecked(`input[name="platform"][value="${platform}"]`, platforms.includes(platform));
    }
  }

  async function waitForEnd(page: Page): Promise<string> {
    await page.waitForSelector('#run-status[data-terminal]', { timeout: TERMINAL_TIMEOUT_MS });
    return (await page.textContent('#run-status'))!.trim();
  }

  /** The timeline's seq numbers and states, in page order. */
  async function timeline(page: Page): Promise<{ seqs: number[]; states: string[] }> {
    const items = page.locator('#timeline li');
    const seqs: number[] = [];
    const states: string[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      seqs.push(Number(await items.nth(i).getAttribute('data-seq')));
      states.push((await items.nth(i).getAttribute('data-state'))!);
    }
    return { seqs, states };
  }

  /** One of each seq from 1, Queued first, exactly one terminal state, last. */
  function expectWholeStream({ seqs, states }: { seqs: number[]; states: string[] }, terminal: string) {
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(states[0]).toBe('Queued');
    expect(states.at(-1)).toBe(terminal);
    expect(states.filter((s) => ['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled'].includes(s))).toHaveLength(1);
  }

  /** The three artifact cards rendered, and the audit verdicts and final reports shown. */
  async function expectResultsRendered(page: Page, platforms: string[]) {
    for (const type of ARTIFACTS) await page.waitForSelector(`[data-artifact="${type}"][data-status="ready"]`, { timeout: 5_000 });
    expect(await page.locator('[data-artifact="copy"] .headlines li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-artifact="copy"] .chips li').count()).toBeGreaterThanOrEqual(3);
    const shown = await page.locator('[data-artifact="shortCopy"] [data-platform]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-platform')));
    expect(shown).toEqual(platforms);
    expect(await page.locator('[data-artifact="shortCopy"] .post .count').first().textContent()).toMatch(/^\d+ chars$/);
    expect(await page.locator('[data-artifact="visualConcept"] .concept').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-artifact="visualConcept"] .swatch').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-artifact="visualConcept"] .alt').first().textContent()).toMatch(/^Alt text: .+/);
    expect(await page.locator('#verdicts li').count()).toBe(3);
    for (const type of ARTIFACTS) {
      expect(await page.locator(`#verdicts [data-verdict-for="${type}"] .verdict`).textContent()).toMatch(/^(pass|conditional|fail)$/);
    }
    await page.waitForSelector('#audit-reports [data-report]');
    const reported = await page.locator('#audit-reports [data-report]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-report')));
    expect(new Set(reported)).toEqual(new Set(ARTIFACTS));
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

  it('starts another run from the same page and cancels it while it is generating', async () => {
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
    await page.click('#cancel');

    expect(await waitForEnd(page)).toBe('Cancelled');
    expectWholeStream(await timeline(page), 'Cancelled');
    expect(await page.isDisabled('#cancel')).toBe(true);
    // Not every generator ran: the cards that did not produce say so.
    await page.waitForSelector('[data-artifact="visualConcept"][data-status="absent"]');
    expect(errors).toEqual([]);
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
      expect(await page.evaluate('sessionStorage.getItem("token")')).toBe(TOKEN);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      // Expected noise: the refused REST call (401) and, after the refused socket handshake, socket.io's
      // last long-poll of the closed session (400 "Session ID unknown").
      expect(errors.filter((e) => !/status of 40[01]/.test(e))).toEqual([]);
    });
  });
});
