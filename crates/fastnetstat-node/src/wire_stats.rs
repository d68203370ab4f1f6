//! The packed form of the protocol counters: one buffer per call, decoded in
//! TypeScript (packages/core/src/statistics.ts mirrors every offset here).
//!
//! Layout, all little-endian:
//!
//! ```text
//! header    HEADER_LEN (32) bytes
//!   0  u32  MAGIC ("FNST")
//!   4  u16  VERSION
//!   6  u16  HEADER_LEN
//!   8  u32  file count
//!  12  u32  section count
//!  16  u32  entry count
//!  20  u32  offset of the string table
//!  24  u32  length of the string table
//!  28  u32  0
//! files     FILE_LEN (24) bytes each, in the order read
//!   0  u8   file (0 snmp, 1 netstat, 2 snmp6, 3 sctp/snmp)
//!   1  u8   status (1 read, 2 missing, 3 open failed, 4 read failed)
//!   2  u16  errno (0 when read)
//!   4  u32  line of the first format error (pairs files), 0 for none
//!   8  u32  strerror text: offset in the string table
//!  12  u32  strerror text: length (0 when read)
//!  16  u32  first section of this file
//!  20  u32  number of sections of this file
//! sections  SECTION_LEN (16) bytes each, in file order
//!   0  u32  title offset    4 u32 title length
//!   8  u32  first entry    12 u32 number of entries
//! entries   ENTRY_LEN (32) bytes each, in file order
//!   0  u32  name offset     4 u32 name length
//!   8  u64  value as netstat reads it (strtoull: -1 is 2^64-1)
//!  16  i64  value as the kernel meant it (signed, saturated)
//!  24  u8   flags: bit 0 = digits were found for this name
//!  25..32   0
//! strings   the bytes of titles, names and messages
//! ```

use fastnetstat_core::statistics::{strerror, FileStatus, Statistics};

pub const MAGIC: u32 = 0x5453_4E46; // "FNST"
pub const VERSION: u16 = 1;
pub const HEADER_LEN: usize = 32;
pub const FILE_LEN: usize = 24;
pub const SECTION_LEN: usize = 16;
pub const ENTRY_LEN: usize = 32;

fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn intern(strings: &mut Vec<u8>, bytes: &[u8]) -> (u32, u32) {
    let at = strings.len() as u32;
    strings.extend_from_slice(bytes);
    (at, bytes.len() as u32)
}

