//! One listing: read the requested tables (netlink sock_diag or /proc text),
//! and (if asked) walk /proc/*/fd to find each socket's owner.

use std::collections::{HashMap, HashSet};

use crate::inet;
use crate::model::{InetSocket, InetTable, Owner, OwnerAccess, UnixSocket};
use crate::netlink::{self, DiagSocket};
use crate::owners;
use crate::proc_root::ProcRoot;
use crate::unix;
use crate::Error;

/// Where socket rows come from. Both give the same rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// Netlink when the proc root is the live /proc and the kernel answers,
    /// table by table; /proc text otherwise.
    #[default]
    Auto,
    /// The /proc/net text tables.
    Proc,
    /// Netlink sock_diag; an error is reported as the table's failure. Two
    /// cases still read /proc, since netlink has no answer at all there: a
    /// protocol the kernel's sock_diag lacks (raw without raw_diag answers
    /// ENOENT), and unix sockets while a listener holds unaccepted
    /// connections (netlink cannot show those).
    Netlink,
}

/// What to list.
#[derive(Debug, Clone)]
pub struct SocketQuery {
    pub root: ProcRoot,
    /// Inet tables to read, in the order given (netstat's order is tcp, tcp6,
    /// udp, udp6, udplite, udplite6, raw, raw6).
    pub inet_tables: Vec<InetTable>,
    pub unix: bool,
    /// Map socket inodes to owning processes.
    pub owners: bool,
    pub source: Source,
    /// TCP states to list, as a mask of `1 << state` (TCPF_*): netlink filters
    /// in the kernel (a LISTEN-only dump never walks the established hash).
    pub tcp_states: u32,
    /// Fill the retransmit/probe counters of tcp rows (netlink needs an extra
    /// attribute per socket for them; only timer output uses them).
    pub tcp_counters: bool,
    /// Only inet sockets bound to this local port (unix sockets are not
    /// filtered). With owners, the fd walk stops once they all have theirs.
    pub local_port: Option<u16>,
}

impl Default for SocketQuery {
    fn default() -> Self {
        SocketQuery {
            root: ProcRoot::default(),
            inet_tables: Vec::new(),
            unix: false,
            owners: false,
            source: Source::Auto,
            tcp_states: netlink::inet::ALL_STATES,
            tcp_counters: true,
            local_port: None,
        }
    }
}

/// How reading one table went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableStatus {
    #[default]
    NotRequested,
    Read,
    /// The file does not exist (the kernel lacks that protocol).
    Missing,
    /// Any other error, with its errno.
    Failed(i32),
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TableReport {
    pub status: TableStatus,
    /// Lines that could not be parsed and were skipped (netstat warns once per line).
    pub bogus_lines: u32,
}

#[derive(Debug, Default)]
pub struct SocketSnapshot {
    pub inet: Vec<InetSocket>,
    pub unix: Vec<UnixSocket>,
    /// Reports indexed by `InetTable as usize`.
    pub inet_reports: [TableReport; 8],
    pub unix_report: TableReport,
    pub owners: HashMap<u64, Owner>,
    pub owner_access: OwnerAccess,
}

fn report_of(result: crate::Result<u32>) -> TableReport {
    match result {
        Ok(bogus_lines) => TableReport { status: TableStatus::Read, bogus_lines },
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            TableReport { status: TableStatus::Missing, bogus_lines: 0 }
        }
        Err(Error::Io { source, .. }) => TableReport {
            status: TableStatus::Failed(source.raw_os_error().unwrap_or(libc::EIO)),
            bogus_lines: 0,
        },
        Err(Error::InvalidArgument(_)) => {
            TableReport { status: TableStatus::Failed(libc::EINVAL), bogus_lines: 0 }
        }
    }
}

/// Which table a chunk of rows belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    Inet(InetTable),
    Unix,
}

