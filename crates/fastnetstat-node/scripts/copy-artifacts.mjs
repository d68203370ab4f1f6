#!/usr/bin/env node
// Copies the addons (fastnetstat.<platform>.node) into their per-platform
// packages under npm/: from next to package.json, where `pnpm build` (napi
// build --platform) leaves the host's, or from target/debian-cross/artifacts,
// where scripts/build-cross.sh leaves the others. Each platform package runs
// this as its `prepack` for its own platform, so a tarball always holds the
// addon built last, and packing a platform that was not built fails instead
// of producing an empty package.
//
//   copy-artifacts.mjs linux-x64-gnu ...  copy these; fail if one is not built
//   copy-artifacts.mjs                    copy every configured target that is built
//
// An addon older than the Rust sources it is built from is refused too: the
// cross-built ones are not rebuilt by `pnpm build` (see scripts/build-cross.sh).
// (`napi artifacts` copies too, but insists on every configured target.)
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FROM = [root, join(root, '../../target/debian-cross/artifacts')];
const { napi } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Rust target triple -> napi-rs platform name, for the targets we configure.
const PLATFORMS = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
};
const configured = napi.targets.map((target) => {
  const platform = PLATFORMS[target];
  if (!platform) fail(`no platform name for target ${target}; add it to PLATFORMS`);
  return platform;
});

const asked = process.argv.slice(2);
for (const platform of asked) {
  if (!configured.includes(platform)) fail(`${platform} is not one of ${configured.join(', ')}`);
}

/** The newest modification time among the files the addon is built from. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of ['src', 'build.rs', 'Cargo.toml', '../fastnetstat-core/src', '../fastnetstat-core/Cargo.toml', '../../Cargo.lock']) {
    if (existsSync(join(root, path))) visit(join(root, path));
  }
  return newest;
}
const sources = newestSource();

const copied = [];
const missing = [];
const stale = [];
for (const platform of asked.length ? asked : configured) {
  const file = `${napi.binaryName}.${platform}.node`;
  const packageDir = join(root, 'npm', platform);
  if (!existsSync(join(packageDir, 'package.json'))) fail(`npm/${platform}/package.json is missing (napi create-npm-dirs)`);
  const from = FROM.map((dir) => join(dir, file)).find((path) => existsSync(path));
  if (from) {
    if (statSync(from).mtimeMs < sources) {
      stale.push(platform);
      continue;
    }
    copyFileSync(from, join(packageDir, file));
    copied.push(platform);
  } else {
    missing.push(platform);
  }
}

const rebuild = '(pnpm build, or scripts/build-cross.sh for the other targets)';
if (asked.length && missing.length) fail(`${missing.join(', ')} not built: no ${napi.binaryName}.<platform>.node in crates/fastnetstat-node or target/debian-cross/artifacts ${rebuild}`);
if (asked.length && stale.length) fail(`${stale.join(', ')}: the addon is older than the Rust sources ${rebuild}`);
if (!copied.length) fail(`no addon is built and up to date ${rebuild}`);
const notes = [missing.length && `not built: ${missing.join(', ')}`, stale.length && `older than the sources, not copied: ${stale.join(', ')}`].filter(Boolean);
console.log(`copy-artifacts: ${copied.join(', ')}${notes.length ? ` (${notes.join('; ')})` : ''}`);

function fail(message) {
  console.error(`copy-artifacts: ${message}`);
  process.exit(1);
}
