//! /proc/net/unix: unix domain sockets.
//!
//! netstat reads each line with
//! `sscanf(line, "%p: %lX %lX %lX %X %X %lu %s", ...)` (Num RefCount Protocol
//! Flags Type St Inode Path); fewer than 6 conversions is a bogus line.
//! Numbers are what glibc stores (see the text toolkit: signs, `0x`, "(nil)" for
//! `%p`, `%X` cut to 32 bits), narrowed to the row's fields so that netstat's
//! output stays the same: see `parse_line`.
//!
//! The kernel prints the path after the inode and one space, then a newline.
//! netstat's `%s` cuts it at the first blank; we keep everything up to the
//! newline (a documented deviation), so "/tmp/with space.sock" stays whole.
//! Abstract names already start with '@' (and their NULs print as '@').

use crate::model::UnixSocket;
use crate::proc_root::ProcRoot;
use crate::text::{self, sat_u16, sat_u32, sat_u8, Cursor};

/// Parses a whole table file (header line included); appends rows to `out`
/// and returns the number of bogus lines skipped.
pub fn parse_table(text: &[u8], out: &mut Vec<UnixSocket>) -> u32 {
    parse_lines(text::body(text), has_inode_column(text::first_line(text)), out)
}

/// Kernels before 2.2 had no Inode column; netstat checks the header for it.
pub fn has_inode_column(header: &[u8]) -> bool {
    text::contains(header, b"Inode")
}

/// Parses body lines (no header); appends rows to `out` and returns the
/// number of bogus lines skipped.
pub fn parse_lines(lines: &[u8], has_inode: bool, out: &mut Vec<UnixSocket>) -> u32 {
    let mut bogus = 0u32;
    out.reserve(lines.len() / 64);
    text::for_each_line(lines, |line| match parse_line(line, has_inode) {
        Some(row) => out.push(row),
        None => bogus = bogus.saturating_add(1),
    });
    bogus
}

/// Reads `<root>/net/unix` and parses it; returns the bogus lines skipped.
pub fn read_table(root: &ProcRoot, out: &mut Vec<UnixSocket>) -> crate::Result<u32> {
    text::collect_blocks(out, |on_rows| read_table_in_blocks(root, 0, on_rows))
}

/// Reads `<root>/net/unix` a block at a time (see
/// [`crate::inet::read_table_in_blocks`]).
pub fn read_table_in_blocks(
    root: &ProcRoot,
    from: u64,
    mut on_rows: impl FnMut(&mut Vec<UnixSocket>, u32) -> bool,
) -> crate::Result<()> {
    let path = root.net("unix");
    let mut rows = Vec::new();
    let has_inode = std::cell::Cell::new(false);
    text::read_line_blocks(
        &path,
        from,
        |header| has_inode.set(has_inode_column(header)),
        |lines| {
            let bogus = parse_lines(lines, has_inode.get(), &mut rows);
            on_rows(&mut rows, bogus)
        },
    )
    .map_err(|e| crate::Error::io(&path, e))
}

