//! Cutting text into lines the ways net-tools' readers see them: `getline`
//! (a whole line), `fgets(buf, size)` (a long line comes in pieces), the
//! header and body of a /proc table, and C strings (text ends at a NUL).

/// Index of the next '\n' at or after `from`.
#[inline]
pub(crate) fn find_newline(text: &[u8], from: usize) -> Option<usize> {
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

/// Index of the last '\n' in `text`.
pub(crate) fn last_newline(text: &[u8]) -> Option<usize> {
    text.iter().rposition(|&b| b == b'\n')
}

/// The first line (the header), without its '\n'.
pub(crate) fn first_line(text: &[u8]) -> &[u8] {
    match find_newline(text, 0) {
        Some(end) => &text[..end],
        None => text,
    }
}

/// The lines after the first (the header): empty when there is no newline.
pub(crate) fn body(text: &[u8]) -> &[u8] {
    match find_newline(text, 0) {
        Some(end) => &text[end + 1..],
        None => &[],
    }
}

/// What successive `fgets(buf, size, f)` calls store, '\n' included: each
/// piece ends after its '\n', or after `size - 1` bytes of a longer line
/// (the rest comes as the next piece). `usize::MAX` gives `getline`'s
/// lines. A final line without a newline is still a line.
#[inline]
pub(crate) fn fgets_lines(text: &[u8], size: usize) -> FgetsLines<'_> {
    FgetsLines { text, pos: 0, max: size.saturating_sub(1).max(1) }
}

/// The iterator of [`fgets_lines`].
pub(crate) struct FgetsLines<'a> {
    text: &'a [u8],
    pos: usize,
    max: usize,
}

impl<'a> Iterator for FgetsLines<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let end = match find_newline(rest, 0) {
            Some(nl) if nl < self.max => nl + 1,
            _ => rest.len().min(self.max),
        };
        self.pos += end;
        Some(&rest[..end])
    }
}

/// A line without its final '\n'.
#[inline]
pub(crate) fn without_newline(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

/// Calls `f` with each line of `text` as `getline` reads it, without its
/// '\n': the lines of `fgets_lines(text, usize::MAX)`, cut directly, since
/// this is the socket tables' hot loop (a test holds the two equal).
#[inline]
pub(crate) fn for_each_line(text: &[u8], mut f: impl FnMut(&[u8])) {
    let mut pos = 0;
    while pos < text.len() {
        let end = find_newline(text, pos).unwrap_or(text.len());
        f(&text[pos..end]);
        pos = end + 1;
    }
}

/// A line as C string functions see it: up to its first NUL.
#[inline]
pub(crate) fn c_str(line: &[u8]) -> &[u8] {
    match line.iter().position(|&c| c == 0) {
        Some(n) => &line[..n],
        None => line,
    }
}

/// `strstr(haystack, needle) != NULL` (an empty needle is always found).
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The body lines of `text`, as the table parsers get them.
    pub(in crate::text) fn body_lines(text: &[u8]) -> Vec<Vec<u8>> {
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
        assert_eq!(first_line(b"head\nx"), b"head");
        assert_eq!(first_line(b"head"), b"head");
    }

    #[test]
    fn fgets_splits_long_lines() {
        let seen: Vec<&[u8]> = fgets_lines(b"abcdef\ngh", 4).map(without_newline).collect();
        // fgets keeps the newline within its size - 1 bytes: "def\n" does not fit in 3.
        assert_eq!(seen, vec![&b"abc"[..], b"def", b"", b"gh"]);
        let long = [b'a'; 2000];
        let sizes: Vec<usize> = fgets_lines(&long, 1024).map(|c| c.len()).collect();
        assert_eq!(sizes, vec![1023, 977]);
        let with: Vec<&[u8]> = fgets_lines(b"abc\nd", 1024).collect();
        assert_eq!(with, vec![&b"abc\n"[..], b"d"]);
    }

    #[test]
    fn for_each_line_is_getline_without_newlines() {
        for text in [&b"a\n\nbc\n"[..], b"a\nb", b"\n", b"", b"x"] {
            let mut direct = Vec::new();
            for_each_line(text, |l| direct.push(l.to_vec()));
            let getline: Vec<Vec<u8>> =
                fgets_lines(text, usize::MAX).map(|l| without_newline(l).to_vec()).collect();
            assert_eq!(direct, getline, "{text:?}");
        }
    }

    #[test]
    fn getline_keeps_each_newline() {
        let lines: Vec<&[u8]> = fgets_lines(b"a\n\nb", usize::MAX).collect();
        assert_eq!(lines, vec![&b"a\n"[..], &b"\n"[..], &b"b"[..]]);
        assert_eq!(fgets_lines(b"", usize::MAX).count(), 0);
    }

    #[test]
    fn c_strings() {
        assert_eq!(c_str(b"ab\0cd"), b"ab");
        assert_eq!(c_str(b"ab"), b"ab");
        assert!(contains(b"Num Inode Path", b"Inode"));
        assert!(!contains(b"Num Path", b"Inode"));
        assert!(contains(b"", b""));
    }
}
