/**
 * Filter expressions in ss's grammar (docs/filters.md): what `SocketsOptions.filter` takes, and
 * checking one before listing with it.
 */
import { callNative } from './errors.js';
import { filterRequest, type FilterExpression } from './filter-request.js';
import { native } from './native.js';
import { INET_TABLES, selectTables, TCP_STATES, type SocketsOptions, type TcpState } from './sockets.js';

/** What {@link checkFilter} tells of an expression. */
export interface FilterSummary {
  /**
   * The states its `state`/`exclude` clauses select (ss's rules: the first `state` starts from
   * none, the first `exclude` from every state); undefined without a clause.
   */
  states?: TcpState[];
  /** It has no clause and no expression: it selects every socket. */
  empty: boolean;
  /** It has an expression beyond its `state`/`exclude` clauses (what `destroySockets` requires). */
  expression: boolean;
}

/** The options that decide how an expression is read: its family and the tables listed. */
export type FilterContext = Pick<SocketsOptions, 'filterFamily' | 'families' | 'protocols' | 'tables'>;

/**
 * Parses an expression without listing anything, read as a listing with `options` would read
 * it (its family, and its tables for service names). Throws a {@link FastnetstatError} `EINVAL`
 * with the parser's one-line message (naming the word and its place) when it is malformed.
 *
 * ```ts
 * checkFilter('state established dport = :22').states; // ['ESTABLISHED']
 * ```
 */
export function checkFilter(filter: FilterExpression, options: FilterContext = {}): FilterSummary {
  const request = filterRequest({ ...options, filter });
  let tables = 0;
  for (const table of selectTables(options)) if (table !== 'unix') tables |= 1 << INET_TABLES.indexOf(table);
  const summary = callNative(() => native().checkFilter(request.filter, request.filterText, request.filterFamily, tables));
  const out: FilterSummary = { empty: summary.empty, expression: summary.expression };
  if (summary.states !== undefined && summary.states !== null) {
    const mask = summary.states;
    out.states = TCP_STATES.filter((state, n): state is TcpState => state !== '' && (mask & (1 << n)) !== 0);
  }
  return out;
}
