//! Reading a procfs file: whole, or block by block for the socket tables.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::lines::{find_newline, first_line, last_newline};

/// Reads a whole file into one buffer. procfs hands out about a page per
/// `read()` whatever the buffer size, so this simply loops (std's
/// `read_to_end` reads into the spare capacity without zeroing it first).
pub(crate) fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Reads a whole table through its block reader (`read` passes its
/// `on_rows` on): every block's rows appended to `out`; returns the bogus
/// lines counted.
pub(crate) fn collect_blocks<R>(
    out: &mut Vec<R>,
    read: impl FnOnce(&mut dyn FnMut(&mut Vec<R>, u32) -> bool) -> crate::Result<()>,
) -> crate::Result<u32> {
    let mut bogus = 0u32;
    read(&mut |rows, bogus_lines| {
        out.append(rows);
        bogus = bogus.saturating_add(bogus_lines);
        true
    })?;
    Ok(bogus)
}

/// How much of a table file is read before its whole lines are parsed.
const BLOCK: usize = 256 * 1024;

/// Reads a table file block by block, so that a huge table is never held
/// whole: `on_header` gets the first line (without its '\n'; the whole text
/// when it has no newline), then `on_lines` gets runs of whole body lines, in
/// order, each run ending in '\n' except perhaps the file's last. Together
/// the runs are exactly the [`body`] of the file. Stops early when
/// `on_lines` returns false.
///
/// With `from` > 0 the body lines start at the first whole line after byte
/// `from` (the header still comes from the start). A procfs table restarts
/// its walk at each page it hands out; starting elsewhere moves those
/// restarts (see the socket table chunker on why that matters).
pub(crate) fn read_line_blocks(
    path: &Path,
    from: u64,
    on_header: impl FnOnce(&[u8]),
    mut on_lines: impl FnMut(&[u8]) -> bool,
) -> io::Result<()> {
    let mut file = File::open(path)?;
    let mut on_header = Some(on_header);
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    if from > 0 {
        while find_newline(&buf, 0).is_none() && (&mut file).take(4096).read_to_end(&mut buf)? > 0 {}
        (on_header.take().unwrap())(first_line(&buf));
        buf.clear();
        file.seek(SeekFrom::Start(from))?;
    }
    // the header, or the line cut at `from` (dropped)
    let mut first_line_pending = true;
    // bytes of `buf` already searched for a newline without finding one
    let mut searched = 0;
    loop {
        let wanted = BLOCK.max(buf.len() + BLOCK / 4) - buf.len();
        let got = (&mut file).take(wanted as u64).read_to_end(&mut buf)?;
        let eof = got < wanted;
        let mut consumed = 0;
        if first_line_pending {
            match find_newline(&buf, searched) {
                Some(end) => {
                    if let Some(on_header) = on_header.take() {
                        on_header(&buf[..end]);
                    }
                    consumed = end + 1;
                    first_line_pending = false;
                }
                None if eof => {
                    if let Some(on_header) = on_header.take() {
                        on_header(&buf);
                    }
                    return Ok(());
                }
                None => {
                    searched = buf.len();
                    continue;
                }
            }
        }
        let end = if eof {
            buf.len()
        } else {
            match last_newline(&buf[consumed.max(searched)..]) {
                Some(at) => consumed.max(searched) + at + 1,
                None => consumed, // a line longer than what is read so far
            }
        };
        if end > consumed && !on_lines(&buf[consumed..end]) {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
        buf.drain(..end);
        searched = buf.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines::tests::body_lines;
    use crate::text::lines::{body, for_each_line};

    /// Reading block by block gives the same header and lines as reading the
    /// whole file, wherever the block edges fall (lines longer than a block,
    /// no final newline, empty lines at an edge, header only, empty file).
    #[test]
    fn blocks_give_the_same_lines_as_the_whole_file() {
        let mut long = b"header\n".to_vec();
        let mut seed = 7u32;
        while long.len() < 3 * BLOCK {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = match seed % 50 {
                0 => BLOCK + 17,
                1..=4 => 0,
                n => (n * 7) as usize,
            };
            long.extend(std::iter::repeat_n(b'a' + (seed % 26) as u8, len));
            long.push(b'\n');
        }
        let mut no_final_newline = long.clone();
        no_final_newline.extend_from_slice(b"last");
        let mut long_header = vec![b'h'; BLOCK + 5];
        long_header.extend_from_slice(b"\nx\ny");
        let dir = std::env::temp_dir().join(format!("fns-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, text) in
            [&long[..], &no_final_newline, &long_header, b"head only", b"head\n", b""].iter().enumerate()
        {
            let path = dir.join(i.to_string());
            std::fs::write(&path, text).unwrap();
            let mut header = Vec::new();
            let mut lines = Vec::new();
            read_line_blocks(
                &path,
                0,
                |h| header = h.to_vec(),
                |block| {
                    for_each_line(block, |l| lines.push(l.to_vec()));
                    true
                },
            )
            .unwrap();
            assert_eq!(header, first_line(text), "header of case {i}");
            assert_eq!(lines, body_lines(text), "lines of case {i}");
            // from a byte on: the header, then the lines after the one that byte is in
            for from in [1u64, 9, 100, BLOCK as u64 + 3] {
                let (mut header, mut lines) = (Vec::new(), Vec::new());
                read_line_blocks(
                    &path,
                    from,
                    |h| header = h.to_vec(),
                    |block| {
                        for_each_line(block, |l| lines.push(l.to_vec()));
                        true
                    },
                )
                .unwrap();
                let rest = text.get(from as usize..).unwrap_or_default();
                let mut expected = Vec::new();
                for_each_line(body(rest), |l| expected.push(l.to_vec()));
                assert_eq!(header, first_line(text), "header of case {i} from {from}");
                assert_eq!(lines, expected, "lines of case {i} from {from}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
