// Preload (node --require bench/lib/phases.cjs CLI ...) that timestamps the
// phases of one fastnetstat run without touching its code, and prints them as
// one JSON line on stderr when the process exits:
//   boot     process start -> this preload runs (Node's own bootstrap)
//   load     preload -> the native addon is required (CLI bundle compiled,
//            evaluated, arguments parsed)
//   addon    require('@fastnetstat/native') (loader + dlopen)
//   gap      addon loaded -> listSockets called (core option handling)
//   native   listSockets/listSocketsSync call -> its promise settles (Rust: read, parse, fd walk)
//   after    native done -> process.exit (decode, names, formatting, write)
// Times are ms from process start (performance.timeOrigin).
'use strict';
const Module = require('node:module');

const t = { boot: performance.now() };
const calls = [];
const origLoad = Module._load;
Module._load = function (request, ...rest) {
  if (request !== '@fastnetstat/native' && !/fastnetstat-node[\\/]index\.js$/.test(request)) {
    return origLoad.call(this, request, ...rest);
  }
  const start = performance.now();
  const binding = origLoad.call(this, request, ...rest);
  if (t.addonStart === undefined) {
    t.addonStart = start;
    t.addonEnd = performance.now();
  }
  if (binding && !binding.__fnsPhases) {
    const wrapped = Object.create(binding);
    for (const name of ['listSockets', 'listSocketsSync']) {
      const fn = binding[name];
      if (typeof fn !== 'function') continue;
      wrapped[name] = (...args) => {
        const call = { name, start: performance.now() };
        calls.push(call);
        const r = fn.apply(binding, args);
        if (r && typeof r.then === 'function') {
          return r.then((v) => {
            call.end = performance.now();
            call.bytes = v?.length;
            return v;
          });
        }
        call.end = performance.now();
        call.bytes = r?.length;
        return r;
      };
    }
    wrapped.__fnsPhases = true;
    return wrapped;
  }
  return binding;
};

process.on('exit', () => {
  const exit = performance.now();
  const first = calls[0];
  const last = calls[calls.length - 1];
  const out = {
    boot: t.boot,
    load: (t.addonStart ?? exit) - t.boot,
    addon: t.addonStart !== undefined ? t.addonEnd - t.addonStart : null,
    gap: first ? first.start - t.addonEnd : null,
    native: first ? calls.reduce((a, c) => a + ((c.end ?? exit) - c.start), 0) : null,
    after: last ? exit - (last.end ?? exit) : null,
    exit,
    calls: calls.length,
    bytes: calls.reduce((a, c) => a + (c.bytes ?? 0), 0),
  };
  process.stderr.write(`FNS_PHASES ${JSON.stringify(out)}\n`);
});
