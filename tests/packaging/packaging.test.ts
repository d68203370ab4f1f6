/**
 * What `npx fastnetstat` gets: the packages as `pnpm pack` writes them, installed
 * outside the workspace, from the tarballs alone. The registry is a closed port
 * and the npm cache starts empty, so nothing of ours can come from the network:
 * if a tarball lacks a file or a dependency is wrong, this fails.
 *
 * Needs the build (`pnpm exec turbo run build`): it packs what is in dist/, and
 * the platform package's prepack copies in the addon napi build left in
 * crates/fastnetstat-node/.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const run = promisify(execFile);

const SUPPORTED = 'linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, linux-arm64-musl';
/** The napi-rs platform name of this machine, e.g. linux-x64-gnu. */
const libc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ? 'gnu' : 'musl';
const platform = `${process.platform}-${process.arch}-${libc}`;
const platformDir = join(root, 'crates/fastnetstat-node/npm', platform);

const PACKAGES = {
  native: join(root, 'crates/fastnetstat-node'),
  platform: platformDir,
  core: join(root, 'packages/core'),
  cli: join(root, 'packages/cli'),
};
type Name = keyof typeof PACKAGES;

let work: string;
let tarballs: Record<Name, string>;
/**
 * The children's environment: no NODE_PATH (pnpm's bin shims point it into the
 * workspace's node_modules/.pnpm, where Node would find our packages), no
 * NODE_OPTIONS, none of pnpm's npm_* settings; an empty npm cache and a
 * registry that is a closed port, so any fetch fails at once.
 */
let env: NodeJS.ProcessEnv;

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => done({ server, port: (server.address() as { port: number }).port }));
  });
}

/** The title and column header lines of a netstat listing. */
const headers = (text: string) => text.split('\n').filter((l) => /^(Active |Proto )/.test(l));

const supported = existsSync(join(platformDir, 'package.json'));

