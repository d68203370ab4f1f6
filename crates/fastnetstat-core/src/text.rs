//! Helpers shared by the /proc text parsers: reading a procfs file (whole, or
//! block by block for the socket tables, which can be huge), and a byte cursor
//! whose number conversions store exactly what glibc 2.36's `sscanf` stores
//! (and count conversions the way net-tools does), without allocating and
//! without panicking.

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

/// Parses hex digits (all of `digits`, which the caller has checked: a
/// `%[0-9A-Fa-f]` scan set) as `%X` reads them: strtoul, so u64::MAX past 64
/// bits. (Storing into an unsigned int then keeps the low 32 bits.)
#[inline]
pub(crate) fn hex_digits_u64(digits: &[u8]) -> u64 {
    Cursor::new(digits).digits::<true>(usize::MAX).map_or(0, Number::saturated)
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

    /// `%lX` (an unsigned long): strtoul base 16.
    #[inline]
    pub(crate) fn hex_ulong(&mut self) -> Option<u64> {
        self.number::<true>().map(Number::strtoul)
    }

    /// `%X` (an unsigned int, or an int): strtoul base 16, of which glibc
    /// stores the low 32 bits ("100000001" is 1, "-1" is 4294967295).
    #[inline]
    pub(crate) fn hex_uint(&mut self) -> Option<u32> {
        self.hex_ulong().map(|v| v as u32)
    }

    /// `%p`: as `%lX`, or "(nil)" in any case (what printf writes for NULL),
    /// which glibc reads as 0 when no sign comes first.
    #[inline]
    pub(crate) fn pointer(&mut self) -> Option<u64> {
        self.skip_ws();
        let nil = |w: &[u8]| w.eq_ignore_ascii_case(b"(nil)");
        if self.peek() == Some(b'(') && self.rest().get(..5).is_some_and(nil) {
            self.i += 5;
            return Some(0);
        }
        self.hex_ulong()
    }

    /// `%lu`: strtoul base 10 ("-5" is 2^64 - 5).
    #[inline]
    pub(crate) fn dec_ulong(&mut self) -> Option<u64> {
        self.number::<false>().map(Number::strtoul)
    }

    /// `%d` (an int): strtol, of which glibc stores the low 32 bits
    /// ("4294967296" is 0, "9223372036854775808" is LONG_MAX: -1).
    #[inline]
    pub(crate) fn dec_int(&mut self) -> Option<i32> {
        self.number::<false>().map(|n| n.strtol() as i32)
    }

    /// `%Nx` (a field width of N, as if_inet6's `%02x` and ipv6_route's
    /// `%08x`): as [`Self::hex_uint`], but the sign, the "0x" and the
    /// digits together take at most `width` bytes (the white space before
    /// them does not count): "-1" is 4294967295 in `%02x`, "-0x5" is 0,
    /// "0x12345678" is 0x123456 in `%08x`, and "-1" is no conversion in `%1x`.
    #[inline]
    pub(crate) fn hex_uint_width(&mut self, width: usize) -> Option<u32> {
        self.number_within::<true>(width.max(1)).map(|n| n.strtoul() as u32)
    }

    /// glibc's reading of a number (vfscanf's `number:`): white space, an
    /// optional sign, in base 16 an optional "0x"/"0X" after which digits may
    /// be missing (its 0 is the number: "0x:" is 0, the x consumed), then
    /// digits. None (nothing consumed) on a matching failure: no digits, as
    /// in "-", "+x", "- 1".
    #[inline(always)]
    fn number<const IS_HEX: bool>(&mut self) -> Option<Number> {
        self.number_within::<IS_HEX>(usize::MAX)
    }

    /// [`Self::number`] with a field width: the sign, the "0x" and the
    /// digits count against `width` (> 0); a "0x" that does not fit is a
    /// 0 digit.
    #[inline(always)]
    fn number_within<const IS_HEX: bool>(&mut self, width: usize) -> Option<Number> {
        self.skip_ws();
        let save = self.i;
        let mut left = width;
        let neg = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                left -= 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                left -= 1;
                false
            }
            _ => false,
        };
        let prefix = IS_HEX
            && left >= 2
            && self.peek() == Some(b'0')
            && matches!(self.s.get(self.i + 1), Some(b'x' | b'X'));
        if prefix {
            self.i += 2;
            left -= 2;
        }
        match self.digits::<IS_HEX>(left) {
            Some(n) => Some(Number { neg, ..n }),
            None if prefix => Some(Number { neg, value: 0, overflow: false }),
            None => {
                self.i = save;
                None
            }
        }
    }

    /// The digits from here on (at most `max` of them), in base 16 or 10,
    /// consumed (none: None).
    #[inline(always)]
    fn digits<const IS_HEX: bool>(&mut self, max: usize) -> Option<Number> {
        let start = self.i;
        let end = self.s.len().min(start.saturating_add(max));
        let (base, mut value, mut overflow) = (if IS_HEX { 16u64 } else { 10 }, 0u64, false);
        while self.i < end {
            let c = self.s[self.i];
            let d = if IS_HEX { HEX[c as usize] } else { c.wrapping_sub(b'0') } as u64;
            if d >= base {
                break;
            }
            let (times, o1) = value.overflowing_mul(base);
            let (plus, o2) = times.overflowing_add(d);
            (value, overflow) = (plus, overflow | o1 | o2);
            self.i += 1;
        }
        (self.i != start).then_some(Number { neg: false, value, overflow })
    }

    // Used by inet.rs's tests only (to step over a socket line's "sl:").
    /// glibc's reading of a `%d`: whether it was negative, and its magnitude
    /// (saturated at u64::MAX).
    #[cfg(test)]
    #[inline]
    pub(crate) fn dec_signed(&mut self) -> Option<(bool, u64)> {
        self.number::<false>().map(|n| (n.neg, n.saturated()))
    }
}

