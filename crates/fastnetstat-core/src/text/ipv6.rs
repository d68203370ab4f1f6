//! IPv6 addresses as net-tools reads them from if_inet6 and ipv6_route:
//! eight `%4s` groups, joined with ':' and given to `inet_pton`.

use super::scanf::Cursor;

/// The eight groups of one address, as the last scan left them (a scan that
/// stops part-way leaves the later groups as they were).
pub(crate) type Groups = [Vec<u8>; 8];

/// `"%4s%4s%4s%4s%4s%4s%4s%4s"`: returns how many groups were converted
/// (8 when all were).
pub(crate) fn scan_groups(c: &mut Cursor<'_>, groups: &mut Groups) -> u32 {
    let mut n = 0;
    for group in groups.iter_mut() {
        match c.string(4) {
            Some(s) => {
                *group = s.to_vec();
                n += 1;
            }
            None => break,
        }
    }
    n
}

/// `inet_pton(AF_INET6, "%s:%s:%s:%s:%s:%s:%s:%s")`; text it rejects gives
/// :: (as netstat prints it, checked against net-tools 2.10).
pub(crate) fn address_of(groups: &Groups) -> [u8; 16] {
    let mut text = Vec::with_capacity(40);
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            text.push(b':');
        }
        text.extend_from_slice(g);
    }
    std::str::from_utf8(&text)
        .ok()
        .and_then(|s| s.parse::<std::net::Ipv6Addr>().ok())
        .map_or([0; 16], |a| a.octets())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_addresses() {
        let mut g = Groups::default();
        assert_eq!(scan_groups(&mut Cursor::new(b"fe800000000000000000000000000001 40"), &mut g), 8);
        let mut want = [0u8; 16];
        want[..2].copy_from_slice(&[0xfe, 0x80]);
        want[15] = 1;
        assert_eq!(address_of(&g), want);
        assert_eq!(scan_groups(&mut Cursor::new(b"2001 zz"), &mut g), 2);
        assert_eq!(address_of(&g), [0; 16], "\"zz\" is not a group: ::");
    }
}
