/**
 * Output to a terminal and output to a pipe are the same bytes: the listing
 * does not change with what stdout is (no colours, no widths taken from the
 * terminal, no different buffering that would reorder stdout and stderr).
 * The terminal is a pseudo-terminal from script(1), with output
 * post-processing off (stty -onlcr) so that bytes arrive as written.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CRAFTED, LIVE, REPO } from './oracle.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

interface Seen {
  /** stdout and stderr, merged as they were written; a JSON document's time left out */
  text: string;
  status: number | null;
}

function seen(r: { stdout: Buffer; status: number | null }): Seen {
  return { text: r.stdout.toString('latin1').replace(/"time":"[^"]*"/g, '"time":""'), status: r.status };
}

/** The CLI with stdout and stderr on a terminal (script passes them on as its own stdout, and the status). */
function onTerminal(args: string[]): Seen {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-q', '-e', '-c', `stty -onlcr; exec '${CLI}' ${quoted}`, '/dev/null'], {
    cwd: REPO,
    env: { ...process.env, LC_ALL: 'C', COLUMNS: '40' },
    maxBuffer: 64 << 20,
  });
  return seen(r);
}

/** The same through a pipe, stderr merged in the same order (2>&1 on one pipe). */
function onPipe(args: string[]): Seen {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('sh', ['-c', `exec '${CLI}' ${quoted} 2>&1`], { cwd: REPO, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
  return seen(r);
}

describe.skipIf(!hasScript)('output to a terminal', () => {
  const BOGUS = join(CRAFTED, 'bogus');
  const cases: string[][] = [
    ['--proc-root', LIVE, '-tuwxane'],
    ['--proc-root', LIVE, '-tanW'],
    ['--proc-root', BOGUS, '-tuan'], // warnings on stderr between the rows' sections
    ['--proc-root', LIVE, '-xa', '--json'],
    ['-s', '--proc-root', join(REPO, 'fixtures/proc/stats/live')],
    ['--bogus-option'],
  ];
  it('runs the CLI on a real terminal (the harness itself)', () => {
    const r = spawnSync('script', ['-q', '-e', '-c', `stty -onlcr; ${process.execPath} -e 'process.stdout.write(String(process.stdout.isTTY && process.stderr.isTTY))'`, '/dev/null']);
    expect(r.stdout.toString()).toBe('true');
  });

  for (const args of cases) {
    it(`is the same bytes as to a pipe: ${args.filter((a) => !a.startsWith('/')).join(' ')}`, () => {
      const tty = onTerminal(args);
      expect(tty.text.length).toBeGreaterThan(0);
      expect(tty).toEqual(onPipe(args));
    });
  }
});
