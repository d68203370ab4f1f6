#!/usr/bin/env node
'use strict';
// Reverse lookups (getnameinfo) run on libuv's thread pool, whose size is read
// once, at its first use: set it before anything runs, so a few slow DNS
// answers cannot hold up the rest.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '16';
// One minified CommonJS file: Node 20 loads it faster than an ES module.
require('../dist/fastnetstat.cjs');
