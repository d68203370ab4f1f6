//! /proc/net/{tcp,udp,udplite,raw}{,6}: the text tables of inet sockets.
//!
//! Each line is read the way net-tools netstat 2.10 reads it:
//!
//! ```text
//! sscanf(line, "%d: %64[0-9A-Fa-f]:%X %64[0-9A-Fa-f]:%X %X %lX:%lX %X:%lX %lX %d %d %lu",
//!        &sl, local_addr, &local_port, rem_addr, &rem_port, &state,
//!        &txq, &rxq, &timer_run, &time_len, &retr, &uid, &timeout, &inode)
//! ```
//!
//! A tcp line with fewer than 11 conversions, or a udp/udplite/raw line with
//! fewer than 10, is bogus and skipped (netstat warns once per such line);
//! fields after the last conversion default to 0.
//!
//! Numbers are what glibc's sscanf stores (see the text toolkit): a sign and a `0x`
//! are read, `%lX`/`%lu` give strtoul's value, `%X` its low 32 bits, `%d`
//! strtol's low 32 bits. Where a row field is narrower than netstat's
//! variable, it keeps what netstat prints where it can: a port its low 16
//! bits (htons), a state or timer kind saturates at 255 (still no name
//! netstat knows), and the queues and retransmits, `unsigned long`s netstat
//! prints whole with `%ld`, saturate at 2^32-1 (docs/compat.md).
//!
//! Addresses: the kernel prints an IPv4 address as the `__be32` read as a host
//! integer (`%08X`), and an IPv6 address as its four 32-bit words, each read as
//! a host integer. Writing each value back in host byte order gives the
//! network-order bytes. Like netstat, a local address longer than 8 hex digits
//! makes the line IPv6 whatever file it came from; the remote address is read
//! in the same family.

use crate::model::{InetSocket, InetTable, Protocol};
use crate::proc_root::ProcRoot;
use crate::text::{self, hex_digits_u64, sat_u32, sat_u8, Cursor};

/// Parses a whole table file (header line included); appends rows to `out`
/// and returns the number of bogus lines skipped.
pub fn parse_table(table: InetTable, text: &[u8], out: &mut Vec<InetSocket>) -> u32 {
    parse_lines(table, text::body(text), out)
}

/// Parses body lines (no header); appends rows to `out` and returns the
/// number of bogus lines skipped.
pub fn parse_lines(table: InetTable, lines: &[u8], out: &mut Vec<InetSocket>) -> u32 {
    let needed = if table.protocol() == Protocol::Tcp { 11 } else { 10 };
    let mut bogus = 0u32;
    // A kernel line is ~150 bytes: reserving avoids repeated growth on big tables.
    out.reserve(lines.len() / 160);
    text::for_each_line(lines, |line| {
        let mut row = InetSocket::empty(table);
        if parse_line(line, &mut row, true) >= needed {
            out.push(row);
        } else {
            bogus = bogus.saturating_add(1);
        }
    });
    bogus
}

/// Reads `<root>/net/<table>` and parses it.
pub fn read_table(root: &ProcRoot, table: InetTable, out: &mut Vec<InetSocket>) -> crate::Result<u32> {
    text::collect_blocks(out, |on_rows| read_table_in_blocks(root, table, 0, on_rows))
}

/// Reads `<root>/net/<table>` a block at a time, so a huge table is never
/// held whole: `on_rows` gets each block's rows (to take) and its bogus-line
/// count, and may stop the reading by returning false. `from` > 0 starts
/// at the first whole line after that byte.
pub fn read_table_in_blocks(
    root: &ProcRoot,
    table: InetTable,
    from: u64,
    mut on_rows: impl FnMut(&mut Vec<InetSocket>, u32) -> bool,
) -> crate::Result<()> {
    let path = root.net(table.file_name());
    let mut rows = Vec::new();
    text::read_line_blocks(
        &path,
        from,
        |_header| {},
        |lines| {
            let bogus = parse_lines(table, lines, &mut rows);
            on_rows(&mut rows, bogus)
        },
    )
    .map_err(|e| crate::Error::io(&path, e))
}

