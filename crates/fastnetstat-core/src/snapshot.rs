//! One listing: read the requested tables, then (if asked) walk /proc/*/fd to
//! find each socket's owner.

use std::collections::HashMap;

use crate::inet;
use crate::model::{InetSocket, InetTable, Owner, OwnerAccess, UnixSocket};
use crate::owners;
use crate::proc_root::ProcRoot;
use crate::unix;
use crate::Error;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct SocketQuery {
    pub root: ProcRoot,
    /// Inet tables to read, in the order given (netstat's order is tcp, tcp6,
    /// udp, udp6, udplite, udplite6, raw, raw6).
    pub inet_tables: Vec<InetTable>,
    pub unix: bool,
    /// Map socket inodes to owning processes.
    pub owners: bool,
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

/// Reads every requested table and, if asked, the owners of the sockets found.
/// A missing or unreadable table is reported, not fatal: netstat decides per
/// table what to say about it.
pub fn list_sockets(query: &SocketQuery) -> SocketSnapshot {
    let mut snap = SocketSnapshot::default();
    // The fd walk does not depend on the tables: run it beside the table reads.
    std::thread::scope(|scope| {
        let walk = query.owners.then(|| scope.spawn(|| owners::scan(&query.root, None)));
        for &table in &query.inet_tables {
            snap.inet_reports[table as usize] =
                report_of(inet::read_table(&query.root, table, &mut snap.inet));
        }
        if query.unix {
            snap.unix_report = report_of(unix::read_table(&query.root, &mut snap.unix));
        }
        if let Some(walk) = walk {
            let scan = walk.join().unwrap_or_default();
            snap.owners = scan.owners;
            snap.owner_access = scan.access;
        }
    });
    snap
}
