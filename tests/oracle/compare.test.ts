/** The oracle's comparator (no root needed). */
import { describe, expect, it } from 'vitest';
import { compareRuns, diffText, iterations, linesMatch, repetitions } from './compare.js';
import type { RunResult } from './zoo.js';

const run = (stdout: string, stderr = '', code: number | null = 0, signal: NodeJS.Signals | null = null): RunResult => ({
  stdout,
  stderr,
  code,
  signal,
  ms: 0,
});

const TW = 'tcp        0      0 127.0.0.1:55414         127.0.0.1:7100          TIME_WAIT   -                    ';

describe('oracle comparator', () => {
  it('equal runs match; any byte of difference does not', () => {
    expect(compareRuns(run('a\nb\n'), run('a\nb\n'))).toBeNull();
    expect(compareRuns(run('a\nb\n'), run('a\nb \n'))).toMatch(/stdout differs/);
    expect(compareRuns(run('x', 'e\n'), run('x', 'f\n'))).toMatch(/stderr differs/);
    expect(compareRuns(run('x', '', 3), run('x', '', 1))).toMatch(/status: netstat exit 3, CLI exit 1/);
    expect(compareRuns(run('x', '', null, 'SIGINT'), run('x', '', 0))).toMatch(/signal SIGINT/);
  });

  it('timer seconds may differ by 1.00 with timers on, counters may not', () => {
    const a = `${TW}timewait (52.48/0/0)`;
    expect(linesMatch(a, `${TW}timewait (51.48/0/0)`, true)).toBe(true);
    expect(linesMatch(a, `${TW}timewait (51.47/0/0)`, true)).toBe(false);
    expect(linesMatch(a, `${TW}timewait (51.48/0/0)`, false)).toBe(false);
    expect(linesMatch('x on (3.61/6/0)', 'x on (3.20/6/0)', true)).toBe(true);
    expect(linesMatch('x on (3.61/6/0)', 'x on (3.20/7/0)', true)).toBe(false);
    expect(linesMatch('x keepalive (7192.47/0/0)', 'x keepalive (7192.01/0/0)', true)).toBe(true);
    expect(linesMatch('x probe (5.82/0/0)', 'x probe (5.12/0/1)', true)).toBe(false);
    expect(linesMatch('x off (0.00/0/0)', 'x off (0.50/0/0)', true)).toBe(false);
    expect(linesMatch('x on2 (1.00/0/0)', 'x on2 (0.50/0/0)', true)).toBe(true);
  });

  it('a unix path netstat cut at a blank may be printed whole', () => {
    const cut = 'unix  2      [ ACC ]     STREAM     LISTENING     139329   /tmp/d/zoo';
    const whole = `${cut} stream.sock`;
    expect(linesMatch(cut, whole, false, true)).toBe(true);
    expect(linesMatch(cut, whole, false, false)).toBe(false);
    expect(linesMatch(cut, `${cut}x stream.sock`, false, true)).toBe(false);
    const noPath = 'unix  3      [ ]         STREAM     CONNECTED     139332   ';
    expect(linesMatch(noPath, `${noPath} x`, false, true)).toBe(false);
    expect(linesMatch('tcp a', 'tcp a b', false, true)).toBe(false);
  });

  it('-c: the first N iterations of stdout, the first N repetitions of stderr', () => {
    const it1 = 'Active X\nh\nr1\n';
    const it2 = 'Active X\nh\nr2\n';
    expect(iterations(`${it1}${it2}Active X\nh`)).toEqual([it1, it2, 'Active X\nh']);
    const note = '(Not all)\n will not\n';
    expect(repetitions(note.repeat(3), 2)).toBe(note.repeat(2));
    expect(repetitions('one-off\n', 2)).toBe('one-off\n');
    expect(repetitions('', 2)).toBe('');
    const e = run(`${it1}${it2}Active X\nh\nr`, note.repeat(3), null, 'SIGINT');
    const a = run(`${it1}${it2}Active X\n`, note.repeat(2), null, 'SIGINT');
    expect(compareRuns(e, a, { iterations: 2 })).toBeNull();
    expect(compareRuns(e, run(`${it1}${it1}Active X\n`, note.repeat(2), null, 'SIGINT'), { iterations: 2 })).toMatch(
      /stdout differs/,
    );
    expect(compareRuns(e, run(`${it1}${it2}`, note.repeat(2), null, 'SIGINT'), { iterations: 2 })).toMatch(
      /the CLI printed only 2/,
    );
    expect(compareRuns(e, run(`${it1}${it2}Active X\n`, note, null, 'SIGINT'), { iterations: 2 })).toMatch(
      /stderr differs/,
    );
  });

  it('the diff shows removed and added lines with context', () => {
    const d = diffText('a\nb\nc\nd\ne\nf\ng\n', 'a\nb\nc\nD\ne\nf\ng\n')!;
    expect(d.split('\n')).toEqual(['@@', ' b$', ' c$', '-d$', '+D$', ' e$', ' f$']);
    expect(diffText('same', 'same')).toBeNull();
  });
});
