//! Routing tables: /proc/net/route (IPv4 FIB), /proc/net/rt_cache (the IPv4
//! routing cache of old kernels; today a header alone) and
//! /proc/net/ipv6_route (IPv6 FIB, cache entries flagged RTF_CACHE).
//!
//! Each file is read the way net-tools 2.10 reads it (lib/inet_gr.c,
//! lib/inet6_gr.c), including what happens to lines it cannot fully parse:
//!
//! - route: the format comes from the header (`proc_gen_fmt`: the columns
//!   Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask, MTU,
//!   Window, IRTT must appear in that order; others are skipped). A line with
//!   fewer than 10 conversions is skipped. IRTT, when a line lacks it, keeps
//!   the previous line's value; an address that is not 8 hex digits keeps the
//!   previous line's address.
//! - rt_cache: the layout is guessed from the header (2.2+ or 2.0); a line
//!   with fewer than 12 conversions is skipped; HHRef, HHUptod keep the
//!   previous line's values when missing, and a missing SpecDst prints as the
//!   source (netstat reuses one address buffer for all four).
//! - ipv6_route: every line is used, however little of it parses: the fields
//!   it lacks keep the previous line's values (netstat never checks the
//!   count), and an address that is not valid text is ::. Rows carry how
//!   many conversions were made (31 = complete).
//!
//! Rows are returned whatever their flags: netstat shows only RTF_UP IPv4
//! routes, and IPv6 routes by RTF_CACHE; that choice is the caller's.

use crate::proc_root::ProcRoot;
use crate::scanf::{self, Column, Kind, Value};
use crate::snapshot::TableStatus;
use crate::text::{self, Cursor};

pub const RTF_UP: u32 = 0x0001;
pub const RTF_GATEWAY: u32 = 0x0002;
pub const RTF_HOST: u32 = 0x0004;
pub const RTF_REJECT: u32 = 0x0200;
pub const RTF_CACHE: u32 = 0x0100_0000;

/// One line of /proc/net/route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Route {
    pub iface: Vec<u8>,
    /// Network-order bytes.
    pub destination: [u8; 4],
    pub gateway: [u8; 4],
    pub mask: [u8; 4],
    pub flags: u32,
    pub refcnt: i32,
    pub use_count: i32,
    pub metric: i32,
    /// The MTU column (netstat's "MSS").
    pub mss: i32,
    pub window: i32,
    pub irtt: i32,
}

/// The layout of /proc/net/rt_cache, as `proc_guess_fmt` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheFormat {
    /// Not read (or the file is missing).
    #[default]
    None,
    /// 2.2 and later: ... TOS HHRef HHUptod SpecDst.
    Modern,
    /// 2.0: ... HH ARP.
    Old,
    /// The header matched neither; the bit mask netstat prints.
    Unknown(i32),
    /// The file is empty (netstat: perror and exit).
    Empty,
}

/// One line of /proc/net/rt_cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4CacheRoute {
    pub iface: Vec<u8>,
    pub destination: [u8; 4],
    pub gateway: [u8; 4],
    pub source: [u8; 4],
    pub spec_dst: [u8; 4],
    pub flags: u32,
    pub refcnt: i32,
    pub use_count: i32,
    pub metric: i32,
    pub mss: i32,
    pub window: i32,
    pub irtt: i32,
    /// Modern: TOS, HHRef, HHUptod. Old: HH, ARP, 0.
    pub extra: [i32; 3],
}

/// One line of /proc/net/ipv6_route, after netstat's carry-over of the
/// fields the line lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6Route {
    pub destination: [u8; 16],
    pub destination_len: u32,
    pub source: [u8; 16],
    pub source_len: u32,
    pub next_hop: [u8; 16],
    /// As netstat stores it (`%08x` into an int): 0xffffffff is -1.
    pub metric: i32,
    pub refcnt: i32,
    pub use_count: i32,
    pub flags: u32,
    pub iface: Vec<u8>,
    /// sscanf's count for the line (31 when complete; -1 for a blank line).
    pub conversions: i32,
}

/// Which tables to read.
#[derive(Debug, Clone, Default)]
pub struct RouteQuery {
    pub root: ProcRoot,
    pub inet: bool,
    pub inet_cache: bool,
    pub inet6: bool,
}