/// The rows of a chunk.
#[derive(Debug)]
pub enum Rows {
    Inet(Vec<InetSocket>),
    Unix(Vec<UnixSocket>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Inet(rows) => rows.len(),
            Rows::Unix(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Part of one table, as it is read. Every requested table comes as one or
/// more chunks, tables in the order asked; the last chunk of a table carries
/// its final status (a missing or failed table is one empty chunk).
#[derive(Debug)]
pub struct TableChunk {
    pub table: TableId,
    pub rows: Rows,
    /// The table's status, and the bogus lines skipped in this chunk's part.
    pub report: TableReport,
    pub last: bool,
}

/// A row's identity, for dropping the rows a live table walk gives twice.
#[derive(PartialEq, Eq, Hash)]
enum Identity {
    Inode(u64),
    /// Sockets without an inode (TIME_WAIT, orphans, requests): their
    /// address pair and state, unique in the kernel's table.
    Tuple([u8; 16], [u8; 16], u16, u16, u8),
}

trait ChunkRow: Sized {
    fn wrap(rows: Vec<Self>) -> Rows;
    fn identity(&self) -> Option<Identity>;
}

impl ChunkRow for InetSocket {
    fn wrap(rows: Vec<Self>) -> Rows {
        Rows::Inet(rows)
    }
    fn identity(&self) -> Option<Identity> {
        Some(if self.inode != 0 {
            Identity::Inode(self.inode)
        } else {
            Identity::Tuple(self.local_addr, self.remote_addr, self.local_port, self.remote_port, self.state)
        })
    }
}

impl ChunkRow for UnixSocket {
    fn wrap(rows: Vec<Self>) -> Rows {
        Rows::Unix(rows)
    }
    /// A unix connection not yet accepted has no inode, and several alike
    /// can exist: those are never taken for repeats.
    fn identity(&self) -> Option<Identity> {
        (self.inode != 0).then_some(Identity::Inode(self.inode))
    }
}

/// Where chunks go; false means nobody wants more (the listing stops).
pub(crate) type Sink<'a> = dyn FnMut(TableChunk) -> bool + 'a;

/// Collects one table's rows and hands them to the sink a chunk at a time.
///
/// A live table walk can show a socket twice, or skip one: the kernel
/// resumes each /proc read and each netlink batch at a position (udp: a count
/// from the start of the table; tcp, unix and netlink dumps: an offset into
/// a hash bucket), so sockets added or removed ahead of it in between shift
/// the walk. A repeat is the same socket seen again, so it is dropped. A skip
/// is made good for /proc, where churn makes it common (about one listing in
/// a hundred under heavy udp churn, netstat alike): a live /proc table is
/// read twice, the second time with the kernel's restarts elsewhere (see
/// [`second_read_from`]), and the second read adds what the first missed,
/// the repeats dropped the same way. Netlink resumes within one hash bucket only, where a
/// skip needs a removal in that very bucket; none was seen under the same
/// churn (tests/churn). A captured table (--proc-root) is shown as it is.
struct TableChunks<'s, 'a, R: ChunkRow> {
    sink: &'s mut Sink<'a>,
    table: TableId,
    chunk_rows: usize,
    rows: Vec<R>,
    bogus_lines: u32,
    seen: Option<HashSet<Identity>>,
    sent: bool,
    stopped: bool,
}

impl<'s, 'a, R: ChunkRow> TableChunks<'s, 'a, R> {
    fn new(sink: &'s mut Sink<'a>, table: TableId, chunk_rows: usize, live: bool) -> Self {
        TableChunks {
            sink,
            table,
            chunk_rows: chunk_rows.max(1),
            rows: Vec::new(),
            bogus_lines: 0,
            seen: live.then(HashSet::new),
            sent: false,
            stopped: false,
        }
    }

    /// Adds a row; false once the listing has stopped.
    fn push(&mut self, row: R) -> bool {
        if let Some(seen) = &mut self.seen {
            if let Some(identity) = row.identity() {
                if !seen.insert(identity) {
                    return !self.stopped;
                }
            }
        }
        self.rows.push(row);
        if self.rows.len() >= self.chunk_rows {
            self.send(TableStatus::Read, false);
        }
        !self.stopped
    }

    /// Forgets what a failed netlink dump gathered, before /proc is read instead.
    fn restart(&mut self) {
        self.rows.clear();
        self.bogus_lines = 0;
        if let Some(seen) = &mut self.seen {
            seen.clear();
        }
    }

    fn add_bogus(&mut self, lines: u32) {
        self.bogus_lines = self.bogus_lines.saturating_add(lines);
    }

    fn send(&mut self, status: TableStatus, last: bool) {
        let rows = std::mem::take(&mut self.rows);
        let report = TableReport { status, bogus_lines: std::mem::take(&mut self.bogus_lines) };
        self.sent = true;
        self.stopped |= !(self.sink)(TableChunk { table: self.table, rows: R::wrap(rows), report, last });
    }

    /// Sends the rest with the table's status; false once the listing has stopped.
    fn finish(mut self, status: TableStatus) -> bool {
        if status != TableStatus::Read {
            self.rows.clear();
            self.bogus_lines = 0;
        }
        self.send(status, true);
        !self.stopped
    }
}

fn status_of(result: crate::Result<()>) -> TableStatus {
    report_of(result.map(|()| 0)).status
}

/// How far the tcp+tcp6 walk got.
enum PairDump {
    /// Both tables went out; true if the listing stopped.
    Sent(bool),
    /// Netlink could not do it and nothing went out: read them one by one.
    NotDone,
}

/// tcp and tcp6 from one walk of the kernel's tables: tcp rows go out as
/// they come, tcp6 rows wait for the end of the walk (netstat prints all of
/// tcp first).
fn dump_tcp_pair(
    query: &SocketQuery,
    socket: &mut DiagSocket,
    sink: &mut Sink<'_>,
    chunk_rows: usize,
) -> PairDump {
    let mut tcp = TableChunks::new(sink, TableId::Inet(InetTable::Tcp), chunk_rows, true);
    let mut tcp6: Vec<InetSocket> = Vec::new();
    let result = netlink::inet::dump_tcp_both(socket, &filter_for(query, InetTable::Tcp), |row| {
        if row.table == InetTable::Tcp {
            tcp.push(row)
        } else {
            tcp6.push(row);
            true
        }
    });
    let status = match result {
        Ok(()) => TableStatus::Read,
        Err(_) if !tcp.sent => return PairDump::NotDone,
        // rows already went out: the failure is the tables' own
        Err(e) => status_of(Err(Error::io(query.root.net("tcp"), e))),
    };
    if !tcp.finish(status) {
        return PairDump::Sent(true);
    }
    let mut tcp6_chunks = TableChunks::new(sink, TableId::Inet(InetTable::Tcp6), chunk_rows, true);
    let going = tcp6.into_iter().all(|row| tcp6_chunks.push(row));
    PairDump::Sent(!(going && tcp6_chunks.finish(status)))
}

/// Reads the tables from netlink where it may and can, else from /proc, and
/// hands their rows to `sink` in chunks of about `chunk_rows`.
pub(crate) fn read_tables(query: &SocketQuery, chunk_rows: usize, sink: &mut Sink<'_>) {
    #[cfg(test)]
    if query.root.path() == std::path::Path::new(tests::PANIC_ROOT) {
        panic!("a panic the tests asked for");
    }
    let live = query.root.path() == std::path::Path::new("/proc");
    let mut diag = match query.source {
        Source::Proc => None,
        Source::Auto if !live => None,
        _ => Some(DiagSocket::open()),
    };
    let mut stopped = false;
    let mut tables = query.inet_tables.iter().copied().peekable();
    while let Some(table) = tables.next() {
        if stopped {
            return;
        }
        // tcp and tcp6 together: one walk of the kernel's tables instead of two
        if table == InetTable::Tcp && tables.peek() == Some(&InetTable::Tcp6) {
            if let Some(Ok(socket)) = &mut diag {
                if let PairDump::Sent(stop) = dump_tcp_pair(query, socket, sink, chunk_rows) {
                    tables.next();
                    stopped = stop;
                    continue;
                }
            }
        }
        let mut chunks = TableChunks::new(sink, TableId::Inet(table), chunk_rows, live);
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => Some(
                netlink::inet::dump_table(socket, table, &filter_for(query, table), |row| chunks.push(row))
                    .map_err(|e| Error::io(query.root.net(table.file_name()), e)),
            ),
            Some(Err(e)) => Some(Err(Error::io("netlink", std::io::Error::from(e.kind())))),
            None => None,
        };
        let status = match from_netlink {
            Some(Ok(())) => TableStatus::Read,
            Some(Err(e)) if chunks.sent || (query.source == Source::Netlink && !no_diag_handler(&e)) => {
                status_of(Err(e))
            }
            _ => {
                chunks.restart();
                let mut read = |from: u64| {
                    inet::read_table_in_blocks(&query.root, table, from, |rows, bogus_lines| {
                        if from == 0 {
                            chunks.add_bogus(bogus_lines);
                        }
                        // the /proc source applies the filters netlink applies in the kernel
                        rows.drain(..).filter(|row| keep_row(query, row)).all(|row| chunks.push(row))
                    })
                };
                let first = read(0);
                if live && first.is_ok() {
                    let _ = read(second_read_from()); // see TableChunks: what a moving walk skipped
                }
                status_of(first)
            }
        };
        stopped = !chunks.finish(status);
    }
    if query.unix && !stopped {
        let mut chunks = TableChunks::new(sink, TableId::Unix, chunk_rows, live);
        // unix_diag's rows need the whole dump before their RefCount is known
        let mut dumped = Vec::new();
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => Some(netlink::unix::dump_table(socket, &mut dumped)),
            _ => None,
        };
        let status = match from_netlink {
            Some(Ok(())) => {
                dumped.into_iter().all(|row| chunks.push(row));
                TableStatus::Read
            }
            Some(Err(e))
                if query.source == Source::Netlink && e.to_string() != netlink::unix::PENDING_CONNECTIONS =>
            {
                status_of(Err(Error::io(query.root.net("unix"), e)))
            }
            _ => {
                let mut read = |from: u64| {
                    unix::read_table_in_blocks(&query.root, from, |rows, bogus_lines| {
                        if from == 0 {
                            chunks.add_bogus(bogus_lines);
                        }
                        rows.drain(..).all(|row| chunks.push(row))
                    })
                };
                let first = read(0);
                if live && first.is_ok() {
                    let _ = read(second_read_from()); // see TableChunks: what a moving walk skipped
                }
                status_of(first)
            }
        };
        chunks.finish(status);
    }
}

/// Reads every table into `snap`.
fn read_tables_into(query: &SocketQuery, snap: &mut SocketSnapshot) {
    read_tables(query, usize::MAX, &mut |chunk| {
        let report = match chunk.table {
            TableId::Inet(table) => &mut snap.inet_reports[table as usize],
            TableId::Unix => &mut snap.unix_report,
        };
        report.bogus_lines = report.bogus_lines.saturating_add(chunk.report.bogus_lines);
        if chunk.last {
            report.status = chunk.report.status;
        }
        match chunk.rows {
            Rows::Inet(mut rows) => snap.inet.append(&mut rows),
            Rows::Unix(mut rows) => snap.unix.append(&mut rows),
        }
        true
    });
}

/// Where the second read of a live /proc table starts: half a page in, so
/// that the kernel restarts its walk half a page away from where it did in
/// the first read. The two reads then cannot skip the same socket for the
/// same reason (the rows before that point the first read got without a
/// restart).
fn second_read_from() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page > 0 {
        page as u64 / 2
    } else {
        2048
    }
}

