import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReverseResolver, reverseLookupAll, systemReverseLookup } from '../src/names/reverse.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in lookup that records calls and concurrency. */
function fakeLookup(names: Record<string, string>, delays: Record<string, number> = {}, defaultDelay = 5) {
  const calls: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const lookup = async (address: string) => {
    calls.push(address);
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await sleep(delays[address] ?? defaultDelay);
      if (address.startsWith('throw')) throw new Error('lookup failed');
      return names[address];
    } finally {
      running--;
    }
  };
  return { lookup, calls, max: () => maxRunning };
}

describe('ReverseResolver', () => {
  it('looks each distinct address up once and maps all of them', async () => {
    const f = fakeLookup({ a: 'host-a', b: 'host-b' });
    const r = new ReverseResolver({ lookup: f.lookup });
    const m = await r.lookupAll(['a', 'b', 'a', 'c', 'b']);
    expect([...m]).toEqual([
      ['a', 'host-a'],
      ['b', 'host-b'],
      ['c', undefined],
    ]);
    expect(f.calls.sort()).toEqual(['a', 'b', 'c']);
    // cached, failures included
    const again = await r.lookupAll(['c', 'a']);
    expect([...again]).toEqual([
      ['c', undefined],
      ['a', 'host-a'],
    ]);
    expect(f.calls).toHaveLength(3);
    expect(r.has('c')).toBe(true);
    expect(r.get('a')).toBe('host-a');
    expect(r.has('zzz')).toBe(false);
  });

  it('bounds concurrency', async () => {
    const f = fakeLookup({});
    const addrs = Array.from({ length: 50 }, (_, i) => `x${i}`);
    await new ReverseResolver({ lookup: f.lookup, concurrency: 4 }).lookupAll(addrs);
    expect(f.calls).toHaveLength(50);
    expect(f.max()).toBe(4);
  });

  // The clock is faked in the timeout tests: a loaded machine must not change what they see.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up on one slow lookup without holding the others', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const f = fakeLookup({ slow: 'never-seen', fast: 'quick' }, { slow: 10_000 });
    const t0 = Date.now();
    const pending = reverseLookupAll(['slow', 'fast'], { lookup: f.lookup, timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    const m = await pending;
    expect(Date.now() - t0).toBe(50);
    expect(m.get('slow')).toBeUndefined();
    expect(m.get('fast')).toBe('quick');
  });

  it('bounds the whole batch when every lookup is slow', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const f = fakeLookup({}, {}, 10_000);
    const addrs = Array.from({ length: 100 }, (_, i) => `s${i}`);
    const t0 = Date.now();
    const r = new ReverseResolver({ lookup: f.lookup, concurrency: 10, timeoutMs: 80, totalTimeoutMs: 200 });
    const pending = r.lookupAll(addrs);
    await vi.advanceTimersByTimeAsync(200);
    const m = await pending;
    expect(Date.now() - t0).toBe(200);
    expect(m.size).toBe(100);
    expect([...m.values()].every((v) => v === undefined)).toBe(true);
    // 10 at once, 80 ms each, 200 ms in all: three waves started (the last one
    // cut to the 40 ms left), the rest never tried...
    expect(f.calls.length).toBe(30);
    // ...and those are not cached, so a later batch tries them.
    expect(r.has('s0')).toBe(true);
    expect(r.has('s99')).toBe(false);
  });

  it('takes a rejected lookup as no name', async () => {
    const f = fakeLookup({});
    const m = await reverseLookupAll(['throw1'], { lookup: f.lookup });
    expect(m.get('throw1')).toBeUndefined();
  });

  it('shares a lookup that is already under way', async () => {
    const f = fakeLookup({ a: 'A' }, { a: 50 });
    const r = new ReverseResolver({ lookup: f.lookup });
    const [m1, m2] = await Promise.all([r.lookupAll(['a']), r.lookupAll(['a', 'a'])]);
    expect(m1.get('a')).toBe('A');
    expect(m2.get('a')).toBe('A');
    expect(f.calls).toEqual(['a']);
  });
});

// The real thing: getnameinfo through nsswitch, so /etc/hosts answers.
const hasLocalhost = (() => {
  try {
    return /^\s*127\.0\.0\.1\s+\S/m.test(readFileSync('/etc/hosts', 'utf8'));
  } catch {
    return false;
  }
})();

describe('systemReverseLookup', () => {
  it.skipIf(!hasLocalhost)('reads /etc/hosts (127.0.0.1)', async () => {
    const expected = /^\s*127\.0\.0\.1\s+(\S+)/m.exec(readFileSync('/etc/hosts', 'utf8'))![1];
    expect(await systemReverseLookup('127.0.0.1')).toBe(expected);
  });

  it('gives undefined for an invalid address instead of throwing', async () => {
    expect(await systemReverseLookup('not-an-address')).toBeUndefined();
  });
});
