//! What every fuzz target checks, in one place. The fuzz targets
//! (`fuzz_targets/*.rs`, built by cargo fuzz) call these functions, and so does
//! the stable regression test `crates/fastnetstat-core/tests/fuzz_corpus.rs`,
//! which compiles this file with `#[path]` and feeds it every file under
//! `fixtures/fuzz/` (seeds and saved crashes). So this file uses nothing but
//! std and `fastnetstat_core`, and never `crate::`.
//!
//! A check parses its input, then asserts what the parser's documentation
//! promises (every body line is a row or a bogus line, a row keeps its
//! table, a refcount never drops, ...). A panic, in the parser or in an
//! assertion here, is a crash.
//!
//! Input formats (the seeds in `fixtures/fuzz/<target>/` follow them; see
//! `fixtures/fuzz/README.md`):
//! - `inet_table`: byte 0 picks the [`InetTable`] (mod 8), the rest is the file
//!   (`parse_table`, and `parse_lines` line by line).
//! - `unix_table`: the whole input is /proc/net/unix (`parse_table`, `parse_lines`).
//! - `statistics`: byte 0 mod 4 picks snmp (pairs), netstat (pairs), snmp6, sctp/snmp.
//! - `routes`: byte 0 mod 3 picks route, rt_cache, ipv6_route.
//! - `interfaces`: byte 0 mod 3 picks /proc/net/dev, if_inet6, or `nstrcmp`
//!   (the rest cut at its first two '\n' into three names).
//! - `groups`: byte 0 is flags (bit 0: igmp given, bit 1: igmp6 given, bit 2:
//!   a second round with the state the first one left, as `netstat -g -c`
//!   does), bytes 1-2 the length of the igmp text (u16 LE), then the igmp
//!   text, then the igmp6 text.
//! - `owners`: byte 0 mod 2 picks an fd link text for `socket_inode`, or a
//!   /proc/PID/cmdline for `program_name_of`.
//! - `netlink_inet`: byte 0: bits 0-2 the table, bit 3 the both-families mode
//!   of TCPDIAG_GETSOCK (each message's family byte picks Tcp or Tcp6), bits
//!   4-5 the clock ticks per second (100, 250, 1000, 1), bit 6: each message
//!   is also decoded as a close notification (`decode_close`); then datagrams,
//!   each a u16 LE length and that many bytes (the last one may be short).
//! - `netlink_unix`: datagrams as above, no leading byte.
//! - `filter`: byte 0: bits 0-1 the preferred family (none, inet, inet6, unix),
//!   bit 2 tcp and bit 3 udp services for names, bit 4 ss's word form (the rest
//!   cut at '\n' into words) instead of the one-string form; the rest is the
//!   expression (UTF-8, lossy). Host names are not resolved (no network waits).

use std::cmp::Ordering;
use std::collections::HashMap;

use fastnetstat_core::groups::{self, GroupEvent, GroupsFile, GroupsParseState};
use fastnetstat_core::netlink::{self, Batch};
use fastnetstat_core::routes::{self, CacheFormat};
use fastnetstat_core::statistics::{self, StatEntry, StatFile};
use fastnetstat_core::{inet, interfaces, owners, unix, InetSocket, InetTable, Protocol, UnixSocket};

/// Every target: the names of the `fuzz_targets/*.rs` binaries and of the
/// `fixtures/fuzz/*` seed directories.
pub const TARGETS: [&str; 10] = [
    "inet_table",
    "unix_table",
    "statistics",
    "routes",
    "interfaces",
    "groups",
    "owners",
    "netlink_inet",
    "netlink_unix",
    "filter",
];

/// Runs the target called `name` on `data`; false for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "inet_table" => inet_table(data),
        "unix_table" => unix_table(data),
        "statistics" => statistics(data),
        "routes" => routes(data),
        "interfaces" => interfaces(data),
        "groups" => groups(data),
        "owners" => owners(data),
        "netlink_inet" => netlink_inet(data),
        "netlink_unix" => netlink_unix(data),
        "filter" => filter(data),
        _ => return false,
    }
    true
}

// ---------------------------------------------------------------------------
// Helpers

/// `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned()
}

/// The header of a /proc table (with its '\n'), and the lines after it, as
/// the socket table parsers see them: a last line without '\n' counts, a
/// final '\n' does not start another.
fn header_and_body(text: &[u8]) -> (&[u8], Vec<&[u8]>) {
    let Some(nl) = text.iter().position(|&b| b == b'\n') else { return (text, Vec::new()) };
    let rest = &text[nl + 1..];
    if rest.is_empty() {
        return (&text[..=nl], Vec::new());
    }
    let rest = rest.strip_suffix(b"\n").unwrap_or(rest);
    (&text[..=nl], rest.split(|&b| b == b'\n').collect())
}

