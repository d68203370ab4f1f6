// The socket wire layout: the ONE place its fields are written down.
//
// `node scripts/gen-wire.mjs` turns this table into
//   crates/fastnetstat-node/src/wire_layout.rs  (offsets, lengths and the row writers the packer calls)
//   packages/core/src/wire-layout.ts            (the same offsets and lengths for the decoder)
//   packages/core/src/wire-rows.ts              (one column accessor per field over the packed rows)
// and `node scripts/gen-wire.mjs --check` (run by the root `pnpm test`) fails when those are stale.
//
// Offsets are not written here: each field follows the one before it, aligned to its own width,
// and a row is padded to its widest field. The version is a hash of this table, so a decoder
// never reads a buffer packed by a build with another layout.
//
// A field:
//   name    the field's name on the wire (camelCase; the Rust constant is its SCREAMING_CASE)
//   type    u8 u16 u32 i32 u64, or bytes16 (16 raw bytes)
//   rust    the Rust expression that gives its value from the core's row `s`
//           (omitted: the writer takes the value as an argument named after the field)
//   column  the name of its column accessor in TypeScript (default: name; null: none,
//           the decoder reads it by hand)
//   doc     what the accessor returns, when its name does not say it
//   row     also a getter of that name on the row objects (InetSocket, UnixSocket), and a
//           key of their toJSON() unless json: false
//
// Adding a column to the socket rows: add one line to `inet` or `unix` below (with the
// `rust` expression that reads it from fastnetstat_core's InetSocket/UnixSocket), then
// `pnpm exec turbo run build` (which runs the generator): the packer writes it,
// `InetSockets`/`UnixSockets` gain an accessor of that name, and with `row` the row
// objects gain a getter and a toJSON() key.

export const MAGIC = 0x3153_4e46; // "FNS1" read as little-endian u32

/** The header of each buffer (a whole listing or one chunk of a stream). */
export const header = {
  length: 128,
  fields: [
    { name: 'magic', type: 'u32' },
    { name: 'version', type: 'u16' },
    { name: 'ownerAccess', type: 'u8' },
    { name: 'inetCount', type: 'u32' },
    { name: 'unixCount', type: 'u32' },
    { name: 'ownerCount', type: 'u32' },
    { name: 'inetAt', type: 'u32' },
    { name: 'unixAt', type: 'u32' },
    { name: 'ownersAt', type: 'u32' },
    { name: 'stringsAt', type: 'u32' },
    { name: 'stringsLength', type: 'u32' },
    // 8 inet tables (tcp, tcp6, udp, udp6, udplite, udplite6, raw, raw6) then unix: one report each
    { name: 'reports', type: 'report', count: 9 },
    // a stream chunk's table (0-7 inet, 8 unix; 0xff: a whole listing) and 1 if it ends that table
    { name: 'chunkTable', type: 'u8' },
    { name: 'chunkLast', type: 'u8' },
  ],
};

/** How reading one table went, 8 bytes (also used by the route, interface and group buffers). */
export const report = {
  fields: [
    // 0 not requested, 1 read, 2 missing, 3 failed
    { name: 'status', type: 'u8' },
    { name: 'detail', type: 'u8' },
    { name: 'errno', type: 'u16' },
    { name: 'count', type: 'u32' },
  ],
};

/** One inet socket (tcp, udp, udplite, raw; v4 or v6). */
export const inet = {
  rust: 'InetSocket',
  fields: [
    { name: 'localAddr', type: 'bytes16', rust: 's.local_addr', column: null },
    { name: 'remoteAddr', type: 'bytes16', rust: 's.remote_addr', column: null },
    { name: 'inode', type: 'u64', rust: 's.inode', row: 'inode' },
    { name: 'timerTicks', type: 'u64', rust: 's.timer_ticks', doc: 'Timer remaining, in clock ticks (USER_HZ, 100 per second).' },
    { name: 'rxQueue', type: 'u32', rust: 's.rx_queue', row: 'receiveQueue' },
    { name: 'txQueue', type: 'u32', rust: 's.tx_queue', row: 'sendQueue' },
    { name: 'uid', type: 'u32', rust: 's.uid', row: 'uid' },
    { name: 'retransmits', type: 'u32', rust: 's.retransmits' },
    { name: 'timeout', type: 'i32', rust: 's.timeout', column: 'probes', doc: 'The "timeout" column: unanswered probes.' },
    // index of the owner row, or NONE
    { name: 'owner', type: 'u32', column: null },
    { name: 'localPort', type: 'u16', rust: 's.local_port' },
    { name: 'remotePort', type: 'u16', rust: 's.remote_port' },
    { name: 'table', type: 'u8', rust: 's.table as u8', column: 'tableIndex', doc: 'Index in INET_TABLES (odd: IPv6).' },
    { name: 'state', type: 'u8', rust: 's.state', doc: "The kernel's state number (TCP_STATES).", row: 'stateCode', json: false },
    { name: 'timerActive', type: 'u8', rust: 's.timer_active' },
    // the cgroup the socket was created in (netlink's cgroup id: the inode of its cgroup2 directory), 0 unknown
    { name: 'cgroupId', type: 'u64', rust: 's.cgroup_id', doc: 'The id of the cgroup the socket was created in (0: unknown; netlink only).' },
  ],
};

/** One unix domain socket. */
export const unix = {
  rust: 'UnixSocket',
  fields: [
    { name: 'inode', type: 'u64', rust: 's.inode', row: 'inode' },
    { name: 'refcount', type: 'u32', rust: 's.refcount', column: 'refCount', row: 'refCount' },
    { name: 'flags', type: 'u32', rust: 's.flags', row: 'flags' },
    { name: 'protocol', type: 'u32', rust: 's.protocol' },
    // the path in the string table, offset NONE when unbound
    { name: 'pathOffset', type: 'u32', column: null },
    { name: 'pathLength', type: 'u32', column: null },
    { name: 'owner', type: 'u32', column: null },
    { name: 'type', type: 'u16', rust: 's.sock_type', doc: 'SOCK_STREAM (1), SOCK_DGRAM (2), ... (UNIX_TYPES).', row: 'typeCode', json: false },
    { name: 'state', type: 'u8', rust: 's.state', doc: 'UNIX_STATES index.', row: 'stateCode', json: false },
  ],
};

/** One owning process, shared by its sockets; its name is in the string table. */
export const owner = {
  fields: [
    { name: 'pid', type: 'u32' },
    { name: 'nameOffset', type: 'u32' },
    { name: 'nameLength', type: 'u32' },
  ],
};
