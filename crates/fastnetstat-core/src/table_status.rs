//! How reading one table file went, in the terms netstat reports it, and
//! the read of a small table file (routes, interfaces, groups) that sets it.

use std::io;
use std::path::Path;

use crate::text;

/// How reading one table went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableStatus {
    #[default]
    NotRequested,
    Read,
    /// The file does not exist (the kernel lacks that protocol).
    Missing,
    /// Any other error, with its errno.
    Failed(i32),
}

impl TableStatus {
    /// The status an I/O error gives a table: Missing for ENOENT, else
    /// Failed with its errno.
    pub fn of_error(error: &io::Error) -> TableStatus {
        if error.kind() == io::ErrorKind::NotFound {
            TableStatus::Missing
        } else {
            TableStatus::Failed(error.raw_os_error().unwrap_or(libc::EIO))
        }
    }
}

/// Reads a small table file whole and hands its text to `parse`; the
/// status says whether it could be read.
pub(crate) fn read_small_table(path: &Path, parse: impl FnOnce(&[u8])) -> TableStatus {
    match text::read_all(path) {
        Ok(text) => {
            parse(&text);
            TableStatus::Read
        }
        Err(e) => TableStatus::of_error(&e),
    }
}
