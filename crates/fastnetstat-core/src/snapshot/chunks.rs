//! Handing a table's rows out a chunk at a time, each socket once.

use std::collections::HashSet;

use crate::model::{InetSocket, InetTable, UnixSocket};
use crate::table_status::TableStatus;

#[derive(Debug, Clone, Copy, Default)]
pub struct TableReport {
    pub status: TableStatus,
    /// Lines that could not be parsed and were skipped (netstat warns once per line).
    pub bogus_lines: u32,
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
pub(super) enum Identity {
    Inode(u64),
    /// Sockets without an inode (TIME_WAIT, orphans, requests): their
    /// address pair and state, unique in the kernel's table.
    Tuple([u8; 16], [u8; 16], u16, u16, u8),
}

pub(super) trait ChunkRow: Sized {
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
/// `sources::second_read_from`), and the second read adds what the first missed,
/// the repeats dropped the same way. Netlink resumes within one hash bucket only, where a
/// skip needs a removal in that very bucket; none was seen under the same
/// churn (tests/churn). A captured table (--proc-root) is shown as it is.
pub(super) struct TableChunks<'s, 'a, R: ChunkRow> {
    sink: &'s mut Sink<'a>,
    table: TableId,
    chunk_rows: usize,
    rows: Vec<R>,
    bogus_lines: u32,
    seen: Option<HashSet<Identity>>,
    /// Some rows or a status went out already.
    pub(super) sent: bool,
    stopped: bool,
}

impl<'s, 'a, R: ChunkRow> TableChunks<'s, 'a, R> {
    pub(super) fn new(sink: &'s mut Sink<'a>, table: TableId, chunk_rows: usize, live: bool) -> Self {
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
    pub(super) fn push(&mut self, row: R) -> bool {
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
    pub(super) fn restart(&mut self) {
        self.rows.clear();
        self.bogus_lines = 0;
        if let Some(seen) = &mut self.seen {
            seen.clear();
        }
    }

    pub(super) fn add_bogus(&mut self, lines: u32) {
        self.bogus_lines = self.bogus_lines.saturating_add(lines);
    }

    fn send(&mut self, status: TableStatus, last: bool) {
        let rows = std::mem::take(&mut self.rows);
        let report = TableReport { status, bogus_lines: std::mem::take(&mut self.bogus_lines) };
        self.sent = true;
        self.stopped |= !(self.sink)(TableChunk { table: self.table, rows: R::wrap(rows), report, last });
    }

    /// Sends the rest with the table's status; false once the listing has stopped.
    pub(super) fn finish(mut self, status: TableStatus) -> bool {
        if status != TableStatus::Read {
            self.rows.clear();
            self.bogus_lines = 0;
        }
        self.send(status, true);
        !self.stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inet(inode: u64, remote_port: u16, state: u8) -> InetSocket {
        InetSocket { local_port: 80, remote_port, state, inode, ..InetSocket::empty(InetTable::Tcp) }
    }

    fn unix(inode: u64) -> UnixSocket {
        UnixSocket {
            refcount: 2,
            protocol: 0,
            flags: 0,
            sock_type: 1,
            state: 1,
            inode,
            path: None,
            memory: None,
        }
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
