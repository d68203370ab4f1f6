//! A cursor over one line whose conversions store exactly what glibc 2.36's
//! `sscanf` stores (and count conversions the way net-tools does). Each
//! conversion returns None on a matching failure, like sscanf stopping
//! there; nothing allocates and nothing panics on any input.

use super::is_space;
use super::numbers::{read_number, Number, HEX, NOT_HEX};

/// A position in one line, advanced by the conversions.
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

    /// `%Ns`: white space, then 1 to `max` non-blank bytes (`usize::MAX`
    /// for a plain `%s`).
    pub(crate) fn string(&mut self, max: usize) -> Option<&'a [u8]> {
        self.skip_ws();
        let rest = self.rest();
        let n = rest.iter().take(max).take_while(|&&b| !is_space(b)).count();
        if n == 0 {
            return None;
        }
        self.advance(n);
        Some(&rest[..n])
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

    /// White space, then the number there (see [`read_number`]), consumed;
    /// on a matching failure only the white space is.
    #[inline(always)]
    fn number<const IS_HEX: bool>(&mut self) -> Option<Number> {
        self.number_within::<IS_HEX>(usize::MAX)
    }

    /// [`Self::number`] with a field width.
    #[inline(always)]
    fn number_within<const IS_HEX: bool>(&mut self, width: usize) -> Option<Number> {
        self.skip_ws();
        let (n, end) = read_number::<IS_HEX>(self.s, self.i, width)?;
        self.i = end;
        Some(n)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The conversions in sequence, as the route, interface and group readers use them.
    #[test]
    fn conversions_in_sequence() {
        let mut c = Cursor::new(b"  eth0:1 -5 fF 4294967296 12345 -0x3 -1 -0x12345678 -1 0x");
        assert_eq!(c.string(4), Some(&b"eth0"[..]));
        assert_eq!(c.string(16), Some(&b":1"[..]));
        assert_eq!(c.dec_int(), Some(-5));
        assert_eq!(c.hex_uint(), Some(0xff));
        assert_eq!(c.dec_int(), Some(0)); // 2^32 truncated
        assert_eq!(c.hex_uint_width(2), Some(0x12));
        assert_eq!(c.dec_int(), Some(345));
        assert_eq!(c.hex_uint(), Some(0u32.wrapping_sub(3)));
        assert_eq!(c.dec_ulong(), Some(u64::MAX));
        // the width counts the sign and the 0x: "-0x12345" of "-0x12345678"
        assert_eq!(c.hex_uint_width(8), Some(0u32.wrapping_sub(0x12345)));
        assert_eq!(c.hex_uint_width(8), Some(0x678));
        assert_eq!(c.hex_uint_width(2), Some(u32::MAX));
        assert_eq!(c.hex_uint_width(2), Some(0));
        assert_eq!(c.string(usize::MAX), None);
    }
}
