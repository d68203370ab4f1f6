//! The packed wire format of socket listings: one buffer per call, decoded
//! lazily in TypeScript (packages/core/src/sockets.ts). Offsets, lengths and
//! the row writers come from scripts/wire-layout.mjs (see wire_layout.rs).
//!
//! Layout, all little-endian:
//!   header (HEADER_LEN bytes) | inet rows | unix rows | owner rows | strings
//! A stream of chunks uses the same layout, one buffer per chunk.
//! Rows are fixed width; variable bytes (paths, program names) live in the
//! string table and rows point at them with (offset, length).

use std::collections::HashMap;

use fastnetstat_core::owners::OwnerScan;
use fastnetstat_core::{
    InetSocket, Owner, OwnerAccess, Rows, SocketSnapshot, TableChunk, TableId, TableReport, UnixSocket,
};

use crate::wire_buf::{report, Buf};
use crate::wire_layout::{
    header, write_inet, write_owner, write_unix, HEADER_LEN, INET_LEN, NONE, OWNER_LEN, REPORT_LEN, UNIX_LEN,
};

/// A chunk table byte that marks a whole listing (not a stream chunk).
pub const NOT_A_CHUNK: u8 = 0xFF;

/// What one packed buffer holds: a whole listing, or one chunk of a stream.
pub struct Packable<'a> {
    pub inet: &'a [InetSocket],
    pub unix: &'a [UnixSocket],
    pub inet_reports: [TableReport; 8],
    pub unix_report: TableReport,
    pub owners: &'a HashMap<u64, Owner>,
    pub owner_access: OwnerAccess,
    /// A chunk's table (0-7 inet, 8 unix) and whether it ends the table.
    pub chunk: Option<(u8, bool)>,
}

/// Packs a whole listing.
pub fn pack_sockets(snap: &SocketSnapshot) -> Vec<u8> {
    pack(&Packable {
        inet: &snap.inet,
        unix: &snap.unix,
        inet_reports: snap.inet_reports,
        unix_report: snap.unix_report,
        owners: &snap.owners,
        owner_access: snap.owner_access,
        chunk: None,
    })
}

/// Packs one chunk of a stream: its rows, its table's report (the bogus lines
/// of this chunk), and the owners of its rows.
pub fn pack_chunk(chunk: &TableChunk, owners: &OwnerScan) -> Vec<u8> {
    let mut inet_reports = [TableReport::default(); 8];
    let mut unix_report = TableReport::default();
    let index = match chunk.table {
        TableId::Inet(table) => {
            inet_reports[table as usize] = chunk.report;
            table as u8
        }
        TableId::Unix => {
            unix_report = chunk.report;
            8
        }
    };
    let (inet, unix): (&[InetSocket], &[UnixSocket]) = match &chunk.rows {
        Rows::Inet(rows) => (rows, &[]),
        Rows::Unix(rows) => (&[], rows),
    };
    pack(&Packable {
        inet,
        unix,
        inet_reports,
        unix_report,
        owners: &owners.owners,
        owner_access: owners.access,
        chunk: Some((index, chunk.last)),
    })
}

/// Packs rows with their owners. Owners are de-duplicated by pid, so rows
/// refer to an owner row by index and each program name is stored once.
fn pack(snap: &Packable) -> Vec<u8> {
    let mut strings: Vec<u8> = Vec::new();
    let mut owner_rows: Vec<(u32, u32, u32)> = Vec::new();
    let mut owner_index_by_pid: HashMap<u32, u32> = HashMap::new();
    let mut owner_of = |inode: u64, strings: &mut Vec<u8>| -> u32 {
        if inode == 0 {
            return NONE;
        }
        let Some(owner) = snap.owners.get(&inode) else { return NONE };
        *owner_index_by_pid.entry(owner.pid).or_insert_with(|| {
            let offset = strings.len() as u32;
            strings.extend_from_slice(&owner.name);
            owner_rows.push((owner.pid, offset, owner.name.len() as u32));
            (owner_rows.len() - 1) as u32
        })
    };

    let inet_at = HEADER_LEN;
    let unix_at = inet_at + snap.inet.len() * INET_LEN;
    let owners_at = unix_at + snap.unix.len() * UNIX_LEN;
    let mut w = Buf::new(owners_at);

    for (i, s) in snap.inet.iter().enumerate() {
        let owner = owner_of(s.inode, &mut strings);
        write_inet(&mut w.buf[inet_at + i * INET_LEN..], s, owner);
    }
    for (i, s) in snap.unix.iter().enumerate() {
        let (path_offset, path_length) = match &s.path {
            Some(path) => {
                let offset = strings.len() as u32;
                strings.extend_from_slice(path);
                (offset, path.len() as u32)
            }
            None => (NONE, 0),
        };
        let owner = owner_of(s.inode, &mut strings);
        write_unix(&mut w.buf[unix_at + i * UNIX_LEN..], s, path_offset, path_length, owner);
    }

    let strings_at = owners_at + owner_rows.len() * OWNER_LEN;
    w.buf.resize(strings_at, 0);
    for (i, &(pid, offset, len)) in owner_rows.iter().enumerate() {
        write_owner(&mut w.buf[owners_at + i * OWNER_LEN..], pid, offset, len);
    }
    w.buf.extend_from_slice(&strings);

    w.u32(header::MAGIC, crate::wire_layout::MAGIC);
    w.u16(header::VERSION, crate::wire_layout::VERSION);
    w.u8(header::OWNER_ACCESS, snap.owner_access as u8);
    w.u32(header::INET_COUNT, snap.inet.len() as u32);
    w.u32(header::UNIX_COUNT, snap.unix.len() as u32);
    w.u32(header::OWNER_COUNT, owner_rows.len() as u32);
    w.u32(header::INET_AT, inet_at as u32);
    w.u32(header::UNIX_AT, unix_at as u32);
    w.u32(header::OWNERS_AT, owners_at as u32);
    w.u32(header::STRINGS_AT, strings_at as u32);
    w.u32(header::STRINGS_LENGTH, strings.len() as u32);
    let (chunk_table, chunk_last) = snap.chunk.unwrap_or((NOT_A_CHUNK, false));
    w.u8(header::CHUNK_TABLE, chunk_table);
    w.u8(header::CHUNK_LAST, chunk_last as u8);
    let unix_report = std::iter::once(&snap.unix_report);
    for (i, table) in snap.inet_reports.iter().chain(unix_report).enumerate() {
        report(&mut w, header::REPORTS + i * REPORT_LEN, &table.status, 0, table.bogus_lines);
    }
    w.buf
}
