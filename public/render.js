// DOM builders of the live run page. Server data only ever reaches the page through textContent
// and attributes set one by one (never innerHTML), so generated copy cannot inject markup.

const TITLES = { copy: 'Long-form copy', shortCopy: 'Social posts', visualConcept: 'Visual concepts' };
const FEEDBACK_EXCERPT = 90;
const HEX = /^#[0-9a-f]{6}$/i;

/** Creates an element: `attrs` are attributes (data-*, class…), `children` strings or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The artifact type's title, e.g. "Social posts". */
export const titleOf = (type) => TITLES[type] ?? type;

/** Seconds since `startMs`, e.g. "+1.42 s". */
function since(timestamp, startMs) {
  const ms = Math.max(0, Date.parse(timestamp) - startMs);
  return `+${(ms / 1000).toFixed(2)} s`;
}

/** One timeline row: time since start, state, agent, phase, attempt and message. */
export function timelineItem(event, startMs) {
  return el(
    'li',
    { 'data-seq': event.seq, 'data-state': event.state, 'data-phase': event.phase, class: `phase-${event.phase ?? 'info'}` },
    el('span', { class: 'when' }, since(event.timestamp, startMs)),
    el('span', { class: 'state' }, event.state),
    event.agentType ? el('span', { class: 'tag' }, event.agentType) : null,
    event.phase ? el('span', { class: `tag phase ${event.phase}` }, event.phase) : null,
    event.agentType ? el('span', { class: 'tag attempt' }, `attempt ${event.attempt}`) : null,
    el('span', { class: 'message' }, event.message),
  );
}

/** Resets an artifact card to its title and a status line (waiting, generating…, failed). */
export function artifactPlaceholder(card, status, text) {
  card.dataset.status = status;
  card.replaceChildren(el('h3', {}, TITLES[card.dataset.artifact]), el('p', { class: 'muted' }, text));
}

/** Renders one artifact version (`ArtifactVersion`) into its card. */
export function renderArtifact(card, version) {
  const verdict = version.auditVerdict ?? 'unaudited';
  const header = el(
    'header',
    {},
    el('h3', {}, TITLES[version.type]),
    // A version shown live, from its event, has no number yet: the store gives it one.
    el('span', { class: 'tag' }, version.versionNumber ? `v${version.versionNumber} · attempt ${version.attempt}` : `attempt ${version.attempt}`),
    el('span', { class: `verdict ${verdict}`, 'data-verdict': verdict }, verdict),
    version.failedAudit ? el('span', { class: 'verdict fail' }, 'still failing') : null,
  );
  const body = { copy: copyBody, shortCopy: shortCopyBody, visualConcept: visualBody }[version.type](version.content);
  card.dataset.status = 'ready';
  card.dataset.version = String(version.attempt);
  if (version.versionNumber) card.dataset.versionNumber = String(version.versionNumber);
  else delete card.dataset.versionNumber;
  card.replaceChildren(header, body);
}

function copyBody(content) {
  return el(
    'div',
    { class: 'copy' },
    el('h4', {}, 'Headlines'),
    el('ol', { class: 'headlines' }, content.headlines.map((h) => el('li', {}, h))),
    el('h4', {}, 'Body copy'),
    ['short', 'medium', 'long'].map((size) =>
      el('details', { open: size === 'short' ? '' : undefined }, el('summary', {}, `${size} (${words(content.bodyCopy[size])} words)`), el('p', {}, content.bodyCopy[size])),
    ),
    el('h4', {}, 'Calls to action'),
    el('ul', { class: 'chips' }, content.ctas.map((c) => el('li', { class: 'chip' }, c))),
    content.toneNotes ? el('p', { class: 'muted' }, content.toneNotes) : null,
  );
}

