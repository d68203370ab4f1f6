use std::path::{Path, PathBuf};

/// Where /proc is. Defaults to the live `/proc`; tests point it at fixtures.
#[derive(Debug, Clone)]
pub struct ProcRoot {
    path: PathBuf,
}

impl Default for ProcRoot {
    fn default() -> Self {
        ProcRoot { path: PathBuf::from("/proc") }
    }
}

impl ProcRoot {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ProcRoot { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<root>/net/<name>`, e.g. `/proc/net/tcp6`.
    pub fn net(&self, name: &str) -> PathBuf {
        self.path.join("net").join(name)
    }
}