/// Packs the counters. Sections of one file are contiguous (the core reads
/// file after file), so each file row points at its run of sections.
pub fn pack_statistics(stats: &Statistics) -> Vec<u8> {
    let entry_count: usize = stats.sections.iter().map(|s| s.entries.len()).sum();
    let files_at = HEADER_LEN;
    let sections_at = files_at + stats.reports.len() * FILE_LEN;
    let entries_at = sections_at + stats.sections.len() * SECTION_LEN;
    let strings_at = entries_at + entry_count * ENTRY_LEN;
    let mut buf = vec![0u8; strings_at];
    let mut strings: Vec<u8> = Vec::new();

    for (i, report) in stats.reports.iter().enumerate() {
        let at = files_at + i * FILE_LEN;
        let status = match report.status {
            FileStatus::NotRequested => 0,
            FileStatus::Read => 1,
            FileStatus::Missing => 2,
            FileStatus::OpenFailed(_) => 3,
            FileStatus::ReadFailed(_) => 4,
        };
        let errno = report.status.errno().unwrap_or(0);
        buf[at] = report.file as u8;
        buf[at + 1] = status;
        put_u16(&mut buf, at + 2, errno.clamp(0, u16::MAX as i32) as u16);
        put_u32(&mut buf, at + 4, report.format_error_line.unwrap_or(0));
        if errno != 0 {
            let (off, len) = intern(&mut strings, strerror(errno).as_bytes());
            put_u32(&mut buf, at + 8, off);
            put_u32(&mut buf, at + 12, len);
        }
        let first = stats.sections.iter().position(|s| s.file == report.file).unwrap_or(0);
        let count = stats.sections.iter().filter(|s| s.file == report.file).count();
        put_u32(&mut buf, at + 16, first as u32);
        put_u32(&mut buf, at + 20, count as u32);
    }

    let mut entry = 0usize;
    for (i, section) in stats.sections.iter().enumerate() {
        let at = sections_at + i * SECTION_LEN;
        let (off, len) = intern(&mut strings, &section.title);
        put_u32(&mut buf, at, off);
        put_u32(&mut buf, at + 4, len);
        put_u32(&mut buf, at + 8, entry as u32);
        put_u32(&mut buf, at + 12, section.entries.len() as u32);
        for e in &section.entries {
            let at = entries_at + entry * ENTRY_LEN;
            let (off, len) = intern(&mut strings, &e.name);
            put_u32(&mut buf, at, off);
            put_u32(&mut buf, at + 4, len);
            put_u64(&mut buf, at + 8, e.value);
            put_u64(&mut buf, at + 16, e.signed as u64);
            buf[at + 24] = e.has_value as u8;
            entry += 1;
        }
    }

    put_u32(&mut buf, 0, MAGIC);
    put_u16(&mut buf, 4, VERSION);
    put_u16(&mut buf, 6, HEADER_LEN as u16);
    put_u32(&mut buf, 8, stats.reports.len() as u32);
    put_u32(&mut buf, 12, stats.sections.len() as u32);
    put_u32(&mut buf, 16, entry_count as u32);
    put_u32(&mut buf, 20, strings_at as u32);
    put_u32(&mut buf, 24, strings.len() as u32);
    buf.extend_from_slice(&strings);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use fastnetstat_core::statistics::{parse_pairs, FileReport, StatFile};

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn layout() {
        let parsed = parse_pairs(b"Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\n", StatFile::Snmp);
        let stats = Statistics {
            sections: parsed.sections,
            reports: vec![
                FileReport { file: StatFile::Snmp, status: FileStatus::Read, format_error_line: None },
                FileReport { file: StatFile::Netstat, status: FileStatus::Missing, format_error_line: None },
            ],
        };
        let b = pack_statistics(&stats);
        assert_eq!(u32_at(&b, 0), MAGIC);
        assert_eq!((u32_at(&b, 8), u32_at(&b, 12), u32_at(&b, 16)), (2, 1, 2));
        let strings_at = u32_at(&b, 20) as usize;
        assert_eq!(strings_at, HEADER_LEN + 2 * FILE_LEN + SECTION_LEN + 2 * ENTRY_LEN);
        assert_eq!(b.len(), strings_at + u32_at(&b, 24) as usize);
        // netstat missing: status 2, ENOENT, its message
        let f = HEADER_LEN + FILE_LEN;
        assert_eq!((b[f], b[f + 1], u16::from_le_bytes([b[f + 2], b[f + 3]])), (1, 2, 2));
        let (off, len) = (u32_at(&b, f + 8) as usize, u32_at(&b, f + 12) as usize);
        assert_eq!(&b[strings_at + off..strings_at + off + len], b"No such file or directory");
        // second entry: MaxConn -1
        let e = HEADER_LEN + 2 * FILE_LEN + SECTION_LEN + ENTRY_LEN;
        let (off, len) = (u32_at(&b, e) as usize, u32_at(&b, e + 4) as usize);
        assert_eq!(&b[strings_at + off..strings_at + off + len], b"MaxConn");
        assert_eq!(u64::from_le_bytes(b[e + 8..e + 16].try_into().unwrap()), u64::MAX);
        assert_eq!(i64::from_le_bytes(b[e + 16..e + 24].try_into().unwrap()), -1);
        assert_eq!(b[e + 24], 1);
    }
}
