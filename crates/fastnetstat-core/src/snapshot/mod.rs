//! One listing of sockets: the query, what it returns, and the order of
//! work. The jobs are in their own modules: `sources` reads each table
//! from netlink sock_diag or from /proc (and falls back from one to the
//! other), `chunks` hands the rows out a chunk at a time without repeats,
//! `owner_walk` decides when the /proc/*/fd walk runs.

mod chunks;
mod owner_walk;
mod sources;

use std::collections::HashMap;

pub use crate::table_status::TableStatus;
pub use chunks::{Rows, TableChunk, TableId, TableReport};
pub(crate) use owner_walk::{inodes_of, walks_after_tables};
pub(crate) use sources::read_tables;

use crate::model::{InetSocket, InetTable, Owner, OwnerAccess, UnixSocket};
use crate::netlink;
use crate::owners;
use crate::proc_root::ProcRoot;

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
    /// A proc root that makes the reading panic (tests of what a panic becomes).
    pub(crate) const PANIC_ROOT: &str = "/nonexistent/fastnetstat-test-panic";
}