/// The kernel has no sock_diag handler for the protocol (its module is absent).
fn no_diag_handler(error: &Error) -> bool {
    matches!(error, Error::Io { source, .. } if source.raw_os_error() == Some(libc::ENOENT))
}

fn filter_for(query: &SocketQuery, table: InetTable) -> netlink::inet::DumpFilter {
    let is_tcp = table.protocol() == crate::model::Protocol::Tcp;
    netlink::inet::DumpFilter {
        states: if is_tcp { query.tcp_states } else { netlink::inet::ALL_STATES },
        counters: query.tcp_counters,
        local_port: query.local_port,
    }
}

/// The /proc source applies the same filters netlink applies in the kernel.
fn keep_row(query: &SocketQuery, row: &InetSocket) -> bool {
    let is_tcp = row.table.protocol() == crate::model::Protocol::Tcp;
    let state_ok = !is_tcp || query.tcp_states & 1u32.checked_shl(row.state as u32).unwrap_or(0) != 0;
    state_ok && query.local_port.is_none_or(|port| row.local_port == port)
}

/// A listing narrowed to listeners or one port is small and quick to dump:
/// then the fd walk goes after it and stops once every socket found has its
/// owner. As root only: netstat's messages about unreadable processes need the
/// whole walk.
pub(crate) fn walks_after_tables(query: &SocketQuery) -> bool {
    // SAFETY: geteuid has no preconditions.
    let root_user = unsafe { libc::geteuid() } == 0;
    let narrow = query.tcp_states == netlink::inet::LISTEN_ONLY || query.local_port.is_some();
    query.owners && root_user && narrow && !query.unix
}

