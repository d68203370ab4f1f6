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
//   nullable  all ones on the wire (NONE for a u32) reads as null: a value the source cannot give
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
    // the details section (tcp_info, congestion, memory: `details` below), after the unix rows
    { name: 'detailsCount', type: 'u32' },
    { name: 'detailsAt', type: 'u32' },
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
    {
      name: 'listenBacklog',
      type: 'u32',
      rust: 's.listen_backlog.unwrap_or(NONE)',
      nullable: true,
      doc: "A listening tcp socket's backlog (the limit of its accept queue); null for other sockets and from /proc, which does not show it.",
      row: 'listenBacklog',
    },
    { name: 'localPort', type: 'u16', rust: 's.local_port' },
    { name: 'remotePort', type: 'u16', rust: 's.remote_port' },
    { name: 'table', type: 'u8', rust: 's.table as u8', column: 'tableIndex', doc: 'Index in INET_TABLES (odd: IPv6).' },
    { name: 'state', type: 'u8', rust: 's.state', doc: "The kernel's state number (TCP_STATES).", row: 'stateCode', json: false },
    { name: 'timerActive', type: 'u8', rust: 's.timer_active' },
    // the cgroup the socket was created in (netlink's cgroup id: the inode of its cgroup2 directory), 0 unknown
    { name: 'cgroupId', type: 'u64', rust: 's.cgroup_id', doc: 'The id of the cgroup the socket was created in (0: unknown; netlink only).' },
    // index of the row's record in the details section, or NONE (not asked for, or none given)
    { name: 'detailsIndex', type: 'u32', nullable: true, doc: 'Index of the row\'s details record (tcp_info, memory), or null.' },
  ],
};

// A field of the details record: null (all ones on the wire) when the kernel did not give it.
const MAX = { u8: 'u8::MAX', u16: 'u16::MAX', u32: 'NONE', u64: 'u64::MAX' };
const opt = (name, type, rust, doc) => ({ name, type, rust: `${rust}.unwrap_or(${MAX[type]})`, nullable: true, ...(doc ? { doc } : {}) });
/** A tcp_info field, named as the kernel names it (`tcpi_` dropped, camelCase), in its units. */
const tcpi = (name, type, field = name.replace(/([A-Z])/g, '_$1').toLowerCase(), doc = undefined) => opt(name, type, `s.tcp().${field}`, doc);

/**
 * What `ss -i` and `ss -m` show of one inet socket (fastnetstat_core::SocketDetails), one
 * record per row that has any, pointed at by the row's detailsIndex. Every field is nullable:
 * null when the kernel did not send it (an older kernel's shorter tcp_info, a udp socket's
 * tcp_info, skmem's last two counters). Times are microseconds unless named *Ms, rates bytes
 * per second (the kernel's units); packages/core/src/details.ts turns them into the API's.
 */
