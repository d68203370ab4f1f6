//! Protocol counters: `/proc/net/snmp`, `/proc/net/netstat`, `/proc/net/snmp6`
//! and `/proc/net/sctp/snmp`, read the way net-tools netstat reads them.
//!
//! Two layouts exist:
//! - pairs (snmp, netstat): a `Title: Name Name ...` line, then a
//!   `Title: value value ...` line; values may be negative (Tcp MaxConn -1);
//! - name/value lines (snmp6, sctp/snmp): `Ip6InReceives   7`.
//!
//! netstat's statistics mode (statistics.c) pairs names with values in a
//! particular way on malformed input, and the CLI has to print exactly what it
//! prints, so the parsers here reproduce its reading rules rather than a
//! stricter one; on well-formed files the two agree. In short:
//! - pairs: a line that is exactly "\n" where a header is expected is skipped;
//!   a header without a value line ends the file; a pair where either line has
//!   no ':' stops the parse (a *format error*: netstat says "Problem while
//!   parsing"); the title is the header up to its first ':'; names are the
//!   header's tokens split on blanks, tabs and newlines; values are read one
//!   per name with `strtoull` (so `-1` reads as 2^64-1, an overflowing number
//!   saturates, missing values read as 0, and a token that is not a number
//!   reads as 0 and stops the reading of every later value of that line);
//! - snmp6: lines are read in chunks of at most 1023 bytes (fgets); each
//!   chunk is `sscanf("%s %llu")`, and a chunk where a conversion fails keeps
//!   the previous name or value; a new section starts at each name that does
//!   not contain the current section title, the title being the name up to
//!   and including its first '6' (`Ip6InReceives` -> `Ip6`);
//! - sctp/snmp: one `Sctp` section; a chunk gives a field only when a value
//!   follows its name.
//!
//! Text is treated as C strings: a line ends at its first NUL byte. Nothing
//! here panics on any input.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use crate::text::{c_str, contains, fgets_lines, is_space, numbers};
use crate::ProcRoot;

/// The counter files, in the order netstat reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StatFile {
    /// `/proc/net/snmp`: Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite (pairs).
    Snmp = 0,
    /// `/proc/net/netstat`: TcpExt, IpExt, MPTcpExt, ... (pairs).
    Netstat = 1,
    /// `/proc/net/snmp6`: Ip6, Icmp6, Udp6, UdpLite6 (name/value lines).
    Snmp6 = 2,
    /// `/proc/net/sctp/snmp`: the Sctp counters (name/value lines), when SCTP is loaded.
    SctpSnmp = 3,
}

impl StatFile {
    pub const ALL: [StatFile; 4] = [StatFile::Snmp, StatFile::Netstat, StatFile::Snmp6, StatFile::SctpSnmp];

    /// The path under `<root>/net/`.
    pub fn name(self) -> &'static str {
        match self {
            StatFile::Snmp => "snmp",
            StatFile::Netstat => "netstat",
            StatFile::Snmp6 => "snmp6",
            StatFile::SctpSnmp => "sctp/snmp",
        }
    }

    pub fn path_in(self, root: &ProcRoot) -> PathBuf {
        root.net(self.name())
    }

    pub fn from_index(i: u8) -> Option<StatFile> {
        StatFile::ALL.get(i as usize).copied()
    }
}

/// How reading one file went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    NotRequested,
    /// Opened and read to the end.
    Read,
    /// The file does not exist (ENOENT when opening it).
    Missing,
    /// Opening failed with this errno (other than ENOENT).
    OpenFailed(i32),
    /// Opened, but a read failed with this errno (what was read before counts).
    ReadFailed(i32),
}

impl FileStatus {
    /// Whether the file was opened (so netstat goes on to print what it read).
    pub fn opened(self) -> bool {
        matches!(self, FileStatus::Read | FileStatus::ReadFailed(_))
    }

    pub fn errno(self) -> Option<i32> {
        match self {
            FileStatus::Missing => Some(libc::ENOENT),
            FileStatus::OpenFailed(e) | FileStatus::ReadFailed(e) => Some(e),
            _ => None,
        }
    }
}

/// One counter as netstat reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatEntry {
    /// The field name's bytes (`ActiveOpens`).
    pub name: Vec<u8>,
    /// The value as `strtoull` reads it: `-1` is `u64::MAX`, overflow saturates.
    pub value: u64,
    /// The value as the kernel meant it: `-1` is -1; saturates at both ends.
    pub signed: i64,
    /// Digits were found for this name (false: the value line ran out or was
    /// not a number there, and `value` is what netstat uses instead).
    pub has_value: bool,
}

