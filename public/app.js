// Live progress page: starts a run from the brief form and follows its events over Socket.IO, or
// over REST + Server-Sent Events when WebSockets are unavailable (or the URL says ?transport=sse).
// Once a run has ended, editor.js shows its campaign; a regeneration it asks for runs and shows here.
import { authHeaders, campaignPath, problemOf, token } from './api.js';
import { hideEditor, initEditor, setRunActive, showCampaign } from './editor.js';
import { readFrames } from './event-stream.js';
import { clearFieldErrors, fieldError } from './forms.js';
import { artifactPlaceholder, auditReport, el, renderArtifact, swatches, timelineItem, verdictItem } from './render.js';

const $ = (id) => document.getElementById(id);
const TERMINAL = ['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled'];
const GENERATORS = { GeneratingCopy: 'copy', GeneratingShortCopy: 'shortCopy', GeneratingVisual: 'visualConcept' };
const CONNECT_TIMEOUT_MS = 3000;
const LABELS = {
  name: 'Campaign name', objective: 'Objective', targetAudience: 'Target audience', productDetails: 'Product details',
  toneGuidelines: 'Tone guidelines', brandPalette: 'Brand palette', requiredKeywords: 'Required keywords',
  restrictedKeywords: 'Restricted keywords', executionMode: 'Execution mode', selectedPlatforms: 'Platforms', token: 'Access token',
};

// `regeneration`: the artifact type when the run followed is a regeneration, else null.
const state = { transport: 'connecting', socket: null, authRejected: false, runId: null, regeneration: null, lastSeq: 0, startMs: 0, active: false, stream: null };

// ---- Access token: sessionStorage only, so it dies with the tab. ----
$('token').value = sessionStorage.getItem('token') ?? '';
$('token').addEventListener('change', () => {
  if (token()) sessionStorage.setItem('token', token());
  else sessionStorage.removeItem('token');
  // The handshake carries the token, so a new token needs a new connection.
  if (state.socket) {
    state.socket.auth = { token: token() };
    state.socket.disconnect().connect();
  }
});

// ---- Transport selection ----
function setTransport(name) {
  state.transport = name;
  $('transport').textContent = name;
  $('transport').dataset.transport = name;
}

function fallBackToSse(reason) {
  state.socket?.close();
  state.socket = null;
  setTransport('sse');
  notice(`Live updates over Server-Sent Events (${reason}).`);
}

function connectSocket() {
  // WebSocket first: behind a load balancer without sticky sessions, HTTP long-polling would reach other nodes.
  const socket = io({ auth: { token: token() }, transports: ['websocket', 'polling'], reconnectionDelayMax: 3000 });
  state.socket = socket;
  let everConnected = false;
  const timer = setTimeout(() => !everConnected && !state.authRejected && fallBackToSse('no socket connection within 3 s'), CONNECT_TIMEOUT_MS);
  socket.on('connect', () => {
    const reconnected = everConnected;
    everConnected = true;
    state.authRejected = false;
    clearTimeout(timer);
    setTransport('socket');
    notice('');
    // A new connection has no subscriptions: resume the run after the last event we have.
    if (reconnected && state.active) resubscribe();
  });
  socket.on('connect_error', (error) => {
    // The server reached us and refused the token: that is not a blocked transport.
    if (error.data?.code === 'UNAUTHORIZED') {
      state.authRejected = true;
      setTransport('socket');
      notice('This server needs a valid access token.');
    } else if (!everConnected && state.socket === socket) {
      clearTimeout(timer);
      fallBackToSse('the socket could not connect');
    }
  });
  socket.on('disconnect', (reason) => state.active && reason !== 'io client disconnect' && notice('Connection lost; reconnecting…'));
  socket.on('run:event', onEvent);
}

