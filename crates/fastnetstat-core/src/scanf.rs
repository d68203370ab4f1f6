//! The few glibc `scanf` conversions that net-tools uses on the route,
//! interface and group files, on top of [`crate::text::Cursor`]: `%Ns`,
//! `%d`, `%X`, `%0Nx`, plus `proc_gen_fmt`'s header matching and
//! `INET_getsock`'s fixed 8-hex-digit address reader.

use crate::text::Cursor;

/// `isspace` in the C locale.
#[inline]
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `%Ns`: white space, then 1 to `max` non-blank bytes.
pub(crate) fn string<'a>(c: &mut Cursor<'a>, max: usize) -> Option<&'a [u8]> {
    c.skip_ws();
    let rest = c.rest();
    let n = rest.iter().take(max).take_while(|&&b| !is_space(b)).count();
    if n == 0 {
        return None;
    }
    c.advance(n);
    Some(&rest[..n])
}

/// `%*s`: like `%s`, nothing stored.
pub(crate) fn skip_string(c: &mut Cursor<'_>) -> bool {
    string(c, usize::MAX).is_some()
}

// Each conversion is one of text.rs's glibc-exact readers (signs, "0x",
// overflow, truncation as glibc 2.36 stores them), named for the format.

/// `%d` into an `int`: strtol, of which glibc stores the low 32 bits.
pub(crate) fn dec_i32(c: &mut Cursor<'_>) -> Option<i32> {
    c.dec_int()
}

/// `%X` / `%x` into an `unsigned int`: strtoul, low 32 bits.
pub(crate) fn hex_u32(c: &mut Cursor<'_>) -> Option<u32> {
    c.hex_uint()
}

/// `%0Nx` (a field width of N): as `%x`, the sign, "0x" and digits within
/// N bytes.
pub(crate) fn hex_width(c: &mut Cursor<'_>, width: usize) -> Option<u32> {
    c.hex_uint_width(width)
}

/// `%Lu` / `%lu` / `%llu` (64 bits here): strtoull ("-1" is 2^64 - 1).
pub(crate) fn dec_u64(c: &mut Cursor<'_>) -> Option<u64> {
    c.dec_ulong()
}

/// lib/inet.c `INET_getsock`: exactly 8 hex digits (more are ignored) read
/// as the kernel's `%08X` of a `__be32`; the 4 network-order bytes, or None
/// when one of the first 8 bytes is not a hex digit (netstat then keeps the
/// address it had).
pub(crate) fn inet_getsock(text: &[u8]) -> Option<[u8; 4]> {
    let v = crate::text::hex_fixed::<8>(text)? as u32;
    // The kernel printed the host-order value of the network-order word.
    Some(v.to_ne_bytes())
}

/// The column titles a table needs, in order, as `proc_gen_fmt` matches
/// them against a /proc header line.
pub(crate) struct Column {
    pub title: &'static str,
}

/// lib/proc.c `proc_gen_fmt`: which header tokens are the wanted columns.
/// Returns, for each header token up to the last wanted one, the index of
/// the wanted column it is (or None: skipped with `%*s`); Err with the title
/// of the first wanted column the header lacks.
pub(crate) fn gen_fmt(header: &[u8], columns: &[Column]) -> Result<Vec<Option<usize>>, &'static str> {
    let mut out = Vec::new();
    let mut want = 0usize;
    let is_sep = |b: u8| matches!(b, b'|' | b' ' | b'\t' | b'\n');
    let mut i = 0usize;
    // fgets into 512 bytes keeps at most 510 of them here (sizeof buf - 1, then the NUL).
    let header = &header[..header.len().min(510)];
    loop {
        while i < header.len() && (is_space(header[i]) || header[i] == b'|') {
            i += 1;
        }
        let start = i;
        while i < header.len() && !is_sep(header[i]) {
            i += 1;
        }
        let token = &header[start..i];
        if want < columns.len() && token == columns[want].title.as_bytes() {
            out.push(Some(want));
            want += 1;
            if want == columns.len() {
                return Ok(out);
            }
        } else {
            out.push(None);
        }
        if i >= header.len() {
            break;
        }
        i += 1;
    }
    Err(columns[want].title)
}

/// One converted value of a header-driven scan.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Str(&'a [u8]),
    Num(i64),
}