#[derive(Debug, Default)]
pub struct RouteSnapshot {
    pub inet: Vec<Ipv4Route>,
    pub inet_status: TableStatus,
    /// The first column /proc/net/route's header lacks (netstat warns and stops).
    pub inet_missing_column: Option<&'static str>,
    /// Lines skipped for having fewer than 10 fields.
    pub inet_skipped: u32,
    pub cache: Vec<Ipv4CacheRoute>,
    pub cache_status: TableStatus,
    pub cache_format: CacheFormat,
    pub cache_skipped: u32,
    pub inet6: Vec<Ipv6Route>,
    pub inet6_status: TableStatus,
}

/// The columns rprint_fib asks proc_gen_fmt for, in order.
pub const ROUTE_COLUMNS: [&str; 11] =
    ["Iface", "Destination", "Gateway", "Flags", "RefCnt", "Use", "Metric", "Mask", "MTU", "Window", "IRTT"];
const ROUTE_KINDS: [Kind; 11] = [
    Kind::Str(16),
    Kind::Str(128),
    Kind::Str(128),
    Kind::Hex,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Str(128),
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
];

fn columns(titles: &[&'static str]) -> Vec<Column> {
    titles.iter().map(|&title| Column { title }).collect()
}

fn num(v: Option<Value<'_>>) -> Option<i64> {
    match v {
        Some(Value::Num(n)) => Some(n),
        _ => None,
    }
}

fn bytes<'a>(v: Option<Value<'a>>) -> Option<&'a [u8]> {
    match v {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

/// Parses /proc/net/route text (header included). Returns the rows, the
/// number of skipped lines, or the missing header column.
pub fn parse_route(text: &[u8]) -> Result<(Vec<Ipv4Route>, u32), &'static str> {
    let header = text::first_line(text);
    let plan = scanf::gen_fmt(header, &columns(&ROUTE_COLUMNS))?;
    let body = match text.iter().position(|&b| b == b'\n') {
        Some(nl) => &text[nl + 1..],
        None => &[][..],
    };
    let mut rows = Vec::new();
    let mut skipped = 0u32;
    // Carried from line to line as netstat's variables are.
    let (mut dest, mut gw, mut mask) = ([0u8; 4], [0u8; 4], [0u8; 4]);
    let mut irtt = 0i32;
    scanf::fgets_lines(body, 1023, |line| {
        let mut v: [Option<Value<'_>>; 11] = [None; 11];
        let n = scanf::scan_columns(line, &plan, &ROUTE_KINDS, &mut v);
        if let Some(x) = num(v[10]) {
            irtt = x as i32;
        }
        if n < 10 {
            skipped += 1;
            return;
        }
        if let Some(a) = bytes(v[1]).and_then(scanf::inet_getsock) {
            dest = a;
        }
        if let Some(a) = bytes(v[2]).and_then(scanf::inet_getsock) {
            gw = a;
        }
        if let Some(a) = bytes(v[7]).and_then(scanf::inet_getsock) {
            mask = a;
        }
        rows.push(Ipv4Route {
            iface: bytes(v[0]).unwrap_or_default().to_vec(),
            destination: dest,
            gateway: gw,
            mask,
            flags: num(v[3]).unwrap_or(0) as u32,
            refcnt: num(v[4]).unwrap_or(0) as i32,
            use_count: num(v[5]).unwrap_or(0) as i32,
            metric: num(v[6]).unwrap_or(0) as i32,
            mss: num(v[8]).unwrap_or(0) as i32,
            window: num(v[9]).unwrap_or(0) as i32,
            irtt,
        });
    });
    Ok((rows, skipped))
}

const CACHE_MODERN: [&str; 15] = [
    "Iface",
    "Destination",
    "Gateway",
    "Flags",
    "RefCnt",
    "Use",
    "Metric",
    "Source",
    "MTU",
    "Window",
    "IRTT",
    "TOS",
    "HHRef",
    "HHUptod",
    "SpecDst",
];
const CACHE_MODERN_KINDS: [Kind; 15] = [
    Kind::Str(16),
    Kind::Str(128),
    Kind::Str(128),
    Kind::Hex,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Str(128),
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Str(128),
];
const CACHE_OLD: [&str; 13] = [
    "Iface",
    "Destination",
    "Gateway",
    "Flags",
    "RefCnt",
    "Use",
    "Metric",
    "Source",
    "MTU",
    "Window",
    "IRTT",
    "HH",
    "ARP",
];
const CACHE_OLD_KINDS: [Kind; 13] = [
    Kind::Str(16),
    Kind::Str(128),
    Kind::Str(128),
    Kind::Hex,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Str(128),
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
    Kind::Dec,
];

/// lib/proc.c `proc_guess_fmt` for rt_cache: substrings of the header line.
fn guess_cache_format(text: &[u8]) -> CacheFormat {
    if text.is_empty() {
        return CacheFormat::Empty;
    }
    let header = text::first_line(text);
    let header = &header[..header.len().min(510)];
    let has = |s: &[u8]| header.windows(s.len()).any(|w| w == s);
    let mut flag = 0i32;
    for (name, bit) in [
        (&b"IRTT"[..], 1),
        (b"TOS", 2),
        (b"HHRef", 4),
        (b"HHUptod", 8),
        (b"SpecDst", 16),
        (b"HH", 32),
        (b"ARP", 64),
    ] {
        if has(name) {
            flag |= bit;
        }
    }
    match flag {
        63 => CacheFormat::Modern,
        97 => CacheFormat::Old,
        other => CacheFormat::Unknown(other),
    }
}

/// Parses /proc/net/rt_cache text. Returns the layout, rows and skipped lines.
pub fn parse_rt_cache(text: &[u8]) -> (CacheFormat, Vec<Ipv4CacheRoute>, u32) {
    let format = guess_cache_format(text);
    let (titles, kinds): (&[&'static str], &[Kind]) = match format {
        CacheFormat::Modern => (&CACHE_MODERN, &CACHE_MODERN_KINDS),
        CacheFormat::Old => (&CACHE_OLD, &CACHE_OLD_KINDS),
        _ => return (format, Vec::new(), 0),
    };
    let Ok(plan) = scanf::gen_fmt(text::first_line(text), &columns(titles)) else {
        return (format, Vec::new(), 0);
    };
    let body = match text.iter().position(|&b| b == b'\n') {
        Some(nl) => &text[nl + 1..],
        None => &[][..],
    };
    let mut rows = Vec::new();
    let mut skipped = 0u32;
    let mut addr = [0u8; 4];
    let mut extra = [0i32; 3];
    scanf::fgets_lines(body, 1023, |line| {
        let mut v: [Option<Value<'_>>; 15] = [None; 15];
        let n = scanf::scan_columns(line, &plan, kinds, &mut v);
        for (k, slot) in (11..titles.len().min(14)).enumerate() {
            if let Some(x) = num(v[slot]) {
                extra[k] = x as i32;
            }
        }
        if n < 12 {
            skipped += 1;
            return;
        }
        // One sockaddr for all four addresses: a field that does not parse
        // prints as the address parsed before it.
        let mut next = |field: Option<Value<'_>>| {
            if let Some(a) = bytes(field).and_then(scanf::inet_getsock) {
                addr = a;
            }
            addr
        };
        let destination = next(v[1]);
        let gateway = next(v[2]);
        let source = next(v[7]);
        let spec_dst = if format == CacheFormat::Modern { next(v[14]) } else { next(None) };
        rows.push(Ipv4CacheRoute {
            iface: bytes(v[0]).unwrap_or_default().to_vec(),
            destination,
            gateway,
            source,
            spec_dst,
            flags: num(v[3]).unwrap_or(0) as u32,
            refcnt: num(v[4]).unwrap_or(0) as i32,
            use_count: num(v[5]).unwrap_or(0) as i32,
            metric: num(v[6]).unwrap_or(0) as i32,
            mss: num(v[8]).unwrap_or(0) as i32,
            window: num(v[9]).unwrap_or(0) as i32,
            irtt: num(v[10]).unwrap_or(0) as i32,
            extra: if format == CacheFormat::Modern { extra } else { [extra[0], extra[1], 0] },
        });
    });
    (format, rows, skipped)
}

/// The fields of rprint_fib6's sscanf, kept from line to line.
#[derive(Default)]
struct Ipv6LineState {
    dest: [Vec<u8>; 8],
    dest_len: u32,
    src: [Vec<u8>; 8],
    src_len: u32,
    next_hop: [Vec<u8>; 8],
    metric: u32,
    refcnt: u32,
    use_count: u32,
    flags: u32,
    iface: Vec<u8>,
    dest_addr: [u8; 16],
    src_addr: [u8; 16],
    next_hop_addr: [u8; 16],
}

/// `"%4s" x 8`: returns false when a conversion failed (count in `n`).
fn four_parts(c: &mut Cursor<'_>, parts: &mut [Vec<u8>; 8], n: &mut i32) -> bool {
    for part in parts.iter_mut() {
        match scanf::string(c, 4) {
            Some(s) => {
                *part = s.to_vec();
                *n += 1;
            }
            None => return false,
        }
    }
    true
}

/// inet_pton of `"%s:%s:%s:%s:%s:%s:%s:%s"`; None when it fails.
fn pton_parts(parts: &[Vec<u8>; 8]) -> Option<[u8; 16]> {
    let mut text = Vec::with_capacity(40);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            text.push(b':');
        }
        text.extend_from_slice(p);
    }
    let s = std::str::from_utf8(&text).ok()?;
    s.parse::<std::net::Ipv6Addr>().ok().map(|a| a.octets())
}