/// One titled group of counters, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatSection {
    pub file: StatFile,
    /// The title's bytes (`Tcp`, `TcpExt`, `Ip6`).
    pub title: Vec<u8>,
    pub entries: Vec<StatEntry>,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub file: StatFile,
    pub status: FileStatus,
    /// Pairs files only: the 1-based line of the header of the first pair
    /// that has no ':' in one of its lines; the parse stopped there.
    pub format_error_line: Option<u32>,
}

/// Every section of the files read, in the order read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub sections: Vec<StatSection>,
    pub reports: Vec<FileReport>,
}

impl Statistics {
    pub fn report(&self, file: StatFile) -> Option<&FileReport> {
        self.reports.iter().find(|r| r.file == file)
    }
}

/// Which files to read and where.
#[derive(Debug, Clone)]
pub struct StatisticsQuery {
    pub root: ProcRoot,
    /// Files to read; the result keeps the order given.
    pub files: Vec<StatFile>,
}

impl Default for StatisticsQuery {
    fn default() -> Self {
        StatisticsQuery { root: ProcRoot::default(), files: StatFile::ALL.to_vec() }
    }
}

/// Reads the requested files. Never fails as a whole: each file's fate is in
/// its report, and what could be read is parsed.
pub fn read_statistics(query: &StatisticsQuery) -> Statistics {
    let mut out = Statistics::default();
    for &file in &query.files {
        if out.reports.iter().any(|r| r.file == file) {
            continue;
        }
        let (text, status) = read_file(&file.path_in(&query.root));
        let mut report = FileReport { file, status, format_error_line: None };
        if status.opened() {
            match file {
                StatFile::Snmp | StatFile::Netstat => {
                    let parsed = parse_pairs(&text, file);
                    out.sections.extend(parsed.sections);
                    report.format_error_line = parsed.format_error_line;
                }
                StatFile::Snmp6 => out.sections.extend(parse_snmp6(&text)),
                StatFile::SctpSnmp => out.sections.push(parse_sctp(&text)),
            }
        }
        out.reports.push(report);
    }
    out
}

fn errno_of(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(match e.kind() {
        io::ErrorKind::NotFound => libc::ENOENT,
        io::ErrorKind::PermissionDenied => libc::EACCES,
        _ => libc::EIO,
    })
}

/// Reads a whole file, telling an open failure from a read failure (netstat
/// reports them differently) and keeping what was read before a read error.
fn read_file(path: &std::path::Path) -> (Vec<u8>, FileStatus) {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let errno = errno_of(&e);
            let status =
                if errno == libc::ENOENT { FileStatus::Missing } else { FileStatus::OpenFailed(errno) };
            return (Vec::new(), status);
        }
    };
    let mut buf = Vec::with_capacity(8192);
    loop {
        match file.read_to_end(&mut buf) {
            Ok(_) => return (buf, FileStatus::Read),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (buf, FileStatus::ReadFailed(errno_of(&e))),
        }
    }
}

/// The text of an errno as strerror gives it (`No such file or directory`).
pub fn strerror(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

// ---------------------------------------------------------------------------
// C string helpers

/// The delimiters netstat splits names on (`strspn(s, " \t\n")`).
#[inline]
fn is_delim(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n')
}

/// A number read by `strtoull` (with `strtoll`'s view of the same digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Number {
    /// What strtoull returns: negated for '-', u64::MAX on overflow.
    value: u64,
    /// The signed value, saturated.
    signed: i64,
    /// Index just past the digits; None when there were none (the end
    /// pointer then stays where it started).
    end: Option<usize>,
}

const NO_NUMBER: Number = Number { value: 0, signed: 0, end: None };

/// `strtoull(s, &end, 10)` on a C string.
fn strtoull(s: &[u8]) -> Number {
    numbers::strtoull(s).map_or(NO_NUMBER, |(value, signed, end)| Number { value, signed, end: Some(end) })
}

fn entry(name: &[u8], n: Number) -> StatEntry {
    StatEntry { name: name.to_vec(), value: n.value, signed: n.signed, has_value: n.end.is_some() }
}

// ---------------------------------------------------------------------------
// Pairs: /proc/net/snmp, /proc/net/netstat

/// The sections of a pairs file and where a format error stopped it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedPairs {
    pub sections: Vec<StatSection>,
    pub format_error_line: Option<u32>,
}

