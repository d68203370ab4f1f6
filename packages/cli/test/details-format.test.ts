/**
 * The number formats of --tcp-info's line (ss's printf conversions): %g and %.3g against the C
 * library's printf (through awk, whose printf is the C library's on doubles), and sprint_bw's units.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatG, formatRate } from '../src/format/details.js';

function cPrintf(format: string, values: readonly number[]): string[] {
  const program = `{ printf "${format}\\n", $1 }`;
  const r = spawnSync('awk', [program], { input: `${values.map((v) => v.toString()).join('\n')}\n` });
  return r.stdout.toString().split('\n').slice(0, values.length);
}

const VALUES = [
  0.001, 0.005, 0.023, 0.05, 0.123, 1, 1.5, 12.25, 40, 204, 1000.5, 3000, 123456, 1234567, 0.00001234, 99999.95,
  2.88671875, 1.25, 0.0001, 65535.001, 1e21, 7.25e-7,
];

describe('--tcp-info number formats', () => {
  it('%g as the C library prints it', () => {
    expect(VALUES.map((v) => formatG(v))).toEqual(cPrintf('%g', VALUES));
  });

  it('%.3g as the C library prints it', () => {
    expect(VALUES.map((v) => formatG(v, 3))).toEqual(cPrintf('%.3g', VALUES));
  });

  it('%.1f and %.0f as the C library prints them (the limited shares, -n rates): exact ties to even', () => {
    const shares = [...VALUES.filter((v) => v < 1e21), 12.25, 12.35, 0.25, 0.75, 2.5, 3.5, (100 * 49) / 400, 100, 99.95, 0.04];
    expect(shares.map((v) => formatFixed(v, 1))).toEqual(cPrintf('%.1f', shares));
    expect(shares.map((v) => formatFixed(v, 0))).toEqual(cPrintf('%.0f', shares));
  });

  it("sprint_bw: plain with -n, else k/M/G/T with three digits", () => {
    expect(formatRate(262144000000, true)).toBe('262144000000');
    expect(formatRate(262144000000, false)).toBe('262G');
    expect(formatRate(1248614370224, false)).toBe('1.25T');
    expect(formatRate(23808000, false)).toBe('23.8M');
    expect(formatRate(1500, false)).toBe('1.5k');
    expect(formatRate(999, false)).toBe('999');
  });
});
