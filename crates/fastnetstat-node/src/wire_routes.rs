//! Packs a routing-table read into its buffer. The layout (header, IPv4, cache
//! and IPv6 rows) is written once, in scripts/wire-layout.mjs (`tables.routes`);
//! the offsets and row writers used here are generated from it (wire_tables.rs),
//! as is the decoder's side (packages/core/src/wire-tables.ts). What stays here
//! is logic: the reports' detail codes.

use fastnetstat_core::routes::{CacheFormat, RouteSnapshot, ROUTE_COLUMNS};

use crate::wire_buf::Buf;
use crate::wire_tables::routes as layout;

pub fn pack_routes(s: &RouteSnapshot) -> Vec<u8> {
    let (mut b, [v4_at, cache_at, v6_at]) = Buf::with_sections(
        layout::HEADER_LEN,
        [
            (s.inet.len(), layout::INET_LEN),
            (s.cache.len(), layout::CACHE_LEN),
            (s.inet6.len(), layout::INET6_LEN),
        ],
    );
    // route: 1 + index of the header column missing (0: none)
    let missing = s
        .inet_missing_column
        .and_then(|t| ROUTE_COLUMNS.iter().position(|c| *c == t))
        .map_or(0, |i| i as u8 + 1);
    let (format, mask) = match s.cache_format {
        CacheFormat::None => (0, 0),
        CacheFormat::Modern => (1, 0),
        CacheFormat::Old => (2, 0),
        CacheFormat::Unknown(m) => (3, m),
        CacheFormat::Empty => (4, 0),
    };
    layout::write_header(
        &mut b,
        0,
        (&s.inet_status, missing, s.inet_skipped),
        (&s.cache_status, format, s.cache_skipped),
        (&s.inet6_status, 0, 0),
        mask,
    );
    for (i, r) in s.inet.iter().enumerate() {
        layout::write_inet(&mut b, v4_at + i * layout::INET_LEN, r);
    }
    for (i, r) in s.cache.iter().enumerate() {
        layout::write_cache(&mut b, cache_at + i * layout::CACHE_LEN, r);
    }
    for (i, r) in s.inet6.iter().enumerate() {
        layout::write_inet6(&mut b, v6_at + i * layout::INET6_LEN, r);
    }
    b.finish(layout::header::STRINGS_AT)
}
