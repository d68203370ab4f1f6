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
    InetSocket, Owner, OwnerAccess, Rows, SocketDetails, SocketSnapshot, TableChunk, TableId, TableReport,
    UnixSocket,
};

use crate::wire_buf::{report, Buf};
use crate::wire_layout::{
    header, write_details, write_inet, write_owner, write_unix, DETAILS_LEN, HEADER_LEN, INET_LEN, NONE,
    OWNER_LEN, REPORT_LEN, UNIX_LEN,
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
    let details_at = unix_at + snap.unix.len() * UNIX_LEN;
    let details_count = snap.inet.iter().filter(|s| s.details.is_some()).count()
        + snap.unix.iter().filter(|s| s.memory.is_some()).count();
    let owners_at = details_at + details_count * DETAILS_LEN;
    let mut w = Buf::new(owners_at);

    // congestion algorithm names, each stored once: (name, offset)
    let mut congestion_names: Vec<(&[u8], u32)> = Vec::new();
    let mut details_index = 0usize;
    for (i, s) in snap.inet.iter().enumerate() {
        let owner = owner_of(s.inode, &mut strings);
        let index = match s.details.as_deref() {
            Some(d) => {
                let (offset, length) = match d.congestion.as_ref().map(|c| c.as_bytes()) {
                    Some(name) => {
                        let offset = match congestion_names.iter().find(|(n, _)| *n == name) {
                            Some(&(_, offset)) => offset,
                            None => {
                                let offset = strings.len() as u32;
                                strings.extend_from_slice(name);
                                congestion_names.push((name, offset));
                                offset
                            }
                        };
                        (offset, name.len() as u32)
                    }
                    None => (NONE, 0),
                };
                write_details(&mut w.buf[details_at + details_index * DETAILS_LEN..], d, offset, length);
                details_index += 1;
                (details_index - 1) as u32
            }
            None => NONE,
        };
        write_inet(&mut w.buf[inet_at + i * INET_LEN..], s, owner, index);
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
        // a unix socket's details are its memory counters alone
        let index = match s.memory {
            Some(memory) => {
                let d = SocketDetails { memory: Some(memory), ..SocketDetails::default() };
                write_details(&mut w.buf[details_at + details_index * DETAILS_LEN..], &d, NONE, 0);
                details_index += 1;
                (details_index - 1) as u32
            }
            None => NONE,
        };
        write_unix(&mut w.buf[unix_at + i * UNIX_LEN..], s, path_offset, path_length, owner, index);
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
    w.u32(header::DETAILS_COUNT, details_count as u32);
    w.u32(header::DETAILS_AT, details_at as u32);
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
        s.listen_backlog = Some(15);
        let u = UnixSocket {
            refcount: 21,
            protocol: 22,
            flags: 1 << 16,
            sock_type: 5,
            state: 3,
            inode: 23,
            path: Some(b"@x".to_vec()),
            memory: None,
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
        assert_eq!(u32_at(&b, i + inet::LISTEN_BACKLOG), 15);

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
        assert_eq!((u32_at(&b, header::DETAILS_COUNT), u32_at(&b, i + inet::DETAILS_INDEX)), (0, NONE));
        assert_eq!(u32_at(&b, x + unix::DETAILS_INDEX), NONE);
    }

    /// The details section: a row with details points at its record, whose
    /// every field reads back at the layout's offset (distinct values), the
    /// congestion name from the string table (stored once for two rows);
    /// a row without details points nowhere, and absent fields are all ones.
    #[test]
    fn details_round_trip() {
        use crate::wire_layout::details as d;
        use fastnetstat_core::{
            BbrInfo, CongestionName, DctcpInfo, SocketDetails, SocketMemory, TcpInfo, VegasInfo,
        };
        // a tcp_info whose every u32 word is its offset + 1000 (bytes 0-7: distinct small values)
        let mut payload = vec![0u8; 232];
        for at in (8..232).step_by(4) {
            payload[at..at + 4].copy_from_slice(&(at as u32 + 1000).to_ne_bytes());
        }
        payload[..8].copy_from_slice(&[1, 2, 3, 4, 5, 0x27, 0x97, 0b101]);
        let tcp = TcpInfo::decode(&payload);
        let memory = SocketMemory::from_skmeminfo(
            &(1..=9u32).flat_map(|v| (v * 11).to_ne_bytes()).collect::<Vec<_>>(),
        );
        let full = SocketDetails {
            tcp_info: Some(tcp.clone()),
            congestion: Some(CongestionName::new(b"bbr")),
            vegas: Some(VegasInfo { enabled: 1, rtt_count: 2, rtt: 3, min_rtt: 4 }),
            dctcp: Some(DctcpInfo { enabled: 5, ce_state: 6, alpha: 7, ab_ecn: 8, ab_tot: 9 }),
            bbr: Some(BbrInfo { bandwidth: 1 << 40, min_rtt: 10, pacing_gain: 11, cwnd_gain: 12 }),
            memory: Some(memory),
        };
        let mut rows = [
            InetSocket::empty(InetTable::Tcp),
            InetSocket::empty(InetTable::Tcp),
            InetSocket::empty(InetTable::Udp),
        ];
        rows[0].details = Some(Box::new(full));
        rows[2].details = Some(Box::new(SocketDetails {
            congestion: Some(CongestionName::new(b"bbr\0")),
            ..SocketDetails::default()
        }));
        let unix_row = UnixSocket {
            refcount: 2,
            protocol: 0,
            flags: 0,
            sock_type: 1,
            state: 1,
            inode: 5,
            path: None,
            memory: Some(SocketMemory::from_skmeminfo(
                &(1..=9u32).flat_map(|v| (v * 3).to_ne_bytes()).collect::<Vec<_>>(),
            )),
        };
        let b = pack(&Packable {
            inet: &rows,
            unix: std::slice::from_ref(&unix_row),
            inet_reports: [TableReport::default(); 8],
            unix_report: TableReport::default(),
            owners: &HashMap::new(),
            owner_access: OwnerAccess::NotRequested,
            chunk: None,
        });
        let i = u32_at(&b, header::INET_AT) as usize;
        let index = |row: usize| u32_at(&b, i + row * INET_LEN + inet::DETAILS_INDEX);
        assert_eq!((u32_at(&b, header::DETAILS_COUNT), index(0), index(1), index(2)), (3, 0, NONE, 1));
        let x = u32_at(&b, header::UNIX_AT) as usize;
        let r = u32_at(&b, header::DETAILS_AT) as usize;
        assert_eq!(r, x + UNIX_LEN);
        assert_eq!(u32_at(&b, header::OWNERS_AT) as usize, r + 3 * DETAILS_LEN);
        // the unix row's record: its memory alone
        assert_eq!(u32_at(&b, x + unix::DETAILS_INDEX), 2);
        let r3 = r + 2 * DETAILS_LEN;
        assert_eq!(
            (u32_at(&b, r3 + d::RECEIVE_QUEUED), u32_at(&b, r3 + d::DROPS), b[r3 + d::HAS_MEMORY]),
            (3, 27, 1)
        );
        assert_eq!((u32_at(&b, r3 + d::TCP_INFO_LENGTH), u32_at(&b, r3 + d::CONGESTION_OFFSET)), (0, NONE));
        let w = |at: usize| u32_at(&b, r + at) as u64;
        let kernel = |at: usize| at as u64 + 1000;
        let u64s = [
            (d::PACING_RATE, 104),
            (d::MAX_PACING_RATE, 112),
            (d::BYTES_ACKED, 120),
            (d::BYTES_RECEIVED, 128),
            (d::DELIVERY_RATE, 160),
            (d::BUSY_TIME, 168),
            (d::RWND_LIMITED, 176),
            (d::SNDBUF_LIMITED, 184),
            (d::BYTES_SENT, 200),
            (d::BYTES_RETRANS, 208),
        ];
        for (field, at) in u64s {
            assert_eq!(u64_at(&b, r + field), kernel(at) | kernel(at + 4) << 32, "u64 at kernel offset {at}");
        }
        let u32s = [
            (d::RTO, 8),
            (d::ATO, 12),
            (d::SND_MSS, 16),
            (d::RCV_MSS, 20),
            (d::UNACKED, 24),
            (d::SACKED, 28),
            (d::LOST, 32),
            (d::RETRANS, 36),
            (d::FACKETS, 40),
            (d::LAST_DATA_SENT, 44),
            (d::LAST_ACK_SENT, 48),
            (d::LAST_DATA_RECV, 52),
            (d::LAST_ACK_RECV, 56),
            (d::PMTU, 60),
            (d::RCV_SSTHRESH, 64),
            (d::RTT, 68),
            (d::RTTVAR, 72),
            (d::SND_SSTHRESH, 76),
            (d::SND_CWND, 80),
            (d::ADVMSS, 84),
            (d::REORDERING, 88),
            (d::RCV_RTT, 92),
            (d::RCV_SPACE, 96),
            (d::TOTAL_RETRANS, 100),
            (d::SEGS_OUT, 136),
            (d::SEGS_IN, 140),
            (d::NOTSENT_BYTES, 144),
            (d::MIN_RTT, 148),
            (d::DATA_SEGS_IN, 152),
            (d::DATA_SEGS_OUT, 156),
            (d::DELIVERED, 192),
            (d::DELIVERED_CE, 196),
            (d::DSACK_DUPS, 216),
            (d::REORD_SEEN, 220),
            (d::RCV_OOOPACK, 224),
            (d::SND_WND, 228),
        ];
        for (field, at) in u32s {
            assert_eq!(w(field), kernel(at), "u32 at kernel offset {at}");
        }
        assert_eq!(w(d::TCP_INFO_LENGTH), 232);
        let bytes = [d::STATE, d::CA_STATE, d::RETRANSMITS, d::PROBES, d::BACKOFF, d::OPTIONS];
        assert_eq!(bytes.map(|at| b[r + at]), [1, 2, 3, 4, 5, 0x27]);
        assert_eq!(
            [d::SND_WSCALE, d::RCV_WSCALE, d::APP_LIMITED, d::FASTOPEN_CLIENT_FAIL].map(|at| b[r + at]),
            [7, 9, 1, 2]
        );
        let vegas = [d::VEGAS_ENABLED, d::VEGAS_RTT_COUNT, d::VEGAS_RTT, d::VEGAS_MIN_RTT].map(w);
        assert_eq!(vegas, [1, 2, 3, 4]);
        assert_eq!((u16_at(&b, r + d::DCTCP_ENABLED), u16_at(&b, r + d::DCTCP_CE_STATE)), (5, 6));
        assert_eq!([d::DCTCP_ALPHA, d::DCTCP_AB_ECN, d::DCTCP_AB_TOT].map(w), [7, 8, 9]);
        assert_eq!(u64_at(&b, r + d::BBR_BANDWIDTH), 1 << 40);
        assert_eq!([d::BBR_MIN_RTT, d::BBR_PACING_GAIN, d::BBR_CWND_GAIN].map(w), [10, 11, 12]);
        let memory = [
            d::RECEIVE_QUEUED,
            d::RECEIVE_BUFFER,
            d::SEND_QUEUED,
            d::SEND_BUFFER,
            d::FORWARD_ALLOC,
            d::WRITE_QUEUED,
            d::OPTION_MEMORY,
            d::BACKLOG,
            d::DROPS,
        ];
        assert_eq!(memory.map(w), [11, 22, 33, 44, 55, 66, 77, 88, 99]);
        assert_eq!(b[r + d::HAS_MEMORY], 1);
        let strings = u32_at(&b, header::STRINGS_AT) as usize;
        let name = strings + w(d::CONGESTION_OFFSET) as usize;
        assert_eq!(&b[name..name + w(d::CONGESTION_LENGTH) as usize], b"bbr");
        assert_eq!(u32_at(&b, header::STRINGS_LENGTH), 3, "the name is stored once");
        // the second record: only the name; every other field absent (all ones)
        let r2 = r + DETAILS_LEN;
        assert_eq!(u32_at(&b, r2 + d::CONGESTION_OFFSET), u32_at(&b, r + d::CONGESTION_OFFSET));
        assert_eq!(
            (u32_at(&b, r2 + d::RTT), u64_at(&b, r2 + d::PACING_RATE), b[r2 + d::STATE]),
            (NONE, u64::MAX, 0xff)
        );
        assert_eq!(
            (u32_at(&b, r2 + d::DROPS), u32_at(&b, r2 + d::TCP_INFO_LENGTH), b[r2 + d::HAS_MEMORY]),
            (NONE, 0, 0)
        );
    }
}
