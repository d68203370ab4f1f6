#!/bin/sh
':' //; unset NODE_EXTRA_CA_CERTS; case " $* " in *" --listen "*|*" --listen="*) export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}";; esac; exec node "$0" "$@"
// The line above is for sh, and a no-op for Node: Node reads the whole CA bundle named by
// NODE_EXTRA_CA_CERTS when it starts (about 40 ms, more on a loaded machine), and a netstat makes
// no TLS connection, so the launcher runs Node without it. The exporter's server (--listen) runs
// for months and reads the tables on libuv's threads: glibc would give each thread a malloc arena
// of its own that keeps what a scrape freed, so there it gets two arenas (MALLOC_ARENA_MAX).
'use strict';
// Reverse lookups (getnameinfo) run on libuv's thread pool, whose size is read
// once, at its first use: set it before anything runs, so a few slow DNS
// answers cannot hold up the rest.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '16';

// The CLI is one minified CommonJS file (Node 20 loads that faster than an ES
// module), run with V8's code cache made at build time, so start-up skips
// compiling it. A cache from another Node version is rejected by V8 and the
// file is simply compiled, as without one.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'fastnetstat.cjs');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  // Not when writing a new cache: V8 checks a cache against the source's length only, so the
  // last build's cache could be taken for this build's code and written out again.
  if (process.env.FASTNETSTAT_WRITE_CODE_CACHE !== '1') cachedData = fs.readFileSync(cacheFile);
} catch {
  // no cache: compile as usual
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.FASTNETSTAT_WRITE_CODE_CACHE === '1') {
  // the build runs one listing with this set; the cache then holds what it compiled
  process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
}
const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, Module.createRequire(file), cli, file, path.dirname(file));
