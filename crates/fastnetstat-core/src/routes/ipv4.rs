//! /proc/net/route, read as lib/inet_gr.c `rprint_fib` reads it.

use super::{Ipv4Route, RouteNumbers};
use crate::text::columns::{gen_fmt, scan_columns, Column, Kind, Value};
use crate::text::{self, hex_fixed};

/// `fgets(buff, 1023, fp)`: what net-tools' route readers hand to sscanf.
pub(super) const LINE_BUF: usize = 1023;

/// A column of a route file, as `proc_gen_fmt` is asked for it.
pub(super) const fn col(title: &'static str, kind: Kind) -> Column {
    Column { title, kind }
}

/// The columns `rprint_fib` (and `rprint_cache`, with "Source" for the
/// eighth) ask `proc_gen_fmt` for, in order, and their conversions.
pub(super) const fn fib_columns(eighth: &'static str) -> [Column; 11] {
    [
        col("Iface", Kind::Str(16)),
        col("Destination", Kind::Str(128)),
        col("Gateway", Kind::Str(128)),
        col("Flags", Kind::Hex),
        col("RefCnt", Kind::Dec),
        col("Use", Kind::Dec),
        col("Metric", Kind::Dec),
        col(eighth, Kind::Str(128)),
        col("MTU", Kind::Dec),
        col("Window", Kind::Dec),
        col("IRTT", Kind::Dec),
    ]
}

/// /proc/net/route's columns.
const ROUTE: [Column; 11] = fib_columns("Mask");

/// The titles of `ROUTE`'s columns (the first one the header lacks is
/// what netstat names in its warning).
pub const ROUTE_COLUMNS: [&str; 11] = {
    let mut titles = [""; 11];
    let mut i = 0;
    while i < titles.len() {
        titles[i] = ROUTE[i].title;
        i += 1;
    }
    titles
};

/// lib/inet.c `INET_getsock`: exactly 8 hex digits (more are ignored) read
/// as the kernel's `%08X` of a `__be32`; the 4 network-order bytes, or None
/// when one of the first 8 bytes is not a hex digit (netstat then keeps the
/// address it had).
pub(super) fn inet_getsock(text: &[u8]) -> Option<[u8; 4]> {
    let v = hex_fixed::<8>(text)? as u32;
    // The kernel printed the host-order value of the network-order word.
    Some(v.to_ne_bytes())
}

/// The `%d` of a column that may have been converted (netstat's variables
/// start at 0).
pub(super) fn int_or_0(v: Option<Value<'_>>) -> i32 {
    Value::num(v).unwrap_or(0) as i32
}

/// The Flags column of a line scanned with `fib_columns`.
pub(super) fn flags(v: &[Option<Value<'_>>]) -> u32 {
    Value::num(v[3]).unwrap_or(0) as u32
}

/// The numbers of a line scanned with `fib_columns`; `irtt` as the caller
/// keeps it (route carries it over from the line before, rt_cache does not).
pub(super) fn numbers(v: &[Option<Value<'_>>], irtt: i32) -> RouteNumbers {
    RouteNumbers {
        refcnt: int_or_0(v[4]),
        use_count: int_or_0(v[5]),
        metric: int_or_0(v[6]),
        mss: int_or_0(v[8]),
        window: int_or_0(v[9]),
        irtt,
    }
}

/// Parses /proc/net/route text (header included). Returns the rows, the
/// number of skipped lines, or the missing header column.
pub fn parse_route(text: &[u8]) -> Result<(Vec<Ipv4Route>, u32), &'static str> {
    let plan = gen_fmt(text::first_line(text), &ROUTE)?;
    let mut rows = Vec::new();
    let mut skipped = 0u32;
    // Carried from line to line as netstat's variables are.
    let (mut dest, mut gw, mut mask) = ([0u8; 4], [0u8; 4], [0u8; 4]);
    let mut irtt = 0i32;
    for line in text::fgets_lines(text::body(text), LINE_BUF).map(text::without_newline) {
        let mut v: [Option<Value<'_>>; 11] = [None; 11];
        let n = scan_columns(line, &plan, &ROUTE, &mut v);
        if let Some(x) = Value::num(v[10]) {
            irtt = x as i32;
        }
        if n < 10 {
            skipped += 1;
            continue;
        }
        for (slot, addr) in [(1, &mut dest), (2, &mut gw), (7, &mut mask)] {
            if let Some(a) = Value::bytes(v[slot]).and_then(inet_getsock) {
                *addr = a;
            }
        }
        rows.push(Ipv4Route {
            iface: Value::bytes(v[0]).unwrap_or_default().to_vec(),
            destination: dest,
            gateway: gw,
            mask,
            flags: flags(&v),
            numbers: numbers(&v, irtt),
        });
    }
    Ok((rows, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_titles() {
        assert_eq!(
            ROUTE_COLUMNS,
            [
                "Iface",
                "Destination",
                "Gateway",
                "Flags",
                "RefCnt",
                "Use",
                "Metric",
                "Mask",
                "MTU",
                "Window",
                "IRTT"
            ]
        );
    }

    #[test]
    fn addresses() {
        assert_eq!(
            inet_getsock(b"010200C0"),
            Some(u32::from_str_radix("010200C0", 16).unwrap().to_ne_bytes())
        );
        assert_eq!(inet_getsock(b"0102"), None);
        assert_eq!(inet_getsock(b"0102zz00"), None);
    }

    const ROUTE_TEXT: &[u8] = b"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n\
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n\
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n";

    #[test]
    fn ipv4_route_lines() {
        let (rows, skipped) = parse_route(ROUTE_TEXT).unwrap();
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
        assert_eq!(rows[1].numbers.irtt, 7, "IRTT missing: the previous value stays");
        assert_eq!(rows[1].destination, [10, 0, 0, 1], "bad hex: the previous address stays");
        assert_eq!(rows[1].numbers.mss, 1400);
    }
}
