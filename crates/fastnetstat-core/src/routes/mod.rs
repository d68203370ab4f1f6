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

mod cache;
mod ipv4;
mod ipv6;

pub use cache::parse_rt_cache;
pub use ipv4::{parse_route, ROUTE_COLUMNS};
pub use ipv6::parse_ipv6_route;

use crate::proc_root::ProcRoot;
use crate::table_status::{read_small_table, TableStatus};

pub const RTF_UP: u32 = 0x0001;
pub const RTF_GATEWAY: u32 = 0x0002;
pub const RTF_HOST: u32 = 0x0004;
pub const RTF_REJECT: u32 = 0x0200;
pub const RTF_CACHE: u32 = 0x0100_0000;

/// One line of /proc/net/route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Route {
    /// Network-order bytes.
    pub destination: [u8; 4],
    pub gateway: [u8; 4],
    pub mask: [u8; 4],
    pub flags: u32,
    pub numbers: RouteNumbers,
    pub iface: Vec<u8>,
}

/// The numbers a line of /proc/net/route and one of /proc/net/rt_cache
/// both carry (the same columns, read the same way), as netstat's ints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteNumbers {
    pub refcnt: i32,
    pub use_count: i32,
    pub metric: i32,
    /// The MTU column (netstat's "MSS").
    pub mss: i32,
    pub window: i32,
    pub irtt: i32,
}

impl RouteNumbers {
    /// refcnt, use, metric, mss, window, irtt: the order netstat prints them in.
    pub fn to_array(&self) -> [i32; 6] {
        [self.refcnt, self.use_count, self.metric, self.mss, self.window, self.irtt]
    }
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
    pub destination: [u8; 4],
    pub gateway: [u8; 4],
    pub source: [u8; 4],
    pub spec_dst: [u8; 4],
    pub flags: u32,
    pub numbers: RouteNumbers,
    /// Modern: TOS, HHRef, HHUptod. Old: HH, ARP, 0.
    pub extra: [i32; 3],
    pub iface: Vec<u8>,
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

/// Reads the requested routing tables; a missing or unreadable file is
/// reported in its status, not as an error.
pub fn read_routes(query: &RouteQuery) -> RouteSnapshot {
    let mut snap = RouteSnapshot::default();
    if query.inet {
        snap.inet_status = read_small_table(&query.root.net("route"), |text| match parse_route(text) {
            Ok((rows, skipped)) => (snap.inet, snap.inet_skipped) = (rows, skipped),
            Err(title) => snap.inet_missing_column = Some(title),
        });
    }
    if query.inet_cache {
        snap.cache_status = read_small_table(&query.root.net("rt_cache"), |text| {
            (snap.cache_format, snap.cache, snap.cache_skipped) = parse_rt_cache(text);
        });
    }
    if query.inet6 {
        snap.inet6_status =
            read_small_table(&query.root.net("ipv6_route"), |text| snap.inet6 = parse_ipv6_route(text));
    }
    snap
}
