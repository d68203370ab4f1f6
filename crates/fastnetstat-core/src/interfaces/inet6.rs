//! /proc/net/if_inet6: the IPv6 addresses of the interfaces, read as
//! netstat's `fscanf` loop reads them.

use super::Inet6Address;
use crate::text::ipv6::{address_of, scan_groups, Groups};
use crate::text::Cursor;

/// Parses /proc/net/if_inet6 as `while (fscanf(f, "%4s%4s%4s%4s%4s%4s%4s%4s
/// %08x %02x %02x %02x %20s\n", ...) != EOF)` does: a stream, not lines;
/// fields a record lacks keep the previous record's values.
pub fn parse_if_inet6(text: &[u8]) -> Vec<Inet6Address> {
    let mut c = Cursor::new(text);
    let mut groups = Groups::default();
    let (mut ifindex, mut plen, mut scope, mut flags) = (0u32, 0u32, 0u32, 0u32);
    let mut name: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    loop {
        c.skip_ws();
        if c.peek().is_none() {
            break; // EOF before the first conversion
        }
        let mut n = 0u32;
        'record: {
            n += scan_groups(&mut c, &mut groups);
            if n < 8 {
                break 'record;
            }
            for (field, width) in [(&mut ifindex, 8usize), (&mut plen, 2), (&mut scope, 2), (&mut flags, 2)] {
                match c.hex_uint_width(width) {
                    Some(v) => {
                        *field = v;
                        n += 1;
                    }
                    None => break 'record,
                }
            }
            match c.string(20) {
                Some(s) => {
                    name = s.to_vec();
                    n += 1;
                }
                None => break 'record,
            }
        }
        out.push(Inet6Address {
            // As in netstat's INET6_getsock: text inet_pton rejects gives ::.
            address: address_of(&groups),
            ifindex,
            prefix_len: plen,
            scope,
            flags,
            name: name.clone(),
            conversions: n,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_inet6_stream() {
        let text = b"00000000000000000000000000000001 01 80 10 80       lo\nfe800000000000000000000000000001 02 40 20 80     eth0\n20010db8000000000000000000000001 02 zz\n";
        let recs = parse_if_inet6(text);
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].scope, 0x10);
        assert_eq!(recs[0].prefix_len, 0x80);
        assert_eq!(recs[1].name, b"eth0");
        assert_eq!(recs[1].conversions, 13);
        // "02" then a matching failure: prefix, scope, flags and name stay.
        assert_eq!(recs[2].conversions, 9);
        assert_eq!(recs[2].address[..4], [0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(recs[3].address, [0; 16], "\"zz:...\" is not an address: ::");
        assert_eq!(recs[2].name, b"eth0");
        // fscanf goes on from "zz": "zz" is the first %4s of a new record.
        assert_eq!(recs[3].conversions, 1);
    }
}
