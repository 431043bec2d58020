// Editors in the loop, on the live page: once a run has ended, the campaign's status and approval,
// each artifact's versions (make one active), a regeneration with feedback per artifact, and the
// approval (with an override and its reason when blocked). Every change sends the campaign's ETag
// as If-Match; when it is stale (412) the campaign is reloaded and the editor told so.
import { callApi, campaignPath } from './api.js';
import { clearFieldErrors, fieldError } from './forms.js';
import { artifactPlaceholder, auditReport, el, renderArtifact, titleOf, verdictItem, versionItem } from './render.js';

const TYPES = ['copy', 'shortCopy', 'visualConcept'];
const PLATFORMS = { x: 'X', threads: 'Threads', instagram: 'Instagram', linkedin: 'LinkedIn', facebook: 'Facebook' };
const PAGE_SIZE = 20;
const STALE = 'The campaign had changed since the page loaded it (another editor or a run changed it); it has been reloaded: check it and try again.';
const $ = (id) => document.getElementById(id);
const versionsList = (type) => document.querySelector(`[data-versions-for="${type}"]`);
const moreButton = (type) => document.querySelector(`[data-more-for="${type}"]`);

// `loads` numbers the loads: an answer for an older one (another campaign meanwhile) is dropped.
const editor = { campaignId: null, detail: null, etag: null, runActive: false, pending: false, loads: 0, pages: {}, startRegeneration: null };

/**
 * Wires the panel. `startRegeneration(campaignId, artifactType, input)` starts the run over the
 * page's transport (its timeline is the page's) and resolves to its error, or undefined.
 */
export function initEditor({ startRegeneration }) {
  editor.startRegeneration = startRegeneration;
  $('approve').addEventListener('click', () => approve());
  $('override-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    approveWithOverride();
  });
  $('override-dismiss').addEventListener('click', hideBlocked);
  document.querySelectorAll('form[data-regenerate]').forEach((form) =>
    form.addEventListener('submit', (submit) => {
      submit.preventDefault();
      regenerate(form);
    }),
  );
  document.querySelector('.editors').addEventListener('click', (click) => {
    const button = click.target.closest('button');
    const type = button?.closest('[data-editor]')?.dataset.editor;
    if (button?.dataset.activate) activate(type, Number(button.dataset.activate));
    else if (button?.dataset.moreFor) more(button.dataset.moreFor);
  });
}

/**
 * Shows the campaign `campaignId` (a run of it has ended). With `cards`, its active versions and
 * their audits replace what the artifact cards and the audit panel show; with `regeneration`
 * (`{ runId, artifactType, status }`), says what that regeneration made.
 */
export async function showCampaign(campaignId, { cards = false, regeneration } = {}) {
  editor.campaignId = campaignId;
  hideBlocked();
  const loaded = await reload({ cards });
  if (loaded && regeneration) say(regenerationOutcome(regeneration));
}

/** Hides the panel: a run of another campaign has started. */
export function hideEditor() {
  Object.assign(editor, { campaignId: null, detail: null, etag: null, pages: {}, loads: editor.loads + 1 });
  hideBlocked();
  say('');
  $('editor-panel').hidden = true;
}

/** A run of the shown campaign started (`true`) or ended: its changes would be refused meanwhile. */
export function setRunActive(active) {
  editor.runActive = active;
  if (active && editor.detail) showStatus({ ...editor.detail.campaign, status: 'generating' });
  syncButtons();
}

// ---- Loading ----
async function reload({ cards = false } = {}) {
  const ticket = ++editor.loads;
  const id = editor.campaignId;
  const [detail, ...pages] = await Promise.all([callApi(campaignPath(id)), ...TYPES.map((type) => callApi(versionsPath(type)))]);
  if (ticket !== editor.loads) return false;
  if (!detail.ok) {
    say(`Could not load the campaign: ${detail.error.message}`);
    return false;
  }
  editor.detail = detail.body;
  editor.etag = detail.etag ?? detail.body.campaign.etag;
  $('editor-panel').hidden = false;
  $('campaign-name').textContent = detail.body.campaign.name;
  showStatus(detail.body.campaign);
  TYPES.forEach((type, i) => {
    editor.pages[type] = { items: [], token: undefined };
    if (pages[i].ok) addVersions(type, pages[i].body, true);
    else versionsList(type).replaceChildren(el('li', { class: 'muted' }, `Could not load the versions: ${pages[i].error.message}`));
  });
  fillPlatforms(detail.body.activeArtifacts.shortCopy);
  if (cards) renderActive(detail.body);
  syncButtons();
  return true;
}

