//! Reading runtime state files: bounded, and never an error.

use std::io::Read;
use std::path::Path;

/// A container's state file (config.v2.json, an OCI config.json) is a few KiB to a few
/// hundred; a container with a huge environment may reach a few MiB.
pub(crate) const STATE_FILE_MAX: u64 = 4 << 20;

/// One list of every container (containers/storage's containers.json): about 1 KiB a
/// container.
pub(crate) const LIST_FILE_MAX: u64 = 64 << 20;

/// Directory entries taken from one state directory; more than any real host holds.
pub(crate) const DIR_ENTRIES_MAX: usize = 100_000;

/// The file's bytes, or None when it is missing, unreadable, not a regular file, or
/// larger than `max` (a truncated read would be malformed JSON anyway).
pub(crate) fn read_bounded(path: &Path, max: u64) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= max).then_some(bytes)
}

/// The names of the entries of `dir` (at most DIR_ENTRIES_MAX), or none.
pub(crate) fn dir_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().filter_map(|entry| entry.file_name().into_string().ok()).take(DIR_ENTRIES_MAX).collect()
}
