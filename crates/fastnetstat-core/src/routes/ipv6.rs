//! /proc/net/ipv6_route, read as lib/inet6_gr.c `rprint_fib6` reads it:
//! every line is used, however little of it parses, the fields it lacks
//! keeping the previous line's values.

use super::ipv4::LINE_BUF;
use super::Ipv6Route;
use crate::text::ipv6::{address_of, scan_groups, Groups};
use crate::text::{self, Cursor};

/// The fields of rprint_fib6's sscanf, kept from line to line.
#[derive(Default)]
struct Ipv6LineState {
    dest: Groups,
    dest_len: u32,
    src: Groups,
    src_len: u32,
    next_hop: Groups,
    metric: u32,
    refcnt: u32,
    use_count: u32,
    flags: u32,
    iface: Vec<u8>,
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
        macro_rules! groups {
            ($field:expr) => {
                let got = scan_groups(&mut c, &mut $field);
                n += got as i32;
                if got < 8 {
                    return n;
                }
            };
        }
        macro_rules! hex {
            ($w:expr, $field:expr) => {
                match c.hex_uint_width($w) {
                    Some(v) => {
                        $field = v;
                        n += 1;
                    }
                    None => return n,
                }
            };
        }
        groups!(self.dest);
        hex!(2, self.dest_len);
        groups!(self.src);
        hex!(2, self.src_len);
        groups!(self.next_hop);
        hex!(8, self.metric);
        hex!(8, self.refcnt);
        hex!(8, self.use_count);
        hex!(8, self.flags);
        match c.string(15) {
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
    text::fgets_lines(text, LINE_BUF)
        .map(text::without_newline)
        .map(|line| {
            let conversions = st.scan(line);
            Ipv6Route {
                destination: address_of(&st.dest),
                destination_len: st.dest_len,
                source: address_of(&st.src),
                source_len: st.src_len,
                next_hop: address_of(&st.next_hop),
                metric: st.metric as i32,
                refcnt: st.refcnt as i32,
                use_count: st.use_count as i32,
                flags: st.flags,
                iface: st.iface.clone(),
                conversions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
