//! Numbers as glibc reads them: the value `strtoul`, `strtol` and
//! `strtoull` give for a run of digits (signs, "0x", overflow), the
//! fixed-width hex fields the kernel writes, strict decimal names (pids, fds,
//! inodes), and the narrowing of a stored value into a smaller row field.

use super::is_space;

pub(super) const NOT_HEX: u8 = 0xFF;

pub(super) static HEX: [u8; 256] = {
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

/// The value of `digits` (all hex digits, which the caller has checked: a
/// `%[0-9A-Fa-f]` scan set) as `%X` reads them: strtoul, so u64::MAX past 64
/// bits. (Storing into an unsigned int then keeps the low 32 bits.)
#[inline]
pub(crate) fn hex_digits_u64(digits: &[u8]) -> u64 {
    read_digits::<true>(digits, 0, usize::MAX).0.map_or(0, Number::saturated)
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

/// A number as glibc has read it, before it is stored.
#[derive(Clone, Copy)]
pub(crate) struct Number {
    pub(crate) neg: bool,
    /// The digits' value, modulo 2^64 when `overflow`.
    pub(crate) value: u64,
    /// More than 64 bits of digits (strtoul's and strtol's ERANGE).
    pub(crate) overflow: bool,
}

impl Number {
    /// strtoul (and strtoull): past 64 bits ULONG_MAX whatever the sign;
    /// otherwise a '-' negates in unsigned arithmetic.
    #[inline]
    pub(crate) fn strtoul(self) -> u64 {
        match (self.overflow, self.neg) {
            (true, _) => u64::MAX,
            (false, true) => self.value.wrapping_neg(),
            (false, false) => self.value,
        }
    }

    /// strtol (and strtoll): saturates at LONG_MIN and LONG_MAX.
    #[inline]
    pub(crate) fn strtol(self) -> i64 {
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
    pub(crate) fn saturated(self) -> u64 {
        if self.overflow {
            u64::MAX
        } else {
            self.value
        }
    }
}

/// glibc's reading of a number from `s[at..]`, where white space has been
/// skipped (vfscanf's `number:`, and strtoul's in base 10): an optional sign, in base 16 an
/// optional "0x"/"0X" after which digits may be missing (its 0 is the
/// number: "0x:" is 0, the x consumed), then digits. The sign, the "0x" and
/// the digits count against `width` (> 0; a "0x" that does not fit is a 0
/// digit). Returns the number and the index after it, or None on a matching
/// failure: no digits, as in "-", "+x", "- 1".
#[inline(always)]
pub(crate) fn read_number<const IS_HEX: bool>(s: &[u8], at: usize, width: usize) -> Option<(Number, usize)> {
    let mut i = at;
    let mut left = width;
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            left -= 1;
            true
        }
        Some(b'+') => {
            i += 1;
            left -= 1;
            false
        }
        _ => false,
    };
    let prefix = IS_HEX && left >= 2 && s.get(i) == Some(&b'0') && matches!(s.get(i + 1), Some(b'x' | b'X'));
    if prefix {
        i += 2;
        left -= 2;
    }
    match read_digits::<IS_HEX>(s, i, left) {
        (Some(n), end) => Some((Number { neg, ..n }, end)),
        (None, end) if prefix => Some((Number { neg, value: 0, overflow: false }, end)),
        (None, _) => None,
    }
}

/// The digits of `s` from `start` on (at most `max` of them), in base 16 or
/// 10, and the index after them (no digits: None).
#[inline(always)]
fn read_digits<const IS_HEX: bool>(s: &[u8], start: usize, max: usize) -> (Option<Number>, usize) {
    let end = s.len().min(start.saturating_add(max));
    let (base, mut value, mut overflow) = (if IS_HEX { 16u64 } else { 10 }, 0u64, false);
    let mut i = start;
    while i < end {
        let c = s[i];
        let d = if IS_HEX { HEX[c as usize] } else { c.wrapping_sub(b'0') } as u64;
        if d >= base {
            break;
        }
        let (times, o1) = value.overflowing_mul(base);
        let (plus, o2) = times.overflowing_add(d);
        (value, overflow) = (plus, overflow | o1 | o2);
        i += 1;
    }
    ((i != start).then_some(Number { neg: false, value, overflow }), i)
}

/// What `strtoull(s, &end, 10)` returns, with `strtoll`'s view of the same
/// digits, and the index of `end`; None when there are no digits (end stays
/// at the start).
pub(crate) fn strtoull(s: &[u8]) -> Option<(u64, i64, usize)> {
    let start = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    read_number::<false>(s, start, usize::MAX).map(|(n, end)| (n.strtoul(), n.strtol(), end))
}

/// A name made of decimal digits only (a pid, an fd, an inode), at most
/// `max_len` of them and no overflow; None otherwise.
#[inline]
pub(crate) fn decimal_name(digits: &[u8], max_len: usize) -> Option<u64> {
    if digits.is_empty() || digits.len() > max_len {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(d as u64)?;
    }
    Some(v)
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

    fn n(s: &[u8]) -> (u64, i64, Option<usize>) {
        strtoull(s).map_or((0, 0, None), |(v, signed, end)| (v, signed, Some(end)))
    }

    #[test]
    fn strtoull_like_glibc() {
        assert_eq!(n(b" 12 x"), (12, 12, Some(3)));
        assert_eq!(n(b"-1"), (u64::MAX, -1, Some(2)));
        assert_eq!(n(b"+7"), (7, 7, Some(2)));
        assert_eq!(n(b"99999999999999999999999"), (u64::MAX, i64::MAX, Some(23)));
        assert_eq!(n(b"-99999999999999999999999"), (u64::MAX, i64::MIN, Some(24)));
        assert_eq!(n(b"18446744073709551615"), (u64::MAX, i64::MAX, Some(20)));
        assert_eq!(n(b"18446744073709551616"), (u64::MAX, i64::MAX, Some(20)));
        assert_eq!(n(b"-9223372036854775808"), (1 << 63, i64::MIN, Some(20)));
        assert_eq!(n(b"-9223372036854775809"), ((1u64 << 63) - 1, i64::MIN, Some(20)));
        // base 10: "0x5" is the 0 alone
        assert_eq!(n(b"0x5"), (0, 0, Some(1)));
        assert_eq!(n(b"x1"), (0, 0, None));
        assert_eq!(n(b" -"), (0, 0, None));
        assert_eq!(n(b""), (0, 0, None));
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

    #[test]
    fn decimal_names() {
        assert_eq!(decimal_name(b"4294967295", 10), Some(u32::MAX as u64));
        assert_eq!(decimal_name(b"00000000001", 10), None);
        assert_eq!(decimal_name(b"18446744073709551615", 20), Some(u64::MAX));
        assert_eq!(decimal_name(b"18446744073709551616", 20), None);
        assert_eq!(decimal_name(b"12a", 20), None);
        assert_eq!(decimal_name(b"", 20), None);
    }
}
