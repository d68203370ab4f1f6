//! Helpers shared by the /proc text parsers: reading a procfs file (whole, or
//! block by block for the socket tables, which can be huge), and a
//! byte cursor whose conversions follow glibc `sscanf` closely enough to count
//! conversions the way net-tools does, without allocating and without panicking.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Reads a whole file into one buffer. procfs hands out about a page per
/// `read()` whatever the buffer size, so this simply loops (std's
/// `read_to_end` reads into the spare capacity without zeroing it first).
pub(crate) fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// The lines after the first (the header): empty when there is no newline.
pub(crate) fn body(text: &[u8]) -> &[u8] {
    match find_newline(text, 0) {
        Some(end) => &text[end + 1..],
        None => &[],
    }
}

/// Calls `f` with each line of `text`, without its '\n'; a final line without
/// a newline is still a line.
#[inline]
pub(crate) fn for_each_line(text: &[u8], mut f: impl FnMut(&[u8])) {
    let mut pos = 0;
    while pos < text.len() {
        let end = find_newline(text, pos).unwrap_or(text.len());
        f(&text[pos..end]);
        pos = end + 1;
    }
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
/// restarts (see snapshot.rs on why that matters).
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

/// Index of the last '\n' in `text`.
fn last_newline(text: &[u8]) -> Option<usize> {
    text.iter().rposition(|&b| b == b'\n')
}

/// The first line (the header), without its '\n'.
pub(crate) fn first_line(text: &[u8]) -> &[u8] {
    match find_newline(text, 0) {
        Some(end) => &text[..end],
        None => text,
    }
}

/// Index of the next '\n' at or after `from`.
#[inline]
fn find_newline(text: &[u8], from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    if rest.is_empty() {
        return None;
    }
    // SAFETY: the pointer and length describe `rest`, a live slice; memchr
    // only reads within it and returns a pointer inside it or null.
    let hit = unsafe { libc::memchr(rest.as_ptr().cast(), b'\n' as i32, rest.len()) };
    if hit.is_null() {
        None
    } else {
        Some(from + (hit as usize - rest.as_ptr() as usize))
    }
}

const NOT_HEX: u8 = 0xFF;

static HEX: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// `isspace` in the C locale.
#[inline]
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Parses hex digits (all of `digits`, which the caller has checked) into a
/// u64, saturating at u64::MAX the way strtoul does.
#[inline]
pub(crate) fn hex_digits_u64(digits: &[u8]) -> u64 {
    let mut v: u64 = 0;
    for &c in digits {
        let d = HEX[c as usize] as u64;
        if v > (u64::MAX >> 4) {
            return u64::MAX;
        }
        v = (v << 4) | d;
    }
    v
}

/// Exactly `N` hex digits (no more checks than that) as a u64; None if any
/// byte is not a hex digit. `N` <= 16.
#[inline(always)]
pub(crate) fn hex_fixed<const N: usize>(b: &[u8]) -> Option<u64> {
    let b: &[u8; N] = b.get(..N)?.try_into().ok()?;
    let mut v: u64 = 0;
    let mut bad = 0u8;
    for &c in b {
        let d = HEX[c as usize];
        bad |= d;
        v = (v << 4) | (d & 0x0F) as u64;
    }
    // NOT_HEX is 0xFF; every digit value is < 16.
    (bad & 0xF0 == 0).then_some(v)
}

/// A cursor over one line. Each conversion returns None on a matching
/// failure, like sscanf stopping there.
pub(crate) struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    pub(crate) fn new(s: &'a [u8]) -> Self {
        Cursor { s, i: 0 }
    }

    /// Moves past `n` bytes the caller has already examined.
    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        self.i = self.i.saturating_add(n).min(self.s.len());
    }

    /// What has not been consumed yet.
    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.s.get(self.i..).unwrap_or(&[])
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    #[inline]
    pub(crate) fn bump(&mut self) {
        self.i += 1;
    }

    /// A blank in a scanf format: skips any amount of white space, even none.
    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if !is_space(c) {
                break;
            }
            self.i += 1;
        }
    }

    /// A literal character in the format (no white space is skipped first).
    #[inline]
    pub(crate) fn lit(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// `%N[0-9A-Fa-f]`: one to `max` hex digits, no white space skipped.
    #[inline]
    pub(crate) fn hex_run(&mut self, max: usize) -> Option<&'a [u8]> {
        let start = self.i;
        let limit = self.s.len().min(start.saturating_add(max));
        let mut j = start;
        while j < limit && HEX[self.s[j] as usize] != NOT_HEX {
            j += 1;
        }
        if j == start {
            return None;
        }
        self.i = j;
        Some(&self.s[start..j])
    }

    /// `%X` / `%lX` (and `%p`): white space, then hex digits; saturates.
    #[inline]
    pub(crate) fn hex(&mut self) -> Option<u64> {
        self.skip_ws();
        let start = self.i;
        let mut v: u64 = 0;
        let mut saturated = false;
        while let Some(&c) = self.s.get(self.i) {
            let d = HEX[c as usize];
            if d == NOT_HEX {
                break;
            }
            if v > (u64::MAX >> 4) {
                saturated = true;
            }
            v = (v << 4) | d as u64;
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        Some(if saturated { u64::MAX } else { v })
    }

    /// `%lu`: white space, an optional '+', decimal digits; saturates.
    #[inline]
    pub(crate) fn dec_u64(&mut self) -> Option<u64> {
        self.skip_ws();
        let save = self.i;
        if self.peek() == Some(b'+') {
            self.i += 1;
        }
        match self.digits() {
            Some(v) => Some(v),
            None => {
                self.i = save;
                None
            }
        }
    }

    /// `%d`: white space, an optional sign, decimal digits. Returns the
    /// magnitude (saturated) and whether it was negative.
    #[inline]
    pub(crate) fn dec_signed(&mut self) -> Option<(bool, u64)> {
        self.skip_ws();
        let save = self.i;
        let neg = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        };
        match self.digits() {
            Some(v) => Some((neg, v)),
            None => {
                self.i = save;
                None
            }
        }
    }

    #[inline]
    fn digits(&mut self) -> Option<u64> {
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(&c) = self.s.get(self.i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v.saturating_mul(10).saturating_add(d as u64);
            self.i += 1;
        }
        (self.i != start).then_some(v)
    }
}