/// Parses a `Title: names` / `Title: values` file (netstat's `process_fd`).
pub fn parse_pairs(text: &[u8], file: StatFile) -> ParsedPairs {
    let mut out = ParsedPairs::default();
    let mut lines = fgets_lines(text, usize::MAX);
    let mut line_no: u32 = 0;
    while let Some(header) = lines.next() {
        line_no = line_no.saturating_add(1);
        if header.first() == Some(&b'\n') {
            continue; // an empty line before a header (2.6 kernels had one)
        }
        let header_no = line_no;
        let Some(values) = lines.next() else { break };
        line_no = line_no.saturating_add(1);
        let header = c_str(header);
        let values = c_str(values);
        let (Some(colon), Some(vcolon)) =
            (header.iter().position(|&c| c == b':'), values.iter().position(|&c| c == b':'))
        else {
            out.format_error_line = Some(header_no);
            break;
        };
        let title = header[..colon].to_vec();
        let names = &header[colon + 1..];
        let mut np = vcolon + 1;
        let mut entries = Vec::new();
        let mut sp = 0;
        loop {
            while sp < names.len() && is_delim(names[sp]) {
                sp += 1;
            }
            while np < values.len() && is_delim(values[np]) {
                np += 1;
            }
            let mut p = sp;
            while p < names.len() && !is_delim(names[p]) {
                p += 1;
            }
            let at_end = p >= names.len();
            if p > sp {
                let n = strtoull(values.get(np..).unwrap_or(&[]));
                if let Some(end) = n.end {
                    np += end;
                }
                entries.push(entry(&names[sp..p], n));
            }
            if at_end {
                break;
            }
            sp = p + 1;
        }
        out.sections.push(StatSection { file, title, entries });
    }
    out
}

// ---------------------------------------------------------------------------
// Name/value lines: /proc/net/snmp6, /proc/net/sctp/snmp

/// `cpytitle`: the name up to and including its first '6'.
fn snmp6_title(name: &[u8]) -> Vec<u8> {
    match name.iter().position(|&c| c == b'6') {
        Some(n) => name[..=n].to_vec(),
        None => name.to_vec(),
    }
}

/// netstat reads snmp6 and sctp/snmp with `fgets(buf, 1024)`.
const SNMP_LINE: usize = 1024;

/// Parses /proc/net/snmp6 (netstat's `process6_fd`).
pub fn parse_snmp6(text: &[u8]) -> Vec<StatSection> {
    let mut sections: Vec<StatSection> = Vec::new();
    // sscanf leaves its targets alone when a conversion fails.
    let mut name: Vec<u8> = Vec::new();
    let mut number = NO_NUMBER;
    let mut title: Option<Vec<u8>> = None;
    for chunk in fgets_lines(text, SNMP_LINE) {
        let s = c_str(chunk);
        number.end = None;
        // "%s": skip white space, then a run of non-white-space.
        let mut i = 0;
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i < s.len() {
            let start = i;
            while i < s.len() && !is_space(s[i]) {
                i += 1;
            }
            name = s[start..i].to_vec();
            // " %llu"
            let n = strtoull(&s[i..]);
            if n.end.is_some() {
                number = n;
            }
        }
        let current = match &title {
            Some(t) if contains(&name, t) => None,
            _ => Some(snmp6_title(&name)),
        };
        if let Some(t) = current {
            sections.push(StatSection { file: StatFile::Snmp6, title: t.clone(), entries: Vec::new() });
            title = Some(t);
        }
        if let Some(section) = sections.last_mut() {
            section.entries.push(entry(&name, number));
        }
    }
    sections
}

/// Parses /proc/net/sctp/snmp (netstat's `process_fd2`): always one `Sctp` section.
pub fn parse_sctp(text: &[u8]) -> StatSection {
    let mut entries = Vec::new();
    for chunk in fgets_lines(text, SNMP_LINE) {
        // The name ends at a blank, tab, newline or NUL; netstat steps over
        // that one byte (into bytes after a NUL, if that is what it was) and
        // reads the rest as a C string. A chunk with no such byte at all
        // would have it read past the chunk: no field.
        let Some(sp) = chunk.iter().position(|&c| is_delim(c) || c == 0) else { continue };
        let rest = c_str(&chunk[sp + 1..]);
        let mut vp = 0;
        while vp < rest.len() && is_delim(rest[vp]) {
            vp += 1;
        }
        if vp >= rest.len() {
            continue;
        }
        entries.push(entry(&chunk[..sp], strtoull(&rest[vp..])));
    }
    StatSection { file: StatFile::SctpSnmp, title: b"Sctp".to_vec(), entries }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_text() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
    }
}
