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
pub(crate) use sources::{family_listed, filter_for, keep_row, kept_after_kernel, read_tables};

use crate::model::{InetSocket, InetTable, Owner, OwnerAccess, UnixSocket};
use crate::netlink;
use crate::netns::{self, Namespace, NamespaceAccess};
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
    /// The network namespace to list (None: the one this process runs in).
    /// Its tables are read on a thread of ours that enters it, or through
    /// /proc/PID/net of a process in it (see [`netns`]).
    pub netns: Option<Namespace>,
    /// Fill each tcp row's `details` with tcp_info, the congestion algorithm
    /// and its info (`ss -i`). Netlink only: rows read from /proc have none.
    pub tcp_info: bool,
    /// Fill each inet row's `details` with its memory counters (`ss -m`),
    /// and each unix row's `memory` (`ss -xm`). Netlink only, as `tcp_info`.
    pub memory: bool,
    /// An ss filter expression: only the sockets it selects are listed (inet:
    /// bytecode in the netlink dump plus the userspace rest; /proc: all of it
    /// in userspace). Its `state` clauses narrow `tcp_states` (and udp's). None:
    /// no filter.
    pub filter: Option<std::sync::Arc<crate::filter::Filter>>,
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
            netns: None,
            tcp_info: false,
            memory: false,
            filter: None,
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

/// The query as the calling thread reads it. When it names a namespace other
/// than ours, the thread enters it (so this runs on threads of ours only):
/// then its tables come from netlink there and /proc/thread-self/net; without
/// the privilege to enter, from /proc/PID/net of a process in it; failing
/// both, from nowhere (every table missing).
pub(crate) fn entered(query: &SocketQuery) -> SocketQuery {
    let mut q = query.clone();
    let Some(ns) = q.netns.take() else { return q };
    let (access, root) = netns::read_root(&query.root, &ns);
    in_namespace(&mut q, access, root);
    q
}

/// Points `q` at a namespace's tables, as [`netns::read_root`] found them.
fn in_namespace(q: &mut SocketQuery, access: NamespaceAccess, root: Option<ProcRoot>) {
    q.netns = None;
    match (access, root) {
        (NamespaceAccess::Own | NamespaceAccess::Entered, Some(root)) => q.root = root,
        (_, root) => {
            // not entered: netlink would answer for our own namespace
            q.source = Source::Proc;
            q.root = root.unwrap_or_else(|| q.root.with_net_dir("/nonexistent/fastnetstat-unreadable-netns"));
        }
    }
}

/// Whether a listing in `query.netns` can read anything (false: it cannot be
/// entered and no process in it lends its tables). Tried on a thread of ours.
pub fn namespace_readable(query: &SocketQuery) -> bool {
    let Some(ns) = query.netns.as_ref().filter(|ns| !ns.own) else { return true };
    std::thread::scope(|scope| {
        scope
            .spawn(|| netns::read_root(&query.root, ns).0 != NamespaceAccess::Unreadable)
            .join()
            .unwrap_or(false)
    })
}

/// Reads every table into `snap` (inside `query.netns`, on a thread of ours, when it names one).
fn read_tables_into(query: &SocketQuery, snap: &mut SocketSnapshot) {
    if query.netns.as_ref().is_some_and(|ns| !ns.own) {
        std::thread::scope(|scope| {
            scope.spawn(|| read_here(&entered(query), snap));
        });
    } else {
        read_here(query, snap);
    }
}

fn read_here(query: &SocketQuery, snap: &mut SocketSnapshot) {
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

/// One namespace's part of a listing of every namespace (its rows; the
/// owners are the listing's, from one fd walk).
#[derive(Debug)]
pub struct NamespaceSnapshot {
    pub namespace: Namespace,
    pub access: NamespaceAccess,
    pub snapshot: SocketSnapshot,
}

/// A listing of several namespaces.
#[derive(Debug, Default)]
pub struct HostSnapshot {
    /// In the order asked (for `--all-netns`: the own one first, the others by inode).
    pub namespaces: Vec<NamespaceSnapshot>,
    /// Owners of the sockets of every namespace: one walk of /proc/*/fd.
    pub owners: HashMap<u64, Owner>,
    pub owner_access: OwnerAccess,
}

/// Lists `namespaces` in parallel (a few threads of ours enter them; see
/// [`netns::for_each_namespace`]) and, with owners, walks /proc/*/fd once
/// for all of them: beside the dumps, or after them when the listing is
/// narrow (as [`list_sockets`]).
pub fn list_sockets_in(query: &SocketQuery, namespaces: &[Namespace]) -> HostSnapshot {
    let dump = || {
        netns::for_each_namespace(&query.root, namespaces, |ns, access, root| {
            let mut q = query.clone();
            in_namespace(&mut q, access, root);
            let mut snapshot = SocketSnapshot::default();
            if access != NamespaceAccess::Unreadable {
                read_here(&q, &mut snapshot);
            }
            NamespaceSnapshot { namespace: ns.clone(), access, snapshot }
        })
    };
    let mut host = HostSnapshot::default();
    if !query.owners {
        host.namespaces = dump();
    } else if walks_after_tables(query) {
        host.namespaces = dump();
        let scan = owners::scan(
            &query.root,
            Some(&inodes_of(host.namespaces.iter().flat_map(|n| &n.snapshot.inet))),
        );
        (host.owners, host.owner_access) = (scan.owners, scan.access);
    } else {
        std::thread::scope(|scope| {
            let walk = scope.spawn(|| owners::scan(&query.root, None));
            host.namespaces = dump();
            let scan = walk.join().unwrap_or_default();
            (host.owners, host.owner_access) = (scan.owners, scan.access);
        });
    }
    for ns in &mut host.namespaces {
        ns.snapshot.owner_access = host.owner_access;
    }
    host
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A proc root that makes the reading panic (tests of what a panic becomes).
    pub(crate) const PANIC_ROOT: &str = "/nonexistent/fastnetstat-test-panic";

    /// A namespace not entered is never read through netlink (which would
    /// answer for our own namespace): through a process's tables, or not at all.
    #[test]
    fn a_namespace_not_entered_is_read_from_proc_only() {
        let query = SocketQuery {
            source: Source::Netlink,
            inet_tables: vec![InetTable::Tcp],
            ..SocketQuery::default()
        };
        let mut via = query.clone();
        in_namespace(
            &mut via,
            NamespaceAccess::ProcOf(1),
            Some(ProcRoot::default().with_net_dir("/proc/1/net")),
        );
        assert_eq!((via.source, via.root.net("tcp")), (Source::Proc, "/proc/1/net/tcp".into()));
        let mut none = query.clone();
        in_namespace(&mut none, NamespaceAccess::Unreadable, None);
        assert_eq!(none.source, Source::Proc);
        let mut snap = SocketSnapshot::default();
        read_here(&none, &mut snap);
        assert!(snap.inet.is_empty());
        assert_eq!(snap.inet_reports[InetTable::Tcp as usize].status, TableStatus::Missing);
        // entered: netlink as asked, the thread's own tables for the rest
        let mut entered = query.clone();
        in_namespace(
            &mut entered,
            NamespaceAccess::Entered,
            Some(ProcRoot::default().with_net_dir("/proc/thread-self/net")),
        );
        assert_eq!(entered.source, Source::Netlink);
    }
}
