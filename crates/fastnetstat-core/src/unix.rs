//! /proc/net/unix: unix domain sockets.
//!
//! netstat reads each line with
//! `sscanf(line, "%p: %lX %lX %lX %X %X %lu %s", ...)` (Num RefCount Protocol
//! Flags Type St Inode Path); fewer than 6 conversions is a bogus line.
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
    contains(header, b"Inode")
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

pub fn read_table(root: &ProcRoot, out: &mut Vec<UnixSocket>) -> crate::Result<u32> {
    let mut bogus = 0u32;
    read_table_in_blocks(root, 0, |rows, bogus_lines| {
        out.append(rows);
        bogus = bogus.saturating_add(bogus_lines);
        true
    })?;
    Ok(bogus)
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn parse_line(line: &[u8], has_inode: bool) -> Option<UnixSocket> {
    // sscanf, like every C string function, stops at a NUL.
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    let mut c = Cursor::new(line);
    // "%p: "
    c.hex()?;
    if !c.lit(b':') {
        return None;
    }
    // "%lX %lX %lX %X %X": the first five after the pointer are required.
    let refcount = c.hex()?;
    let protocol = c.hex()?;
    let flags = c.hex()?;
    let sock_type = c.hex()?;
    let state = c.hex()?;
    let mut row = UnixSocket {
        refcount: sat_u32(refcount),
        protocol: sat_u32(protocol),
        flags: sat_u32(flags),
        sock_type: sat_u16(sock_type),
        state: sat_u8(state),
        inode: 0,
        path: None,
    };
    // " %lu"
    let Some(inode) = c.dec_u64() else { return Some(row) };
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

    #[test]
    fn no_inode_column() {
        let mut out = Vec::new();
        let text = b"Num RefCount Protocol Flags Type St Path\n0: 1 0 0 1 1 7 /x\n";
        assert_eq!(parse_table(text, &mut out), 0);
        assert_eq!((out[0].inode, out[0].path.as_deref()), (0, Some(&b"/x"[..])));
    }
}
