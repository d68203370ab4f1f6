//! Where a listing's rows come from: netlink sock_diag where it may and
//! can, the /proc/net text tables otherwise, and the fall back from one to
//! the other when netlink has no answer.

use crate::inet;
use crate::model::{InetSocket, InetTable, Protocol};
use crate::netlink::{self, DiagSocket};
use crate::table_status::TableStatus;
use crate::unix;
use crate::Error;

use super::chunks::{Sink, TableChunks, TableId};
use super::{SocketQuery, Source};

/// The status a table's read gives it.
fn status_of(result: crate::Result<()>) -> TableStatus {
    match result {
        Ok(()) => TableStatus::Read,
        Err(Error::Io { source, .. }) => TableStatus::of_error(&source),
        Err(Error::InvalidArgument(_)) | Err(Error::Namespace { .. }) => TableStatus::Failed(libc::EINVAL),
        Err(Error::UnixPendingConnections) => TableStatus::Failed(libc::EOPNOTSUPP),
    }
}

/// Reads a /proc table with `read_from(0)` and, when it is the live one,
/// again from [`second_read_from`] to make good what a moving walk skipped
/// (see `TableChunks`). The status is the first read's.
fn read_proc_table(live: bool, mut read_from: impl FnMut(u64) -> crate::Result<()>) -> TableStatus {
    let first = read_from(0);
    if live && first.is_ok() {
        let _ = read_from(second_read_from());
    }
    status_of(first)
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
    let program = query.filter.as_ref().and_then(|f| f.bytecode());
    let result =
        netlink::inet::dump_tcp_both_with(socket, &filter_for(query, InetTable::Tcp), program, |row| {
            if !kept_after_kernel(query, &row) {
                true
            } else if row.table == InetTable::Tcp {
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
    if query.root.path() == std::path::Path::new(super::tests::PANIC_ROOT) {
        panic!("a panic the tests asked for");
    }
    let live = query.root.is_live();
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
        if !family_listed(query, table) {
            // the filter's address names the other family: nothing of this table is listed
            stopped = !chunks.finish(TableStatus::Read);
            continue;
        }
        let program = query.filter.as_ref().and_then(|f| f.bytecode());
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => Some(
                netlink::inet::dump_table_with(socket, table, &filter_for(query, table), program, |row| {
                    !kept_after_kernel(query, &row) || chunks.push(row)
                })
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
                read_proc_table(live, |from| {
                    inet::read_table_in_blocks(&query.root, table, from, |rows, bogus_lines| {
                        if from == 0 {
                            chunks.add_bogus(bogus_lines);
                        }
                        // the /proc source applies the filters netlink applies in the kernel
                        rows.drain(..).filter(|row| keep_row(query, row)).all(|row| chunks.push(row))
                    })
                })
            }
        };
        stopped = !chunks.finish(status);
    }
    if query.unix && !stopped {
        let mut chunks = TableChunks::new(sink, TableId::Unix, chunk_rows, live);
        // unix_diag's rows need the whole dump before their RefCount is known
        let (mut dumped, mut peers) = (Vec::new(), Vec::new());
        let from_netlink = match &mut diag {
            Some(Ok(socket)) => {
                Some(netlink::unix::dump_table_with_memory(socket, &mut dumped, &mut peers, query.memory))
            }
            _ => None,
        };
        let netlink_status = match from_netlink {
            Some(Ok(())) => {
                dumped
                    .into_iter()
                    .zip(peers)
                    .filter(|(row, peer)| {
                        query.filter.as_ref().is_none_or(|f| f.matches_unix_with_peer(row, *peer))
                    })
                    .all(|(row, _)| chunks.push(row));
                Some(TableStatus::Read)
            }
            // netlink cannot show connections not yet accepted: /proc can
            Some(Err(Error::UnixPendingConnections)) => None,
            Some(Err(e)) if query.source == Source::Netlink => Some(status_of(Err(e))),
            Some(Err(_)) | None => None,
        };
        let status = match netlink_status {
            Some(status) => status,
            None => read_proc_table(live, |from| {
                unix::read_table_in_blocks(&query.root, from, |rows, bogus_lines| {
                    if from == 0 {
                        chunks.add_bogus(bogus_lines);
                    }
                    rows.drain(..).filter(|row| keep_unix_row(query, row)).all(|row| chunks.push(row))
                })
            }),
        };
        chunks.finish(status);
    }
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

pub(crate) fn filter_for(query: &SocketQuery, table: InetTable) -> netlink::inet::DumpFilter {
    let is_tcp = table.protocol() == Protocol::Tcp;
    let states = if is_tcp { query.tcp_states } else { netlink::inet::ALL_STATES };
    netlink::inet::DumpFilter {
        // the filter's state clauses: the kernel skips the other states
        states: states & query.filter.as_ref().and_then(|f| f.states()).unwrap_or(u32::MAX),
        counters: query.tcp_counters,
        local_port: query.local_port,
        details: crate::details::DetailsWanted { tcp_info: query.tcp_info, memory: query.memory },
    }
}

/// The /proc source applies the same filters netlink applies in the kernel,
/// and all of the query's filter expression.
pub(crate) fn keep_row(query: &SocketQuery, row: &InetSocket) -> bool {
    let is_tcp = row.table.protocol() == Protocol::Tcp;
    let state_ok = !is_tcp || query.tcp_states & 1u32.checked_shl(row.state as u32).unwrap_or(0) != 0;
    state_ok
        && query.local_port.is_none_or(|port| row.local_port == port)
        && query.filter.as_ref().is_none_or(|f| match row.table.protocol() {
            // ss reads raw sockets from /proc only where the kernel lacks
            // raw_diag, and then runs its userspace test alone (which lets an
            // IPv4 prefix match an IPv6 address); where raw_diag exists, raw
            // rows come from netlink here too and the kernel runs its half.
            Protocol::Raw => f.matches_inet_after_kernel(row),
            _ => f.matches_inet(row),
        })
}

/// A netlink row the kernel let through: what of the filter it could not run.
pub(crate) fn kept_after_kernel(query: &SocketQuery, row: &InetSocket) -> bool {
    // the kernel tested the port too, unless the filter's program left it no room
    query.local_port.is_none_or(|port| row.local_port == port)
        && query.filter.as_ref().is_none_or(|f| f.matches_inet_after_kernel(row))
}

fn keep_unix_row(query: &SocketQuery, row: &crate::model::UnixSocket) -> bool {
    query.filter.as_ref().is_none_or(|f| f.matches_unix(row))
}

/// Whether the filter leaves `table`'s family in the listing (an address with a
/// family, as `inet6:` or after -6, lists that family only, as ss does).
pub(crate) fn family_listed(query: &SocketQuery, table: InetTable) -> bool {
    query.filter.as_ref().is_none_or(|f| f.lists_inet(table.is_ipv6()))
}
