//! Reading /proc without allocating per entry: directories opened with
//! openat, listed with getdents64 into a reused buffer, paths built on the
//! stack.

use std::ffi::CStr;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::DENTS_BUF;
use crate::text::numbers::decimal_name;

/// A pid or fd directory entry's number; None for other names.
pub(super) fn parse_decimal_u32(name: &[u8]) -> Option<u32> {
    decimal_name(name, 10).and_then(|v| u32::try_from(v).ok())
}

/// Writes `v` in decimal plus a NUL into `buf`; returns the used part.
pub(super) fn decimal_cstr(mut v: u32, buf: &mut [u8; 12]) -> &[u8] {
    let mut i = buf.len() - 1;
    buf[i] = 0;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// "<pid><suffix>\0" on the stack.
pub(super) struct PathBuf32 {
    buf: [u8; 32],
    len: usize,
}

impl PathBuf32 {
    pub(super) fn new(pid: u32, suffix: &[u8]) -> Self {
        let mut digits = [0u8; 12];
        let digits = decimal_cstr(pid, &mut digits);
        let digits = &digits[..digits.len() - 1];
        let mut buf = [0u8; 32];
        let len = digits.len() + suffix.len();
        debug_assert!(len < buf.len());
        buf[..digits.len()].copy_from_slice(digits);
        buf[digits.len()..len].copy_from_slice(suffix);
        PathBuf32 { buf, len }
    }

    pub(super) fn as_cstr(&mut self) -> &std::ffi::CStr {
        self.buf[self.len] = 0;
        std::ffi::CStr::from_bytes_until_nul(&self.buf).unwrap_or_default()
    }
}

/// Opens a directory under `dir`; Err(errno) on failure.
pub(super) fn open_dir(dir: BorrowedFd<'_>, path: &CStr) -> Result<OwnedFd, i32> {
    open_at(dir, path, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC)
}

/// openat(2); Err(errno) on failure.
pub(super) fn open_at(dir: BorrowedFd<'_>, path: &CStr, flags: libc::c_int) -> Result<OwnedFd, i32> {
    // SAFETY: `path` is a valid NUL-terminated string.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), path.as_ptr(), flags) };
    if fd < 0 {
        Err(errno())
    } else {
        // SAFETY: `fd` is a new descriptor nobody else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

pub(super) fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Calls `f` with the name of each entry of an open directory (not "." or
/// ".."), using getdents64 into `buf`.
pub(super) fn for_each_entry(
    dir: BorrowedFd<'_>,
    buf: &mut Vec<u8>,
    mut f: impl FnMut(&[u8]),
) -> Result<(), i32> {
    if buf.len() < DENTS_BUF {
        buf.resize(DENTS_BUF, 0);
    }
    loop {
        // SAFETY: getdents64 writes at most `buf.len()` bytes into `buf`.
        let n = unsafe { libc::syscall(libc::SYS_getdents64, dir.as_raw_fd(), buf.as_mut_ptr(), buf.len()) };
        if n < 0 {
            let e = errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(());
        }
        let filled = &buf[..(n as usize).min(buf.len())];
        // struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
        let mut off = 0usize;
        while off + 19 <= filled.len() {
            let reclen = u16::from_ne_bytes([filled[off + 16], filled[off + 17]]) as usize;
            if reclen < 19 || off + reclen > filled.len() {
                return Ok(());
            }
            let name_field = &filled[off + 19..off + reclen];
            let name_len = name_field.iter().position(|&b| b == 0).unwrap_or(name_field.len());
            let name = &name_field[..name_len];
            if name != b"." && name != b".." {
                f(name);
            }
            off += reclen;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_helpers() {
        let mut buf = [0u8; 12];
        assert_eq!(decimal_cstr(0, &mut buf), b"0\0");
        assert_eq!(decimal_cstr(u32::MAX, &mut buf), b"4294967295\0");
        assert_eq!(PathBuf32::new(4294967295, b"/cmdline").as_cstr().to_bytes(), b"4294967295/cmdline");
        assert_eq!(parse_decimal_u32(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_decimal_u32(b"4294967296"), None);
        assert_eq!(parse_decimal_u32(b"12a"), None);
        assert_eq!(parse_decimal_u32(b"self"), None);
    }
}