impl Ipv6LineState {
    /// sscanf(line, "%4s x8 %02x %4s x8 %02x %4s x8 %08x %08x %08x %08x %15s\n").
    fn scan(&mut self, line: &[u8]) -> i32 {
        let mut c = Cursor::new(line);
        let mut n = 0i32;
        c.skip_ws();
        if c.peek().is_none() {
            return -1; // EOF before the first conversion
        }
        macro_rules! hex {
            ($w:expr, $field:expr) => {
                match scanf::hex_width(&mut c, $w) {
                    Some(v) => {
                        $field = v;
                        n += 1;
                    }
                    None => return n,
                }
            };
        }
        if !four_parts(&mut c, &mut self.dest, &mut n) {
            return n;
        }
        hex!(2, self.dest_len);
        if !four_parts(&mut c, &mut self.src, &mut n) {
            return n;
        }
        hex!(2, self.src_len);
        if !four_parts(&mut c, &mut self.next_hop, &mut n) {
            return n;
        }
        hex!(8, self.metric);
        hex!(8, self.refcnt);
        hex!(8, self.use_count);
        hex!(8, self.flags);
        match scanf::string(&mut c, 15) {
            Some(s) => {
                self.iface = s.to_vec();
                n += 1;
            }
            None => return n,
        }
        n
    }
}