/// A number as glibc's scanf has read it, before it is stored.
#[derive(Clone, Copy)]
struct Number {
    neg: bool,
    /// The digits' value, modulo 2^64 when `overflow`.
    value: u64,
    /// More than 64 bits of digits (strtoul's and strtol's ERANGE).
    overflow: bool,
}

impl Number {
    /// strtoul: past 64 bits ULONG_MAX whatever the sign; otherwise a '-'
    /// negates in unsigned arithmetic.
    #[inline]
    fn strtoul(self) -> u64 {
        match (self.overflow, self.neg) {
            (true, _) => u64::MAX,
            (false, true) => self.value.wrapping_neg(),
            (false, false) => self.value,
        }
    }

    /// strtol: saturates at LONG_MIN and LONG_MAX.
    #[inline]
    fn strtol(self) -> i64 {
        match (self.overflow, self.neg) {
            (false, false) if self.value <= i64::MAX as u64 => self.value as i64,
            (_, false) => i64::MAX,
            // 2^63 wraps to i64::MIN, which is -2^63
            (false, true) if self.value <= 1 << 63 => (self.value as i64).wrapping_neg(),
            (_, true) => i64::MIN,
        }
    }

    /// The magnitude, u64::MAX past 64 bits.
    #[inline]
    fn saturated(self) -> u64 {
        if self.overflow {
            u64::MAX
        } else {
            self.value
        }
    }
}

