/**
 * Comparison of two runs (the real netstat and the CLI under test) and a readable diff.
 *
 * Exact, byte for byte: stdout, stderr, exit status (code or signal). Two narrow allowances,
 * each switched on by the case, never implicit:
 * - `timers` (cases with -o): the seconds inside `on (`, `on<N> (`, `keepalive (`, `timewait (`
 *   and `probe (` count down between the two runs (TIME_WAIT, SYN_SENT retransmission,
 *   keepalive and zero-window probe timers), so they may differ by up to 1.00; everything else
 *   on the line, including the retransmit and probe counters, must be equal (zoo.quietTimers
 *   makes sure no timer fires between the two runs).
 * - `continuous` (-c): only the first N complete iterations of stdout are compared (the run is
 *   stopped with SIGINT after iteration N+1 begins, so what follows is cut at a random place).
 */
import type { RunResult } from './zoo.js';

const TIMER_RE = /\b(on\d*|keepalive|timewait|probe) \((\d+\.\d\d)\//g;

export interface CompareOptions {
  timers?: boolean;
  /** compare only the first N iterations of stdout (split where its first line repeats) */
  iterations?: number;
}

/** Null when equal, else a report with a diff. */
export function compareRuns(
  expected: RunResult,
  actual: RunResult,
  opts: CompareOptions = {},
): string | null {
  const problems: string[] = [];
  let expOut = expected.stdout;
  let actOut = actual.stdout;
  let expErr = expected.stderr;
  let actErr = actual.stderr;
  if (opts.iterations) {
    const e = iterations(expOut);
    const a = iterations(actOut);
    if (e.length <= opts.iterations) {
      problems.push(`netstat printed only ${e.length} iteration(s) (need ${opts.iterations} complete)`);
    }
    if (a.length <= opts.iterations) {
      problems.push(`the CLI printed only ${a.length} iteration(s) (need ${opts.iterations} complete)`);
    }
    expOut = e.slice(0, opts.iterations).join('');
    actOut = a.slice(0, opts.iterations).join('');
    // stderr is written as the iterations go (e.g. the -p notice after each one): compare the
    // part both wrote before they were stopped, line by line.
    const el = expErr.split('\n');
    const al = actErr.split('\n');
    const n = Math.min(el.length, al.length) - 1;
    expErr = el.slice(0, Math.max(n, 0)).join('\n');
    actErr = al.slice(0, Math.max(n, 0)).join('\n');
  }
  const statusOf = (r: RunResult) => (r.signal ? `signal ${r.signal}` : `exit ${r.code}`);
  if (statusOf(expected) !== statusOf(actual)) {
    problems.push(`status: netstat ${statusOf(expected)}, CLI ${statusOf(actual)}`);
  }
  const outDiff = diffText(expOut, actOut, !!opts.timers);
  if (outDiff) problems.push(`stdout differs (- netstat, + CLI):\n${outDiff}`);
  const errDiff = diffText(expErr, actErr, false);
  if (errDiff) problems.push(`stderr differs (- netstat, + CLI):\n${errDiff}`);
  return problems.length ? problems.join('\n') : null;
}

/** Split -c output into iterations: each starts where the first line of the output repeats. */
export function iterations(out: string): string[] {
  const lines = out.split(/(?<=\n)/);
  if (lines.length === 0 || lines[0] === '') return [];
  const first = lines[0];
  const its: string[] = [];
  for (const l of lines) {
    if (l === first || its.length === 0) its.push(l);
    else its[its.length - 1] += l;
  }
  return its;
}

/** Lines equal, or (timers) equal once the timer seconds are masked and those within 1.00. */
function linesMatch(a: string, b: string, timers: boolean): boolean {
  if (a === b) return true;
  if (!timers) return false;
  const sa: number[] = [];
  const sb: number[] = [];
  const ma = a.replace(TIMER_RE, (_m, kind: string, s: string) => (sa.push(Number(s)), `${kind} (#/`));
  const mb = b.replace(TIMER_RE, (_m, kind: string, s: string) => (sb.push(Number(s)), `${kind} (#/`));
  if (ma !== mb || sa.length !== sb.length || sa.length === 0) return false;
  return sa.every((x, i) => Math.abs(x - sb[i]) <= 1.0 + 1e-9);
}

/** A unified-style diff of two texts (LCS over lines), null when they match. */
export function diffText(a: string, b: string, timers: boolean): string | null {
  if (a === b) return null;
  const A = a.split('\n');
  const B = b.split('\n');
  const n = A.length;
  const m = B.length;
  // LCS table from the end; outputs here are at most a few hundred lines.
  const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[i][j] = linesMatch(A[i], B[j], timers) ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    }
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && linesMatch(A[i], B[j], timers)) {
      ops.push([' ', A[i]]);
      i++;
      j++;
    } else if (j < m && (i === n || L[i][j + 1] >= L[i + 1][j])) {
      ops.push(['+', B[j++]]);
    } else {
      ops.push(['-', A[i++]]);
    }
  }
  if (ops.every(([k]) => k === ' ')) return null;
  // Keep 2 lines of context around changes.
  const keep = new Uint8Array(ops.length);
  ops.forEach(([k], idx) => {
    if (k !== ' ') for (let d = -2; d <= 2; d++) if (ops[idx + d]) keep[idx + d] = 1;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach(([k, line], idx) => {
    if (!keep[idx]) {
      skipped = true;
      return;
    }
    if (skipped) out.push('@@');
    skipped = false;
    // Escapes show control characters; `$` marks the end of the line (trailing blanks matter).
    out.push(`${k}${JSON.stringify(line).slice(1, -1)}$`);
  });
  return out.join('\n');
}