/// Parses /proc/net/ipv6_route text (it has no header): one row per line.
pub fn parse_ipv6_route(text: &[u8]) -> Vec<Ipv6Route> {
    let mut st = Ipv6LineState::default();
    let mut rows = Vec::new();
    scanf::fgets_lines(text, 1023, |line| {
        let conversions = st.scan(line);
        // A text inet_pton rejects gives :: (checked against netstat 2.10).
        st.dest_addr = pton_parts(&st.dest).unwrap_or([0; 16]);
        st.src_addr = pton_parts(&st.src).unwrap_or([0; 16]);
        st.next_hop_addr = pton_parts(&st.next_hop).unwrap_or([0; 16]);
        rows.push(Ipv6Route {
            destination: st.dest_addr,
            destination_len: st.dest_len,
            source: st.src_addr,
            source_len: st.src_len,
            next_hop: st.next_hop_addr,
            metric: st.metric as i32,
            refcnt: st.refcnt as i32,
            use_count: st.use_count as i32,
            flags: st.flags,
            iface: st.iface.clone(),
            conversions,
        });
    });
    rows
}

fn status_of(err: &std::io::Error) -> TableStatus {
    if err.kind() == std::io::ErrorKind::NotFound {
        TableStatus::Missing
    } else {
        TableStatus::Failed(err.raw_os_error().unwrap_or(libc::EIO))
    }
}