// Narrowing what glibc stored into a smaller row field, by saturation: each
// caller says why that keeps what netstat prints.

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

    /// Runs `f` on `input` and returns its value and the bytes it consumed.
    fn conv<T>(input: &str, f: impl Fn(&mut Cursor<'_>) -> Option<T>) -> (Option<T>, usize) {
        let mut c = Cursor::new(input.as_bytes());
        let v = f(&mut c);
        (v, input.len() - c.rest().len())
    }

    const MAX: u64 = u64::MAX;

    /// `%lX`, `%X` and `%p` against glibc 2.36's sscanf (measured with a C
    /// program: value stored, bytes consumed; None is no conversion).
    #[test]
    fn hex_conversions_are_glibcs() {
        #[rustfmt::skip]
        let table: &[(&str, Option<u64>, Option<u32>, usize)] = &[
            // input, %lX, %X, consumed
            ("0x1A", Some(26), Some(26), 4),
            ("0X1f", Some(31), Some(31), 4),
            ("+5", Some(5), Some(5), 2),
            (" \t 7", Some(7), Some(7), 4),
            ("-1", Some(MAX), Some(u32::MAX), 2),
            ("-0x10", Some(MAX - 15), Some(4294967280), 5),
            // "0x" alone: its 0 is the number, the x consumed
            ("0x", Some(0), Some(0), 2),
            ("0xg", Some(0), Some(0), 2),
            ("-0x", Some(0), Some(0), 3),
            ("+0x", Some(0), Some(0), 3),
            ("0x0x5", Some(0), Some(0), 3),
            ("00x5", Some(0), Some(0), 2),
            // no digits: no conversion
            ("-x", None, None, 0),
            ("- 1", None, None, 0),
            ("-", None, None, 0),
            ("+", None, None, 0),
            ("", None, None, 0),
            ("g", None, None, 0),
            // strtoul: ULONG_MAX past 64 bits whatever the sign, else negated
            ("FFFFFFFFFFFFFFFF", Some(MAX), Some(u32::MAX), 16),
            ("10000000000000000", Some(MAX), Some(u32::MAX), 17),
            ("-FFFFFFFFFFFFFFFF", Some(1), Some(1), 17),
            ("-FFFFFFFFFFFFFFFFFF", Some(MAX), Some(u32::MAX), 19),
            // %X keeps the low 32 bits: truncated, not saturated
            ("100000001", Some(0x1_0000_0001), Some(1), 9),
            ("1FFFFFFFF", Some(0x1_FFFF_FFFF), Some(u32::MAX), 9),
            ("00000000deadbeef", Some(0xDEAD_BEEF), Some(0xDEAD_BEEF), 16),
        ];
        for &(input, lx, x, used) in table {
            assert_eq!(conv(input, |c| c.hex_ulong()), (lx, used), "%lX {input:?}");
            assert_eq!(conv(input, |c| c.hex_uint()), (x, used), "%X {input:?}");
            assert_eq!(conv(input, |c| c.pointer()), (lx, used), "%p {input:?}");
        }
        // %p also reads printf's "(nil)", in any case, but not after a sign.
        assert_eq!(conv("(nil): 1", |c| c.pointer()), (Some(0), 5));
        assert_eq!(conv(" (NIL)", |c| c.pointer()), (Some(0), 6));
        assert_eq!(conv("-(nil)", |c| c.pointer()), (None, 0));
        assert_eq!(conv("(nil", |c| c.pointer()), (None, 0));
        assert_eq!(conv("(nil)", |c| c.hex_ulong()), (None, 0));
    }

    /// `%lu` and `%d` against glibc 2.36's sscanf.
    #[test]
    fn decimal_conversions_are_glibcs() {
        #[rustfmt::skip]
        let table: &[(&str, Option<u64>, Option<i32>, usize)] = &[
            // input, %lu, %d, consumed
            ("5", Some(5), Some(5), 1),
            ("+5", Some(5), Some(5), 2),
            ("-5", Some(MAX - 4), Some(-5), 2),
            ("-0", Some(0), Some(0), 2),
            // base 10 takes no 0x: the 0 alone
            ("0x5", Some(0), Some(0), 1),
            ("4294967296", Some(4294967296), Some(0), 10),
            ("2147483648", Some(2147483648), Some(i32::MIN), 10),
            ("-2147483649", Some(18446744071562067967), Some(i32::MAX), 11),
            // strtol saturates (LONG_MAX, LONG_MIN), then the int keeps 32 bits
            ("9223372036854775808", Some(9223372036854775808), Some(-1), 19),
            ("-9223372036854775808", Some(9223372036854775808), Some(0), 20),
            ("-9223372036854775809", Some(9223372036854775807), Some(0), 20),
            ("18446744073709551615", Some(MAX), Some(-1), 20),
            ("18446744073709551616", Some(MAX), Some(-1), 20),
            ("-18446744073709551615", Some(1), Some(0), 21),
            ("-18446744073709551616", Some(MAX), Some(0), 21),
            ("99999999999999999999999", Some(MAX), Some(-1), 23),
            ("-", None, None, 0),
            ("+", None, None, 0),
            ("- 1", None, None, 0),
            ("x", None, None, 0),
        ];
        for &(input, lu, d, used) in table {
            assert_eq!(conv(input, |c| c.dec_ulong()), (lu, used), "%lu {input:?}");
            assert_eq!(conv(input, |c| c.dec_int()), (d, used), "%d {input:?}");
        }
    }

    /// sscanf("0x:5", "%X:%X") makes 2 conversions (0 and 5), "-x:5" none.
    #[test]
    fn a_prefix_then_a_literal() {
        let pair = |s: &str| {
            let mut c = Cursor::new(s.as_bytes());
            let a = c.hex_uint();
            let b = if a.is_some() && c.lit(b':') { c.hex_uint() } else { None };
            (a, b)
        };
        assert_eq!(pair("0x:5"), (Some(0), Some(5)));
        assert_eq!(pair("-0x:5"), (Some(0), Some(5)));
        assert_eq!(pair("0x1:0x2"), (Some(1), Some(2)));
        assert_eq!(pair("0xg:5"), (Some(0), None));
        assert_eq!(pair("-x:5"), (None, None));
    }

    /// `%Nx` against glibc 2.36's sscanf (a C program: value stored, bytes
    /// consumed by `%n`; None is no conversion).
    #[test]
    fn hex_with_a_field_width_is_glibcs() {
        #[rustfmt::skip]
        let table: &[(usize, &str, Option<u32>, usize)] = &[
            (2, "-1", Some(u32::MAX), 2),
            (2, "0x5", Some(0), 2),
            (2, "-0x5", Some(0), 2),
            (2, "+12", Some(1), 2),
            (2, "0x", Some(0), 2),
            (2, "0", Some(0), 1),
            (2, "12345", Some(0x12), 2),
            (2, "-12", Some(u32::MAX), 2),
            (2, "ffffffffff", Some(0xff), 2),
            (2, "-ffffffff", Some(4294967281), 2),
            (2, " -7", Some(4294967289), 3),
            (2, "-", None, 0),
            (2, "+", None, 0),
            (2, "x", None, 0),
            (1, "-1", None, 0),
            (1, "-0x5", None, 0),
            (1, "0x5", Some(0), 1),
            (1, "ffffffffff", Some(0xf), 1),
            (3, "-1", Some(u32::MAX), 2),
            (3, "0x5", Some(5), 3),
            (3, "-0x5", Some(0), 3),
            (3, "0xg", Some(0), 2),
            (3, "0x12345678", Some(1), 3),
            (8, "-0x5", Some(4294967291), 4),
            (8, "-0x", Some(0), 3),
            (8, "12345", Some(0x12345), 5),
            (8, "0x12345678", Some(0x123456), 8),
            (8, "-0x12345678", Some(4294892731), 8),
            (8, "ffffffffff", Some(u32::MAX), 8),
            (8, "-ffffffff", Some(4026531841), 8),
        ];
        for &(width, input, x, used) in table {
            assert_eq!(conv(input, |c| c.hex_uint_width(width)), (x, used), "%{width}x {input:?}");
        }
        // with no limit in reach, it is %X
        assert_eq!(conv("-0x1F z", |c| c.hex_uint_width(usize::MAX)), conv("-0x1F z", |c| c.hex_uint()));
    }

    /// What inet.rs's tests step over a socket line's "sl:" with.
    #[test]
    fn signed_decimal() {
        let mut c = Cursor::new(b"  12: -7 x");
        assert_eq!(c.dec_signed(), Some((false, 12)));
        assert!(c.lit(b':'));
        assert_eq!(c.dec_signed(), Some((true, 7)));
        assert_eq!(c.dec_signed(), None);
        assert_eq!(c.rest(), b"x");
        assert_eq!(Cursor::new(b"-99999999999999999999").dec_signed(), Some((true, u64::MAX)));
    }

    #[test]
    fn fixed_and_scan_set_digits() {
        assert_eq!(hex_digits_u64(b"FFFFFFFFFFFFFFFFF"), u64::MAX);
        assert_eq!(hex_digits_u64(b"0100007F"), 0x0100_007F);
        assert_eq!(hex_fixed::<8>(b"0100007Fzz"), Some(0x0100_007F));
        assert_eq!(hex_fixed::<8>(b"0100007"), None);
        assert_eq!(hex_fixed::<4>(b"0g00"), None);
        assert_eq!(hex_fixed::<2>(b"fF"), Some(0xFF));
    }
}
