/** The minute the cached prefix is for, and its `YYYY-MM-DDTHH:MM:` text. */
let cachedMinute = Number.NaN;
let cachedPrefix = '';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * `new Date(epochMs).toISOString()` for times from 1970 to 9999, with the date and hour formatted
 * once per minute: every run event is stamped, and `toISOString` was the largest single cost of
 * creating an event (about 0.7 µs of 1 µs).
 */
export function isoTimestamp(epochMs: number = Date.now()): string {
  const minute = Math.floor(epochMs / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const withinMinute = epochMs - minute * 60_000;
  return `${cachedPrefix}${pad(Math.floor(withinMinute / 1000), 2)}.${pad(withinMinute % 1000, 3)}Z`;
}
