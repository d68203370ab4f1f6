//! The streamed listing: the same rows and reports as the whole listing, in
//! chunks, tables in order, each table ended once.

use std::path::PathBuf;
use std::time::Duration;

use fastnetstat_core::{
    list_sockets, stream_sockets, InetSocket, InetTable, ProcRoot, Rows, SocketQuery, Source, TableId,
    TableStatus, UnixSocket,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proc").join(name)
}

fn query(dir: &str) -> SocketQuery {
    SocketQuery {
        root: ProcRoot::new(fixture(dir)),
        inet_tables: InetTable::ALL.to_vec(),
        unix: true,
        source: Source::Proc,
        ..SocketQuery::default()
    }
}

struct Streamed {
    inet: Vec<InetSocket>,
    unix: Vec<UnixSocket>,
    /// (table, status, bogus lines summed over its chunks), in the order tables ended
    ended: Vec<(TableId, TableStatus, u32)>,
    chunks: usize,
}

fn stream_all(query: SocketQuery, chunk_rows: usize) -> Streamed {
    let mut out = Streamed { inet: Vec::new(), unix: Vec::new(), ended: Vec::new(), chunks: 0 };
    let mut bogus = 0;
    let mut current: Option<TableId> = None;
    for chunk in stream_sockets(query, chunk_rows) {
        let chunk = chunk.unwrap();
        out.chunks += 1;
        assert!(chunk.rows.len() <= chunk_rows, "a chunk holds at most {chunk_rows} rows");
        if let Some(table) = current {
            assert_eq!(chunk.table, table, "a table's chunks come together");
        }
        current = Some(chunk.table);
        bogus += chunk.report.bogus_lines;
        match chunk.rows {
            Rows::Inet(rows) => {
                assert!(rows.iter().all(|r| TableId::Inet(r.table) == chunk.table));
                out.inet.extend(rows)
            }
            Rows::Unix(rows) => out.unix.extend(rows),
        }
        if chunk.last {
            out.ended.push((chunk.table, chunk.report.status, std::mem::take(&mut bogus)));
            current = None;
        }
    }
    out
}

#[test]
fn chunks_add_up_to_the_whole_listing() {
    for dir in ["live", "malformed"] {
        let whole = list_sockets(&query(dir));
        for chunk_rows in [1, 3, 1000] {
            let streamed = stream_all(query(dir), chunk_rows);
            assert_eq!(streamed.inet, whole.inet, "{dir} by {chunk_rows}");
            assert_eq!(streamed.unix, whole.unix, "{dir} by {chunk_rows}");
            let mut expected: Vec<_> = InetTable::ALL
                .iter()
                .map(|&t| {
                    (
                        TableId::Inet(t),
                        whole.inet_reports[t as usize].status,
                        whole.inet_reports[t as usize].bogus_lines,
                    )
                })
                .collect();
            expected.push((TableId::Unix, whole.unix_report.status, whole.unix_report.bogus_lines));
            assert_eq!(streamed.ended, expected, "{dir} by {chunk_rows}");
            if chunk_rows == 1 {
                assert!(streamed.chunks >= whole.inet.len() + whole.unix.len());
            }
        }
    }
}

#[test]
fn a_missing_table_is_one_empty_last_chunk() {
    let mut q = query("live");
    q.root = ProcRoot::new(fixture("does-not-exist"));
    let streamed = stream_all(q, 10);
    assert_eq!(streamed.chunks, 9);
    assert!(streamed.ended.iter().all(|&(_, status, bogus)| status == TableStatus::Missing && bogus == 0));
}

/// A consumer that stops early lets the producer end: the next stream still works.
#[test]
fn dropping_a_stream_early_is_fine() {
    let mut stream = stream_sockets(query("live"), 1);
    assert!(stream.next_chunk().unwrap().is_some());
    drop(stream);
    std::thread::sleep(Duration::from_millis(10));
    assert_eq!(stream_all(query("live"), 2).inet, list_sockets(&query("live")).inet);
}

/// The live system through netlink: a listener of ours shows up once, in tcp.
#[test]
fn live_netlink_stream() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let q = SocketQuery {
        inet_tables: vec![InetTable::Tcp, InetTable::Tcp6],
        source: Source::Netlink,
        local_port: Some(port),
        ..SocketQuery::default()
    };
    let streamed = stream_all(q, 2);
    assert_eq!(streamed.inet.iter().filter(|r| r.local_port == port).count(), 1);
    assert_eq!(
        streamed.ended.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        vec![
            (TableId::Inet(InetTable::Tcp), TableStatus::Read),
            (TableId::Inet(InetTable::Tcp6), TableStatus::Read)
        ]
    );
}

/// Owners not asked for: empty at once, with the producer far ahead (it must
/// not be waited for while its queue is full).
#[test]
fn owners_not_asked_for_do_not_wait() {
    let mut stream = stream_sockets(query("live"), 1);
    let scan = stream.owners().unwrap();
    assert!(scan.owners.is_empty());
    assert_eq!(scan.access, fastnetstat_core::OwnerAccess::NotRequested);
    let rows = stream.map(|chunk| chunk.unwrap().rows.len()).sum::<usize>();
    let whole = list_sockets(&query("live"));
    assert_eq!(rows, whole.inet.len() + whole.unix.len());
}

/// Owners asked for, on a captured tree with processes: every chunk's rows
/// have the owners the whole listing finds.
#[test]
fn owners_of_a_captured_tree() {
    let q = SocketQuery { owners: true, ..query("owners-tree") };
    let whole = list_sockets(&q);
    assert!(!whole.owners.is_empty());
    let mut stream = stream_sockets(q, 1);
    let mut rows = 0;
    while let Some(chunk) = stream.next_chunk().unwrap() {
        rows += chunk.rows.len();
    }
    let scan = stream.owners().unwrap();
    assert_eq!(scan.owners, whole.owners);
    assert_eq!(scan.access, whole.owner_access);
    assert_eq!(rows, whole.inet.len() + whole.unix.len());
}
