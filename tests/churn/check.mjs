// What one listing must satisfy, shared by churn.test.ts (CLI listings, parsed from text) and
// lister.mjs (API listings, run inside the namespace): one definition of "the same row" and of
// "the stable socket is there".

/**
 * @typedef {object} Row  one printed row, reduced to what identifies it
 * @property {string} table   netstat's Proto column: tcp, tcp6, udp, udp6, unix, ...
 * @property {number} inode
 * @property {string} local   "addr:port" (inet only)
 * @property {string} remote  "addr:port" (inet only)
 * @property {string} state
 * @property {string} owner   the PID/Program name column ("1234/fns-stable", or "-")
 *
 * @typedef {object} Stable  a socket the holder keeps open for the whole test
 * @property {string} table
 * @property {number} inode
 * @property {string} what
 *
 * @typedef {object} Expect
 * @property {Stable[]} stable
 * @property {string[]} tables  the tables this listing covers (stable sockets of others are not looked for)
 * @property {string | null} owner  "PID/fns-stable" that -p must print for each stable socket, or null
 */

/** Examples kept per kind of violation in one listing (the counts are always complete). */
export const MAX_EXAMPLES = 8;

/**
 * The identity of a row. A socket with an inode is that inode (unique among live sockets: a
 * socket that is printed twice, under any state or address, is a duplicate). Rows without one
 * (TIME_WAIT, SYN_RECV, orphaned FIN_WAIT/LAST_ACK: the kernel prints inode 0) are their
 * (table, local, remote, state): at any moment one 4-tuple has at most one such entry per state.
 * Unix rows without an inode have none (undefined).
 * @param {Row} r
 * @returns {string | undefined}
 */
export function rowKey(r) {
  // a unix connection still in its listener's queue has no inode yet, and
  // several alike are several sockets: those have no identity to repeat
  if (r.table === 'unix') return r.inode === 0 ? undefined : `unix inode ${r.inode}`;
  if (r.inode !== 0) return `inet inode ${r.inode}`;
  return `${r.table} ${r.local} ${r.remote} ${r.state}`;
}

/**
 * Check one listing's rows.
 * @param {Row[]} rows
 * @param {Expect} expect
 */
export function checkRows(rows, expect) {
  /** @type {Record<string, number>} */
  const perTable = {};
  /** @type {Map<string, {count: number, row: Row}>} */
  const seen = new Map();
  /** @type {Map<number, Row>} */
  const byInode = new Map();
  let timeWait = 0;
  for (const r of rows) {
    perTable[r.table] = (perTable[r.table] ?? 0) + 1;
    if (r.state === 'TIME_WAIT') timeWait++;
    const k = rowKey(r);
    const s = k === undefined ? undefined : seen.get(k);
    if (s) s.count++;
    else if (k !== undefined) seen.set(k, { count: 1, row: r });
    if (r.inode !== 0 && !byInode.has(r.inode)) byInode.set(r.inode, r);
  }
  /** @type {Record<string, number>} rows printed more than once, per table (extra copies) */
  const dupPerTable = {};
  const duplicates = [];
  for (const [key, { count, row }] of seen) {
    if (count < 2) continue;
    dupPerTable[row.table] = (dupPerTable[row.table] ?? 0) + count - 1;
    if (duplicates.length < MAX_EXAMPLES) duplicates.push({ table: row.table, key, count, state: row.state });
  }
  const tables = new Set(expect.tables);
  /** @type {Record<string, number>} */
  const missPerTable = {};
  const missing = [];
  const wrong = [];
  for (const s of expect.stable) {
    if (!tables.has(s.table)) continue;
    const r = byInode.get(s.inode);
    if (!r) {
      missPerTable[s.table] = (missPerTable[s.table] ?? 0) + 1;
      missing.push({ table: s.table, inode: s.inode, what: s.what });
    } else if (r.table !== s.table || (expect.owner !== null && r.owner !== expect.owner)) {
      wrong.push({ table: s.table, inode: s.inode, what: s.what, gotTable: r.table, gotOwner: r.owner });
    }
  }
  return {
    rows: rows.length,
    perTable,
    timeWait,
    dupCount: Object.values(dupPerTable).reduce((a, b) => a + b, 0),
    dupPerTable,
    duplicates,
    missPerTable,
    missing,
    wrong,
  };
}