fn parse_line(line: &[u8], has_inode: bool) -> Option<UnixSocket> {
    // sscanf, like every C string function, stops at a NUL.
    let line = text::c_str(line);
    let mut c = Cursor::new(line);
    // "%p: "
    c.pointer()?;
    if !c.lit(b':') {
        return None;
    }
    // "%lX %lX %lX %X %X": the first five after the pointer are required.
    let refcount = c.hex_ulong()?;
    let protocol = c.hex_ulong()?;
    let flags = c.hex_ulong()?;
    let sock_type = c.hex_uint()?;
    let state = c.hex_uint()?;
    let mut row = UnixSocket {
        // printed with %ld: past 2^32-1 netstat prints the whole (signed)
        // value, which the row cannot hold; it keeps 4294967295
        refcount: sat_u32(refcount),
        // only compared with 0: saturating keeps that
        protocol: sat_u32(protocol),
        // only bits 16-18 (ACC, W, N) are tested: the low 32 bits keep them
        flags: flags as u32,
        // matched against the known types and states, else UNKNOWN:
        // saturating keeps an unknown one unknown
        sock_type: sat_u16(sock_type.into()),
        state: sat_u8(state.into()),
        inode: 0,
        path: None,
        memory: None,
    };
    // " %lu"
    let Some(inode) = c.dec_ulong() else { return Some(row) };
    if has_inode {
        row.inode = inode;
    }
    // The kernel writes exactly one space before the path; what follows, up
    // to the newline, is the path, blanks included.
    if c.peek() == Some(b' ') {
        c.bump();
    }
    let path = c.rest();
    if !path.is_empty() {
        row.path = Some(path.to_vec());
    }
    Some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Num       RefCount Protocol Flags    Type St Inode Path\n";

    fn parse(body: &str) -> (Vec<UnixSocket>, u32) {
        let mut out = Vec::new();
        let bogus = parse_table(format!("{HEADER}{body}").as_bytes(), &mut out);
        (out, bogus)
    }

    #[test]
    fn rows() {
        let (rows, bogus) = parse(concat!(
            "00000000a174e76b: 00000002 00000000 00010000 0001 01 10764 /tmp/with space.sock\n",
            "000000007daf45bf: 00000003 00000000 00000000 0001 03  1058\n",
            "00000000bfa19478: 00000002 00000000 00000000 0002 01 10766 @fns@nul\n",
            "0000000000000001: 00000002 00000000 00000000 0002 01 10767  leading blank \n",
            "0000000000000002: 00000002 00000000 00000000 0005 01\n",
        ));
        assert_eq!(bogus, 0);
        assert_eq!(rows.len(), 5);
        assert_eq!(
            rows[0],
            UnixSocket {
                refcount: 2,
                protocol: 0,
                flags: 0x10000,
                sock_type: 1,
                state: 1,
                inode: 10764,
                path: Some(b"/tmp/with space.sock".to_vec()),
                memory: None,
            }
        );
        assert_eq!((rows[1].inode, rows[1].path.as_deref()), (1058, None));
        assert_eq!(rows[2].path.as_deref(), Some(&b"@fns@nul"[..]));
        assert_eq!(rows[3].path.as_deref(), Some(&b" leading blank "[..]));
        assert_eq!((rows[4].sock_type, rows[4].inode, rows[4].path.as_deref()), (5, 0, None));
    }

    #[test]
    fn bogus_lines() {
        let (rows, bogus) = parse(concat!(
            "0000000000000001: 00000002 00000000 00010000 0001\n", // 5 conversions
            "0000000000000001 00000002 00000000 00010000 0001 01 5\n", // no ':'
            "zz: 00000002 00000000 00010000 0001 01 5\n",
            "\n",
            "0000000000000001: 0000000G 00000000 00010000 0001 01 5\n",
        ));
        assert_eq!((rows.len(), bogus), (0, 5));
    }

    /// Signs, 0x prefixes, "(nil)" and values past 32 and 64 bits, as glibc
    /// stores them and netstat then prints them.
    #[test]
    fn numbers_as_glibc_stores_them() {
        let (rows, bogus) = parse(concat!(
            "(nil): 0x2 0x0 +0x10000 0x1 +0x1 +8001 /run/nil.sock\n",
            "-1: +3 -0 100010000 100000001 100000003 -5 /run/over.sock\n",
            "FFFFFFFFFFFFFFFFFFFF: 1FFFFFFFF 100000000 -1 10002 103 99999999999999999999\n",
            "0x10: 1 0 0 -1 -1 0x10\n",
            "-(nil): 2 0 0 1 1 9001\n",
            "(nil: 2 0 0 1 1 9002\n",
            "0000000000000001: - 0 0 1 1 9003\n",
            "0000000000000001: 2 0 0 1 -x 9004\n",
        ));
        assert_eq!((rows.len(), bogus), (4, 4));
        let r = &rows[0];
        assert_eq!(
            (r.refcount, r.protocol, r.flags, r.sock_type, r.state, r.inode),
            (2, 0, 0x10000, 1, 1, 8001)
        );
        // the flag bits stay those of the low 32 bits; type and state are %X: 32 bits
        let r = &rows[1];
        assert_eq!((r.refcount, r.protocol, r.flags, r.sock_type, r.state), (3, 0, 0x10000, 1, 3));
        assert_eq!(r.inode, u64::MAX - 4);
        // a refcount past 32 bits saturates, a protocol stays non-zero; every
        // flag bit; a type or state netstat does not know stays unknown
        let r = &rows[2];
        assert_eq!((r.refcount, r.protocol, r.flags), (u32::MAX, u32::MAX, u32::MAX));
        assert_eq!((r.sock_type, r.state, r.inode), (u16::MAX, u8::MAX, u64::MAX));
        // %lu reads the 0 of "0x10"; %s would read "x10" as the path
        let r = &rows[3];
        assert_eq!((r.sock_type, r.state, r.inode), (u16::MAX, u8::MAX, 0));
        assert_eq!(r.path.as_deref(), Some(&b"x10"[..]));
    }

    #[test]
    fn no_inode_column() {
        let mut out = Vec::new();
        let text = b"Num RefCount Protocol Flags Type St Path\n0: 1 0 0 1 1 7 /x\n";
        assert_eq!(parse_table(text, &mut out), 0);
        assert_eq!((out[0].inode, out[0].path.as_deref()), (0, Some(&b"/x"[..])));
    }
}
