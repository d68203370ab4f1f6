//! /proc/net/rt_cache (the IPv4 routing cache of old kernels; today a
//! header alone), read as lib/inet_gr.c `rprint_cache` reads it.

use super::ipv4::{col, fib_columns, flags, inet_getsock, int_or_0, numbers, LINE_BUF};
use super::{CacheFormat, Ipv4CacheRoute};
use crate::text::columns::{gen_fmt, scan_columns, Column, Kind, Value};
use crate::text::{self, contains};

/// The columns both layouts start with.
const COMMON: [Column; 11] = fib_columns("Source");
/// 2.2 and later.
const MODERN_TAIL: [Column; 4] = [
    col("TOS", Kind::Dec),
    col("HHRef", Kind::Dec),
    col("HHUptod", Kind::Dec),
    col("SpecDst", Kind::Str(128)),
];
/// 2.0.
const OLD_TAIL: [Column; 2] = [col("HH", Kind::Dec), col("ARP", Kind::Dec)];

/// lib/proc.c `proc_guess_fmt` for rt_cache: substrings of the header line.
fn guess_cache_format(text: &[u8]) -> CacheFormat {
    if text.is_empty() {
        return CacheFormat::Empty;
    }
    let header = text::first_line(text);
    let header = &header[..header.len().min(510)];
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
        if contains(header, name) {
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
    let columns: Vec<Column> = match format {
        CacheFormat::Modern => [&COMMON[..], &MODERN_TAIL].concat(),
        CacheFormat::Old => [&COMMON[..], &OLD_TAIL].concat(),
        _ => return (format, Vec::new(), 0),
    };
    let Ok(plan) = gen_fmt(text::first_line(text), &columns) else {
        return (format, Vec::new(), 0);
    };
    let mut rows = Vec::new();
    let mut skipped = 0u32;
    let mut addr = [0u8; 4];
    let mut extra = [0i32; 3];
    for line in text::fgets_lines(text::body(text), LINE_BUF).map(text::without_newline) {
        let mut v: [Option<Value<'_>>; 15] = [None; 15];
        let n = scan_columns(line, &plan, &columns, &mut v);
        for (k, slot) in (11..columns.len().min(14)).enumerate() {
            if let Some(x) = Value::num(v[slot]) {
                extra[k] = x as i32;
            }
        }
        if n < 12 {
            skipped += 1;
            continue;
        }
        // One sockaddr for all four addresses: a field that does not parse
        // prints as the address parsed before it.
        let mut next = |field: Option<Value<'_>>| {
            if let Some(a) = Value::bytes(field).and_then(inet_getsock) {
                addr = a;
            }
            addr
        };
        let destination = next(v[1]);
        let gateway = next(v[2]);
        let source = next(v[7]);
        let spec_dst = if format == CacheFormat::Modern { next(v[14]) } else { next(None) };
        rows.push(Ipv4CacheRoute {
            iface: Value::bytes(v[0]).unwrap_or_default().to_vec(),
            destination,
            gateway,
            source,
            spec_dst,
            flags: flags(&v),
            numbers: numbers(&v, int_or_0(v[10])),
            extra: if format == CacheFormat::Modern { extra } else { [extra[0], extra[1], 0] },
        });
    }
    (format, rows, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