/// A `%d` value narrowed to i32, saturating at both ends.
#[inline]
pub(crate) fn signed_to_i32((neg, mag): (bool, u64)) -> i32 {
    if neg {
        if mag >= 1 << 31 {
            i32::MIN
        } else {
            -(mag as i64) as i32
        }
    } else {
        mag.min(i32::MAX as u64) as i32
    }
}

#[inline]
pub(crate) fn sat_u32(v: u64) -> u32 {
    v.min(u32::MAX as u64) as u32
}

#[inline]
pub(crate) fn sat_u16(v: u64) -> u16 {
    v.min(u16::MAX as u64) as u16
}

#[inline]
pub(crate) fn sat_u8(v: u64) -> u8 {
    v.min(u8::MAX as u64) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_lines(text: &[u8]) -> Vec<Vec<u8>> {
        let mut seen = Vec::new();
        for_each_line(body(text), |l| seen.push(l.to_vec()));
        seen
    }

    #[test]
    fn lines_after_the_header() {
        assert_eq!(body_lines(b"head\na\n\nb"), vec![b"a".to_vec(), b"".to_vec(), b"b".to_vec()]);
        assert!(body_lines(b"head only").is_empty());
        assert!(body_lines(b"head\n").is_empty());
        assert!(body_lines(b"").is_empty());
    }

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
        for (i, text) in [&long[..], &no_final_newline, &long_header, b"head only", b"head\n", b""].iter().enumerate() {
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

    #[test]
    fn cursor_conversions() {
        let mut c = Cursor::new(b"  12: 0A1b:FFFFFFFFFFFFFFFFFF -7 x");
        assert_eq!(c.dec_signed(), Some((false, 12)));
        assert!(c.lit(b':'));
        c.skip_ws();
        assert_eq!(c.hex_run(64), Some(&b"0A1b"[..]));
        assert!(c.lit(b':'));
        assert_eq!(c.hex(), Some(u64::MAX));
        assert_eq!(c.dec_signed().map(signed_to_i32), Some(-7));
        assert_eq!(c.hex(), None);
        assert_eq!(c.dec_u64(), None);
        assert_eq!(c.rest(), b"x");
        assert_eq!(signed_to_i32((true, u64::MAX)), i32::MIN);
        assert_eq!(signed_to_i32((false, u64::MAX)), i32::MAX);
        assert_eq!(hex_digits_u64(b"FFFFFFFFFFFFFFFFF"), u64::MAX);
        assert_eq!(hex_digits_u64(b"0100007F"), 0x0100_007F);
        assert_eq!(hex_fixed::<8>(b"0100007Fzz"), Some(0x0100_007F));
        assert_eq!(hex_fixed::<8>(b"0100007"), None);
        assert_eq!(hex_fixed::<4>(b"0g00"), None);
        assert_eq!(hex_fixed::<2>(b"fF"), Some(0xFF));
    }
}
