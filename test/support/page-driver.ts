import type { ArtifactType, CampaignBrief, CampaignDetail } from '@app/contracts';
import type { Page } from 'playwright-core';
import { STORE_BRIEF } from './run-fixtures';

/**
 * Drives the live page (public/) in a Playwright page: fills the brief, waits for a run's end,
 * reads the timeline, and the editor panel's regeneration and version list.
 */

export const TERMINAL_TIMEOUT_MS = 15_000;
export const ARTIFACTS = ['copy', 'shortCopy', 'visualConcept'] as const;
const TERMINAL = ['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled'];

/** The brief form's fields, by input id. */
export interface Brief {
  name: string;
  objective: string;
  targetAudience: string;
  productDetails: string;
  toneGuidelines: string;
  brandPalette: string;
  requiredKeywords: string;
  restrictedKeywords: string;
}

/** How the page's form holds a brief: lists as comma-separated text. */
export function briefForm(name: string, brief: CampaignBrief): Brief {
  return {
    name,
    objective: brief.objective,
    targetAudience: brief.targetAudience,
    productDetails: brief.productDetails,
    toneGuidelines: (brief.toneGuidelines ?? []).join(', '),
    brandPalette: (brief.brandPalette ?? []).join(', '),
    requiredKeywords: (brief.constraints?.requiredKeywords ?? []).join(', '),
    restrictedKeywords: (brief.constraints?.restrictedKeywords ?? []).join(', '),
  };
}

/** The store tier's sample brief (the oat cold brew launch), as the page's form holds it. */
export const BRIEF: Brief = briefForm('Oat cold brew launch', STORE_BRIEF);

export async function fillBrief(page: Page, brief: Partial<Brief> = {}, mode: 'parallel' | 'sequential' = 'parallel', platforms = ['x', 'instagram', 'linkedin']) {
  for (const [field, value] of Object.entries({ ...BRIEF, ...brief })) await page.fill(`#${field}`, value);
  await page.check(`input[name="executionMode"][value="${mode}"]`);
  for (const platform of ['x', 'threads', 'instagram', 'linkedin', 'facebook']) {
    await page.setChecked(`input[name="platform"][value="${platform}"]`, platforms.includes(platform));
  }
}

/** Waits for the run's terminal status and returns it. */
export async function waitForEnd(page: Page): Promise<string> {
  await page.waitForSelector('#run-status[data-terminal]', { timeout: TERMINAL_TIMEOUT_MS });
  return (await page.textContent('#run-status'))!.trim();
}

/** The timeline's seq numbers and states, in page order. */
export async function timeline(page: Page): Promise<{ seqs: number[]; states: string[] }> {
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
export function expectWholeStream({ seqs, states }: { seqs: number[]; states: string[] }, terminal: string) {
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(states[0]).toBe('Queued');
  expect(states.at(-1)).toBe(terminal);
  expect(states.filter((s) => TERMINAL.includes(s))).toHaveLength(1);
}

/** The three artifact cards rendered, and the audit verdicts and final reports shown. */
export async function expectResultsRendered(page: Page, platforms: string[]) {
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

/** The campaign of the run the page shows, as the API has it (with its ETag). */
export async function campaignOf(page: Page, baseUrl: string): Promise<CampaignDetail & { etag: string }> {
  const run = await (await page.request.get(`${baseUrl}/api/runs/${await page.textContent('#run-id')}`)).json();
  const answer = await page.request.get(`${baseUrl}/api/campaigns/${run.campaignId}`);
  return { ...(await answer.json()), etag: answer.headers().etag };
}

/** Options of the page's "Regenerate with feedback" form. */
export interface RegenerationChoice {
  /** Short copy: the platforms to rewrite (the other checkboxes are unchecked). */
  platforms?: string[];
  activate?: 'unlessFailed' | 'always' | 'never';
}

/**
 * Regenerates `type` from the editor panel and waits for the run's end and for the panel to say
 * what it made; returns the run's terminal status and that message.
 */
export async function regenerateFromPage(page: Page, type: ArtifactType, instructions: string, choice: RegenerationChoice = {}): Promise<{ status: string; outcome: string }> {
  const previousRun = await page.textContent('#run-id');
  await page.fill(`#instructions-${type}`, instructions);
  if (choice.platforms) {
    for (const box of await page.locator('[data-platforms-for="shortCopy"] input').all()) await box.setChecked(choice.platforms.includes((await box.getAttribute('value'))!));
  }
  if (choice.activate) await page.selectOption(`#activate-${type}`, choice.activate);
  await page.click(`form[data-regenerate="${type}"] button[type="submit"]`);
  await page.locator('#run-id', { hasNotText: previousRun! }).waitFor();
  const status = await waitForEnd(page);
  await waitForNotice(page, /^The regeneration of /);
  return { status, outcome: (await page.textContent('#editor-notice'))! };
}

/** The version numbers listed for `type`, in page order, and which one is marked active. */
export async function listedVersions(page: Page, type: ArtifactType): Promise<{ numbers: number[]; active?: number }> {
  const rows = page.locator(`[data-versions-for="${type}"] [data-version]`);
  const numbers = (await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-version')))).map(Number);
  const activeRow = page.locator(`[data-versions-for="${type}"] [data-active="true"]`);
  return { numbers, active: (await activeRow.count()) ? Number(await activeRow.getAttribute('data-version')) : undefined };
}

/** Follows "More versions" of `type` until version `n` is listed. */
export async function revealVersion(page: Page, type: ArtifactType, n: number): Promise<void> {
  const row = page.locator(`[data-versions-for="${type}"] [data-version="${n}"]`);
  while (!(await row.count())) {
    await page.click(`[data-more-for="${type}"]:not([hidden]):not([disabled])`);
    await page.waitForSelector(`[data-more-for="${type}"]:not([disabled])`, { state: 'attached' });
  }
}

/**
 * Waits for the editor panel's status message to match. (A locator, not a string waitForFunction:
 * the page's CSP forbids the eval that polling a string predicate needs.)
 */
export async function waitForNotice(page: Page, text: RegExp): Promise<void> {
  await page.locator('#editor-notice', { hasText: text }).waitFor();
}
