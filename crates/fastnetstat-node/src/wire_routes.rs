//! The packed form of a routing-table read (packages/core/src/routes.ts
//! mirrors every offset). Little-endian; one buffer per call:
//!
//! ```text
//! header (64 bytes)
//!   0 u32 magic "FNRT"    4 u16 version
//!   8 u32 IPv4 rows      12 u32 cache rows      16 u32 IPv6 rows
//!  20 u32 IPv4 rows at   24 u32 cache rows at   28 u32 IPv6 rows at   32 u32 strings at
//!  36 report route       (detail: 1 + index of the header column missing, 0 none; count: lines skipped)
//!  44 report rt_cache    (detail: 0 none, 1 modern, 2 old (2.0), 3 unknown, 4 empty file; count: lines skipped)
//!  52 report ipv6_route
//!  60 i32 the header bit mask when the rt_cache layout is unknown
//! IPv4 row (48): 0 destination[4] 4 gateway[4] 8 mask[4] 12 u32 flags 16 i32 refcnt
//!   20 i32 use 24 i32 metric 28 i32 mss 32 i32 window 36 i32 irtt 40 u32+u32 iface (offset, length)
//! cache row (64): 0 destination[4] 4 gateway[4] 8 source[4] 12 specdst[4] 16 u32 flags
//!   20 i32 refcnt 24 i32 use 28 i32 metric 32 i32 mss 36 i32 window 40 i32 irtt
//!   44 i32 x3 extra (modern: tos, hhref, hhuptod; old: hh, arp, 0) 56 u32+u32 iface
//! IPv6 row (80): 0 destination[16] 16 source[16] 32 next hop[16] 48 u32 destination length
//!   52 u32 source length 56 i32 metric 60 i32 refcnt 64 i32 use 68 u32 flags
//!   72 u32 iface offset 76 u16 iface length 78 i8 conversions
//! strings: interface names
//! ```
//! Reports are 8 bytes (see wire_buf::report).

use fastnetstat_core::routes::{CacheFormat, RouteSnapshot, ROUTE_COLUMNS};

use crate::wire_buf::{report, Buf};

pub const MAGIC: u32 = 0x5452_4E46; // "FNRT"
pub const VERSION: u16 = 1;
const HEADER: usize = 64;
const V4: usize = 48;
const CACHE: usize = 64;
const V6: usize = 80;

pub fn pack_routes(s: &RouteSnapshot) -> Vec<u8> {
    let v4_at = HEADER;
    let cache_at = v4_at + s.inet.len() * V4;
    let v6_at = cache_at + s.cache.len() * CACHE;
    let counts_and_offsets = [s.inet.len(), s.cache.len(), s.inet6.len(), v4_at, cache_at, v6_at];
    let mut b = Buf::with_header(v6_at + s.inet6.len() * V6, MAGIC, VERSION, &counts_and_offsets);
    let missing = s
        .inet_missing_column
        .and_then(|t| ROUTE_COLUMNS.iter().position(|c| *c == t))
        .map_or(0, |i| i as u8 + 1);
    report(&mut b, 36, &s.inet_status, missing, s.inet_skipped);
    let (format, mask) = match s.cache_format {
        CacheFormat::None => (0, 0),
        CacheFormat::Modern => (1, 0),
        CacheFormat::Old => (2, 0),
        CacheFormat::Unknown(m) => (3, m),
        CacheFormat::Empty => (4, 0),
    };
    report(&mut b, 44, &s.cache_status, format, s.cache_skipped);
    report(&mut b, 52, &s.inet6_status, 0, 0);
    b.i32(60, mask);
    for (i, r) in s.inet.iter().enumerate() {
        let at = v4_at + i * V4;
        b.bytes(at, &r.destination);
        b.bytes(at + 4, &r.gateway);
        b.bytes(at + 8, &r.mask);
        b.u32(at + 12, r.flags);
        b.i32s(at + 16, &[r.refcnt, r.use_count, r.metric, r.mss, r.window, r.irtt]);
        b.string(at + 40, &r.iface);
    }
    for (i, r) in s.cache.iter().enumerate() {
        let at = cache_at + i * CACHE;
        b.bytes(at, &r.destination);
        b.bytes(at + 4, &r.gateway);
        b.bytes(at + 8, &r.source);
        b.bytes(at + 12, &r.spec_dst);
        b.u32(at + 16, r.flags);
        b.i32s(at + 20, &[r.refcnt, r.use_count, r.metric, r.mss, r.window, r.irtt]);
        b.i32s(at + 44, &r.extra);
        b.string(at + 56, &r.iface);
    }
    for (i, r) in s.inet6.iter().enumerate() {
        let at = v6_at + i * V6;
        b.bytes(at, &r.destination);
        b.bytes(at + 16, &r.source);
        b.bytes(at + 32, &r.next_hop);
        b.u32(at + 48, r.destination_len);
        b.u32(at + 52, r.source_len);
        b.i32s(at + 56, &[r.metric, r.refcnt, r.use_count]);
        b.u32(at + 68, r.flags);
        let off = b.strings.len() as u32;
        b.strings.extend_from_slice(&r.iface);
        b.u32(at + 72, off);
        b.u16(at + 76, r.iface.len().min(u16::MAX as usize) as u16);
        b.u8(at + 78, r.conversions as i8 as u8);
    }
    b.finish(32)
}
