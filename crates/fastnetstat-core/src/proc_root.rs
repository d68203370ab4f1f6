use std::path::{Path, PathBuf};

/// Where /proc is. Defaults to the live `/proc`; tests point it at fixtures.
///
/// The network tables (`<root>/net/...`) may come from elsewhere than the
/// process directories: a listing in another network namespace reads them
/// from `/proc/thread-self/net` (the namespace its thread entered) or from
/// `/proc/PID/net` (a process in that namespace), while the fd walk still
/// reads every process under the root.
#[derive(Debug, Clone)]
pub struct ProcRoot {
    path: PathBuf,
    net: Option<PathBuf>,
}

impl Default for ProcRoot {
    fn default() -> Self {
        ProcRoot { path: PathBuf::from("/proc"), net: None }
    }
}

impl ProcRoot {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ProcRoot { path: path.into(), net: None }
    }

    /// The same root, with the network tables read from `net_dir`.
    pub fn with_net_dir(&self, net_dir: impl Into<PathBuf>) -> Self {
        ProcRoot { path: self.path.clone(), net: Some(net_dir.into()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this is the live /proc (netlink can then stand in for its tables).
    pub fn is_live(&self) -> bool {
        self.path == Path::new("/proc")
    }

    /// `<root>/net/<name>`, e.g. `/proc/net/tcp6`.
    pub fn net(&self, name: &str) -> PathBuf {
        match &self.net {
            Some(dir) => dir.join(name),
            None => self.path.join("net").join(name),
        }
    }
}
