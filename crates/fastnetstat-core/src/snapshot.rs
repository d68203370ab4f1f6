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

/// Reads the tables from netlink where it may and can, else from /proc.
fn read_tables(query: &SocketQuery, snap: &mut SocketSnapshot) {
    let live = query.root.path() == std::path::Path::new("/proc");
    let mut diag = match query.source {
        Source::Proc => None,
        Source::Auto if !live => None,
        _ => Some(DiagSocket::open()),
    };
    let mut tables = query.inet_tables.iter().copied().peekable();
    while let Some(table) = tables.next() {
        // tcp and tcp6 together: one walk of the kernel's tables instead of two
        if table == InetTable::Tcp && tables.peek() == Some(&InetTable::Tcp6) {
            if let Some(Ok(socket)) = &mut diag {
                let (mut tcp, mut tcp6) = (Vec::new(), Vec::new());
                let filter = filter_for(query, table);
                if netlink::inet::dump_tcp_both(socket, &filter, &mut tcp, &mut tcp6).is_ok() {
                    snap.inet.append(&mut tcp);
                    snap.inet.append(&mut tcp6);
                    let read = TableReport { status: TableStatus::Read, bogus_lines: 0 };
                    snap.inet_reports[InetTable::Tcp as usize] = read;
                    snap.inet_reports[InetTable::Tcp6 as usize] = read;
                    tables.next();
                    continue;
                }
            }
        }
        let first = snap.inet.len();
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => Some(
                netlink::inet::dump_table(socket, table, &filter_for(query, table), &mut snap.inet)
                    .map_err(|e| Error::io(query.root.net(table.file_name()), e)),
            ),
            Some(Err(e)) => Some(Err(Error::io("netlink", std::io::Error::from(e.kind())))),
            None => None,
        };
        snap.inet_reports[table as usize] = match from_netlink {
            Some(Ok(())) => TableReport { status: TableStatus::Read, bogus_lines: 0 },
            Some(Err(e)) if query.source == Source::Netlink && !no_diag_handler(&e) => report_of(Err(e)),
            _ => {
                snap.inet.truncate(first);
                let report = report_of(inet::read_table(&query.root, table, &mut snap.inet));
                if query.tcp_states != netlink::inet::ALL_STATES || query.local_port.is_some() {
                    let mut index = 0;
                    snap.inet.retain(|row| {
                        index += 1;
                        index <= first || keep_row(query, row)
                    });
                }
                report
            }
        };
    }
    if query.unix {
        let first = snap.unix.len();
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => Some(netlink::unix::dump_table(socket, &mut snap.unix)),
            _ => None,
        };
        snap.unix_report = match from_netlink {
            Some(Ok(())) => TableReport { status: TableStatus::Read, bogus_lines: 0 },
            Some(Err(e))
                if query.source == Source::Netlink && e.to_string() != netlink::unix::PENDING_CONNECTIONS =>
            {
                report_of(Err(Error::io(query.root.net("unix"), e)))
            }
            _ => {
                snap.unix.truncate(first);
                report_of(unix::read_table(&query.root, &mut snap.unix))
            }
        };
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

/// Reads every requested table and, if asked, the owners of the sockets found.
/// A missing or unreadable table is reported, not fatal: netstat decides per
/// table what to say about it.
pub fn list_sockets(query: &SocketQuery) -> SocketSnapshot {
    let mut snap = SocketSnapshot::default();
    if !query.owners {
        read_tables(query, &mut snap);
        return snap;
    }
    // A listing narrowed to listeners or one port is small and quick to dump: then walk
    // after it and stop once every socket found has its owner. As root only:
    // netstat's messages about unreadable processes need the whole walk.
    // SAFETY: geteuid has no preconditions.
    let root_user = unsafe { libc::geteuid() } == 0;
    let narrow = query.tcp_states == netlink::inet::LISTEN_ONLY || query.local_port.is_some();
    if root_user && narrow && !query.unix {
        read_tables(query, &mut snap);
        let wanted: HashSet<u64> = snap.inet.iter().map(|s| s.inode).filter(|&i| i != 0).collect();
        let scan = owners::scan(&query.root, Some(&wanted));
        snap.owners = scan.owners;
        snap.owner_access = scan.access;
        return snap;
    }
    // Otherwise the fd walk does not depend on the tables: run it beside them.
    std::thread::scope(|scope| {
        let walk = scope.spawn(|| owners::scan(&query.root, None));
        read_tables(query, &mut snap);
        let scan = walk.join().unwrap_or_default();
        snap.owners = scan.owners;
        snap.owner_access = scan.access;
    });
    snap
}
