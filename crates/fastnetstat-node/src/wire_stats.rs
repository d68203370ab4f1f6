//! Packs the protocol counters into one buffer, decoded in TypeScript
//! (packages/core/src/statistics.ts). The layout (header, then file records,
//! section records and entry records, then the strings) is written once, in
//! scripts/wire-layout.mjs (`tables.statistics`); the offsets and writers used
//! here are generated from it (wire_tables.rs), as is the decoder's side
//! (packages/core/src/wire-tables.ts). What stays here is logic: the status
//! codes, the strerror texts and which sections belong to which file.

use fastnetstat_core::statistics::{strerror, FileStatus, Statistics};

use crate::wire_buf::Buf;
use crate::wire_tables::statistics as layout;

/// Packs the counters. Sections of one file are contiguous (the core reads
/// file after file), so each file row points at its run of sections.
pub fn pack_statistics(stats: &Statistics) -> Vec<u8> {
    let entry_count: usize = stats.sections.iter().map(|s| s.entries.len()).sum();
    let files_at = layout::HEADER_LEN;
    let sections_at = files_at + stats.reports.len() * layout::FILE_LEN;
    let entries_at = sections_at + stats.sections.len() * layout::SECTION_LEN;
    let strings_at = entries_at + entry_count * layout::ENTRY_LEN;
    let mut b = Buf::new(strings_at);

    for (i, report) in stats.reports.iter().enumerate() {
        let status = match report.status {
            FileStatus::NotRequested => 0,
            FileStatus::Read => 1,
            FileStatus::Missing => 2,
            FileStatus::OpenFailed(_) => 3,
            FileStatus::ReadFailed(_) => 4,
        };
        let errno = report.status.errno().unwrap_or(0);
        let message = if errno != 0 { strerror(errno) } else { String::new() };
        let first = stats.sections.iter().position(|s| s.file == report.file).unwrap_or(0);
        let count = stats.sections.iter().filter(|s| s.file == report.file).count();
        layout::write_file(
            &mut b,
            files_at + i * layout::FILE_LEN,
            report.file as u8,
            status,
            errno.clamp(0, u16::MAX as i32) as u16,
            report.format_error_line.unwrap_or(0),
            message.as_bytes(),
            first as u32,
            count as u32,
        );
    }

    let mut entry = 0usize;
    for (i, section) in stats.sections.iter().enumerate() {
        layout::write_section(&mut b, sections_at + i * layout::SECTION_LEN, section, entry as u32);
        for e in &section.entries {
            layout::write_entry(&mut b, entries_at + entry * layout::ENTRY_LEN, e);
            entry += 1;
        }
    }

    let strings_length = b.strings.len() as u32;
    layout::write_header(
        &mut b,
        0,
        layout::HEADER_LEN as u16,
        stats.reports.len() as u32,
        stats.sections.len() as u32,
        entry_count as u32,
        strings_at as u32,
        strings_length,
    );
    b.finish(layout::header::STRINGS_AT)
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
        assert_eq!(u32_at(&b, 0), layout::MAGIC);
        assert_eq!((u32_at(&b, 8), u32_at(&b, 12), u32_at(&b, 16)), (2, 1, 2));
        let strings_at = u32_at(&b, 20) as usize;
        assert_eq!(
            strings_at,
            layout::HEADER_LEN + 2 * layout::FILE_LEN + layout::SECTION_LEN + 2 * layout::ENTRY_LEN
        );
        assert_eq!(b.len(), strings_at + u32_at(&b, 24) as usize);
        // netstat missing: status 2, ENOENT, its message
        let f = layout::HEADER_LEN + layout::FILE_LEN;
        assert_eq!((b[f], b[f + 1], u16::from_le_bytes([b[f + 2], b[f + 3]])), (1, 2, 2));
        let (off, len) = (u32_at(&b, f + 8) as usize, u32_at(&b, f + 12) as usize);
        assert_eq!(&b[strings_at + off..strings_at + off + len], b"No such file or directory");
        // second entry: MaxConn -1
        let e = layout::HEADER_LEN + 2 * layout::FILE_LEN + layout::SECTION_LEN + layout::ENTRY_LEN;
        let (off, len) = (u32_at(&b, e) as usize, u32_at(&b, e + 4) as usize);
        assert_eq!(&b[strings_at + off..strings_at + off + len], b"MaxConn");
        assert_eq!(u64::from_le_bytes(b[e + 8..e + 16].try_into().unwrap()), u64::MAX);
        assert_eq!(i64::from_le_bytes(b[e + 16..e + 24].try_into().unwrap()), -1);
        assert_eq!(b[e + 24], 1);
    }
}
