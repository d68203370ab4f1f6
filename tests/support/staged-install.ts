/**
 * A world-readable copy of the built packages, for tests that run fastnetstat as another user
 * (nobody). A checkout often lives under a private directory (a home is 0700), where that user
 * cannot reach the repo's own files; the copy goes to a fresh directory under /tmp instead.
 *
 * Layout of the copy (Node finds the packages the way an install would):
 *   <dir>/node_modules/fastnetstat/{bin,dist,package.json}
 *   <dir>/node_modules/@fastnetstat/core/{dist,package.json}
 *   <dir>/node_modules/@fastnetstat/native/{index.js,package.json,*.node}
 *   <dir>/files/...   helper scripts copied with copy()
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StagedInstall {
  /** The copy's root directory (mode 0755). */
  readonly dir: string;
  /** The copied `fastnetstat` command. */
  readonly cli: string;
  /** Copies `file` (a path in the repo) into `<dir>/files/`, readable by all; returns the copy's path. */
  copy(file: string): string;
  /** Removes the copy. */
  remove(): void;
}

/** Makes everything below `p` readable (and directories searchable) by every user. */
function openUp(p: string): void {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    fs.chmodSync(p, 0o755);
    for (const name of fs.readdirSync(p)) openUp(path.join(p, name));
  } else {
    fs.chmodSync(p, st.mode & 0o111 ? 0o755 : 0o644);
  }
}

function copyInto(dest: string, from: string, names: string[]): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const name of names) fs.cpSync(path.join(from, name), path.join(dest, name), { recursive: true, dereference: true });
}

/** Copies the built CLI, library and addon of this checkout to a new directory under /tmp. */
export function stageInstall(prefix = 'fns-stage-'): StagedInstall {
  const dir = fs.mkdtempSync(path.join('/tmp', prefix));
  const modules = path.join(dir, 'node_modules');
  copyInto(path.join(modules, 'fastnetstat'), path.join(REPO_ROOT, 'packages', 'cli'), ['bin', 'dist', 'package.json']);
  copyInto(path.join(modules, '@fastnetstat', 'core'), path.join(REPO_ROOT, 'packages', 'core'), ['dist', 'package.json']);
  const native = path.join(REPO_ROOT, 'crates', 'fastnetstat-node');
  const addons = fs.readdirSync(native).filter((f) => f.endsWith('.node'));
  if (addons.length === 0) throw new Error(`no built addon in ${native}: build the repo first`);
  copyInto(path.join(modules, '@fastnetstat', 'native'), native, ['index.js', 'package.json', ...addons]);
  const files = path.join(dir, 'files');
  fs.mkdirSync(files);
  openUp(dir);
  return {
    dir,
    cli: path.join(modules, 'fastnetstat', 'bin', 'fastnetstat.cjs'),
    copy(file: string): string {
      const to = path.join(files, path.basename(file));
      fs.copyFileSync(path.resolve(REPO_ROOT, file), to);
      openUp(to);
      return to;
    },
    remove(): void {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