function versionsPath(type, continuationToken) {
  const query = new URLSearchParams({ pageSize: String(PAGE_SIZE), ...(continuationToken ? { continuationToken } : {}) });
  return `${campaignPath(editor.campaignId, 'artifacts', type, 'versions')}?${query}`;
}

async function more(type) {
  const button = moreButton(type);
  button.disabled = true;
  const ticket = editor.loads;
  const page = await callApi(versionsPath(type, editor.pages[type].token));
  button.disabled = false;
  if (ticket !== editor.loads) return; // reloaded meanwhile: the list starts again from its first page
  if (page.ok) addVersions(type, page.body, false);
  else say(`Could not load more versions: ${page.error.message}`);
}

function addVersions(type, page, first) {
  const state = editor.pages[type];
  state.items.push(...page.items);
  state.token = page.continuationToken;
  const rows = page.items.map((version) => versionItem(type, version));
  if (first) versionsList(type).replaceChildren(...(rows.length ? rows : [el('li', { class: 'muted' }, 'No version yet.')]));
  else versionsList(type).append(...rows);
  moreButton(type).hidden = !state.token;
  syncButtons();
}

/** The artifact cards, verdicts and audit reports from the campaign's active versions. */
function renderActive(detail) {
  document.querySelectorAll('[data-artifact]').forEach((card) => {
    const version = detail.activeArtifacts[card.dataset.artifact];
    if (version) renderArtifact(card, version);
    else artifactPlaceholder(card, 'absent', 'No active version.');
  });
  const audits = TYPES.map((type) => detail.latestAudit[type]).filter(Boolean);
  $('verdicts').replaceChildren(...audits.map((report) => verdictItem(report.artifactType, { verdict: report.verdict, score: report.weightedScore }, report.attempt)));
  $('audit-reports').replaceChildren(el('h3', {}, 'Audit reports of the active versions'), ...audits.map(auditReport));
}

function showStatus(campaign) {
  const status = $('campaign-status');
  status.textContent = campaign.status;
  status.dataset.status = campaign.status;
  const approval = campaign.status === 'approved' ? campaign.approval : undefined;
  $('approval-info').hidden = !approval;
  $('approval-info').textContent = approval
    ? `Approved by ${approval.by} at ${new Date(approval.at).toLocaleString()}${approval.override ? `, with an override: “${approval.override.reason}”` : ''}.`
    : '';
}

/**
 * The active short copy's platforms as checkboxes (all checked; kept as they are while the
 * platforms stay the same). Without one, the server writes the platforms of the campaign's last run.
 */
function fillPlatforms(shortCopy) {
  const box = document.querySelector('[data-platforms-for="shortCopy"]');
  const platforms = shortCopy ? shortCopy.content.platforms.map((entry) => entry.platform) : [];
  if (box.dataset.platforms === platforms.join(',')) return;
  box.dataset.platforms = platforms.join(',');
  if (!platforms.length) return box.replaceChildren(el('p', { class: 'muted' }, 'No social posts yet: the new version is written for the platforms of the last run.'));
  box.replaceChildren(...platforms.map((p) => el('label', {}, el('input', { type: 'checkbox', name: 'platforms', value: p, checked: '' }), ` ${PLATFORMS[p] ?? p}`)));
}

function syncButtons() {
  const blocked = editor.runActive || editor.pending || !editor.detail;
  document.querySelectorAll('[data-activate], form[data-regenerate] button[type="submit"], #approve-override').forEach((button) => {
    button.disabled = blocked;
  });
  $('approve').disabled = blocked || editor.detail.campaign.status === 'approved';
}

function say(text) {
  $('editor-notice').textContent = text;
}

// ---- Changes: If-Match, and a reload when it was stale ----
async function change(path, options) {
  editor.pending = true;
  syncButtons();
  const answer = await callApi(path, { ...options, ifMatch: editor.etag });
  editor.pending = false;
  if (answer.ok) editor.etag = answer.etag ?? answer.body.etag;
  else if (answer.status === 412) {
    await reload({ cards: true });
    say(STALE);
  } else if (answer.error.code === 'RUN_ACTIVE') say('A run of this campaign is in progress; try again once it has ended.');
  syncButtons();
  return answer;
}

