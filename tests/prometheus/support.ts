/**
 * What the exporter's tests share: starting `fastnetstat --prometheus --listen` (optionally
 * inside a network namespace) and learning its port from its first stderr line, HTTP requests
 * that report status, headers and body, and clean-up that kills only the processes these tests
 * started (on afterAll and, should the run die first, on process exit).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = resolve(ROOT, 'packages/cli/bin/fastnetstat.cjs');
export const DOCS = resolve(ROOT, 'docs/prometheus');
export const ENV: NodeJS.ProcessEnv = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Whether a command is on PATH. */
export function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { env: ENV, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Processes and namespaces to remove at the end, whatever happens. */
export class Cleanup {
  private readonly children = new Set<ChildProcess>();
  private readonly namespaces = new Set<string>();
  private readonly onExit = () => this.run();

  constructor() {
    process.once('exit', this.onExit);
  }

  child(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  namespace(name: string): void {
    this.namespaces.add(name);
  }

  /** Kills what is left (by pid: only ours), then deletes the namespaces and whatever still runs in them. */
  run(): void {
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    this.children.clear();
    for (const ns of this.namespaces) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        for (const pid of pids.split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
      } catch {
        // no such namespace
      }
      try {
        execFileSync('ip', ['netns', 'del', ns], { env: ENV, stdio: 'ignore' });
      } catch {
        // already deleted
      }
    }
    this.namespaces.clear();
    process.off('exit', this.onExit);
  }
}

export interface Exporter {
  child: ChildProcess;
  port: number;
  /** Everything the exporter wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the exporter (`args` after --prometheus) and waits until it listens. */
export function startExporter(cleanup: Cleanup, args: string[], ns?: string): Promise<Exporter> {
  const argv = [...(ns ? ['ip', 'netns', 'exec', ns] : []), process.execPath, CLI, '--prometheus', ...args];
  const child = cleanup.child(spawn(argv[0]!, argv.slice(1), { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return new Promise((done, fail) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      err += text;
      const m = /serving metrics on http:\/\/[^ ]*:(\d+)\/metrics/.exec(err);
      if (m) done({ child, port: Number(m[1]), stderr: () => err, exited });
    });
    exited.then(({ code, signal }) => fail(new Error(`exporter ended (${code ?? signal}) before listening: ${err}`)));
  });
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to 127.0.0.1:`port` (no keep-alive unless an agent is given). */
export function http(port: number, method: string, path: string, agent?: import('node:http').Agent): Promise<Response> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: agent ?? false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', fail);
    req.end();
  });
}

/** The value of a sample without labels, or with exactly these label values, in an exposition. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Runs promtool with `args` (and `input` on stdin): its status and output. */
export function promtool(args: string[], input?: string): { status: number; output: string } {
  try {
    const output = execFileSync('promtool', args, { env: ENV, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], cwd: DOCS });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