describe.skipIf(!supported)(`packed packages on ${platform}`, () => {
  beforeAll(async () => {
    const addon = join(root, 'crates/fastnetstat-node', `fastnetstat.${platform}.node`);
    if (!existsSync(addon) || !existsSync(join(root, 'packages/cli/dist/fastnetstat.cjs'))) {
      throw new Error(`build first (pnpm exec turbo run build): ${addon} or packages/cli/dist is missing`);
    }
    work = mkdtempSync(join(tmpdir(), 'fastnetstat-packaging-'));
    // Outside the workspace, and no node_modules above it that Node could fall back on.
    expect(`${work}${sep}`.startsWith(`${root}${sep}`)).toBe(false);
    for (let dir = dirname(work); dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
    }

    const packed = join(work, 'tarballs');
    tarballs = {} as Record<Name, string>;
    await Promise.all(
      (Object.keys(PACKAGES) as Name[]).map(async (name) => {
        const dest = join(packed, name);
        await run('pnpm', ['pack', '--pack-destination', dest], { cwd: PACKAGES[name] });
        const [file] = readdirSync(dest).filter((f) => f.endsWith('.tgz'));
        tarballs[name] = join(dest, file!);
      }),
    );

    const userconfig = join(work, 'npmrc');
    writeFileSync(userconfig, '');
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE_PATH$|NODE_OPTIONS$)/i.test(k)));
    Object.assign(env, {
      npm_config_userconfig: userconfig,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_registry: 'http://127.0.0.1:9',
      npm_config_fetch_retries: '0',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_loglevel: 'error',
    });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarballs hold what runs, with workspace: versions resolved', async () => {
    const list = async (name: Name) => (await run('tar', ['tzf', tarballs[name]])).stdout.split('\n').filter(Boolean).sort();
    expect(await list('native')).toEqual(['package/index.d.ts', 'package/index.js', 'package/package.json']);
    expect(await list('platform')).toContain(`package/fastnetstat.${platform}.node`);
    expect(await list('cli')).toEqual(expect.arrayContaining(['package/bin/fastnetstat.cjs', 'package/dist/fastnetstat.cjs']));
    expect(await list('core')).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.cjs', 'package/dist/index.d.ts']));
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const manifest = (await run('tar', ['xzfO', tarballs[name], 'package/package.json'])).stdout;
      expect(manifest, name).not.toMatch(/workspace:/);
    }
    const native = JSON.parse((await run('tar', ['xzfO', tarballs.native, 'package/package.json'])).stdout);
    expect(Object.keys(native.optionalDependencies).sort()).toEqual(
      SUPPORTED.split(', ').map((p) => `@fastnetstat/native-${p}`).sort(),
    );
    expect(Object.values(native.optionalDependencies)).toEqual(Array(4).fill('0.1.0'));
    const cli = JSON.parse((await run('tar', ['xzfO', tarballs.cli, 'package/package.json'])).stdout);
    expect(cli.dependencies).toEqual({ '@fastnetstat/native': '0.1.0' });
  });

  it('npx fastnetstat -tulpn, from the tarballs alone, prints the socket table', async () => {
    const dir = join(work, 'npx');
    mkdirSync(dir); // empty: npx installs into its (fresh) cache, nothing here
    const { server, port } = await listen();
    try {
      const packages = [tarballs.cli, tarballs.native, tarballs.platform].map((t) => `--package=${t}`);
      const result = spawnSync('npx', ['--yes', ...packages, 'fastnetstat', '-tulpn'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 45_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const netstat = spawnSync('netstat', ['-tulpn'], { encoding: 'utf8' });
      const expected =
        netstat.status === 0
          ? headers(netstat.stdout)
          : [
              'Active Internet connections (only servers)',
              'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
            ];
      expect(headers(result.stdout)).toEqual(expected);
      const mine = result.stdout.split('\n').find((l) => l.includes(` 127.0.0.1:${port} `));
      expect(mine).toMatch(new RegExp(`^tcp .* LISTEN +${process.pid}/`));
    } finally {
      server.close();
    }
  });

  describe('installed with npm from the tarballs', () => {
    let app: string;

    beforeAll(async () => {
      app = join(work, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
      await run('npm', ['install', '--no-save', ...Object.values(tarballs)], { cwd: app, env, timeout: 45_000 });
    });

    // A child that listens, then asks the library who owns its port.
    const probe = (load: string) => `
      ${load}
      const server = require('node:net').createServer().listen(0, '127.0.0.1', async () => {
        const port = server.address().port;
        const owners = await core.portOwners(port);
        const sync = core.portOwnersSync(port);
        const where = [require.resolve('@fastnetstat/native'), require.resolve('@fastnetstat/native-${platform}', { paths: [require.resolve('@fastnetstat/native')] })];
        console.log(JSON.stringify({ port, owners, sync: sync.length, where }));
        server.close();
      });`;

    function expectOwnsItsPort(stdout: string, pid: number) {
      const { port, owners, sync, where } = JSON.parse(stdout);
      for (const file of where) expect(file.startsWith(join(app, 'node_modules') + sep), file).toBe(true);
      expect(sync).toBe(owners.length);
      expect(owners).toEqual(
        expect.arrayContaining([expect.objectContaining({ protocol: 'tcp', localPort: port, state: 'LISTEN', pid })]),
      );
    }

    it("import('@fastnetstat/core') (ESM) lists sockets", async () => {
      const child = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', probe("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const core = await import('@fastnetstat/core');")],
        { cwd: app, env, encoding: 'utf8', timeout: 20_000 },
      );
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      expectOwnsItsPort(child.stdout, child.pid);
    });

    it("require('@fastnetstat/core') (CJS) lists sockets", async () => {
      const child = spawnSync(process.execPath, ['-e', probe("const core = require('@fastnetstat/core');")], {
        cwd: app,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      expectOwnsItsPort(child.stdout, child.pid);
    });

    const cli = () => join(app, 'node_modules/fastnetstat/bin/fastnetstat.cjs');
    const oneLineError = (result: ReturnType<typeof spawnSync>) => {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = String(result.stderr).split('\n');
      expect(lines).toHaveLength(2); // one line and its newline
      expect(lines[0]).toMatch(/^fastnetstat: /);
      expect(lines[0]).toContain(SUPPORTED);
      return lines[0];
    };

    it.each([
      ['platform', 'darwin'],
      ['arch', 'riscv64'],
    ])('on an unsupported %s (%s) the CLI says so in one line and exits 1', (key, value) => {
      const hook = join(work, `fake-${key}.cjs`);
      writeFileSync(hook, `Object.defineProperty(process, ${JSON.stringify(key)}, { value: ${JSON.stringify(value)} });\n`);
      const result = spawnSync(process.execPath, ['--require', hook, cli(), '-tulpn'], { cwd: app, env, encoding: 'utf8', timeout: 20_000 });
      expect(oneLineError(result)).toContain(value);
    });

    it('without the platform package the CLI says so in one line and exits 1', () => {
      const installed = join(app, 'node_modules/@fastnetstat', `native-${platform}`);
      const aside = join(work, 'platform-package-aside');
      renameSync(installed, aside);
      try {
        const result = spawnSync(process.execPath, [cli(), '-tulpn'], { cwd: app, env, encoding: 'utf8', timeout: 20_000 });
        expect(oneLineError(result)).toMatch(/native addon could not be loaded/);
      } finally {
        renameSync(aside, installed);
      }
      // and back in place, it runs
      expect(spawnSync(process.execPath, [cli(), '-tln'], { cwd: app, env, encoding: 'utf8' }).status).toBe(0);
    });

    it('the installed manifest names the platforms it runs on', () => {
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules/fastnetstat/package.json'), 'utf8'));
      expect(manifest.os).toEqual(['linux']);
      expect(manifest.engines.node).toBe('>=20.17');
    });
  });
});