export const details = {
  rust: 'SocketDetails',
  fields: [
    tcpi('pacingRate', 'u64', 'pacing_rate', 'Bytes per second (all ones: unlimited, read as null).'),
    tcpi('maxPacingRate', 'u64', 'max_pacing_rate'),
    tcpi('bytesAcked', 'u64'),
    tcpi('bytesReceived', 'u64'),
    tcpi('deliveryRate', 'u64'),
    tcpi('busyTime', 'u64'),
    tcpi('rwndLimited', 'u64'),
    tcpi('sndbufLimited', 'u64'),
    tcpi('bytesSent', 'u64'),
    tcpi('bytesRetrans', 'u64'),
    opt('bbrBandwidth', 'u64', 's.bbr.map(|b| b.bandwidth)', 'BBR: bandwidth estimate, bytes per second.'),
    { name: 'tcpInfoLength', type: 'u32', rust: 's.tcp().length', doc: 'Bytes of struct tcp_info the kernel sent (0: none).' },
    tcpi('rto', 'u32'),
    tcpi('ato', 'u32'),
    tcpi('sndMss', 'u32'),
    tcpi('rcvMss', 'u32'),
    tcpi('unacked', 'u32'),
    tcpi('sacked', 'u32'),
    tcpi('lost', 'u32'),
    tcpi('retrans', 'u32'),
    tcpi('fackets', 'u32'),
    tcpi('lastDataSent', 'u32', 'last_data_sent', 'Milliseconds.'),
    tcpi('lastAckSent', 'u32', 'last_ack_sent', 'Milliseconds.'),
    tcpi('lastDataRecv', 'u32', 'last_data_recv', 'Milliseconds.'),
    tcpi('lastAckRecv', 'u32', 'last_ack_recv', 'Milliseconds.'),
    tcpi('pmtu', 'u32'),
    tcpi('rcvSsthresh', 'u32'),
    tcpi('rtt', 'u32'),
    tcpi('rttvar', 'u32'),
    tcpi('sndSsthresh', 'u32'),
    tcpi('sndCwnd', 'u32'),
    tcpi('advmss', 'u32'),
    tcpi('reordering', 'u32'),
    tcpi('rcvRtt', 'u32'),
    tcpi('rcvSpace', 'u32'),
    tcpi('totalRetrans', 'u32'),
    tcpi('segsOut', 'u32'),
    tcpi('segsIn', 'u32'),
    tcpi('notsentBytes', 'u32'),
    tcpi('minRtt', 'u32'),
    tcpi('dataSegsIn', 'u32'),
    tcpi('dataSegsOut', 'u32'),
    tcpi('delivered', 'u32'),
    tcpi('deliveredCe', 'u32'),
    tcpi('dsackDups', 'u32'),
    tcpi('reordSeen', 'u32'),
    tcpi('rcvOoopack', 'u32'),
    tcpi('sndWnd', 'u32'),
    opt('vegasEnabled', 'u32', 's.vegas.map(|v| v.enabled)'),
    opt('vegasRttCount', 'u32', 's.vegas.map(|v| v.rtt_count)'),
    opt('vegasRtt', 'u32', 's.vegas.map(|v| v.rtt)'),
    opt('vegasMinRtt', 'u32', 's.vegas.map(|v| v.min_rtt)'),
    opt('dctcpAlpha', 'u32', 's.dctcp.map(|d| d.alpha)'),
    opt('dctcpAbEcn', 'u32', 's.dctcp.map(|d| d.ab_ecn)'),
    opt('dctcpAbTot', 'u32', 's.dctcp.map(|d| d.ab_tot)'),
    opt('bbrMinRtt', 'u32', 's.bbr.map(|b| b.min_rtt)'),
    opt('bbrPacingGain', 'u32', 's.bbr.map(|b| b.pacing_gain)', 'Fixed point: 256 is 1.0.'),
    opt('bbrCwndGain', 'u32', 's.bbr.map(|b| b.cwnd_gain)', 'Fixed point: 256 is 1.0.'),
    // skmem (SK_MEMINFO_* order); without skmem, INET_DIAG_MEMINFO's r, w, f, t
    opt('receiveQueued', 'u32', 's.mem().receive_queued'),
    opt('receiveBuffer', 'u32', 's.mem().receive_buffer'),
    opt('sendQueued', 'u32', 's.mem().send_queued'),
    opt('sendBuffer', 'u32', 's.mem().send_buffer'),
    opt('forwardAlloc', 'u32', 's.mem().forward_alloc'),
    opt('writeQueued', 'u32', 's.mem().write_queued'),
    opt('optionMemory', 'u32', 's.mem().option_memory'),
    opt('backlog', 'u32', 's.mem().backlog'),
    opt('drops', 'u32', 's.mem().drops'),
    // the congestion algorithm's name in the string table, offset NONE when not given
    { name: 'congestionOffset', type: 'u32' },
    { name: 'congestionLength', type: 'u32' },
    opt('dctcpEnabled', 'u16', 's.dctcp.map(|d| d.enabled)'),
    opt('dctcpCeState', 'u16', 's.dctcp.map(|d| d.ce_state)'),
    tcpi('state', 'u8'),
    tcpi('caState', 'u8', 'ca_state'),
    tcpi('retransmits', 'u8'),
    tcpi('probes', 'u8'),
    tcpi('backoff', 'u8'),
    tcpi('options', 'u8', 'options', 'TCPI_OPT_* bits: 1 timestamps, 2 sack, 4 wscale, 8 ecn, 16 ecn seen, 32 syn data.'),
    tcpi('sndWscale', 'u8', 'snd_wscale'),
    tcpi('rcvWscale', 'u8', 'rcv_wscale'),
    tcpi('appLimited', 'u8', 'delivery_rate_app_limited'),
    tcpi('fastopenClientFail', 'u8', 'fastopen_client_fail'),
    { name: 'hasMemory', type: 'u8', rust: 's.memory.is_some() as u8', doc: '1 when the kernel gave memory counters.' },
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
    // index of the row's record in the details section (its memory counters), or NONE
    { name: 'detailsIndex', type: 'u32', nullable: true, doc: "Index of the row's details record (memory), or null." },
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

// ---------------------------------------------------------------------------
// The small tables: routes, interfaces, multicast groups and the protocol
// counters. Each crosses as its own buffer (a buffer still pays here: the same
// results as N-API objects were 3-4x slower to hand over), laid out from the
// table below by the same rules as the socket rows. `node scripts/gen-wire.mjs`
// turns them into
//   crates/fastnetstat-node/src/wire_tables.rs  (per table: offsets, lengths and a writer per record)
//   packages/core/src/wire-tables.ts            (per table: its format and one accessor per field)
// and each table's version is a hash of its own layout.
//
// A table:
//   magic    its first u32
//   header   its header: `length` bytes; with `sections` (record names) it starts with
//            magic u32, version u16, one u32 row count per section (<name>Count), one u32
//            offset per section (<name>At) and stringsAt, as Buf::with_sections writes them;
//            without, with magic and version only. Then its `fields`.
//   records  its fixed-width records, by name.
// A record:
//   rust     the core's type the writer reads (a path under fastnetstat_core); the writer then
//            takes it as `r` and every field with a `rust` expression (over `r`) is read from it
//   fields   as for the sockets, and these types beside theirs:
//            i8 i64 bytes4 bytes8; str (u32 offset + u32 length in the string table);
//            str16 (u32 offset + u16 length); report (8 bytes, see `report` above);
//            `count: n` makes a field n consecutive values.
//            A field without `rust` is an argument of the writer, named after it.
//
// Adding a column to a small table: add one line to its record below (with the `rust`
// expression that reads it from the core's row), then `pnpm exec turbo run build`: the
// packer writes it and wire-tables.ts has its accessor (<Table><Record>.<name>(wire, at));
// the list class (routes.ts, interfaces.ts, groups.ts, statistics.ts) shows it where it
// decodes its rows.

const str = (name, rust, extra) => ({ name, type: 'str', ...(rust === undefined ? {} : { rust }), ...extra });

export const tables = {
  routes: {
    magic: 0x5452_4e46, // "FNRT"
    header: {
      length: 64,
      sections: ['inet', 'cache', 'inet6'],
      fields: [
        // detail: 1 + index of the header column missing (0 none); count: lines skipped
        { name: 'route', type: 'report' },
        // detail: 0 none, 1 modern, 2 old (2.0), 3 unknown, 4 empty file; count: lines skipped
        { name: 'rtCache', type: 'report' },
        { name: 'ipv6Route', type: 'report' },
        { name: 'cacheFormatMask', type: 'i32', doc: 'The header bit mask when the rt_cache layout is unknown.' },
      ],
    },
    records: {
      inet: {
        rust: 'routes::Ipv4Route',
        fields: [
          { name: 'destination', type: 'bytes4', rust: 'r.destination' },
          { name: 'gateway', type: 'bytes4', rust: 'r.gateway' },
          { name: 'mask', type: 'bytes4', rust: 'r.mask' },
          { name: 'flags', type: 'u32', rust: 'r.flags' },
          { name: 'numbers', type: 'i32', count: 6, rust: 'r.numbers.to_array()', doc: 'refcnt, use, metric, mss, window, irtt' },
          str('iface', '&r.iface'),
        ],
      },
      cache: {
        rust: 'routes::Ipv4CacheRoute',
        fields: [
          { name: 'destination', type: 'bytes4', rust: 'r.destination' },
          { name: 'gateway', type: 'bytes4', rust: 'r.gateway' },
          { name: 'source', type: 'bytes4', rust: 'r.source' },
          { name: 'specDst', type: 'bytes4', rust: 'r.spec_dst' },
          { name: 'flags', type: 'u32', rust: 'r.flags' },
          { name: 'numbers', type: 'i32', count: 6, rust: 'r.numbers.to_array()', doc: 'refcnt, use, metric, mss, window, irtt' },
          { name: 'extra', type: 'i32', count: 3, rust: 'r.extra', doc: 'modern: tos, hhref, hhuptod; old: hh, arp, 0' },
          str('iface', '&r.iface'),
        ],
      },
      inet6: {
        rust: 'routes::Ipv6Route',
        fields: [
          { name: 'destination', type: 'bytes16', rust: 'r.destination' },
          { name: 'source', type: 'bytes16', rust: 'r.source' },
          { name: 'nextHop', type: 'bytes16', rust: 'r.next_hop' },
          { name: 'destinationLength', type: 'u32', rust: 'r.destination_len' },
          { name: 'sourceLength', type: 'u32', rust: 'r.source_len' },
          { name: 'metric', type: 'i32', rust: 'r.metric' },
          { name: 'refcnt', type: 'i32', rust: 'r.refcnt' },
          { name: 'use', type: 'i32', rust: 'r.use_count' },
          { name: 'flags', type: 'u32', rust: 'r.flags' },
          { name: 'iface', type: 'str16', rust: '&r.iface' },
          { name: 'conversions', type: 'i8', rust: 'r.conversions as i8' },
        ],
      },
    },
  },

  interfaces: {
    magic: 0x4649_4e46, // "FNIF"
    header: {
      length: 64,
      sections: ['iface', 'inet6'],
      fields: [
        { name: 'dev', type: 'report' },
        { name: 'ifInet6', type: 'report' },
        { name: 'ifconfErrno', type: 'i32', doc: 'errno of a failed SIOCGIFCONF (0: none).' },
        { name: 'socketErrno', type: 'i32', doc: 'errno when no socket could be opened (0: none).' },
      ],
    },
    records: {
      iface: {
        rust: 'interfaces::Interface',
        fields: [
          str('name', '&r.name'),
          { name: 'fetchErrno', type: 'i32', rust: 'r.fetch_error.unwrap_or(0)', doc: 'errno of the failed SIOCGIFFLAGS (0: fetched).' },
          { name: 'flags', type: 'u16', rust: 'r.flags' },
          { name: 'hardwareType', type: 'u16', rust: 'r.hw_type', doc: 'ARPHRD_*' },
          { name: 'hardwareAddress', type: 'bytes8', rust: 'r.hw_addr' },
          { name: 'mtu', type: 'i32', rust: 'r.mtu' },
          { name: 'txQueueLength', type: 'i32', rust: 'r.tx_queue_len', doc: '-1: unknown' },
          { name: 'memStart', type: 'u64', rust: 'r.map.mem_start' },
          { name: 'memEnd', type: 'u64', rust: 'r.map.mem_end' },
          { name: 'baseAddress', type: 'u16', rust: 'r.map.base_addr' },
          { name: 'irq', type: 'u8', rust: 'r.map.irq' },
          { name: 'dma', type: 'u8', rust: 'r.map.dma' },
          { name: 'port', type: 'u8', rust: 'r.map.port' },
          { name: 'hasIpv4', type: 'u8', rust: 'r.ipv4.is_some() as u8' },
          {
            name: 'ipv4Valid',
            type: 'u8',
            rust: 'r.ipv4.as_ref().map_or(0, |v| v.destination.is_some() as u8 | (v.broadcast.is_some() as u8) << 1 | (v.netmask.is_some() as u8) << 2)',
            doc: 'bits: 1 destination, 2 broadcast, 4 netmask',
          },
          { name: 'hasStatistics', type: 'u8', rust: 'r.stats.is_some() as u8' },
          // address, destination, broadcast, netmask (zero when not set)
          {
            name: 'ipv4',
            type: 'bytes4',
            count: 4,
            rust: 'r.ipv4.as_ref().map_or([[0; 4]; 4], |v| [v.address, v.destination.unwrap_or_default(), v.broadcast.unwrap_or_default(), v.netmask.unwrap_or_default()])',
            doc: 'address, destination, broadcast, netmask',
          },
          // rx bytes, packets, errors, dropped, fifo, frame, compressed, multicast,
          // tx bytes, packets, errors, dropped, fifo, collisions, carrier, compressed
          { name: 'statistics', type: 'u64', count: 16, rust: 'r.stats.as_ref().map_or([0; 16], |s| s.to_array())', doc: 'The /proc/net/dev counters (STATISTICS_FIELDS order).' },
        ],
      },
      inet6: {
        rust: 'interfaces::Inet6Address',
        fields: [
          { name: 'address', type: 'bytes16', rust: 'r.address' },
          { name: 'ifindex', type: 'u32', rust: 'r.ifindex' },
          { name: 'prefixLength', type: 'u32', rust: 'r.prefix_len' },
          { name: 'scope', type: 'u32', rust: 'r.scope' },
          { name: 'flags', type: 'u32', rust: 'r.flags' },
          { name: 'name', type: 'str16', rust: '&r.name' },
          { name: 'conversions', type: 'u8', rust: 'r.conversions as u8' },
        ],
      },
    },
  },

  groups: {
    magic: 0x5247_4e46, // "FNGR"
    header: {
      length: 80,
      sections: ['event'],
      fields: [
        { name: 'igmp', type: 'report' },
        { name: 'igmp6', type: 'report' },
        // the parse state netstat keeps for its next -c round (the buffer can be handed back)
        { name: 'stateIgmp6', type: 'u8' },
        { name: 'stateIdx', type: 'u8' },
        { name: 'stateIn6Words', type: 'u32', count: 4 },
        str('stateDevice', undefined, { doc: 'The device buffer (16 raw bytes).' }),
        str('stateName'),
      ],
    },
    records: {
      event: {
        fields: [
          { name: 'kind', type: 'u8', doc: '0 a membership row, 1 a bogus line' },
          { name: 'family', type: 'u8', doc: '4 or 6' },
          { name: 'file', type: 'u8', doc: 'bogus line: 0 igmp, 1 igmp6' },
          { name: 'parser', type: 'u8', doc: 'bogus line: the reader that failed (0 the IPv4 one, 1 the IPv6 one)' },
          { name: 'number', type: 'i32', doc: 'row: refcnt; bogus line: its line number' },
          { name: 'address', type: 'bytes16' },
          str('device', undefined, { doc: 'The device text as netstat prints it.' }),
          str('name', undefined, { doc: 'The interface name.' }),
        ],
      },
    },
  },

  statistics: {
    magic: 0x5453_4e46, // "FNST"
    header: {
      length: 32,
      fields: [
        { name: 'headerLength', type: 'u16' },
        { name: 'fileCount', type: 'u32' },
        { name: 'sectionCount', type: 'u32' },
        { name: 'entryCount', type: 'u32' },
        { name: 'stringsAt', type: 'u32' },
        { name: 'stringsLength', type: 'u32' },
      ],
    },
    records: {
      // one per file, in the order read; sections then entries follow, in file order
      file: {
        fields: [
          { name: 'file', type: 'u8', doc: '0 snmp, 1 netstat, 2 snmp6, 3 sctp/snmp' },
          { name: 'status', type: 'u8', doc: '1 read, 2 missing, 3 open failed, 4 read failed' },
          { name: 'errno', type: 'u16' },
          { name: 'formatErrorLine', type: 'u32', doc: 'pairs files: the line of the first format error (0: none)' },
          str('message', undefined, { doc: 'strerror text (empty when read).' }),
          { name: 'firstSection', type: 'u32' },
          { name: 'sectionCount', type: 'u32' },
        ],
      },
      section: {
        rust: 'statistics::StatSection',
        fields: [
          str('title', '&r.title'),
          { name: 'firstEntry', type: 'u32' },
          { name: 'entryCount', type: 'u32', rust: 'r.entries.len() as u32' },
        ],
      },
      entry: {
        rust: 'statistics::StatEntry',
        fields: [
          str('name', '&r.name'),
          { name: 'value', type: 'u64', rust: 'r.value', doc: 'As netstat reads it (strtoull: -1 is 2^64-1).' },
          { name: 'signed', type: 'i64', rust: 'r.signed', doc: 'As the kernel meant it (signed, saturated).' },
          { name: 'flags', type: 'u8', rust: 'r.has_value as u8', doc: 'bit 0: digits were found for this name' },
        ],
      },
    },
  },
};
