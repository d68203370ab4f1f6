/**
 * The `filter` option's native form (filter.ts has the rest): kept apart so that sockets.ts,
 * which sends it, and filter.ts, which reads tables through sockets.ts, do not import each other.
 */
import { FastnetstatError } from './errors.js';

/**
 * An expression in ss's grammar: one text (`'dport = :22 or sport = :22'`), or its words as a
 * shell passes them to ss (`['state', 'established', 'dport', '=', ':22']`).
 */
export type FilterExpression = string | readonly string[];

/** ss's preferred family for addresses without a prefix. */
export type FilterFamily = 'inet' | 'inet6' | 'unix';

const FAMILIES: readonly string[] = ['inet', 'inet6', 'unix'];

/** The native options of `options.filter`: its words or its text, and its family. Throws EINVAL on a wrong type. */
export function filterRequest(options: {
  filter?: FilterExpression;
  filterFamily?: FilterFamily;
  families?: readonly string[];
}): { filter?: string[]; filterText?: string; filterFamily?: string } {
  const { filter } = options;
  if (filter === undefined) return {};
  const family = options.filterFamily ?? (options.families?.length === 1 ? options.families[0] : undefined);
  if (family !== undefined && !FAMILIES.includes(family)) {
    throw new FastnetstatError('EINVAL', `unknown filter family '${String(family)}' (inet, inet6 or unix)`);
  }
  const out = family === undefined ? {} : { filterFamily: family };
  if (typeof filter === 'string') return { ...out, filterText: filter };
  if (Array.isArray(filter) && filter.every((word) => typeof word === 'string')) return { ...out, filter: [...filter] };
  throw new FastnetstatError('EINVAL', 'filter must be a string or an array of strings');
}