async function activate(type, versionNumber) {
  say('');
  const answer = await change(campaignPath(editor.campaignId, 'artifacts', type, 'active'), { method: 'PUT', json: { versionNumber } });
  if (answer.ok) {
    hideBlocked();
    await reload({ cards: true });
    say(`${titleOf(type)} v${versionNumber} is now the active version.`);
    const row = versionsList(type).querySelector('[data-active="true"]');
    if (row) {
      row.tabIndex = -1;
      row.focus(); // the button that had the focus is gone
    }
  } else if (answer.status !== 412 && answer.error.code !== 'RUN_ACTIVE') say(`Could not make v${versionNumber} active: ${answer.error.message}`);
}

// ---- Approval ----
async function approve(override) {
  say('');
  const answer = await change(campaignPath(editor.campaignId, 'approve'), { method: 'POST', json: override ? { override } : {} });
  if (answer.ok) {
    hideBlocked();
    await reload();
    say(override ? 'The campaign is approved, with an override.' : 'The campaign is approved.');
    $('editor-title').tabIndex = -1;
    $('editor-title').focus(); // the button that had the focus is disabled or hidden now
  } else if (answer.status === 412) hideBlocked();
  else if (answer.error.code === 'APPROVAL_BLOCKED') showBlocked(answer.error.details ?? []);
  else if (override && answer.error.code === 'VALIDATION_FAILED') fieldError(reasonField(), answer.error.details?.[0]?.message ?? answer.error.message);
  else if (answer.error.code !== 'RUN_ACTIVE') say(`Could not approve: ${answer.error.message}`);
}

const reasonField = () => document.querySelector('[data-field="override.reason"]');

function approveWithOverride() {
  clearFieldErrors($('override-form'));
  const reason = $('override-reason').value.trim();
  if (!reason) return fieldError(reasonField(), 'Give the reason to approve anyway.');
  return approve({ reason });
}

function showBlocked(reasons) {
  // Shown first, then filled: the reasons are inserted into a live alert, so they are read out.
  $('approval-blocked').hidden = false;
  $('approval-reasons').replaceChildren(...reasons.map(({ field, message }) => el('li', { 'data-blocked': field }, el('strong', {}, titleOf(field)), `: ${message}`)));
  $('override-reason').focus();
}

function hideBlocked() {
  $('approval-blocked').hidden = true;
  clearFieldErrors($('override-form'));
}

// ---- Regeneration ----
async function regenerate(form) {
  const type = form.dataset.regenerate;
  clearFieldErrors(form);
  const input = { instructions: form.elements.instructions.value.trim(), activate: form.elements.activate.value };
  const problems = [];
  if (!input.instructions) problems.push({ field: 'instructions', message: 'Say what the new version should change.' });
  const boxes = [...form.querySelectorAll('input[name="platforms"]')];
  if (boxes.length) {
    input.platforms = boxes.filter((box) => box.checked).map((box) => box.value);
    if (!input.platforms.length) problems.push({ field: 'platforms', message: 'Choose at least one platform to rewrite.' });
  }
  if (problems.length) return showFormErrors(form, { code: 'VALIDATION_FAILED', details: problems });
  editor.pending = true;
  syncButtons();
  const error = await editor.startRegeneration(editor.campaignId, type, input);
  editor.pending = false;
  syncButtons();
  if (error) return showFormErrors(form, error);
  form.elements.instructions.value = '';
  say(`Regenerating ${titleOf(type)}: follow it in the timeline.`);
}

function regenerationOutcome({ runId, artifactType, status }) {
  const made = editor.pages[artifactType]?.items.find((version) => version.runId === runId);
  if (!made) return `The regeneration of ${titleOf(artifactType)} ended (${status}) without a new version.`;
  const what = made.active ? 'is now the active version' : `was kept inactive (verdict ${made.auditVerdict})`;
  return `The regeneration of ${titleOf(artifactType)} ended (${status}): v${made.versionNumber} ${what}.`;
}

// ---- Field errors of the panel's forms ----
function showFormErrors(form, error) {
  const box = form.querySelector('.form-errors');
  const details = error.details ?? [];
  for (const { field, message } of details) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(String(field))}"]`);
    if (wrapper) fieldError(wrapper, message);
  }
  const unplaced = details.filter(({ field }) => !form.querySelector(`[data-field="${CSS.escape(String(field))}"]`));
  if (!details.length || unplaced.length) {
    box.replaceChildren(el('p', {}, `${error.code}: ${unplaced.length ? unplaced.map((d) => `${d.field}: ${d.message}`).join('; ') : error.message}`));
    box.hidden = false;
  }
}
