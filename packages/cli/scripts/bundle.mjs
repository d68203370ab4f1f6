// Bundles the CLI into one minified CommonJS file (dist/fastnetstat.cjs), which Node 20 loads
// faster than ES modules; bin/fastnetstat.cjs runs it with V8's code cache.
//
// Commander requires node:child_process at load time, for subcommands we do not have; loading it
// (with net, dgram and streams behind it) costs 3-4 ms of every start, about a tenth of a `-tln`.
// Commander's import gets a stand-in that loads the real module on first use instead.
import { build } from 'esbuild';

const LAZY = 'lazy:node:child_process';

/** Resolves commander's node:child_process to a stand-in that loads the real module on first use. */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(bundler) {
    bundler.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer === LAZY ? { path: 'node:child_process', external: true } : { path: LAZY, namespace: 'lazy' },
    );
    bundler.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      loader: 'js',
      resolveDir: '.',
      contents: `let real;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });`,
    }));
  },
};

await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@fastnetstat/native'],
  define: { 'import.meta.url': '__filename' },
  outfile: 'dist/fastnetstat.cjs',
  logLevel: 'warning',
  plugins: [lazyChildProcess],
});