/// The table of the same protocol in the other family.
fn with_family(table: InetTable, ipv6: bool) -> InetTable {
    if table.is_ipv6() == ipv6 {
        return table;
    }
    match table.protocol() {
        Protocol::Tcp if ipv6 => InetTable::Tcp6,
        Protocol::Tcp => InetTable::Tcp,
        Protocol::Udp if ipv6 => InetTable::Udp6,
        Protocol::Udp => InetTable::Udp,
        Protocol::UdpLite if ipv6 => InetTable::UdpLite6,
        Protocol::UdpLite => InetTable::UdpLite,
        Protocol::Raw if ipv6 => InetTable::Raw6,
        Protocol::Raw => InetTable::Raw,
    }
}

/// `sscanf(addr, "%X")` into an `in_addr`: network-order bytes in [0..4].
#[inline]
fn decode_v4(digits: &[u8], out: &mut [u8; 16]) {
    // %X into an unsigned int: strtoul, then truncation to 32 bits (a remote
    // address may have up to 64 digits).
    let v = hex_digits_u64(digits) as u32;
    out[..4].copy_from_slice(&v.to_ne_bytes());
}

/// `sscanf(addr, "%08X%08X%08X%08X")` into `s6_addr32[0..4]`. Words the text
/// does not reach stay 0 (netstat would leave stale values there).
#[inline]
fn decode_v6(digits: &[u8], out: &mut [u8; 16]) {
    for (word, chunk) in digits.chunks(8).take(4).enumerate() {
        let v = hex_digits_u64(chunk) as u32;
        out[word * 4..word * 4 + 4].copy_from_slice(&v.to_ne_bytes());
    }
}

/// An address of the line's family (the local address decided it).
#[inline]
fn decode_address(digits: &[u8], ipv6: bool, out: &mut [u8; 16]) {
    if ipv6 {
        decode_v6(digits, out);
    } else {
        decode_v4(digits, out);
    }
}

/// Fills `row` from one line and returns how many conversions sscanf would
/// have made. `fast` allows the fixed-layout shortcut (tests turn it off to
/// check both ways agree).
fn parse_line(line: &[u8], row: &mut InetSocket, fast: bool) -> u32 {
    let mut c = Cursor::new(line);
    // Stops at the first failed conversion or literal, returning the count so far.
    macro_rules! need {
        ($e:expr, $n:expr) => {
            match $e {
                Some(v) => v,
                None => return $n,
            }
        };
    }
    macro_rules! lit {
        ($ch:expr, $n:expr) => {
            if !c.lit($ch) {
                return $n;
            }
        };
    }

    // "%d: "
    need!(c.dec_int(), 0);
    lit!(b':', 1);
    c.skip_ws();
    // Lines as the kernel writes them have fixed-width fields up to the uid:
    // read those without the general machinery when every byte is as expected.
    if let Some(used) = fast.then(|| fixed_layout(c.rest(), row)).flatten() {
        c.advance(used);
        return 11 + decimal_tail(&mut c, row);
    }
    // "%64[0-9A-Fa-f]:%X "
    let local = need!(c.hex_run(64), 1);
    // Decided here, as netstat does, by the local address alone.
    let ipv6 = local.len() > 8;
    row.table = with_family(row.table, ipv6);
    decode_address(local, ipv6, &mut row.local_addr);
    lit!(b':', 2);
    row.local_port = port(need!(c.hex_uint(), 2));
    c.skip_ws();
    // "%64[0-9A-Fa-f]:%X "
    let remote = need!(c.hex_run(64), 3);
    decode_address(remote, ipv6, &mut row.remote_addr);
    lit!(b':', 4);
    row.remote_port = port(need!(c.hex_uint(), 4));
    // "%X "
    row.state = small(need!(c.hex_uint(), 5));
    // "%lX:%lX " (unsigned longs: see the module comment)
    row.tx_queue = sat_u32(need!(c.hex_ulong(), 6));
    lit!(b':', 7);
    row.rx_queue = sat_u32(need!(c.hex_ulong(), 7));
    // "%X:%lX "
    row.timer_active = small(need!(c.hex_uint(), 8));
    lit!(b':', 9);
    row.timer_ticks = need!(c.hex_ulong(), 9);
    // "%lX"
    row.retransmits = sat_u32(need!(c.hex_ulong(), 10));
    11 + decimal_tail(&mut c, row)
}

