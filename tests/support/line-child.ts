/** Children that talk to a test in lines on stdout (holders, churners): what they said, and waiting for more. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What a child said so far, and who waits for its next word. */
export interface LineState {
  lines: string[];
  waiters: Array<() => void>;
  stderr: string;
}

/** Collects `child`'s stdout lines and stderr into `state`; a line or the child's end wakes the waiters. */
export function followLines(state: LineState, child: ChildProcessWithoutNullStreams): void {
  const wake = () => {
    for (const w of state.waiters.splice(0)) w();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    state.lines.push(line);
    wake();
  });
  child.stderr.on('data', (d: Buffer) => (state.stderr += d.toString()));
  child.on('exit', wake);
  child.on('close', wake);
}

/** Resolves at the child's next line or end, or after `ms` at the latest (callers poll their condition). */
export function nextLine(state: LineState, ms = 200): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    state.waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
