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

/// Packs one namespace's listing with the owners of a walk shared by several.
pub fn pack_with_owners(
    snap: &SocketSnapshot,
    owners: &HashMap<u64, Owner>,
    owner_access: OwnerAccess,
) -> Vec<u8> {
    pack(&Packable {
        inet: &snap.inet,
        unix: &snap.unix,
        inet_reports: snap.inet_reports,
        unix_report: snap.unix_report,
        owners,
        owner_access,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire_layout::{inet, owner, report as rep, unix, MAGIC, VERSION};
    use fastnetstat_core::{InetTable, TableStatus};

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
    }
    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }
    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    /// A row with a different value in every field, packed, reads back field by
    /// field at the offsets the layout gives (the TypeScript side reads the same
    /// offsets: packages/core/test/wire.test.ts).
    #[test]
    fn every_field_round_trips() {
        let mut s = InetSocket::empty(InetTable::Udp6);
        s.local_addr = [1; 16];
        s.remote_addr = [2; 16];
        s.local_port = 0x1F90;
        s.remote_port = 0xC350;
        s.state = 7;
        s.tx_queue = 11;
        s.rx_queue = 12;
        s.timer_active = 3;
        s.timer_ticks = 1 << 40;
        s.retransmits = 13;
        s.uid = 1001;
        s.timeout = -5;
        s.inode = (1 << 33) + 14;
        let u = UnixSocket {
            refcount: 21,
            protocol: 22,
            flags: 1 << 16,
            sock_type: 5,
            state: 3,
            inode: 23,
            path: Some(b"@x".to_vec()),
        };
        let owners = HashMap::from([(s.inode, Owner { pid: 4242, name: b"prog".to_vec() })]);
        let mut inet_reports = [TableReport::default(); 8];
        inet_reports[3] = TableReport { status: TableStatus::Failed(16), bogus_lines: 2 };
        let b = pack(&Packable {
            inet: std::slice::from_ref(&s),
            unix: std::slice::from_ref(&u),
            inet_reports,
            unix_report: TableReport { status: TableStatus::Read, bogus_lines: 0 },
            owners: &owners,
            owner_access: OwnerAccess::Partial,
            chunk: None,
        });
        assert_eq!((u32_at(&b, header::MAGIC), u16_at(&b, header::VERSION)), (MAGIC, VERSION));
        assert_eq!(b[header::OWNER_ACCESS], OwnerAccess::Partial as u8);
        assert_eq!((u32_at(&b, header::INET_COUNT), u32_at(&b, header::UNIX_COUNT)), (1, 1));
        assert_eq!(u32_at(&b, header::OWNER_COUNT), 1);
        assert_eq!((b[header::CHUNK_TABLE], b[header::CHUNK_LAST]), (NOT_A_CHUNK, 0));
        let r = header::REPORTS + 3 * REPORT_LEN;
        assert_eq!((b[r + rep::STATUS], u16_at(&b, r + rep::ERRNO), u32_at(&b, r + rep::COUNT)), (3, 16, 2));

        let i = u32_at(&b, header::INET_AT) as usize;
        assert_eq!(b[i + inet::LOCAL_ADDR..i + inet::LOCAL_ADDR + 16], [1; 16]);
        assert_eq!(b[i + inet::REMOTE_ADDR..i + inet::REMOTE_ADDR + 16], [2; 16]);
        assert_eq!((u16_at(&b, i + inet::LOCAL_PORT), u16_at(&b, i + inet::REMOTE_PORT)), (0x1F90, 0xC350));
        assert_eq!(
            (b[i + inet::TABLE], b[i + inet::STATE], b[i + inet::TIMER_ACTIVE]),
            (InetTable::Udp6 as u8, 7, 3)
        );
        assert_eq!((u32_at(&b, i + inet::TX_QUEUE), u32_at(&b, i + inet::RX_QUEUE)), (11, 12));
        assert_eq!(u64_at(&b, i + inet::TIMER_TICKS), 1 << 40);
        assert_eq!((u32_at(&b, i + inet::RETRANSMITS), u32_at(&b, i + inet::UID)), (13, 1001));
        assert_eq!(u32_at(&b, i + inet::TIMEOUT) as i32, -5);
        assert_eq!(u64_at(&b, i + inet::INODE), (1 << 33) + 14);
        assert_eq!(u32_at(&b, i + inet::OWNER), 0);

        let x = u32_at(&b, header::UNIX_AT) as usize;
        assert_eq!(u64_at(&b, x + unix::INODE), 23);
        assert_eq!((u32_at(&b, x + unix::REFCOUNT), u32_at(&b, x + unix::PROTOCOL)), (21, 22));
        assert_eq!(u32_at(&b, x + unix::FLAGS), 1 << 16);
        assert_eq!((u16_at(&b, x + unix::TYPE), b[x + unix::STATE]), (5, 3));
        assert_eq!(u32_at(&b, x + unix::OWNER), NONE);
        let strings = u32_at(&b, header::STRINGS_AT) as usize;
        let path = strings + u32_at(&b, x + unix::PATH_OFFSET) as usize;
        assert_eq!(&b[path..path + u32_at(&b, x + unix::PATH_LENGTH) as usize], b"@x");

        let o = u32_at(&b, header::OWNERS_AT) as usize;
        assert_eq!(u32_at(&b, o + owner::PID), 4242);
        let name = strings + u32_at(&b, o + owner::NAME_OFFSET) as usize;
        assert_eq!(&b[name..name + u32_at(&b, o + owner::NAME_LENGTH) as usize], b"prog");
        assert_eq!(b.len(), strings + u32_at(&b, header::STRINGS_LENGTH) as usize);
    }
}
