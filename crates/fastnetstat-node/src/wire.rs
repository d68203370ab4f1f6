//! The packed wire format: one buffer per call, decoded lazily in TypeScript
//! (packages/core/src/wire.ts mirrors every offset here).
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

pub const MAGIC: u32 = 0x3153_4E46; // "FNS1"
pub const VERSION: u16 = 2;
pub const HEADER_LEN: usize = 128;
pub const INET_ROW_LEN: usize = 80;
pub const UNIX_ROW_LEN: usize = 40;
pub const OWNER_ROW_LEN: usize = 12;
/// Table reports start here: 8 inet tables then unix, 8 bytes each.
pub const REPORTS_AT: usize = 40;
/// "No owner" / "no path" marker.
pub const NONE: u32 = u32::MAX;

/// Where the header tells which table a stream chunk holds (0-7 inet, 8
/// unix, NOT_A_CHUNK for a whole listing), and at +1 whether it is the
/// table's last chunk.
pub const CHUNK_AT: usize = 112;
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
    let unix_at = inet_at + snap.inet.len() * INET_ROW_LEN;
    let owners_at = unix_at + snap.unix.len() * UNIX_ROW_LEN;
    let mut w = Buf::new(owners_at);

    for (i, s) in snap.inet.iter().enumerate() {
        let at = inet_at + i * INET_ROW_LEN;
        w.buf[at..at + 16].copy_from_slice(&s.local_addr);
        w.buf[at + 16..at + 32].copy_from_slice(&s.remote_addr);
        w.u64(at + 32, s.inode);
        w.u64(at + 40, s.timer_ticks);
        w.u32(at + 48, s.rx_queue);
        w.u32(at + 52, s.tx_queue);
        w.u32(at + 56, s.uid);
        w.u32(at + 60, s.retransmits);
        w.i32(at + 64, s.timeout);
        w.u32(at + 68, owner_of(s.inode, &mut strings));
        w.u16(at + 72, s.local_port);
        w.u16(at + 74, s.remote_port);
        w.u8(at + 76, s.table as u8);
        w.u8(at + 77, s.state);
        w.u8(at + 78, s.timer_active);
    }
    for (i, s) in snap.unix.iter().enumerate() {
        let at = unix_at + i * UNIX_ROW_LEN;
        w.u64(at, s.inode);
        w.u32(at + 8, s.refcount);
        w.u32(at + 12, s.flags);
        w.u32(at + 16, s.protocol);
        match &s.path {
            Some(path) => {
                w.u32(at + 20, strings.len() as u32);
                w.u32(at + 24, path.len() as u32);
                strings.extend_from_slice(path);
            }
            None => {
                w.u32(at + 20, NONE);
                w.u32(at + 24, 0);
            }
        }
        w.u32(at + 28, owner_of(s.inode, &mut strings));
        w.u16(at + 32, s.sock_type);
        w.u8(at + 34, s.state);
    }

    let strings_at = owners_at + owner_rows.len() * OWNER_ROW_LEN;
    w.buf.resize(strings_at, 0);
    for (i, &(pid, offset, len)) in owner_rows.iter().enumerate() {
        let at = owners_at + i * OWNER_ROW_LEN;
        w.u32(at, pid);
        w.u32(at + 4, offset);
        w.u32(at + 8, len);
    }
    w.buf.extend_from_slice(&strings);

    w.u32(0, MAGIC);
    w.u16(4, VERSION);
    w.u8(6, snap.owner_access as u8);
    w.u32(8, snap.inet.len() as u32);
    w.u32(12, snap.unix.len() as u32);
    w.u32(16, owner_rows.len() as u32);
    w.u32(20, inet_at as u32);
    w.u32(24, unix_at as u32);
    w.u32(28, owners_at as u32);
    w.u32(32, strings_at as u32);
    w.u32(36, strings.len() as u32);
    let (chunk_table, chunk_last) = snap.chunk.unwrap_or((NOT_A_CHUNK, false));
    w.u8(CHUNK_AT, chunk_table);
    w.u8(CHUNK_AT + 1, chunk_last as u8);
    for (i, table) in snap.inet_reports.iter().enumerate() {
        report(&mut w, REPORTS_AT + i * 8, &table.status, 0, table.bogus_lines);
    }
    report(&mut w, REPORTS_AT + 8 * 8, &snap.unix_report.status, 0, snap.unix_report.bogus_lines);
    w.buf
}
