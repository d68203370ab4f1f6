use std::fmt;
use std::io;
use std::path::PathBuf;

/// Errors the core returns. Each carries a stable code so the binding can hand
/// callers a `code` they can switch on (ENOENT, EACCES, EINVAL, ...).
#[derive(Debug)]
pub enum Error {
    /// An I/O error on a named path (the errno decides the code).
    Io { path: PathBuf, source: io::Error },
    /// The caller asked for something that makes no sense (bad option value).
    InvalidArgument(String),
    /// A unix_diag dump cannot show every socket /proc/net/unix shows: a
    /// listener holds connections not yet accepted (they have no inode, so
    /// netlink skips them). The caller reads /proc instead.
    UnixPendingConnections,
    /// `--netns SPEC` names no network namespace this process can use:
    /// the spec as given, a stable code (ENOENT, ESRCH, EINVAL, EACCES) and why.
    Namespace { spec: String, code: &'static str, reason: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// The stable, errno-style code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument(_) => "EINVAL",
            Error::UnixPendingConnections => "ENOTSUP",
            Error::Namespace { code, .. } => code,
            Error::Io { source, .. } => match source.raw_os_error() {
                Some(libc::ENOENT) => "ENOENT",
                Some(libc::EACCES) | Some(libc::EPERM) => "EACCES",
                Some(libc::ENOTDIR) => "ENOTDIR",
                Some(libc::EPROTONOSUPPORT) | Some(libc::EOPNOTSUPP) => "ENOTSUP",
                _ => match source.kind() {
                    io::ErrorKind::NotFound => "ENOENT",
                    io::ErrorKind::PermissionDenied => "EACCES",
                    io::ErrorKind::InvalidData => "EINVAL",
                    _ => "EIO",
                },
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::InvalidArgument(msg) => f.write_str(msg),
            Error::UnixPendingConnections => f.write_str("a unix listener has connections not yet accepted"),
            Error::Namespace { spec, reason, .. } => write!(f, "{spec}: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::InvalidArgument(_) | Error::UnixPendingConnections | Error::Namespace { .. } => None,
        }
    }
}

/// The message a panic was raised with (`panic!("...")` gives a `&str` or a
/// `String`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