/// What a loop of `fgets` calls hands over when each returns at most `max`
/// bytes: lines, and the pieces of lines longer than that (newlines removed).
fn fgets_pieces(text: &[u8], max: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let limit = rest.len().min(max);
        match rest[..limit].iter().position(|&b| b == b'\n') {
            Some(nl) => {
                out.push(&rest[..nl]);
                rest = &rest[nl + 1..];
            }
            None => {
                out.push(&rest[..limit]);
                rest = &rest[limit..];
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// /proc/net/{tcp,udp,udplite,raw}{,6}

fn sentinel_inet() -> InetSocket {
    InetSocket {
        table: InetTable::Raw6,
        local_addr: [0xAB; 16],
        local_port: 1,
        remote_addr: [0xCD; 16],
        remote_port: 2,
        state: 3,
        tx_queue: 4,
        rx_queue: 5,
        timer_active: 6,
        timer_ticks: 7,
        retransmits: 8,
        uid: 9,
        timeout: 10,
        inode: 11,
        cgroup_id: 12,
        listen_backlog: Some(12),
        details: None,
        interface: 13,
    }
}

/// parse_table into a vector that already holds a row: it must append.
fn parse_inet(table: InetTable, text: &[u8]) -> (Vec<InetSocket>, u32) {
    let mut out = vec![sentinel_inet()];
    let bogus = inet::parse_table(table, text, &mut out);
    assert_eq!(out[0], sentinel_inet(), "parse_table must append, not overwrite");
    out.remove(0);
    (out, bogus)
}

pub fn inet_table(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    let table = InetTable::from_index(pick % 8).unwrap();
    let (rows, bogus) = parse_inet(table, text);
    let (_, lines) = header_and_body(text);
    assert_eq!(rows.len() + bogus as usize, lines.len(), "every body line is a row or a bogus line");
    for row in &rows {
        assert_eq!(row.table.protocol(), table.protocol(), "a row keeps its file's protocol");
        if !row.table.is_ipv6() {
            assert_eq!(row.local_addr[4..], [0; 12], "an IPv4 address fills 4 bytes");
            assert_eq!(row.remote_addr[4..], [0; 12], "an IPv4 address fills 4 bytes");
        }
    }
    // The family comes from the address length, whatever file the line is in.
    let sibling = InetTable::from_index(table as u8 ^ 1).unwrap();
    assert_eq!(parse_inet(sibling, text), (rows.clone(), bogus), "{table:?} and {sibling:?} differ");
    // Lines are independent, as reading a table in blocks of whole lines
    // needs: parse_lines on one line gives that line's row.
    let mut alone = (Vec::new(), 0u32);
    for line in &lines {
        let mut one = line.to_vec();
        one.push(b'\n');
        let mut r = Vec::new();
        let b = inet::parse_lines(table, &one, &mut r);
        assert_eq!(r.len() + b as usize, 1, "line {:?}", show(line));
        alone.0.extend(r);
        alone.1 += b;
    }
    assert_eq!(alone, (rows.clone(), bogus), "a line read alone reads differently");
    // The fixed-layout shortcut reads what sscanf reads: doubling every blank
    // changes no conversion (each is preceded by white space skipping) but
    // rules the shortcut out, so both paths must agree.
    if text.contains(&b' ') {
        let mut doubled = Vec::with_capacity(text.len() * 2);
        for &b in text {
            doubled.push(b);
            if b == b' ' {
                doubled.push(b' ');
            }
        }
        assert_eq!(parse_inet(table, &doubled), (rows, bogus), "the shortcut and sscanf's reading differ");
    }
}

// ---------------------------------------------------------------------------
// /proc/net/unix

fn sentinel_unix() -> UnixSocket {
    UnixSocket {
        refcount: 1,
        protocol: 2,
        flags: 3,
        sock_type: 4,
        state: 5,
        inode: 6,
        path: Some(b"x".to_vec()),
        memory: None,
    }
}

fn parse_unix(text: &[u8]) -> (Vec<UnixSocket>, u32) {
    let mut out = vec![sentinel_unix()];
    let bogus = unix::parse_table(text, &mut out);
    assert_eq!(out[0], sentinel_unix(), "parse_table must append, not overwrite");
    out.remove(0);
    (out, bogus)
}

pub fn unix_table(text: &[u8]) {
    let (rows, bogus) = parse_unix(text);
    let (header, lines) = header_and_body(text);
    assert_eq!(rows.len() + bogus as usize, lines.len(), "every body line is a row or a bogus line");
    let has_inode = unix::has_inode_column(header.strip_suffix(b"\n").unwrap_or(header));
    assert_eq!(has_inode, contains(header, b"Inode"));
    // Lines are independent, as reading a table in blocks of whole lines
    // needs: parse_lines on one line gives that line's row.
    let mut alone = (Vec::new(), 0u32);
    for line in &lines {
        let mut one = line.to_vec();
        one.push(b'\n');
        let mut r = Vec::new();
        let b = unix::parse_lines(&one, has_inode, &mut r);
        assert_eq!(r.len() + b as usize, 1, "line {:?}", show(line));
        for row in &r {
            if !has_inode {
                assert_eq!(row.inode, 0, "no Inode column, no inode");
            }
            if let Some(path) = &row.path {
                assert!(!path.is_empty(), "an empty path is None");
                assert!(c_str(line).ends_with(path), "the path is the end of its line");
            }
        }
        alone.0.extend(r);
        alone.1 += b;
    }
    assert_eq!(alone, (rows, bogus), "a line read alone reads differently");
}

// ---------------------------------------------------------------------------
// Statistics

/// `missing_is_zero`: a name without digits reads as 0 (pairs, sctp); in
/// snmp6 it keeps the value of the chunk before, as sscanf leaves it.
fn check_entry(e: &StatEntry, missing_is_zero: bool) {
    if missing_is_zero && !e.has_value {
        assert_eq!((e.value, e.signed), (0, 0), "a missing value reads as 0");
    }
    assert!(
        e.signed == i64::MIN || e.signed == i64::MAX || e.value == e.signed as u64,
        "value {} and signed {} disagree",
        e.value,
        e.signed
    );
    assert!(!e.name.contains(&0), "names are C strings");
}

pub fn statistics(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    match pick % 4 {
        0 => pairs(text, StatFile::Snmp),
        1 => pairs(text, StatFile::Netstat),
        2 => snmp6(text),
        _ => sctp(text),
    }
}

fn pairs(text: &[u8], file: StatFile) {
    let parsed = statistics::parse_pairs(text, file);
    let lines = text.iter().filter(|&&b| b == b'\n').count()
        + usize::from(!text.ends_with(b"\n") && !text.is_empty());
    if let Some(n) = parsed.format_error_line {
        assert!(n >= 1 && n as usize <= lines, "format error on line {n} of {lines}");
    }
    assert!(parsed.sections.len() * 2 <= lines, "a section takes two lines");
    for s in &parsed.sections {
        assert_eq!(s.file, file);
        assert!(!s.title.contains(&b':') && !s.title.contains(&0) && !s.title.contains(&b'\n'));
        for e in &s.entries {
            check_entry(e, true);
            assert!(!e.name.is_empty(), "names are tokens");
            assert!(!e.name.iter().any(|&b| matches!(b, b' ' | b'\t' | b'\n')), "names are tokens");
        }
    }
}

fn snmp6(text: &[u8]) {
    let sections = statistics::parse_snmp6(text);
    let chunks = fgets_pieces(text, 1023).len();
    let entries: usize = sections.iter().map(|s| s.entries.len()).sum();
    assert_eq!(entries, chunks, "one entry per fgets chunk");
    let mut previous: Option<&[u8]> = None;
    for s in &sections {
        assert_eq!(s.file, StatFile::Snmp6);
        let first = s.entries.first().expect("a section starts with an entry");
        assert!(first.name.starts_with(&s.title), "the title is the start of the first name");
        let six = s.title.iter().position(|&b| b == b'6');
        assert!(six.is_none() || six == Some(s.title.len() - 1), "the title ends at its first '6'");
        if let Some(p) = previous {
            assert!(!contains(&first.name, p), "a new section starts where the title is not in the name");
        }
        for e in &s.entries {
            check_entry(e, false);
            assert!(contains(&e.name, &s.title), "every name of a section contains its title");
            assert!(!e.name.iter().any(|&b| is_c_space(b)), "%s reads no white space");
        }
        previous = Some(&s.title);
    }
}

fn sctp(text: &[u8]) {
    let s = statistics::parse_sctp(text);
    assert_eq!((s.file, &s.title[..]), (StatFile::SctpSnmp, &b"Sctp"[..]));
    assert!(s.entries.len() <= fgets_pieces(text, 1023).len(), "at most one field per chunk");
    for e in &s.entries {
        check_entry(e, true);
        assert!(!e.name.iter().any(|&b| matches!(b, b' ' | b'\t' | b'\n')));
    }
}

// ---------------------------------------------------------------------------
// Routes

pub fn routes(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    match pick % 3 {
        0 => route(text),
        1 => rt_cache(text),
        _ => ipv6_route(text),
    }
}

fn body(text: &[u8]) -> &[u8] {
    text.iter().position(|&b| b == b'\n').map_or(&[][..], |nl| &text[nl + 1..])
}

fn check_iface(iface: &[u8], max: usize) {
    assert!(!iface.is_empty() && iface.len() <= max, "iface {:?}", show(iface));
    assert!(!iface.iter().any(|&b| is_c_space(b)), "iface {:?}", show(iface));
}

fn route(text: &[u8]) {
    match routes::parse_route(text) {
        Ok((rows, skipped)) => {
            let lines = fgets_pieces(body(text), 1022).len();
            assert_eq!(rows.len() + skipped as usize, lines, "every line is a row or skipped");
            for r in &rows {
                check_iface(&r.iface, 16);
            }
        }
        Err(title) => assert!(routes::ROUTE_COLUMNS.contains(&title), "unknown column {title}"),
    }
}

fn rt_cache(text: &[u8]) {
    let (format, rows, skipped) = routes::parse_rt_cache(text);
    assert_eq!(format == CacheFormat::Empty, text.is_empty());
    match format {
        CacheFormat::Modern | CacheFormat::Old => {
            let lines = fgets_pieces(body(text), 1022).len();
            let n = rows.len() + skipped as usize;
            // 0 when the header lacks a column.
            assert!(n == lines || n == 0, "{n} rows and skipped lines for {lines} lines");
        }
        _ => assert!(rows.is_empty() && skipped == 0, "no layout, no rows"),
    }
    for r in &rows {
        check_iface(&r.iface, 16);
        if format == CacheFormat::Old {
            assert_eq!(r.extra[2], 0, "2.0 layouts have two extra columns");
        }
    }
}

/// What `%02x` can store: two hex digits, or a sign and one digit (glibc
/// negates: "-1" is 0xFFFFFFFF, "-F" 0xFFFFFFF1).
fn fits_two_hex_digits(value: u32) -> bool {
    value <= 0xFF || value >= 0xFFFF_FFF1
}

fn ipv6_route(text: &[u8]) {
    let rows = routes::parse_ipv6_route(text);
    let lines = fgets_pieces(text, 1022);
    assert_eq!(rows.len(), lines.len(), "every line is a row");
    for (r, line) in rows.iter().zip(&lines) {
        assert!((-1..=31).contains(&r.conversions));
        assert_eq!(r.conversions == -1, line.iter().all(|&b| is_c_space(b)), "-1 is a blank line");
        assert!(fits_two_hex_digits(r.destination_len) && fits_two_hex_digits(r.source_len), "%02x");
        assert!(r.iface.len() <= 15 && !r.iface.iter().any(|&b| is_c_space(b)), "%15s");
    }
}

// ---------------------------------------------------------------------------
// Interfaces

pub fn interfaces(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    match pick % 3 {
        0 => proc_net_dev(text),
        1 => if_inet6(text),
        _ => {
            let mut names = text.splitn(3, |&b| b == b'\n');
            let a = names.next().unwrap_or_default();
            let b = names.next().unwrap_or_default();
            let c = names.next().unwrap_or_default();
            nstrcmp_is_a_total_preorder(a, b, c);
        }
    }
}

fn proc_net_dev(text: &[u8]) {
    let out = interfaces::parse_proc_net_dev(text);
    let lines = fgets_pieces(text, 511);
    if lines.len() < 2 {
        assert!(out.is_empty(), "two header lines first");
        return;
    }
    assert_eq!(out.len(), lines.len() - 2, "one interface per line after the headers");
    let version = if contains(lines[1], b"compressed") {
        3
    } else if contains(lines[1], b"bytes") {
        2
    } else {
        1
    };
    for d in &out {
        assert!(!d.name.iter().any(|&b| is_c_space(b)), "name {:?}", show(&d.name));
        let s = &d.stats;
        // Counters the layout lacks are 0.
        if version < 3 {
            assert_eq!((s.rx_compressed, s.rx_multicast, s.tx_compressed), (0, 0, 0));
        }
        if version < 2 {
            assert_eq!((s.rx_bytes, s.tx_bytes), (0, 0));
        }
    }
}

fn if_inet6(text: &[u8]) {
    let out = interfaces::parse_if_inet6(text);
    let words = text.iter().filter(|&&b| !is_c_space(b)).count();
    assert!(out.len() <= words, "each record reads at least one byte");
    for a in &out {
        assert!((1..=13).contains(&a.conversions), "{} conversions", a.conversions);
        assert!(
            fits_two_hex_digits(a.prefix_len) && fits_two_hex_digits(a.scope) && fits_two_hex_digits(a.flags),
            "%02x"
        );
        assert!(a.name.len() <= 20 && !a.name.iter().any(|&b| is_c_space(b)), "%20s");
    }
}

fn nstrcmp_is_a_total_preorder(a: &[u8], b: &[u8], c: &[u8]) {
    let cmp = interfaces::nstrcmp;
    for x in [a, b, c] {
        assert_eq!(cmp(x, x), Ordering::Equal, "{:?}", show(x));
    }
    for (x, y) in [(a, b), (b, c), (a, c)] {
        assert_eq!(cmp(x, y), cmp(y, x).reverse(), "{:?} {:?}", show(x), show(y));
    }
    let (ab, bc, ac) = (cmp(a, b), cmp(b, c), cmp(a, c));
    let msg = || format!("{:?} {:?} {:?}", show(a), show(b), show(c));
    if ab != Ordering::Greater && bc != Ordering::Greater {
        assert_ne!(ac, Ordering::Greater, "not transitive: {}", msg());
    }
    if ab != Ordering::Less && bc != Ordering::Less {
        assert_ne!(ac, Ordering::Less, "not transitive: {}", msg());
    }
    if ab == Ordering::Equal && bc == Ordering::Equal {
        assert_eq!(ac, Ordering::Equal, "not transitive: {}", msg());
    }
}

// ---------------------------------------------------------------------------
// Multicast groups

pub fn groups(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let flags = data[0];
    let split = (u16::from_le_bytes([data[1], data[2]]) as usize).min(data.len() - 3);
    let (igmp, igmp6) = data[3..].split_at(split);
    let igmp = (flags & 1 != 0).then_some(igmp);
    let igmp6 = (flags & 2 != 0).then_some(igmp6);
    let mut state = GroupsParseState::default();
    for _ in 0..if flags & 4 != 0 { 2 } else { 1 } {
        let before = state.clone();
        let events = groups::parse_groups(igmp, igmp6, &mut state);
        check_groups(&before, &state, igmp, igmp6, &events);
    }
}

fn check_groups(
    before: &GroupsParseState,
    after: &GroupsParseState,
    igmp: Option<&[u8]>,
    igmp6: Option<&[u8]>,
    events: &[GroupEvent],
) {
    let lines4 = igmp.map_or(Vec::new(), |t| fgets_pieces(t, 8191));
    let lines6 = igmp6.map_or(Vec::new(), |t| fgets_pieces(t, 8191));
    assert!(events.len() <= lines4.len() + lines6.len(), "at most one event per line");
    assert!(!before.igmp6 || after.igmp6, "igmp6 mode is never left");
    for first in [lines4.first(), lines6.first()].into_iter().flatten() {
        if !contains(first, b"Device") {
            assert!(after.igmp6, "a first line without \"Device\" switches to igmp6");
        }
    }
    assert_eq!(after.device[15], 0, "device[] keeps a NUL at its end");
    let mut in_igmp6 = false;
    for e in events {
        match e {
            GroupEvent::Row { family, device, address, .. } => {
                assert!(*family == 4 || *family == 6);
                if *family == 4 {
                    assert!(!before.igmp6, "no IPv4 rows once in igmp6 mode");
                    assert_eq!(address[4..], [0; 12]);
                } else {
                    assert!(after.igmp6);
                }
                assert!(device.len() <= 15 && !device.contains(&0), "device {:?}", show(device));
            }
            GroupEvent::Bogus { file, parser, line } => {
                let n = match file {
                    GroupsFile::Igmp => lines4.len(),
                    GroupsFile::Igmp6 => lines6.len(),
                };
                assert!((*line as usize) < n, "bogus line {line} of {n}");
                assert!(!(in_igmp6 && *file == GroupsFile::Igmp), "igmp is read before igmp6");
                in_igmp6 |= *file == GroupsFile::Igmp6;
                if before.igmp6 {
                    assert_eq!(*parser, GroupsFile::Igmp6, "igmp6 mode reads with the IPv6 reader");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// /proc/PID/fd links and /proc/PID/cmdline

pub fn owners(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    if pick % 2 == 0 {
        if let Some(inode) = owners::socket_inode(text) {
            assert_ne!(inode, u64::MAX, "strtoul's error value is no inode");
            assert!(text.starts_with(b"socket:[") || text.starts_with(b"[0000]:"));
            assert_eq!(owners::socket_inode(format!("socket:[{inode}]").as_bytes()), Some(inode));
            assert_eq!(owners::socket_inode(format!("[0000]:{inode}").as_bytes()), Some(inode));
        }
    } else {
        let name = owners::program_name_of(text);
        let argv0 = c_str(text);
        assert!(argv0.ends_with(name), "the name is the end of argv[0]");
        if argv0.first() == Some(&b'/') {
            assert!(!name.contains(&b'/'), "a path is cut to its basename");
        } else {
            assert_eq!(name, argv0, "argv[0] is kept whole");
        }
    }
}

// ---------------------------------------------------------------------------
// Netlink

/// The fuzz input's datagrams: each a u16 LE length and that many bytes.
fn datagrams(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 {
        let len = (u16::from_le_bytes([data[0], data[1]]) as usize).min(data.len() - 2);
        out.push(&data[2..2 + len]);
        data = &data[2 + len..];
    }
    out
}

/// `read_batch` on one datagram: the message payloads it handed over and
/// whether the dump goes on (false after DONE, ERROR or an error).
fn batch(datagram: &[u8]) -> (Vec<&[u8]>, bool) {
    let base = datagram.as_ptr() as usize;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let result = netlink::read_batch(datagram, |m| {
        let at = (m.as_ptr() as usize).wrapping_sub(base);
        assert!(at <= datagram.len() && m.len() <= datagram.len() - at, "a payload outside the datagram");
        spans.push((at, m.len()));
    });
    let mut end = 0;
    let mut messages = Vec::new();
    for (at, len) in spans {
        // Each payload follows its 16-byte header, which starts 4-aligned
        // after the previous message and gives the length handed over.
        assert!(at >= end + 16 && (at - 16) % 4 == 0, "payload at {at} after a message ending at {end}");
        let header = &datagram[at - 16..at];
        assert_eq!(u32::from_ne_bytes(header[..4].try_into().unwrap()) as usize, len + 16);
        let kind = u16::from_ne_bytes(header[4..6].try_into().unwrap());
        assert!(kind >= 0x10, "control messages (NOOP, ERROR, DONE, OVERRUN) are not socket messages");
        messages.push(&datagram[at..at + len]);
        end = at + len;
    }
    let more = match result {
        Ok(Batch::More) => true,
        Ok(Batch::Done) => false,
        Err(e) => {
            assert!(
                e.kind() == std::io::ErrorKind::InvalidData || e.raw_os_error().is_some_and(|c| c > 0),
                "an error is a truncated message or the kernel's errno: {e:?}"
            );
            false
        }
    };
    (messages, more)
}

pub fn netlink_inet(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let requested = InetTable::from_index(pick & 7).unwrap();
    let both = pick & 8 != 0;
    let ticks = [100u64, 250, 1000, 1][usize::from((pick >> 4) & 3)];
    for datagram in datagrams(rest) {
        let (messages, more) = batch(datagram);
        for m in messages {
            // What dump_tcp_both does: the family byte picks the table.
            let table = match (both, m.first()) {
                (false, _) => requested,
                (true, Some(2)) => InetTable::Tcp,
                (true, Some(10)) => InetTable::Tcp6,
                (true, _) => continue,
            };
            if pick & 0x40 != 0 {
                check_close(m, ticks);
            }
            let row = netlink::inet::decode_message(m, table, ticks);
            assert_eq!(row.is_some(), m.len() >= 72, "a message is a row when it holds an inet_diag_msg");
            if let Some(row) = row {
                check_inet_diag_row(&row, m, table, ticks);
            }
        }
        if !more {
            break;
        }
    }
}

/// A close notification is the row of the table its family and protocol
/// attribute name, with empty queues; nothing else.
fn check_close(m: &[u8], ticks: u64) {
    let Some(row) = netlink::events::decode_close(m, ticks) else { return };
    assert!(matches!(m[0], 2 | 10), "a close of an inet socket");
    assert_eq!(row.table.is_ipv6(), m[0] == 10, "the family picks the table");
    assert!(matches!(row.table.protocol(), Protocol::Tcp | Protocol::Udp | Protocol::UdpLite));
    assert_eq!((row.rx_queue, row.tx_queue), (0, 0), "a freed socket's queues are empty");
    let listed = netlink::inet::decode_message(m, row.table, ticks).unwrap();
    assert_eq!(InetSocket { rx_queue: 0, tx_queue: 0, ..listed }, row);
}

fn check_inet_diag_row(row: &InetSocket, m: &[u8], table: InetTable, ticks: u64) {
    let u32_at = |at: usize| u32::from_ne_bytes(m[at..at + 4].try_into().unwrap());
    assert_eq!(row.table, table, "a decoded row is in the table asked for");
    if !table.is_ipv6() {
        assert_eq!(row.local_addr[4..], [0; 12]);
        assert_eq!(row.remote_addr[4..], [0; 12]);
    }
    assert_eq!(
        (row.local_port, row.remote_port),
        (u16::from_be_bytes([m[4], m[5]]), u16::from_be_bytes([m[6], m[7]]))
    );
    assert_eq!(
        (row.state, row.uid, row.inode, row.rx_queue),
        (m[1], u32_at(64), u32_at(68) as u64, u32_at(56))
    );
    if table.protocol() == Protocol::Tcp {
        if row.state == 10 {
            assert_eq!(row.tx_queue, 0, "a listener's Send-Q is 0, as /proc prints it");
        }
        let backlog = (row.state == 10).then(|| u32_at(60));
        assert_eq!(row.listen_backlog, backlog, "a listener's backlog is netlink's write queue");
        assert!(row.timer_ticks <= u64::from(u32::MAX) * ticks / 1000);
        assert!((0..=255).contains(&row.timeout) && row.retransmits <= 255, "one-byte counters");
    } else {
        assert_eq!((row.timer_active, row.timer_ticks, row.retransmits, row.timeout), (0, 0, 0, 0));
        assert_eq!(row.listen_backlog, None, "only tcp listeners have a backlog");
    }
    // Attributes only add the tcp_info counters (tcp) and the cgroup id.
    let mut bare = netlink::inet::decode_message(&m[..72], table, ticks).unwrap();
    if table.protocol() == Protocol::Tcp {
        bare.retransmits = row.retransmits;
        bare.timeout = row.timeout;
    }
    bare.cgroup_id = row.cgroup_id;
    assert_eq!(row.interface, u32_at(40), "the interface is idiag_if");
    assert_eq!(&bare, row, "attributes changed more than the tcp_info counters and the cgroup id");
    // --tcp-info / --memory: any attributes decode (a tcp_info of any length, its fields present
    // exactly as far as the payload reaches)
    if let Some(details) = fastnetstat_core::SocketDetails::decode(&m[72..]) {
        if let Some(info) = &details.tcp_info {
            assert!(info.length as usize <= m.len() - 72);
            assert_eq!(info.rto.is_some(), info.length >= 12, "tcpi_rto ends at byte 12");
            assert_eq!(info.snd_wnd.is_some(), info.length >= 232, "tcpi_snd_wnd ends at byte 232");
        }
    }
}

pub fn netlink_unix(data: &[u8]) {
    let mut rows = Vec::new();
    let mut peers = Vec::new();
    for datagram in datagrams(data) {
        let (messages, more) = batch(datagram);
        for m in messages {
            let decoded = netlink::unix::decode_message(m);
            assert_eq!(decoded.is_some(), m.len() >= 16, "a message is a row when it holds a unix_diag_msg");
            let Some(d) = decoded else { continue };
            let r = &d.row;
            assert_eq!((r.refcount, r.protocol, r.sock_type), (2, 0, u16::from(m[1])));
            assert_eq!(r.flags, if m[2] == 10 { 1 << 16 } else { 0 }, "__SO_ACCEPTCON for a listener");
            assert_eq!(r.state, if m[2] == 1 { 3 } else { 1 }, "SS_CONNECTED or SS_UNCONNECTED");
            assert!(r.inode <= u64::from(u32::MAX) && d.peer <= u64::from(u32::MAX));
            assert!(!d.pending_connections || m[2] == 10, "only a listener has pending connections");
            if let Some(path) = &r.path {
                assert!(!path.is_empty() && !path.contains(&0), "/proc prints NULs as '@'");
            }
            peers.push(d.peer);
            rows.push(d.row);
        }
        if !more {
            break;
        }
    }
    check_refcounts(rows, &peers);
}

/// The module notes of netlink/unix.rs: a socket starts at 2; a connected
/// stream socket holds one more; a datagram socket one more per datagram
/// socket connected to it; nothing else changes.
fn check_refcounts(mut rows: Vec<UnixSocket>, peers: &[u64]) {
    let before = rows.clone();
    netlink::unix::derive_refcounts(&mut rows, peers);
    let is_stream = |t: u16| t == 1 || t == 5;
    let mut pointing: HashMap<u64, u32> = HashMap::new();
    for (row, &peer) in before.iter().zip(peers) {
        if peer != 0 && !is_stream(row.sock_type) {
            *pointing.entry(peer).or_default() += 1;
        }
    }
    for ((old, new), &peer) in before.iter().zip(&rows).zip(peers) {
        assert!(new.refcount >= old.refcount && new.refcount >= 2, "a refcount went down");
        let held = if is_stream(old.sock_type) {
            u32::from(peer != 0)
        } else {
            pointing.get(&old.inode).copied().unwrap_or(0)
        };
        assert_eq!(new.refcount, old.refcount + held, "inode {}", old.inode);
        assert_eq!(&UnixSocket { refcount: old.refcount, ..new.clone() }, old, "only the refcount changes");
    }
}

// ---------------------------------------------------------------------------
// filter: ss's filter language

/// The rows the offline check runs every filter on: both families, v4-mapped,
/// wildcard, low and ephemeral ports, an interface, cgroup ids, several states.
fn filter_rows() -> Vec<InetSocket> {
    let v4 = |a: [u8; 4]| {
        let mut out = [0u8; 16];
        out[..4].copy_from_slice(&a);
        out
    };
    let v6 = |text: &str| text.parse::<std::net::Ipv6Addr>().unwrap().octets();
    let row = |table, local: ([u8; 16], u16), remote: ([u8; 16], u16), state: u8| InetSocket {
        local_addr: local.0,
        local_port: local.1,
        remote_addr: remote.0,
        remote_port: remote.1,
        state,
        ..InetSocket::empty(table)
    };
    use InetTable::*;
    let mut rows = vec![
        row(Tcp, (v4([0, 0, 0, 0]), 22), (v4([0; 4]), 0), 10),
        row(Tcp, (v4([127, 0, 0, 1]), 22), (v4([127, 0, 0, 1]), 40000), 1),
        row(Tcp, (v4([127, 0, 0, 1]), 40000), (v4([127, 0, 0, 1]), 22), 1),
        row(Tcp, (v4([10, 0, 0, 1]), 80), (v4([192, 0, 2, 7]), 50312), 6),
        row(Tcp6, (v6("::"), 443), (v6("::"), 0), 10),
        row(Tcp6, (v6("::1"), 443), (v6("::1"), 51000), 8),
        row(Tcp6, (v6("::ffff:127.0.0.1"), 8080), (v6("::ffff:10.1.2.3"), 33000), 1),
        row(Tcp6, (v6("2001:db8::1"), 65535), (v6("fe80::1"), 1), 2),
        row(Udp, (v4([127, 0, 0, 53]), 53), (v4([0; 4]), 0), 7),
        row(Udp, (v4([255, 255, 255, 255]), 0), (v4([1, 2, 3, 4]), 65000), 1),
        row(Udp6, (v6("::"), 5353), (v6("::"), 0), 7),
        row(Raw, (v4([0; 4]), 1), (v4([0; 4]), 0), 7),
    ];
    rows[1].interface = 1;
    rows[5].interface = 7;
    rows[2].cgroup_id = 1;
    rows[6].cgroup_id = u64::MAX;
    rows
}

pub fn filter(data: &[u8]) {
    use fastnetstat_core::filter::{self, bytecode, AddressFamily, Filter, ParseOptions};
    let Some((&pick, rest)) = data.split_first() else { return };
    filter::resolve_host_names(false);
    let options = ParseOptions {
        family: [AddressFamily::Unspec, AddressFamily::Inet, AddressFamily::Inet6, AddressFamily::Unix]
            [usize::from(pick & 3)],
        tcp: pick & 4 != 0,
        udp: pick & 8 != 0,
    };
    let text = String::from_utf8_lossy(rest);
    let parsed = if pick & 16 != 0 {
        let words: Vec<&str> = text.split('\n').collect();
        Filter::parse_with(&words, &options)
    } else {
        Filter::parse_text_with(&text, &options)
    };
    let filter = match parsed {
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with("filter: ") && !message.contains('\n'), "{message:?}");
            assert!(message.ends_with(&format!(" at word {}", error.position)) && error.position >= 1);
            return;
        }
        Ok(filter) => filter,
    };
    if let Some(code) = filter.bytecode() {
        assert_eq!(bytecode::audit(code, false), Ok(()), "the kernel would refuse {code:?} for {text:?}");
    }
    if filter.is_empty() {
        assert!(filter.states().is_none() && filter.bytecode().is_none() && filter.family().is_none());
    }
    // the kernel running the program's bytes, then the userspace rest, selects what
    // the evaluator selects alone (the netlink and /proc sources agree)
    let (lo, hi) = filter::ephemeral_range();
    for row in filter_rows() {
        let alone = filter.matches_inet(&row);
        let kernel = filter.bytecode().is_none_or(|code| {
            let entry = bytecode::Entry {
                family: if row.table.is_ipv6() { 10 } else { 2 },
                saddr: &row.local_addr,
                daddr: &row.remote_addr,
                sport: row.local_port,
                dport: row.remote_port,
                ifindex: row.interface,
                autobound: (lo..=hi).contains(&row.local_port),
                mark: 0,
                cgroup_id: row.cgroup_id,
            };
            bytecode::run(code, &entry)
        });
        assert_eq!(kernel && filter.matches_inet_after_kernel(&row), alone, "{text:?} on {row:?}");
    }
    for (path, flags, state) in
        [(None, 0, 3), (Some(&b"/run/x.sock"[..]), 1 << 16, 1), (Some(b"@0001f"), 0, 1)]
    {
        let row = UnixSocket {
            refcount: 2,
            protocol: 0,
            flags,
            sock_type: 1,
            state,
            inode: 1234,
            path: path.map(<[u8]>::to_vec),
            memory: None,
        };
        let _ = filter.matches_unix(&row);
    }
    live_filter::check(&filter, &text);
}

/// The kernel's own selection: a private network namespace (made once, on a
/// thread of its own, when this process may) with a fixed set of loopback
/// sockets, dumped with and without the filter's bytecode.
mod live_filter {
    use std::net::{TcpListener, TcpStream, UdpSocket};
    use std::sync::mpsc::{channel, Sender};
    use std::sync::{Arc, Mutex, OnceLock};

    use fastnetstat_core::filter::Filter;
    use fastnetstat_core::netlink::{inet, DiagSocket};
    use fastnetstat_core::{InetSocket, InetTable};

    type Job = (Arc<Filter>, Sender<Result<(), String>>);

    fn worker() -> Option<&'static Mutex<Sender<Job>>> {
        static WORKER: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
        WORKER
            .get_or_init(|| {
                let (jobs, inbox) = channel::<Job>();
                let (ready, started) = channel::<bool>();
                std::thread::spawn(move || {
                    let Some(_sockets) = private_namespace() else {
                        let _ = ready.send(false);
                        return;
                    };
                    let _ = ready.send(true);
                    for (filter, reply) in inbox {
                        let _ = reply.send(compare(&filter));
                    }
                });
                started.recv().unwrap_or(false).then(|| Mutex::new(jobs))
            })
            .as_ref()
    }

    /// Enters a new network namespace (this thread only), brings lo up and opens
    /// the sockets; None when not permitted.
    fn private_namespace() -> Option<Vec<Box<dyn std::any::Any>>> {
        // SAFETY: unshare of this thread's network namespace; no memory involved.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            return None;
        }
        lo_up()?;
        let mut held: Vec<Box<dyn std::any::Any>> = Vec::new();
        // explicit ports are low (not autobound, not ephemeral); the kernel picks the
        // clients' (autobound, ephemeral): the kernel's `autobound` and the rows' guess agree
        let listeners = [
            TcpListener::bind("127.0.0.1:22").ok()?,
            TcpListener::bind("0.0.0.0:80").ok()?,
            TcpListener::bind("[::1]:443").ok()?,
            TcpListener::bind("[::]:5000").ok()?,
        ];
        for (target, listener) in ["127.0.0.1:22", "127.0.0.1:80", "[::1]:443", "[::ffff:127.0.0.1]:5000"]
            .iter()
            .zip(listeners.iter())
        {
            held.push(Box::new(TcpStream::connect(target).ok()?));
            held.push(Box::new(listener.accept().ok()?.0));
        }
        held.push(Box::new(TcpStream::connect("127.0.0.1:22").ok()?));
        let dns = UdpSocket::bind("127.0.0.1:53").ok()?;
        let client = UdpSocket::bind("127.0.0.1:0").ok()?;
        client.connect("127.0.0.1:53").ok()?;
        held.push(Box::new(UdpSocket::bind("[::1]:123").ok()?));
        held.extend([Box::new(dns) as Box<dyn std::any::Any>, Box::new(client)]);
        held.extend(listeners.into_iter().map(|l| Box::new(l) as Box<dyn std::any::Any>));
        Some(held)
    }

    fn lo_up() -> Option<()> {
        // SAFETY: an ioctl socket, closed below; the ifreq is ours and sized for the calls.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
            if fd < 0 {
                return None;
            }
            let mut request: libc::ifreq = std::mem::zeroed();
            request.ifr_name[..3].copy_from_slice(&[b'l' as libc::c_char, b'o' as libc::c_char, 0]);
            let mut ok = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request) == 0;
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            ok = ok && libc::ioctl(fd, libc::SIOCSIFFLAGS, &request) == 0;
            libc::close(fd);
            ok.then_some(())
        }
    }

    type Key = (u8, [u8; 16], u16, [u8; 16], u16, u8, u64);

    fn dump(
        table: InetTable,
        program: Option<&[u8]>,
        keep: impl Fn(&InetSocket) -> bool,
    ) -> Result<Vec<Key>, String> {
        let mut socket = DiagSocket::open().map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let filter = inet::DumpFilter {
            states: inet::ALL_STATES,
            counters: false,
            local_port: None,
            ..Default::default()
        };
        inet::dump_table_with(&mut socket, table, &filter, program, |row| {
            if keep(&row) {
                out.push((
                    row.table as u8,
                    row.local_addr,
                    row.local_port,
                    row.remote_addr,
                    row.remote_port,
                    row.state,
                    row.inode,
                ));
            }
            true
        })
        .map_err(|e| format!("the kernel refused the dump: {e}"))?;
        out.sort();
        Ok(out)
    }

    fn compare(filter: &Filter) -> Result<(), String> {
        if filter.has_autobound() {
            // the evaluator approximates `autobound` by the port (documented); only the
            // kernel knows, e.g. an accepted connection on port 22 counts as autobound
            return Ok(());
        }
        for table in [InetTable::Tcp, InetTable::Tcp6, InetTable::Udp, InetTable::Udp6] {
            let kernel = dump(table, filter.bytecode(), |row| filter.matches_inet_after_kernel(row))?;
            let evaluated = dump(table, None, |row| filter.matches_inet(row))?;
            if kernel != evaluated {
                return Err(format!("{table:?}: the kernel selects {kernel:?}, the evaluator {evaluated:?}"));
            }
        }
        Ok(())
    }

    pub fn check(filter: &Filter, text: &str) {
        let Some(worker) = worker() else { return };
        let (reply, answer) = channel();
        worker.lock().unwrap().send((Arc::new(filter.clone()), reply)).unwrap();
        if let Err(message) = answer.recv().unwrap() {
            panic!("{text:?}: {message}");
        }
    }
}
