/**
 * The operands as a filter expression (docs/filters.md): netstat ignores the words after its
 * options; fastnetstat reads them as ss does, as one expression in ss's grammar.
 *
 * How it combines with netstat's options, so that a listing selects what `ss <same options>
 * <expression>` selects: -t/-u/-w/-x/-4/-6/-A choose the tables as always; the states are ss's:
 * a `state`/`exclude` clause's states, else -a: every state, -l: listening and closed (ss -l),
 * neither: ss's connected sockets (every state but listening, closed, time-wait and syn-recv).
 * Those states go to the core as a leading clause of the expression, so the kernel applies them
 * too; the rows it returns are printed without netstat's own -a/-l row rule.
 */
import { checkFilter, FastnetstatError } from '@fastnetstat/core';
import type { NetstatFlags } from './options.js';
import { filterFamilyOf, modeOf, selection, tablesOf } from './selection.js';

/** ss -l's states (SS_LISTEN and SS_CLOSE), as a clause. */
const LISTENING = ['state', 'listening', 'state', 'closed'];
/** ss's default states (SS_CONN: all but listening, closed, time-wait and syn-recv), as a clause. */
const CONNECTED = ['exclude', 'listening', 'exclude', 'closed', 'exclude', 'time-wait', 'exclude', 'syn-recv'];

/** Why the operands cannot be a filter in this run (one line), or undefined. */
export function filterMisuse(flags: NetstatFlags): string | undefined {
  if (flags.filter.length === 0) return undefined;
  const mode = modeOf(flags);
  const listsSockets = mode === 'sockets' && !flags.groups;
  if (listsSockets) return undefined;
  if (mode === 'prometheus') return '--prometheus does not take a filter expression';
  return `a filter expression selects sockets: not with -r, -i, -s, -g or -M (got '${flags.filter.join(' ')}')`;
}

/**
 * The expression the core is given for this run: undefined without operands, else the operands
 * led by the states -a/-l imply when they have no `state`/`exclude` clause of their own.
 * A malformed expression throws the library's EINVAL error.
 */
export function listingFilter(flags: NetstatFlags): string[] | undefined {
  if (flags.filter.length === 0) return undefined;
  const summary = checkFilter(flags.filter, { tables: tablesOf(selection(flags)), filterFamily: filterFamilyOf(flags) });
  if (summary.states !== undefined && summary.states.length > 0) return flags.filter; // the clause replaces -a/-l, as in ss
  // Clauses that leave no state (`state established exclude established`) have already reset
  // -a/-l in ss, and a filter of no states is ignored (filter_states_set): the tables' default
  // states remain, connected sockets.
  if (summary.states !== undefined) return [...CONNECTED, ...withoutClauses(flags.filter)];
  if (flags.lastStateOption === 'all') return flags.filter;
  return [...(flags.lastStateOption === 'listening' ? LISTENING : CONNECTED), ...flags.filter];
}

/** The words after the leading `state`/`exclude`/`excl` clauses (split on blanks as ss's lexer splits). */
function withoutClauses(words: readonly string[]): string[] {
  const tokens = words.flatMap((word) => word.split(/[ \t]+/).filter(Boolean));
  let i = 0;
  while (i < tokens.length && ['state', 'exclude', 'excl'].includes(tokens[i]!)) i += 2;
  return tokens.slice(i);
}

/** Whether `error` is a malformed expression's (the run ends with netstat's usage status, 3). */
export function isFilterError(error: unknown, flags: NetstatFlags): error is FastnetstatError {
  return flags.filter.length > 0 && error instanceof FastnetstatError && error.code === 'EINVAL';
}
