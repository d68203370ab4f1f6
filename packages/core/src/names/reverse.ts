import { createRequire } from 'node:module';

/**
 * One reverse lookup: the host name for an IP address in text form, or
 * undefined when there is none. Must not reject (a rejection is taken as
 * "no name").
 */
export type ReverseLookupFn = (address: string) => Promise<string | undefined>;

/**
 * node:dns, loaded on first use: a numeric listing never needs the resolver.
 * (A require, not import(): the CLI runs from a vm.Script, where import() is unavailable.)
 */
function dns(): typeof import('node:dns').promises {
  return (createRequire(import.meta.url)('node:dns') as typeof import('node:dns')).promises;
}

/**
 * The default lookup: `dns.lookupService(address, 0)`, i.e. libc's
 * `getnameinfo(3)` with NI_NAMEREQD on libuv's thread pool. Unlike
 * `dns.reverse` (c-ares, DNS only) it goes through nsswitch, so /etc/hosts
 * and any other configured source are honoured, as C tools see them.
 *
 * The name arrives decoded as UTF-8 by Node.
 */
export const systemReverseLookup: ReverseLookupFn = async (address) => {
  try {
    const { hostname } = await dns().lookupService(address, 0);
    return hostname;
  } catch {
    return undefined;
  }
};

/** Options of {@link ReverseResolver} and {@link reverseLookupAll}. */
export interface ReverseLookupOptions {
  /** Lookups under way at once. Default 16. */
  concurrency?: number;
  /**
   * Longest wait for one lookup, in ms; past it the address has no name.
   * Default 2000.
   */
  timeoutMs?: number;
  /**
   * Longest wait for one whole batch, in ms: lookups still running then
   * are given up and addresses not yet started are left unresolved (and
   * not cached). Bounds the total time when a resolver is slow for every
   * address. Default 5000; `Infinity` for none.
   */
  totalTimeoutMs?: number;
  /** The lookup to use. Default {@link systemReverseLookup}. */
  lookup?: ReverseLookupFn;
}

/**
 * Reverse name lookups in bounded-concurrency batches, with a cache.
 *
 * Each distinct address is looked up once per resolver; failures and
 * timeouts are cached as "no name" too. Notes for callers of the default
 * lookup:
 * - `getnameinfo` runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by
 *   default, fixed when the pool first starts): concurrency above the pool
 *   size only queues.
 * - A lookup that timed out cannot be cancelled: it keeps a pool thread,
 *   and keeps the event loop alive, until libc's resolver gives up. A CLI
 *   should exit explicitly once its output is written.
 */
export class ReverseResolver {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly #lookup: ReverseLookupFn;
  readonly #cache = new Map<string, string | undefined>();
  readonly #inflight = new Map<string, Promise<string | undefined>>();

  constructor(options: ReverseLookupOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 5000;
    this.#lookup = options.lookup ?? systemReverseLookup;
  }

  /** True when `address` has a settled result (a name or "no name"). */
  has(address: string): boolean {
    return this.#cache.has(address);
  }

  /** The cached name of `address`; undefined for "no name" or not looked up (see {@link has}). */
  get(address: string): string | undefined {
    return this.#cache.get(address);
  }

  /**
   * Looks up every address not yet cached, at most
   * {@link ReverseLookupOptions.concurrency} at once, and returns the names
   * of all given addresses (undefined: no name). Addresses are compared as
   * the strings given: pass one canonical form per address.
   */
  async lookupAll(addresses: Iterable<string>): Promise<Map<string, string | undefined>> {
    const result = new Map<string, string | undefined>();
    const todo: string[] = [];
    const waits: Promise<unknown>[] = [];
    for (const address of addresses) {
      if (result.has(address)) continue;
      result.set(address, undefined);
      if (this.#cache.has(address)) {
        result.set(address, this.#cache.get(address));
      } else {
        const pending = this.#inflight.get(address);
        if (pending) waits.push(pending.then((name) => result.set(address, name)));
        else todo.push(address);
      }
    }
    const deadline = Date.now() + this.totalTimeoutMs;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) return;
        const address = todo[next++]!;
        const name = await this.#lookupOne(address, Math.min(this.timeoutMs, remaining));
        result.set(address, name);
      }
    };
    const workers = Math.min(this.concurrency, todo.length);
    for (let i = 0; i < workers; i++) waits.push(worker());
    await Promise.all(waits);
    return result;
  }

  #lookupOne(address: string, timeoutMs: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
    });
    const lookup = Promise.resolve()
      .then(() => this.#lookup(address))
      .catch(() => undefined);
    const settled = Promise.race([lookup, timeout]).then((name) => {
      clearTimeout(timer);
      this.#cache.set(address, name);
      this.#inflight.delete(address);
      return name;
    });
    this.#inflight.set(address, settled);
    return settled;
  }
}

/**
 * One-shot batch reverse lookup with a fresh {@link ReverseResolver}:
 * de-duplicates, runs bounded-concurrency lookups with per-lookup and
 * per-batch timeouts, and maps every given address to its name (undefined:
 * none found, failed or timed out).
 */
export async function reverseLookupAll(
  addresses: Iterable<string>,
  options: ReverseLookupOptions = {},
): Promise<Map<string, string | undefined>> {
  return new ReverseResolver(options).lookupAll(addresses);
}