/** Resolves true once the socket is connected (reconnecting with the current token if needed). */
function whenConnected() {
  const socket = state.socket;
  if (!socket || socket.connected) return Promise.resolve(Boolean(socket));
  socket.auth = { token: token() };
  if (!socket.active) socket.connect();
  return new Promise((resolve) => {
    const done = (ok) => {
      clearTimeout(timer);
      socket.off('connect', onConnect).off('connect_error', onError);
      resolve(ok);
    };
    const onConnect = () => done(true);
    const onError = (error) => error.data?.code === 'UNAUTHORIZED' && done(false);
    const timer = setTimeout(() => done(false), CONNECT_TIMEOUT_MS);
    socket.on('connect', onConnect).on('connect_error', onError);
  });
}

function resubscribe() {
  const runId = state.runId;
  state.socket.timeout(10_000).emit('run:subscribe', { runId, afterSeq: state.lastSeq }, (err, ack) => {
    if (err || !ack.ok) notice(`Could not resume the run: ${err ? 'no answer' : ack.error.message}`);
  });
}

// ---- Starting and cancelling ----
function readForm() {
  const list = (id) => $(id).value.split(',').map((s) => s.trim()).filter(Boolean);
  const brief = { objective: $('objective').value, targetAudience: $('targetAudience').value, productDetails: $('productDetails').value };
  if (list('toneGuidelines').length) brief.toneGuidelines = list('toneGuidelines');
  if (list('brandPalette').length) brief.brandPalette = list('brandPalette');
  const constraints = {};
  if (list('requiredKeywords').length) constraints.requiredKeywords = list('requiredKeywords');
  if (list('restrictedKeywords').length) constraints.restrictedKeywords = list('restrictedKeywords');
  if (Object.keys(constraints).length) brief.constraints = constraints;
  return {
    campaign: { name: $('name').value, brief },
    executionMode: document.querySelector('input[name="executionMode"]:checked')?.value ?? 'parallel',
    selectedPlatforms: [...document.querySelectorAll('input[name="platform"]:checked')].map((box) => box.value),
  };
}

$('brief-form').addEventListener('submit', async (submit) => {
  submit.preventDefault();
  if (state.active) return;
  clearErrors();
  $('start').disabled = true;
  const request = readForm();
  const error = await startRun({ message: 'run:start', payload: request, path: '/api/runs', body: request });
  if (error) showErrors(error);
  $('start').disabled = state.active;
});

/** Regenerates one artifact of the campaign (editor.js asks): a run like any other, followed on this page. */
function startRegeneration(campaignId, artifactType, input) {
  return startRun({
    message: 'run:regenerate',
    payload: { campaignId, artifactType, ...input },
    path: `/api${campaignPath(campaignId, 'artifacts', artifactType, 'regenerate')}`,
    body: input,
    regeneration: artifactType,
  });
}

/**
 * Starts a run over the transport in use: the socket `message` with `payload` (the socket then
 * follows the run), or POST `path` with `body` and the event stream. Resolves to the error, if any.
 */
async function startRun({ message, payload, path, body, regeneration = null }) {
  if (state.active) return { code: 'RUN_ACTIVE', message: 'A run is in progress on this page; wait for its end or cancel it' };
  try {
    if (state.transport !== 'sse' && !(await whenConnected())) {
      if (state.authRejected) return { code: 'UNAUTHORIZED', message: 'A valid access token is required' };
      fallBackToSse('the socket is unavailable');
    }
    return state.transport === 'sse' ? await startOverRest(path, body, regeneration) : await startOverSocket(message, payload, regeneration);
  } catch (error) {
    return { code: 'NETWORK_ERROR', message: `The server could not be reached (${error.message})` };
  }
}

function startOverSocket(message, payload, regeneration) {
  return new Promise((resolve) => {
    // beginRun runs inside the ack callback: events that follow the ack in the same packet batch must find the run.
    state.socket.timeout(10_000).emit(message, payload, (err, ack) => {
      if (err) return resolve({ code: 'TIMEOUT', message: 'The server did not answer' });
      if (!ack.ok) return resolve(ack.error);
      beginRun(ack.runId, regeneration);
      resolve(undefined);
    });
  });
}