function words(text) {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

function shortCopyBody(content) {
  return el(
    'div',
    { class: 'short-copy' },
    content.platforms.map((entry) =>
      el(
        'section',
        { class: 'platform', 'data-platform': entry.platform },
        el('h4', {}, entry.platform),
        el(
          'ol',
          { class: 'posts' },
          entry.variants.map((v) =>
            el(
              'li',
              { class: v.overLimit ? 'post over' : 'post', 'data-over-limit': v.overLimit ? 'true' : 'false' },
              el('p', {}, v.text),
              el('span', { class: 'count' }, `${v.characterCount} chars`),
              v.overLimit ? el('span', { class: 'over-limit' }, 'over limit') : null,
              v.hashtags.length ? el('span', { class: 'hashtags' }, v.hashtags.join(' ')) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/** Palette swatches; the colour is applied only when it is a plain #RRGGBB value. */
export function swatches(colours) {
  return el(
    'ul',
    { class: 'swatches' },
    colours.map((c) => {
      const swatch = el('li', { class: 'swatch', title: c }, el('span', { class: 'chip-colour' }), c);
      if (HEX.test(c)) swatch.firstChild.style.background = c;
      return swatch;
    }),
  );
}

function visualBody(content) {
  return el(
    'div',
    { class: 'visuals' },
    content.concepts.map((c) =>
      el(
        'section',
        { class: 'concept' },
        el('h4', {}, c.name),
        el('p', {}, c.description),
        el('ul', { class: 'chips' }, c.mood.map((m) => el('li', { class: 'chip' }, m))),
        swatches(c.palette),
        el('dl', { class: 'poster-layout' }, ['headlineZone', 'focalArea', 'ctaPlacement'].map((k) => [el('dt', {}, k), el('dd', {}, c.layout[k])])),
        el('p', { class: 'alt' }, el('strong', {}, 'Alt text: '), c.altText),
      ),
    ),
  );
}

/** A live verdict row, from an Auditing 'completed' event. */
export function verdictItem(type, { verdict, score }, attempt) {
  return el(
    'li',
    { 'data-verdict-for': type },
    el('span', { class: 'state' }, TITLES[type] ?? type),
    el('span', { class: `verdict ${verdict}` }, verdict),
    el('span', { class: 'score' }, typeof score === 'number' ? score.toFixed(1) : '–'),
    el('span', { class: 'tag' }, `attempt ${attempt}`),
  );
}

/** The final audit report of one artifact version: scores, flags and recommendations. */
export function auditReport(report) {
  return el(
    'article',
    { class: 'report', 'data-report': report.artifactType, 'data-attempt': report.attempt },
    el(
      'header',
      {},
      el('h3', {}, `${TITLES[report.artifactType] ?? report.artifactType} · attempt ${report.attempt}`),
      el('span', { class: `verdict ${report.verdict}` }, report.verdict),
      el('span', { class: 'score' }, report.weightedScore.toFixed(1)),
      el('span', { class: 'tag' }, report.basis),
    ),
    el(
      'dl',
      { class: 'scores' },
      Object.entries(report.scores).map(([k, v]) => [el('dt', {}, k), el('dd', {}, el('meter', { min: 0, max: 100, value: v }), ` ${v}`)]),
    ),
    report.flags.length ? el('ul', { class: 'flags' }, report.flags.map((f) => el('li', { class: `sev-${f.severity}` }, `${f.severity} · ${f.category}: ${f.description}`))) : null,
    report.recommendations.length ? el('ul', { class: 'recs' }, report.recommendations.map((r) => el('li', {}, `${r.priority}: ${r.text}`))) : null,
  );
}

/** One row of an artifact's version history (`VersionSummary`), with "Make active" unless it is the active one. */
export function versionItem(type, version) {
  const verdict = version.auditVerdict ?? 'unaudited';
  const label = `${TITLES[type]} v${version.versionNumber}`;
  const feedback = version.feedback
    ? el('p', { class: 'feedback', title: version.feedback }, `“${excerpt(version.feedback)}”`)
    : el('p', { class: 'feedback muted' }, version.attempt > 1 ? `Rewritten after a failed audit (attempt ${version.attempt})` : 'From the brief');
  return el(
    'li',
    { 'data-version': version.versionNumber, 'data-active': version.active ? 'true' : 'false', 'aria-current': version.active ? 'true' : undefined, class: version.active ? 'version active' : 'version' },
    el(
      'div',
      { class: 'version-line' },
      el('strong', { class: 'version-number' }, `v${version.versionNumber}`),
      el('span', { class: `verdict ${verdict}`, 'data-verdict': verdict }, verdict),
      version.failedAudit ? el('span', { class: 'verdict fail' }, 'still failing') : null,
      el('span', { class: 'score', title: 'Weighted audit score' }, typeof version.weightedScore === 'number' ? version.weightedScore.toFixed(1) : '–'),
      version.active ? el('span', { class: 'tag active-marker' }, 'active') : null,
      el('time', { class: 'when', datetime: version.createdAt }, new Date(version.createdAt).toLocaleTimeString()),
    ),
    feedback,
    version.active ? null : el('button', { type: 'button', class: 'small', 'data-activate': version.versionNumber, 'aria-label': `Make active: ${label}` }, 'Make active'),
  );
}

function excerpt(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > FEEDBACK_EXCERPT ? `${flat.slice(0, FEEDBACK_EXCERPT - 1).trimEnd()}…` : flat;
}
