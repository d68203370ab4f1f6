#!/usr/bin/env node
// tsc --noEmit over every TypeScript project of the repo: the packages (their builds check only
// src), their tests, the repo-level suites and the examples. One line per project; exits non-zero
// if any has an error.
import { spawnSync } from 'node:child_process';

const PROJECTS = [
  'packages/core/tsconfig.json',
  'packages/cli/tsconfig.json',
  'tsconfig.tests.json',
  'tests/oracle/tsconfig.json',
  'tests/filter/tsconfig.json',
  'tests/containers/tsconfig.json',
  'tests/netns/tsconfig.json',
  'tests/details/tsconfig.json',
  'tests/kill/tsconfig.json',
  'tests/churn/tsconfig.json',
  'tests/prometheus/tsconfig.json',
  'tests/packaging/tsconfig.json',
  'examples/tsconfig.json',
];

let failed = 0;
for (const project of PROJECTS) {
  const r = spawnSync('tsc', ['--noEmit', '-p', project], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`tsc ${project}: errors\n${r.stdout}${r.stderr}`);
  } else {
    process.stdout.write(`tsc ${project}: ok\n`);
  }
}
process.exit(failed ? 1 : 0);
