//! A little-endian byte writer shared by the socket, route, interface and group
//! packers (wire.rs, wire_routes.rs, wire_interfaces.rs, wire_groups.rs).

pub struct Buf {
    pub buf: Vec<u8>,
    /// Variable bytes (names), appended after the rows.
    pub strings: Vec<u8>,
}

impl Buf {
    pub fn new(fixed_len: usize) -> Self {
        Buf { buf: vec![0u8; fixed_len], strings: Vec::new() }
    }
    /// A buffer whose header starts with magic (u32 at 0), version (u16 at 4)
    /// and then `words` (u32s from 8: the counts and offsets of its sections).
    pub fn with_header(fixed_len: usize, magic: u32, version: u16, words: &[usize]) -> Self {
        let mut b = Buf::new(fixed_len);
        b.u32(0, magic);
        b.u16(4, version);
        for (k, w) in words.iter().enumerate() {
            b.u32(8 + k * 4, *w as u32);
        }
        b
    }
    pub fn u8(&mut self, at: usize, v: u8) {
        self.buf[at] = v;
    }
    pub fn u16(&mut self, at: usize, v: u16) {
        self.buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, at: usize, v: u32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, at: usize, v: i32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    /// Consecutive i32s from `at`.
    pub fn i32s(&mut self, at: usize, values: &[i32]) {
        for (k, v) in values.iter().enumerate() {
            self.i32(at + k * 4, *v);
        }
    }
    pub fn u64(&mut self, at: usize, v: u64) {
        self.buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    pub fn bytes(&mut self, at: usize, v: &[u8]) {
        self.buf[at..at + v.len()].copy_from_slice(v);
    }
    /// Stores `s` in the string table; writes (offset u32, length u32) at `at`.
    pub fn string(&mut self, at: usize, s: &[u8]) {
        let off = self.strings.len() as u32;
        self.strings.extend_from_slice(s);
        self.u32(at, off);
        self.u32(at + 4, s.len() as u32);
    }
    /// Appends the string table; writes its position at `strings_at_field`.
    pub fn finish(mut self, strings_at_field: usize) -> Vec<u8> {
        let at = self.buf.len() as u32;
        self.u32(strings_at_field, at);
        self.buf.extend_from_slice(&self.strings);
        self.buf
    }
}

/// A table report (layout in scripts/wire-layout.mjs): status (0 not
/// requested, 1 read, 2 missing, 3 failed), a detail byte, errno, a count.
pub fn report(b: &mut Buf, at: usize, status: &fastnetstat_core::TableStatus, detail: u8, count: u32) {
    use fastnetstat_core::TableStatus::*;
    let (s, errno) = match status {
        NotRequested => (0, 0),
        Read => (1, 0),
        Missing => (2, 0),
        Failed(e) => (3, *e),
    };
    crate::wire_layout::write_report(
        &mut b.buf[at..],
        s,
        detail,
        errno.clamp(0, u16::MAX as i32) as u16,
        count,
    );
}