/// Reads the requested routing tables; a missing or unreadable file is
/// reported in its status, not as an error.
pub fn read_routes(query: &RouteQuery) -> RouteSnapshot {
    let mut snap = RouteSnapshot::default();
    if query.inet {
        match text::read_all(&query.root.net("route")) {
            Ok(t) => {
                snap.inet_status = TableStatus::Read;
                match parse_route(&t) {
                    Ok((rows, skipped)) => {
                        snap.inet = rows;
                        snap.inet_skipped = skipped;
                    }
                    Err(title) => snap.inet_missing_column = Some(title),
                }
            }
            Err(e) => snap.inet_status = status_of(&e),
        }
    }
    if query.inet_cache {
        match text::read_all(&query.root.net("rt_cache")) {
            Ok(t) => {
                snap.cache_status = TableStatus::Read;
                let (format, rows, skipped) = parse_rt_cache(&t);
                snap.cache_format = format;
                snap.cache = rows;
                snap.cache_skipped = skipped;
            }
            Err(e) => snap.cache_status = status_of(&e),
        }
    }
    if query.inet6 {
        match text::read_all(&query.root.net("ipv6_route")) {
            Ok(t) => {
                snap.inet6_status = TableStatus::Read;
                snap.inet6 = parse_ipv6_route(&t);
            }
            Err(e) => snap.inet6_status = status_of(&e),
        }
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &[u8] = b"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n\
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n\
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n";

    #[test]
    fn ipv4_route_lines() {
        let (rows, skipped) = parse_route(ROUTE).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].gateway, [192, 0, 2, 1]);
        assert_eq!(rows[0].flags, 3);
        assert_eq!(rows[1].destination, [192, 0, 2, 0]);
        assert_eq!(rows[1].mask, [255, 255, 255, 0]);
    }

    #[test]
    fn ipv4_route_header_without_a_column() {
        assert_eq!(parse_route(b"Iface\tDestination\tGateway\n"), Err("Flags"));
    }

    #[test]
    fn ipv4_route_short_lines_are_skipped_and_irtt_carries_over() {
        let text = b"Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT\n\
a 0100000A 00000000 1 0 0 0 00FFFFFF 0 0 7\n\
b 0200000A 00000000 1 0 0 0 00FFFFFF\n\
c zz00000A 00000000 1 0 0 0 00FFFFFF 1400 5\n";
        let (rows, skipped) = parse_route(text).unwrap();
        assert_eq!(skipped, 1);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].iface, b"c");
        assert_eq!(rows[1].irtt, 7, "IRTT missing: the previous value stays");
        assert_eq!(rows[1].destination, [10, 0, 0, 1], "bad hex: the previous address stays");
        assert_eq!(rows[1].mss, 1400);
    }

    #[test]
    fn rt_cache_formats() {
        let modern = b"Iface\tDestination\tGateway \tFlags\t\tRefCnt\tUse\tMetric\tSource\t\tMTU\tWindow\tIRTT\tTOS\tHHRef\tHHUptod\tSpecDst\n\
lo\t0100007F\t0100007F\t80000000\t0\t1\t0\t0100007F\t0\t0\t0\t0\t-1\t0\t0100007F\n";
        let (f, rows, skipped) = parse_rt_cache(modern);
        assert_eq!(f, CacheFormat::Modern);
        assert_eq!(skipped, 0);
        assert_eq!(rows[0].source, [127, 0, 0, 1]);
        assert_eq!(rows[0].extra, [0, -1, 0]);
        assert_eq!(parse_rt_cache(b"").0, CacheFormat::Empty);
        assert_eq!(parse_rt_cache(b"Iface Destination\n").0, CacheFormat::Unknown(0));
    }

    #[test]
    fn ipv6_route_lines_and_carry_over() {
        let text = b"fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n\
20010db8000000000000000000000001 80\n\
\n";
        let rows = parse_ipv6_route(text);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].destination[..2], [0xfe, 0x80]);
        assert_eq!(rows[0].destination_len, 64);
        assert_eq!(rows[0].metric, 256);
        assert_eq!(rows[0].iface, b"eth0");
        assert_eq!(rows[0].conversions, 31);
        assert_eq!(rows[1].metric, -1);
        assert_eq!(rows[1].flags, 0x0020_0200);
        assert_eq!(rows[2].conversions, 9);
        assert_eq!(rows[2].destination[..4], [0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(rows[2].destination_len, 128);
        assert_eq!(rows[2].iface, b"lo", "the rest of a short line stays from the line before");
        assert_eq!(rows[2].flags, 0x0020_0200);
        assert_eq!(rows[3].conversions, -1);
        assert_eq!(rows[3].destination, rows[2].destination);
    }
}
