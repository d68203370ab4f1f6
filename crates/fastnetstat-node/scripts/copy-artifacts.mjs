#!/usr/bin/env node
// Copies the addons `napi build --platform` left next to package.json
// (fastnetstat.<platform>.node) into their per-platform packages under npm/,
// where `pnpm pack` picks them up. `napi artifacts` does the same but insists
// on every configured target, and only the targets whose toolchain is present
// are built here: a missing one is reported, not an error, unless --strict.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { napi } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const strict = process.argv.includes('--strict');

// Rust target triple -> napi-rs platform suffix, for the targets we configure.
const PLATFORMS = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
};

const copied = [];
const missing = [];
for (const target of napi.targets) {
  const platform = PLATFORMS[target];
  if (!platform) throw new Error(`copy-artifacts: no platform name for target ${target}; add it to PLATFORMS`);
  const file = `${napi.binaryName}.${platform}.node`;
  const packageDir = join(root, 'npm', platform);
  if (!existsSync(join(packageDir, 'package.json'))) {
    throw new Error(`copy-artifacts: npm/${platform}/package.json is missing (run napi create-npm-dirs)`);
  }
  if (existsSync(join(root, file))) {
    copyFileSync(join(root, file), join(packageDir, file));
    copied.push(platform);
  } else {
    missing.push(platform);
  }
}

if (copied.length === 0 || (strict && missing.length > 0)) {
  console.error(`copy-artifacts: not built: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`copy-artifacts: ${copied.join(', ')}${missing.length ? ` (not built here: ${missing.join(', ')})` : ''}`);