/// The conversion a wanted column uses.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// `%Ns`
    Str(usize),
    /// `%X`
    Hex,
    /// `%d`
    Dec,
}

/// sscanf with a `proc_gen_fmt` format: fills `values[column]` for each
/// column converted and returns how many conversions were made (it stops at
/// the first that fails).
pub(crate) fn scan_columns<'a>(
    line: &'a [u8],
    plan: &[Option<usize>],
    kinds: &[Kind],
    values: &mut [Option<Value<'a>>],
) -> u32 {
    let mut c = Cursor::new(line);
    let mut n = 0u32;
    for slot in plan {
        match slot {
            None => {
                if !skip_string(&mut c) {
                    return n;
                }
            }
            Some(col) => {
                let v = match kinds[*col] {
                    Kind::Str(max) => string(&mut c, max).map(Value::Str),
                    Kind::Hex => hex_u32(&mut c).map(|v| Value::Num(v as i64)),
                    Kind::Dec => dec_i32(&mut c).map(|v| Value::Num(v as i64)),
                };
                match v {
                    Some(v) => {
                        values[*col] = Some(v);
                        n += 1;
                    }
                    None => return n,
                }
            }
        }
    }
    n
}

/// Splits a file into lines the way a `fgets(buf, size, fp)` loop sees them:
/// at each '\n' (kept out of the line) and after `size - 2` bytes of a longer
/// line (the rest comes as the next "line").
pub(crate) fn fgets_lines<'a>(text: &'a [u8], size: usize, mut f: impl FnMut(&'a [u8])) {
    let max = size.saturating_sub(1).max(1);
    let mut pos = 0usize;
    while pos < text.len() {
        let rest = &text[pos..];
        let limit = rest.len().min(max);
        match rest[..limit].iter().position(|&b| b == b'\n') {
            Some(nl) => {
                f(&rest[..nl]);
                pos += nl + 1;
            }
            None => {
                f(&rest[..limit]);
                pos += limit;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matching() {
        let cols = [Column { title: "Iface" }, Column { title: "Flags" }];
        assert_eq!(gen_fmt(b"Iface\tDest\tFlags\tX", &cols), Ok(vec![Some(0), None, Some(1)]));
        assert_eq!(gen_fmt(b"Iface|Dest", &cols), Err("Flags"));
        assert_eq!(gen_fmt(b"", &cols), Err("Iface"));
    }

    #[test]
    fn conversions() {
        let mut c = Cursor::new(b"  eth0:1 -5 fF 4294967296 12345 -0x3 -1 -0x12345678 -1 0x");
        assert_eq!(string(&mut c, 4), Some(&b"eth0"[..]));
        assert_eq!(string(&mut c, 16), Some(&b":1"[..]));
        assert_eq!(dec_i32(&mut c), Some(-5));
        assert_eq!(hex_u32(&mut c), Some(0xff));
        assert_eq!(dec_i32(&mut c), Some(0)); // 2^32 truncated
        assert_eq!(hex_width(&mut c, 2), Some(0x12));
        assert_eq!(dec_i32(&mut c), Some(345));
        assert_eq!(hex_u32(&mut c), Some(0u32.wrapping_sub(3)));
        assert_eq!(dec_u64(&mut c), Some(u64::MAX));
        // the width counts the sign and the 0x: "-0x12345" of "-0x12345678"
        assert_eq!(hex_width(&mut c, 8), Some(0u32.wrapping_sub(0x12345)));
        assert_eq!(hex_width(&mut c, 8), Some(0x678));
        assert_eq!(hex_width(&mut c, 2), Some(u32::MAX));
        assert_eq!(hex_width(&mut c, 2), Some(0));
        assert_eq!(
            inet_getsock(b"010200C0"),
            Some(u32::from_str_radix("010200C0", 16).unwrap().to_ne_bytes())
        );
        assert_eq!(inet_getsock(b"0102"), None);
        assert_eq!(inet_getsock(b"0102zz00"), None);
    }

    #[test]
    fn fgets_splits_long_lines() {
        let mut seen = Vec::new();
        fgets_lines(b"abcdef\ngh", 4, |l| seen.push(l.to_vec()));
        // fgets keeps the newline within its size - 1 bytes: "def\n" does not fit in 3.
        assert_eq!(seen, vec![b"abc".to_vec(), b"def".to_vec(), b"".to_vec(), b"gh".to_vec()]);
    }
}
