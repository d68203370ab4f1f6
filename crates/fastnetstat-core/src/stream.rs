//! A listing handed out a chunk at a time while it is still being read.
//!
//! A producer thread reads the tables (netlink or /proc, as [`list_sockets`]
//! does) and sends chunks of rows down a short queue, so the consumer formats
//! one chunk while the kernel fills the next, and memory holds a few chunks
//! however big the tables are. With owners, the fd walk runs on its own
//! thread beside the producer; the first chunk waits for it (every row needs
//! its owner), and the queue is long enough that the producer never waits.
//!
//! [`list_sockets`]: crate::list_sockets

use std::sync::mpsc::{channel, sync_channel, Receiver};
use std::thread::JoinHandle;

use crate::owners::{self, OwnerScan};
use crate::snapshot::{entered, inodes_of, read_tables, walks_after_tables, Rows, SocketQuery, TableChunk};

/// Chunks queued ahead of the consumer: enough to keep the producer busy
/// while one is formatted.
const QUEUE_AHEAD: usize = 4;
/// With owners the consumer waits for the walk first: the producer must not
/// wait meanwhile (the walk and the dump run together), so the queue holds
/// any real table.
const QUEUE_WHILE_WALKING: usize = 4096;

/// A thread of the listing died of a panic; its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPanic(pub String);

pub struct SocketStream {
    chunks: Receiver<TableChunk>,
    producer: Option<JoinHandle<()>>,
    owner_scan: Option<Receiver<OwnerScan>>,
    owners: OwnerScan,
    walk: Option<JoinHandle<()>>,
}

/// Starts a listing; its chunks come from [`SocketStream::next_chunk`].
pub fn stream_sockets(query: SocketQuery, chunk_rows: usize) -> SocketStream {
    let (chunk_out, chunks) = sync_channel(if query.owners { QUEUE_WHILE_WALKING } else { QUEUE_AHEAD });
    let (scan_out, scan_in) = channel::<OwnerScan>();
    let owner_scan = query.owners.then_some(scan_in);
    let mut walk = None;
    let producer = if walks_after_tables(&query) {
        // the walk needs the rows: read them all, walk, then hand them out
        std::thread::spawn(move || {
            let mut read: Vec<TableChunk> = Vec::new();
            read_tables(&entered(&query), chunk_rows, &mut |chunk| {
                read.push(chunk);
                true
            });
            let inet = read.iter().flat_map(|chunk| match &chunk.rows {
                Rows::Inet(rows) => rows.as_slice(),
                Rows::Unix(_) => &[],
            });
            let wanted = inodes_of(inet);
            let _ = scan_out.send(owners::scan(&query.root, Some(&wanted)));
            read.into_iter().all(|chunk| chunk_out.send(chunk).is_ok());
        })
    } else {
        if query.owners {
            let root = query.root.clone();
            walk = Some(std::thread::spawn(move || {
                let _ = scan_out.send(owners::scan(&root, None));
            }));
        } else {
            drop(scan_out);
        }
        std::thread::spawn(move || {
            read_tables(&entered(&query), chunk_rows, &mut |chunk| chunk_out.send(chunk).is_ok())
        })
    };
    SocketStream { chunks, producer: Some(producer), owner_scan, owners: OwnerScan::default(), walk }
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> StreamPanic {
    StreamPanic(crate::error::panic_text(panic.as_ref()))
}

impl SocketStream {
    /// The owners of the listing's sockets (empty when not asked for). Waits
    /// for the fd walk the first time.
    pub fn owners(&mut self) -> Result<&OwnerScan, StreamPanic> {
        if let Some(scan) = self.owner_scan.take() {
            match scan.recv() {
                Ok(scan) => self.owners = scan,
                // the walk (or the producer doing it) died before sending:
                // whichever it was has ended, so joining it cannot wait
                Err(_) => {
                    let thread = self.walk.take().or_else(|| self.producer.take());
                    if let Some(Err(panic)) = thread.map(JoinHandle::join) {
                        return Err(panic_message(panic));
                    }
                }
            }
        }
        Ok(&self.owners)
    }

    /// The next chunk, or None once every table has been handed out.
    pub fn next_chunk(&mut self) -> Result<Option<TableChunk>, StreamPanic> {
        match self.chunks.recv() {
            Ok(chunk) => Ok(Some(chunk)),
            Err(_) => match self.producer.take().map(JoinHandle::join) {
                Some(Err(panic)) => Err(panic_message(panic)),
                _ => Ok(None),
            },
        }
    }
}

impl Iterator for SocketStream {
    type Item = Result<TableChunk, StreamPanic>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_chunk().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProcRoot;

    /// A panic in the producer ends the stream with its message, never a hang
    /// or a stream that merely looks short.
    #[test]
    fn a_panic_while_reading_comes_back_as_an_error() {
        for owners in [false, true] {
            let query = SocketQuery {
                root: ProcRoot::new(crate::snapshot::tests::PANIC_ROOT),
                inet_tables: vec![crate::InetTable::Tcp],
                owners,
                ..SocketQuery::default()
            };
            let mut stream = stream_sockets(query, 16);
            assert_eq!(stream.next_chunk().unwrap_err(), StreamPanic("a panic the tests asked for".into()));
        }
    }
}