/// The inodes whose owners a narrowed walk looks for.
pub(crate) fn inodes_of<'a>(rows: impl IntoIterator<Item = &'a InetSocket>) -> HashSet<u64> {
    rows.into_iter().map(|s| s.inode).filter(|&i| i != 0).collect()
}

/// Reads every requested table and, if asked, the owners of the sockets found.
/// A missing or unreadable table is reported, not fatal: netstat decides per
/// table what to say about it.
pub fn list_sockets(query: &SocketQuery) -> SocketSnapshot {
    let mut snap = SocketSnapshot::default();
    if !query.owners {
        read_tables_into(query, &mut snap);
        return snap;
    }
    if walks_after_tables(query) {
        read_tables_into(query, &mut snap);
        let scan = owners::scan(&query.root, Some(&inodes_of(&snap.inet)));
        snap.owners = scan.owners;
        snap.owner_access = scan.access;
        return snap;
    }
    // Otherwise the fd walk does not depend on the tables: run it beside them.
    std::thread::scope(|scope| {
        let walk = scope.spawn(|| owners::scan(&query.root, None));
        read_tables_into(query, &mut snap);
        let scan = walk.join().unwrap_or_default();
        snap.owners = scan.owners;
        snap.owner_access = scan.access;
    });
    snap
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A proc root that makes the reading panic (tests of what a panic becomes).
    pub(crate) const PANIC_ROOT: &str = "/nonexistent/fastnetstat-test-panic";

    fn inet(inode: u64, remote_port: u16, state: u8) -> InetSocket {
        InetSocket { local_port: 80, remote_port, state, inode, ..InetSocket::empty(InetTable::Tcp) }
    }

    fn unix(inode: u64) -> UnixSocket {
        UnixSocket { refcount: 2, protocol: 0, flags: 0, sock_type: 1, state: 1, inode, path: None }
    }

    /// Pushes `rows` through a table's chunker (two rows a chunk); the chunks.
    fn through<R: ChunkRow + Clone>(rows: &[R], live: bool) -> Vec<Rows> {
        let mut out = Vec::new();
        let mut sink = |chunk: TableChunk| {
            out.push(chunk.rows);
            true
        };
        let mut chunks = TableChunks::new(&mut sink, TableId::Unix, 2, live);
        assert!(rows.iter().cloned().all(|row| chunks.push(row)));
        chunks.finish(TableStatus::Read);
        out
    }

    fn inet_rows(chunks: Vec<Rows>) -> Vec<InetSocket> {
        chunks.into_iter().flat_map(|c| if let Rows::Inet(r) = c { r } else { vec![] }).collect()
    }

    fn unix_rows(chunks: Vec<Rows>) -> Vec<UnixSocket> {
        chunks.into_iter().flat_map(|c| if let Rows::Unix(r) = c { r } else { vec![] }).collect()
    }

    #[test]
    fn a_live_walk_shows_each_socket_once() {
        // inode 7 twice (a repeat across a walk's resumption), and two inode-0
        // rows alike (TIME_WAIT seen twice) beside a different one
        let rows = [inet(7, 1, 1), inet(8, 2, 1), inet(7, 1, 1), inet(0, 3, 6), inet(0, 3, 6), inet(0, 4, 6)];
        let live = inet_rows(through(&rows, true));
        assert_eq!(live, vec![rows[0].clone(), rows[1].clone(), rows[3].clone(), rows[5].clone()]);
        // a captured table is shown as it is
        assert_eq!(inet_rows(through(&rows, false)), rows.to_vec());
        // unix connections not yet accepted have no inode, and can be alike
        let live = unix_rows(through(&[unix(5), unix(0), unix(0), unix(5)], true));
        assert_eq!(live, vec![unix(5), unix(0), unix(0)]);
    }
}