/// A port (`%X` into an int) as netstat prints it: `htons(port)` keeps the
/// low 16 bits. (tcp's -l selection tests the whole int, so a port of
/// 0x10000 is selected as 0 here; no kernel writes one.)
#[inline]
fn port(v: u32) -> u16 {
    v as u16
}

/// A state or timer kind (`%X` into an int): netstat names a few values and
/// prints others as UNKNOWN (udp) or as the number (raw state, `unkn-N`
/// timer); past 254 the row holds 255, still no name, though netstat would
/// print the number itself.
#[inline]
fn small(v: u32) -> u8 {
    sat_u8(v.into())
}

/// " %d %d %lu": uid, timeout, inode. Returns how many were converted.
#[inline]
fn decimal_tail(c: &mut Cursor<'_>, row: &mut InetSocket) -> u32 {
    let Some(uid) = c.dec_int() else { return 0 };
    // The int's bits: netstat prints it with %d and looks up (uid_t) uid.
    row.uid = uid as u32;
    let Some(timeout) = c.dec_int() else { return 1 };
    row.timeout = timeout;
    let Some(inode) = c.dec_ulong() else { return 2 };
    row.inode = inode;
    3
}

/// The kernel's layout after "%4d: ", for an address of `A` hex digits:
/// `%0AX:%04X %0AX:%04X %02X %08X:%08X %02X:%08lX %08X` followed by a blank.
/// Fills `row` and returns the bytes used, or None (and touches nothing that
/// the general path would not overwrite) when anything differs, e.g. a wider
/// timer value. Whenever it answers, the general path would read the same.
#[inline]
fn fixed_layout(s: &[u8], row: &mut InetSocket) -> Option<usize> {
    let a = match (s.get(8), s.get(32)) {
        (Some(b':'), _) => 8,
        (_, Some(b':')) => 32,
        _ => return None,
    };
    let len = 2 * a + 53;
    let s = s.get(..=len)?;
    let sep = |at: usize, ch: u8| s[at] == ch;
    let p = a + 1; // local port
    let r = p + 5; // remote address
    let rp = r + a + 1; // remote port
    let st = rp + 5; // state
    let tx = st + 3;
    let rx = tx + 9;
    let tr = rx + 9;
    let tm = tr + 3;
    let rt = tm + 9; // retransmits
    if !(sep(a, b':')
        && sep(p + 4, b' ')
        && sep(r + a, b':')
        && sep(rp + 4, b' ')
        && sep(st + 2, b' ')
        && sep(tx + 8, b':')
        && sep(rx + 8, b' ')
        && sep(tr + 2, b':')
        && sep(tm + 8, b' ')
        && rt + 8 == len
        && matches!(s[len], b' ' | b'\t'))
    {
        return None;
    }
    let local_port = text::hex_fixed::<4>(&s[p..])?;
    let remote_port = text::hex_fixed::<4>(&s[rp..])?;
    let state = text::hex_fixed::<2>(&s[st..])?;
    let tx_queue = text::hex_fixed::<8>(&s[tx..])?;
    let rx_queue = text::hex_fixed::<8>(&s[rx..])?;
    let timer_active = text::hex_fixed::<2>(&s[tr..])?;
    let timer_ticks = text::hex_fixed::<8>(&s[tm..])?;
    let retransmits = text::hex_fixed::<8>(&s[rt..])?;
    let mut local = [0u8; 16];
    let mut remote = [0u8; 16];
    if a == 8 {
        local[..4].copy_from_slice(&(text::hex_fixed::<8>(s)? as u32).to_ne_bytes());
        remote[..4].copy_from_slice(&(text::hex_fixed::<8>(&s[r..])? as u32).to_ne_bytes());
    } else {
        for w in 0..4 {
            let l = text::hex_fixed::<8>(&s[w * 8..])? as u32;
            let m = text::hex_fixed::<8>(&s[r + w * 8..])? as u32;
            local[w * 4..w * 4 + 4].copy_from_slice(&l.to_ne_bytes());
            remote[w * 4..w * 4 + 4].copy_from_slice(&m.to_ne_bytes());
        }
    }
    row.table = with_family(row.table, a == 32);
    row.local_addr = local;
    row.remote_addr = remote;
    row.local_port = local_port as u16;
    row.remote_port = remote_port as u16;
    row.state = state as u8;
    row.tx_queue = tx_queue as u32;
    row.rx_queue = rx_queue as u32;
    row.timer_active = timer_active as u8;
    row.timer_ticks = timer_ticks;
    row.retransmits = retransmits as u32;
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP_HEADER: &str =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    fn parse(table: InetTable, body: &str) -> (Vec<InetSocket>, u32) {
        let mut out = Vec::new();
        let text = format!("{TCP_HEADER}{body}");
        let bogus = parse_table(table, text.as_bytes(), &mut out);
        (out, bogus)
    }

    /// The row of one line that must parse (not bogus).
    fn one_row(table: InetTable, line: &str) -> InetSocket {
        let (rows, bogus) = parse(table, line);
        assert_eq!((rows.len(), bogus), (1, 0), "{line}");
        rows.into_iter().next().unwrap()
    }

    #[test]
    fn full_tcp_line() {
        let r = one_row(
            InetTable::Tcp,
            "   7: 0100007F:DDDA 0100007F:B79B 01 00000002:0000000A 02:000001F4 00000003  1000       -5 10749 2 00000000c1c97e67 20 4 30 10 -1\n",
        );
        assert_eq!(r.table, InetTable::Tcp);
        assert_eq!(&r.local_addr[..4], &[127, 0, 0, 1]);
        assert_eq!(&r.local_addr[4..], &[0; 12]);
        assert_eq!(r.local_port, 56794);
        assert_eq!(&r.remote_addr[..4], &[127, 0, 0, 1]);
        assert_eq!(r.remote_port, 47003);
        assert_eq!(r.state, 1);
        assert_eq!((r.tx_queue, r.rx_queue), (2, 10));
        assert_eq!((r.timer_active, r.timer_ticks), (2, 500));
        assert_eq!(r.retransmits, 3);
        assert_eq!(r.uid, 1000);
        assert_eq!(r.timeout, -5);
        assert_eq!(r.inode, 10749);
    }

    #[test]
    fn conversion_counts_decide_bogus() {
        // 11 conversions: enough for tcp; uid, timeout, inode default to 0.
        let line11 = "0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000007\n";
        // 10 conversions: enough for udp and raw, not tcp.
        let line10 = "0: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000\n";
        let (rows, bogus) = parse(InetTable::Tcp, &format!("{line11}{line10}"));
        assert_eq!((rows.len(), bogus), (1, 1));
        assert_eq!((rows[0].retransmits, rows[0].uid, rows[0].inode), (7, 0, 0));
        for table in [InetTable::Udp, InetTable::UdpLite, InetTable::Raw] {
            let (rows, bogus) = parse(table, &format!("{line11}{line10}"));
            assert_eq!((rows.len(), bogus), (2, 0), "{table:?}");
            assert_eq!(rows[1].local_port, 53);
            assert_eq!(rows[1].state, 7);
        }
        // 9 conversions: bogus everywhere.
        let (rows, bogus) =
            parse(InetTable::Udp, "0: 0100007F:0035 00000000:0000 07 00000000:00000000 00:\n");
        assert_eq!((rows.len(), bogus), (0, 1));
    }

    #[test]
    fn address_length_decides_the_family() {
        // An IPv6 line in the IPv4 file, and an IPv4 line in the IPv6 file.
        let r = one_row(
            InetTable::Udp,
            "0: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 5\n",
        );
        assert_eq!(r.table, InetTable::Udp6);
        let mut loopback6 = [0u8; 16];
        loopback6[15] = 1;
        assert_eq!(r.local_addr, loopback6);
        let r = one_row(
            InetTable::Tcp6,
            "0: 0100007F:0016 0200007F:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5\n",
        );
        assert_eq!(r.table, InetTable::Tcp);
        assert_eq!(&r.remote_addr[..4], &[127, 0, 0, 2]);
    }

    /// Every field holds what glibc's sscanf stores, narrowed as netstat
    /// prints it (values checked against sscanf in C).
    #[test]
    fn numbers_as_glibc_stores_them() {
        let r = one_row(
            InetTable::Tcp,
            "0: 0100007F:FFFFF 1:0 1FF FFFFFFFFFF:1 00:FFFFFFFFFFFFFFFFFFFF 0 4294967296 -99999999999 99999999999999999999999\n",
        );
        // %X: the low 32 bits, then the port's low 16 (htons)
        assert_eq!(r.local_port, 0xFFFF);
        assert_eq!(&r.remote_addr[..4], &1u32.to_ne_bytes());
        // a state past 254 holds 255
        assert_eq!(r.state, u8::MAX);
        // an unsigned long queue past 32 bits saturates (a documented deviation)
        assert_eq!(r.tx_queue, u32::MAX);
        // strtoul past 64 bits
        assert_eq!(r.timer_ticks, u64::MAX);
        // %d: strtol's low 32 bits
        assert_eq!(r.uid, 0);
        assert_eq!(r.timeout, -99999999999i64 as i32);
        assert_eq!(r.inode, u64::MAX);

        // Signs and 0x prefixes in every numeric field.
        let r = one_row(
            InetTable::Tcp,
            "+7: 0100007F:0x1F90 00000000:-1 100000001 0x:+0X20 -0x2:-1 0x3 -1 2147483648 -5\n",
        );
        assert_eq!((r.local_port, r.remote_port), (8080, 0xFFFF));
        assert_eq!(r.state, 1);
        // "0x" alone is 0 and consumes the x: the ':' after it still matches
        assert_eq!((r.tx_queue, r.rx_queue), (0, 0x20));
        // -0x2 is 0xFFFFFFFFFFFFFFFE, of which the int keeps 0xFFFFFFFE: past 254
        assert_eq!((r.timer_active, r.timer_ticks), (u8::MAX, u64::MAX));
        assert_eq!(r.retransmits, 3);
        // "-1" as a uid is the int -1 (netstat prints -1, looks up 4294967295)
        assert_eq!((r.uid, r.timeout, r.inode), (u32::MAX, i32::MIN, u64::MAX - 4));

        // %X truncates where saturating would name another state or timer.
        let (rows, _) = parse(InetTable::Udp, "0: 0100007F:10035 0:0 100000007 0:0 100000002:0 0 0 0 1\n");
        assert_eq!((rows[0].local_port, rows[0].state, rows[0].timer_active), (0x35, 7, 2));

        // "-1" as a uid is 4294967295, as netstat's int-to-uid_t makes it.
        let (rows, _) = parse(InetTable::Tcp, "0: 0100007F:0 0:0 1 0:0 0:0 0 -1 0 1\n");
        assert_eq!(rows[0].uid, u32::MAX);
        // 12 hex digits: IPv6 with the first word and half the second.
        let (rows, _) = parse(InetTable::Tcp6, "0: 0100007FABCD:0 0:0 1 0:0 0:0 0\n");
        assert_eq!(&rows[0].local_addr[..8], &[0x7F, 0, 0, 1, 0xCD, 0xAB, 0, 0]);
        // An IPv4 remote address of 9 digits: %X keeps the low 32 bits.
        let (rows, _) = parse(InetTable::Tcp, "0: 0100007F:0 10500000A:1 1 0:0 0:0 0\n");
        assert_eq!(&rows[0].remote_addr[..4], &[10, 0, 0, 5]);
    }

    /// Where sscanf stops: the count of conversions decides bogus lines.
    #[test]
    fn signs_and_prefixes_that_stop_a_line() {
        for (line, conversions) in [
            ("0x5: 0100007F:0016 0:0 1 0:0 0:0 0 0 0 1", 1), // %d takes no 0x
            ("0: 0x0100007F:0016 0:0 1 0:0 0:0 0 0 0 1", 2), // the scan set stops at the x
            ("0: +0100007F:0016 0:0 1 0:0 0:0 0 0 0 1", 1),  // or at a sign
            ("0: 0100007F:-x16 0:0 1 0:0 0:0 0 0 0 1", 2),
            ("0: 0100007F:0016 0:0 - 1 0:0 0:0 0 0 0 1", 5),
            ("0: 0100007F:0016 0:0 1 -:0 0:0 0 0 0 1", 6),
            ("0: 0100007F:0016 0:0 1 0:0 +:0 0 0 0 1", 8),
            ("0: 0100007F:0016 0:0 1 0:0 0:0 0 0x1 0 1", 12), // %d reads the 0; %d stops at x
            ("0: 0100007F:0016 0:0 1 0:0 0:0 0 0 0 0x1", 14), // %lu reads the 0
        ] {
            let mut row = InetSocket::empty(InetTable::Tcp);
            assert_eq!(parse_line(line.as_bytes(), &mut row, true), conversions, "{line}");
            let mut slow = InetSocket::empty(InetTable::Tcp);
            assert_eq!(parse_line(line.as_bytes(), &mut slow, false), conversions, "{line}");
            assert_eq!(row, slow);
        }
    }

    #[test]
    fn bad_lines() {
        let long_addr = "F".repeat(65);
        let body = format!(
            "\n   \n1: 0100007G:0016 00000000:0000 0A 0:0 0:0 0\n2: {long_addr}:0016 00000000:0000 0A 0:0 0:0 0\nx: 0100007F:0016\n3 0100007F:0016 00000000:0000 0A 0:0 0:0 0\n4: 0100007F:0016 00000000:0000 0A 0:0 0 0\n\x00\x01\x02\n"
        );
        let (rows, bogus) = parse(InetTable::Tcp, &body);
        assert_eq!(rows.len(), 0);
        assert_eq!(bogus, 8);
        // 64 hex digits is still a (strange) address.
        let addr64 = "0".repeat(64);
        let (rows, bogus) = parse(InetTable::Tcp6, &format!("0: {addr64}:0016 {addr64}:0 0A 0:0 0:0 0\n"));
        assert_eq!((rows.len(), bogus), (1, 0));
    }

    /// The fixed-layout shortcut is taken on kernel lines, and reads exactly
    /// what the general path reads, on the captured tables and on variants.
    #[test]
    fn shortcut_agrees_with_general_path() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proc/live/net/");
        let mut kernel_lines = Vec::new();
        for table in InetTable::ALL {
            let text = std::fs::read(format!("{dir}{}", table.file_name())).unwrap();
            for line in text.split(|&b| b == b'\n').skip(1).filter(|l| !l.is_empty()) {
                kernel_lines.push((table, line.to_vec()));
            }
        }
        assert!(kernel_lines.len() >= 20);
        let mut variants = Vec::new();
        for (table, line) in &kernel_lines {
            // Every kernel line takes the shortcut.
            let mut c = Cursor::new(line);
            c.dec_signed();
            c.lit(b':');
            c.skip_ws();
            assert!(
                fixed_layout(c.rest(), &mut InetSocket::empty(*table)).is_some(),
                "{}",
                String::from_utf8_lossy(line)
            );
            // Variants: one byte changed, or a field made wider or narrower.
            for at in 0..line.len().min(120) {
                for ch in [b'g', b' ', b':', b'F', b'0'] {
                    let mut v = line.clone();
                    v[at] = ch;
                    variants.push((*table, v));
                }
                let mut v = line.clone();
                v.insert(at, b'1');
                variants.push((*table, v));
                let mut v = line.clone();
                v.remove(at);
                variants.push((*table, v));
            }
        }
        variants.extend(kernel_lines);
        for (table, line) in variants {
            let (mut fast, mut slow) = (InetSocket::empty(table), InetSocket::empty(table));
            let n_fast = parse_line(&line, &mut fast, true);
            let n_slow = parse_line(&line, &mut slow, false);
            assert_eq!(n_fast, n_slow, "{}", String::from_utf8_lossy(&line));
            assert_eq!(fast, slow, "{}", String::from_utf8_lossy(&line));
        }
    }

    #[test]
    fn wide_timer_falls_back() {
        let r = one_row(
            InetTable::Tcp,
            "   0: 0100007F:0016 00000000:0000 01 00000000:00000000 02:123456789 00000000     0        0 99 1\n",
        );
        assert_eq!((r.timer_ticks, r.inode), (0x1_2345_6789, 99));
    }

    #[test]
    fn header_only_and_empty() {
        let mut out = Vec::new();
        assert_eq!(parse_table(InetTable::Tcp, b"", &mut out), 0);
        assert_eq!(parse_table(InetTable::Tcp, TCP_HEADER.trim_end().as_bytes(), &mut out), 0);
        assert_eq!(parse_table(InetTable::Tcp, TCP_HEADER.as_bytes(), &mut out), 0);
        assert!(out.is_empty());
    }
}
