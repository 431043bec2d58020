import { isoTimestamp } from './iso-timestamp';

describe('isoTimestamp', () => {
  it.each([0, 59_999, 60_000, 946_684_799_999, 951_782_400_000, 1_795_304_855_190, 4_102_444_800_000, 253_402_300_799_999])('formats %d as toISOString does', (epochMs) => {
    expect(isoTimestamp(epochMs)).toBe(new Date(epochMs).toISOString());
  });

  it('agrees with toISOString on 20,000 times, in order and out of order', () => {
    let state = 42;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    let time = Date.UTC(2026, 10, 21, 23, 59, 58, 0);
    for (let i = 0; i < 20_000; i++) {
      // Mostly small steps (the same minute, then the next), now and then a jump anywhere in 1970-2100.
      time = i % 97 === 0 ? next() * 1_900 : time + (next() % 250);
      expect(isoTimestamp(time)).toBe(new Date(time).toISOString());
    }
  });

  it('stamps now by default', () => {
    const before = Date.now();
    const stamped = Date.parse(isoTimestamp());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});
