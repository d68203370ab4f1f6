//! net-tools' lib/proc.c `proc_gen_fmt`: a table's header line decides which
//! of its blank- or '|'-separated columns a `sscanf` format reads, and in
//! which order; the columns in between are skipped with `%*s`.

use super::is_space;
use super::scanf::Cursor;

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

/// A column a table needs: its title in the header and its conversion.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub title: &'static str,
    pub kind: Kind,
}

/// One converted value of a header-driven scan.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Str(&'a [u8]),
    Num(i64),
}

impl<'a> Value<'a> {
    /// The number a `%X` or `%d` column stored.
    pub(crate) fn num(v: Option<Self>) -> Option<i64> {
        match v {
            Some(Value::Num(n)) => Some(n),
            _ => None,
        }
    }

    /// The bytes a `%Ns` column stored.
    pub(crate) fn bytes(v: Option<Self>) -> Option<&'a [u8]> {
        match v {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// `proc_gen_fmt`: which header tokens are the wanted columns. Returns, for
/// each header token up to the last wanted one, the index of the wanted
/// column it is (or None: skipped with `%*s`); Err with the title of the
/// first wanted column the header lacks.
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

/// sscanf with a `proc_gen_fmt` format: fills `values[column]` for each
/// column converted and returns how many conversions were made (it stops at
/// the first that fails).
pub(crate) fn scan_columns<'a>(
    line: &'a [u8],
    plan: &[Option<usize>],
    columns: &[Column],
    values: &mut [Option<Value<'a>>],
) -> u32 {
    let mut c = Cursor::new(line);
    let mut n = 0u32;
    for slot in plan {
        match slot {
            None => {
                if c.string(usize::MAX).is_none() {
                    return n;
                }
            }
            Some(col) => {
                let v = match columns[*col].kind {
                    Kind::Str(max) => c.string(max).map(Value::Str),
                    Kind::Hex => c.hex_uint().map(|v| Value::Num(v as i64)),
                    Kind::Dec => c.dec_int().map(|v| Value::Num(v as i64)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matching() {
        let cols =
            [Column { title: "Iface", kind: Kind::Str(16) }, Column { title: "Flags", kind: Kind::Hex }];
        assert_eq!(gen_fmt(b"Iface\tDest\tFlags\tX", &cols), Ok(vec![Some(0), None, Some(1)]));
        assert_eq!(gen_fmt(b"Iface|Dest", &cols), Err("Flags"));
        assert_eq!(gen_fmt(b"", &cols), Err("Iface"));
        let mut v = [None; 2];
        assert_eq!(scan_columns(b"eth0 x 0003", &[Some(0), None, Some(1)], &cols, &mut v), 2);
        assert_eq!((Value::bytes(v[0]), Value::num(v[1])), (Some(&b"eth0"[..]), Some(3)));
        assert_eq!(scan_columns(b"eth0", &[Some(0), None, Some(1)], &cols, &mut v), 1);
    }
}