async function startOverRest(path, body, regeneration) {
  const response = await fetch(path, {
    method: 'POST',
    headers: authHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) return problemOf(response);
  const { runId } = await response.json();
  beginRun(runId, regeneration);
  followStream(runId);
  return undefined;
}

$('cancel').addEventListener('click', async () => {
  $('cancel').disabled = true;
  const runId = state.runId;
  const failed = (message) => {
    notice(`Cancel failed: ${message}`);
    $('cancel').disabled = !state.active;
  };
  if (state.transport === 'socket' && state.socket?.connected) {
    state.socket.timeout(10_000).emit('run:cancel', { runId }, (err, ack) => (err ? failed('no answer') : !ack.ok && failed(ack.error.message)));
    return;
  }
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST', headers: authHeaders() }).catch(() => null);
  if (!response?.ok) failed(response ? (await problemOf(response)).message : 'network error');
});

// ---- Following a run ----
/** A regeneration keeps what the page shows of its campaign; a run of a new campaign starts afresh. */
function beginRun(runId, regeneration = null) {
  Object.assign(state, { runId, regeneration, lastSeq: 0, startMs: 0, active: true });
  $('run-id').textContent = runId;
  $('timeline').replaceChildren();
  if (!regeneration) {
    hideEditor();
    $('verdicts').replaceChildren();
    $('audit-reports').replaceChildren();
    document.querySelectorAll('[data-artifact]').forEach((card) => {
      delete card.dataset.version;
      artifactPlaceholder(card, 'waiting', 'Waiting…');
    });
  }
  setRunActive(true);
  setStatus('Queued', false);
  $('start').disabled = true;
  $('cancel').disabled = false;
}

function setStatus(text, terminal) {
  const status = $('run-status');
  status.textContent = text;
  status.dataset.status = text;
  status.toggleAttribute('data-terminal', terminal);
}

function onEvent(event) {
  // Another run's event, or one we already have (replayed after a reconnect): ignore it.
  if (event.runId !== state.runId || event.seq <= state.lastSeq) return;
  state.lastSeq = event.seq;
  if (!state.startMs) state.startMs = Date.parse(event.timestamp);
  const timeline = $('timeline');
  timeline.append(timelineItem(event, state.startMs));
  timeline.scrollTop = timeline.scrollHeight;
  const type = GENERATORS[event.state];
  if (type) onGeneratorEvent(type, event);
  if (event.state === 'Auditing' && event.phase === 'completed') showVerdicts(event);
  if (TERMINAL.includes(event.state)) finish(event);
  else setStatus(event.state, false);
}

function onGeneratorEvent(type, event) {
  const card = document.querySelector(`[data-artifact="${type}"]`);
  const hasContent = card.dataset.status === 'ready' || card.dataset.status === 'regenerating';
  if (event.phase === 'started') {
    if (hasContent) card.dataset.status = 'regenerating';
    else artifactPlaceholder(card, 'generating', `Generating (attempt ${event.attempt})…`);
  } else if (event.phase === 'failed') {
    if (hasContent) card.dataset.status = 'failed';
    else artifactPlaceholder(card, 'failed', `Failed: ${event.message}`);
  } else if (event.phase === 'completed') {
    // The completed event carries the artifact: show it at once; its verdict follows with the audit.
    const content = event.metadata?.content;
    if (content) renderArtifact(card, { type, attempt: event.attempt, content, auditVerdict: 'unaudited' });
    else if (!hasContent) artifactPlaceholder(card, 'generated', `Generated (attempt ${event.attempt})`);
  }
}

function showVerdicts(event) {
  for (const [type, result] of Object.entries(event.metadata?.verdicts ?? {})) {
    document.querySelector(`[data-verdict-for="${CSS.escape(type)}"]`)?.remove();
    $('verdicts').append(verdictItem(type, result, event.attempt));
  }
}

async function finish(event) {
  state.active = false;
  state.stream?.abort();
  setStatus(event.state, true);
  setRunActive(false);
  $('cancel').disabled = true;
  $('start').disabled = false;
  notice('');
  // A regeneration made one artifact's next version: the campaign says which versions are active now.
  if (state.regeneration) {
    return showCampaign(event.campaignId, { cards: true, regeneration: { runId: event.runId, artifactType: state.regeneration, status: event.state } });
  }
  const run = await loadRun(event.runId);
  if (event.runId !== state.runId) return; // a newer run has started meanwhile
  if (!run) return notice(`Could not load the results from /api/runs/${event.runId}.`);
  document.querySelectorAll('[data-artifact]').forEach((card) => {
    const version = run.artifacts[card.dataset.artifact];
    if (version) renderArtifact(card, version);
    else if (card.dataset.status !== 'failed') artifactPlaceholder(card, 'absent', 'Not produced by this run.');
  });
  $('audit-reports').replaceChildren(el('h3', {}, 'Final audit reports'), ...run.auditReports.map(auditReport));
  await showCampaign(event.campaignId);
}

async function loadRun(runId) {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}`, { headers: authHeaders({ Accept: 'application/json' }) }).catch(() => null);
  return response?.ok ? response.json() : null;
}

// ---- Server-Sent Events over fetch(): unlike EventSource it can send the Authorization header. ----
async function followStream(runId) {
  const controller = new AbortController();
  state.stream = controller;
  for (let failures = 0; state.active && state.runId === runId && failures < 5; ) {
    try {
      const url = `/api/runs/${encodeURIComponent(runId)}/events?afterSeq=${state.lastSeq}`;
      const response = await fetch(url, { headers: authHeaders({ Accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
      if (response.status === 204) return;
      if (!response.ok) return notice(`Event stream refused: ${(await problemOf(response)).message}`);
      await readFrames(response.body, (frame) => {
        failures = 0;
        if (frame.event === 'error') notice(`Event stream error: ${frame.data}`);
        else onEvent(JSON.parse(frame.data));
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      failures++;
    }
    // The stream ended before the terminal event: resume after the last seq we have.
    if (state.active) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// ---- Messages and validation errors ----
function notice(text) {
  $('notice').textContent = text;
}

function clearErrors() {
  clearFieldErrors($('brief-form'));
}

/** Shows an ack error or problem detail; each invalid field (e.g. `campaign.brief.objective`) is named next to its input. */
function showErrors(error) {
  clearErrors();
  // A refused token is a problem of the token field, though the server names no field for it.
  const details = error.details ?? (error.code === 'UNAUTHORIZED' ? [{ field: 'token', message: error.message }] : []);
  const items = details.map(({ field, message }) => {
    const key = String(field).split('.').filter((part) => !/^\d+$/.test(part)).pop();
    const wrapper = $('brief-form').querySelector(`[data-field="${CSS.escape(key ?? '')}"]`);
    if (wrapper) fieldError(wrapper, message);
    return el('li', { 'data-error-field': field }, el('strong', {}, LABELS[key] ?? field), `: ${message}`);
  });
  const summary = details.length ? `The server rejected the request (${error.code}):` : `${error.code}: ${error.message}`;
  $('form-errors').append(el('p', {}, summary), items.length ? el('ul', {}, items) : null);
  $('form-errors').hidden = false;
}

// ---- Boot ----
$('brandPalette').addEventListener('input', () => {
  const colours = $('brandPalette').value.split(',').map((s) => s.trim()).filter(Boolean);
  $('palette-preview').replaceChildren(swatches(colours));
});
document.querySelectorAll('[data-artifact]').forEach((card) => artifactPlaceholder(card, 'waiting', 'Start a run to generate.'));
initEditor({ startRegeneration });
if (new URLSearchParams(location.search).get('transport') === 'sse') fallBackToSse('requested by ?transport=sse');
else if (typeof io !== 'function') fallBackToSse('the Socket.IO client did not load');
else connectSocket();
