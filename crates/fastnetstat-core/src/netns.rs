//! Network namespaces: naming one (`--netns SPEC`), finding every one of the
//! host (`--all-netns`), and reading a listing inside one.
//!
//! A namespace is known by the inode of its nsfs file. It is found through
//! the processes in it (`/proc/PID/ns/net`, one per distinct inode) and
//! through nsfs bind mounts, which keep namespaces alive that no process
//! holds (`ip netns add` under /run/netns, Docker under /run/docker/netns,
//! CNI plugins under /run/netns/cni-*): /proc/self/mountinfo lists them all,
//! with the namespace in its root field (`net:[INODE]`).
//!
//! Reading inside one: a thread of ours enters it with setns(CLONE_NEWNET)
//! (the calling thread only; it needs CAP_SYS_ADMIN), opens its sock_diag
//! socket there and reads /proc/thread-self/net for what netlink cannot
//! answer. Without that privilege, a process in the namespace lends its
//! /proc/PID/net tables (readable to anyone for most processes). The fd walk
//! is not per namespace: socket inodes are unique across the host, so one
//! walk of /proc/*/fd finds the owners of every namespace's sockets.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::proc_root::ProcRoot;

/// statfs f_type of nsfs.
const NSFS_MAGIC: i64 = 0x6e73_6673;
/// ioctl NS_GET_NSTYPE: _IO(0xb7, 0x3).
const NS_GET_NSTYPE: libc::c_ulong = 0xb703;
/// Where `ip netns` keeps its names (/var/run is the same directory on
/// current systems, but mountinfo shows whichever path was mounted).
const NAMED_DIRS: [&str; 2] = ["/run/netns", "/var/run/netns"];

/// One network namespace of the host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Namespace {
    /// The inode of its nsfs file (`net:[INODE]`); 0 when it could not be
    /// read (another user's process, named by `pid:PID`, when not root).
    pub inode: u64,
    /// Its name under /run/netns, if it has one.
    pub name: Option<String>,
    /// nsfs bind mounts of it (/run/netns/NAME, /run/docker/netns/ID, ...).
    pub mounts: Vec<PathBuf>,
    /// The processes in it that could be seen, ascending.
    pub pids: Vec<u32>,
    /// It is the namespace this process runs in.
    pub own: bool,
    /// `pids` holds every process in it this user can see (it came from
    /// [`discover`]); else a reader without the privilege to enter it looks
    /// for one.
    pub all_pids: bool,
}

impl Namespace {
    /// Paths that open it: its bind mounts, then its processes' ns files.
    fn paths<'a>(&'a self, root: &'a ProcRoot) -> impl Iterator<Item = PathBuf> + 'a {
        self.mounts
            .iter()
            .cloned()
            .chain(self.pids.iter().map(move |pid| root.path().join(pid.to_string()).join("ns/net")))
    }
}

/// Every namespace found, and how many processes' namespaces could not be told.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The own namespace first, the others by inode.
    pub namespaces: Vec<Namespace>,
    /// Processes whose /proc/PID/ns/net could not be read (EACCES: another
    /// user's process, when not root): their namespaces may be missing.
    pub hidden_processes: u32,
}

/// How a namespace's tables were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NamespaceAccess {
    /// The namespace this process runs in: read as usual.
    #[default]
    Own,
    /// A thread entered it (setns).
    Entered,
    /// Through /proc/PID/net of a process in it (no privilege to enter it).
    ProcOf(u32),
    /// Neither: it could not be entered and no process in it could be read.
    Unreadable,
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn cstring(path: &Path) -> Option<CString> {
    CString::new(path.as_os_str().as_bytes()).ok()
}

/// stat(2): (st_dev, st_ino) or the errno.
fn stat(path: &Path) -> std::result::Result<(u64, u64), i32> {
    let c = cstring(path).ok_or(libc::EINVAL)?;
    // SAFETY: `c` is NUL-terminated; `st` is written by the call.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::stat(c.as_ptr(), &mut st) } != 0 {
        return Err(errno());
    }
    Ok((st.st_dev, st.st_ino))
}

fn is_nsfs(path: &Path) -> std::result::Result<bool, i32> {
    let c = cstring(path).ok_or(libc::EINVAL)?;
    // SAFETY: as above, for statfs.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return Err(errno());
    }
    Ok(st.f_type as i64 == NSFS_MAGIC)
}

fn open_ns(path: &Path) -> std::result::Result<OwnedFd, i32> {
    let c = cstring(path).ok_or(libc::EINVAL)?;
    // SAFETY: `c` is NUL-terminated.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(errno());
    }
    // SAFETY: a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The namespace type of an open nsfs file (CLONE_NEWNET, ...), if the kernel says.
fn ns_type(fd: &OwnedFd) -> Option<i32> {
    // SAFETY: NS_GET_NSTYPE takes no argument and returns the type.
    let t = unsafe { libc::ioctl(fd.as_raw_fd(), NS_GET_NSTYPE as _) };
    (t >= 0).then_some(t)
}

/// The inode of the namespace this process runs in.
pub fn own_inode(root: &ProcRoot) -> u64 {
    stat(&root.path().join("self/ns/net")).map_or(0, |(_, ino)| ino)
}

/// A bind mount of a network namespace, from one line of mountinfo.
fn nsfs_mount(line: &str) -> Option<(u64, PathBuf)> {
    let (left, right) = line.split_once(" - ")?;
    if right.split(' ').next() != Some("nsfs") {
        return None;
    }
    let mut fields = left.split(' ');
    let root = fields.nth(3)?;
    let inode = root.strip_prefix("net:[")?.strip_suffix(']')?.parse().ok()?;
    Some((inode, PathBuf::from(unescape_mount_path(fields.next()?))))
}

/// mountinfo writes space, tab, newline and backslash in paths as \ooo.
fn unescape_mount_path(field: &str) -> std::ffi::OsString {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::ffi::OsStr::from_bytes(&out).to_os_string()
}

/// The /run/netns name of a mount point, if it is one.
fn netns_name(mount: &Path) -> Option<String> {
    let parent = mount.parent()?;
    NAMED_DIRS
        .iter()
        .any(|dir| parent == Path::new(dir))
        .then(|| mount.file_name()?.to_str().map(str::to_owned))?
}

/// Network namespace bind mounts of this mount namespace: inode -> mount points.
fn bind_mounts(root: &ProcRoot) -> BTreeMap<u64, Vec<PathBuf>> {
    let mut mounts: BTreeMap<u64, Vec<PathBuf>> = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(root.path().join("self/mountinfo")) {
        for (inode, path) in text.lines().filter_map(nsfs_mount) {
            let paths = mounts.entry(inode).or_default();
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    mounts
}

fn name_of(mounts: &[PathBuf]) -> Option<String> {
    mounts.iter().find_map(|m| netns_name(m))
}

/// Lists every network namespace of the host: one per distinct inode of
/// /proc/*/ns/net, and those held only by a bind mount. Processes that vanish
/// meanwhile are skipped.
pub fn discover(root: &ProcRoot) -> Discovery {
    let own = own_inode(root);
    let mut by_inode: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    let mut hidden = 0u32;
    let mut pids: Vec<u32> = std::fs::read_dir(root.path())
        .map(|dir| dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()).collect())
        .unwrap_or_default();
    pids.sort_unstable();
    for pid in pids {
        match stat(&root.path().join(pid.to_string()).join("ns/net")) {
            Ok((_, inode)) => by_inode.entry(inode).or_default().push(pid),
            Err(libc::EACCES) | Err(libc::EPERM) => hidden += 1,
            Err(_) => {} // gone, or a kernel thread without one
        }
    }
    let mut mounts = bind_mounts(root);
    let mut inodes: Vec<u64> = by_inode.keys().chain(mounts.keys()).copied().collect();
    if own != 0 {
        inodes.push(own);
    }
    inodes.sort_unstable();
    inodes.dedup();
    let mut namespaces: Vec<Namespace> = inodes
        .into_iter()
        .map(|inode| {
            let mounts = mounts.remove(&inode).unwrap_or_default();
            Namespace {
                inode,
                name: name_of(&mounts),
                mounts,
                pids: by_inode.remove(&inode).unwrap_or_default(),
                own: inode == own,
                all_pids: true,
            }
        })
        .collect();
    // the own namespace first, the others by inode (a stable sort keeps that order)
    namespaces.sort_by_key(|ns| !ns.own);
    Discovery { namespaces, hidden_processes: hidden }
}

/// An error naming the spec and why it is not a network namespace.
fn bad(spec: &str, code: &'static str, reason: impl Into<String>) -> Error {
    Error::Namespace { spec: spec.to_owned(), code, reason: reason.into() }
}

/// Resolves `--netns SPEC`: a name under /run/netns, a path to a namespace
/// file (`/proc/PID/ns/net`, `/run/docker/netns/ID`, ...), or `pid:PID`.
pub fn resolve(root: &ProcRoot, spec: &str) -> Result<Namespace> {
    let (path, pid) = if let Some(pid) = spec.strip_prefix("pid:") {
        let pid: u32 =
            pid.parse().ok().filter(|&p| p > 0).ok_or_else(|| bad(spec, "EINVAL", "not a process id"))?;
        (root.path().join(pid.to_string()).join("ns/net"), Some(pid))
    } else if spec.contains('/') {
        let path = PathBuf::from(spec);
        // /proc/PID/ns/net names a process too, for the unprivileged fallback
        let pid = path
            .strip_prefix(root.path())
            .ok()
            .and_then(|rest| rest.to_str()?.strip_suffix("/ns/net")?.parse::<u32>().ok());
        (path, pid)
    } else if spec.is_empty() || spec == "." || spec == ".." {
        return Err(bad(spec, "EINVAL", "not a namespace name"));
    } else {
        (Path::new(NAMED_DIRS[0]).join(spec), None)
    };
    let missing = |e: i32| match (e, pid, spec.contains('/')) {
        (libc::ENOENT, Some(_), false) => bad(spec, "ESRCH", "no such process"),
        (libc::ENOENT, _, false) => {
            bad(spec, "ENOENT", format!("no such network namespace in {}", NAMED_DIRS[0]))
        }
        (libc::ENOENT, _, true) | (libc::ENOTDIR, _, _) => bad(spec, "ENOENT", "no such file"),
        (libc::EACCES, _, _) | (libc::EPERM, _, _) => bad(spec, "EACCES", "permission denied"),
        (e, _, _) => bad(spec, "EIO", std::io::Error::from_raw_os_error(e).to_string()),
    };
    let inode = match stat(&path) {
        Ok((_, inode)) => {
            if !is_nsfs(&path).map_err(missing)? {
                return Err(bad(spec, "EINVAL", "not a namespace file"));
            }
            if let Ok(fd) = open_ns(&path) {
                if ns_type(&fd).is_some_and(|t| t != libc::CLONE_NEWNET) {
                    return Err(bad(spec, "EINVAL", "not a network namespace"));
                }
            }
            inode
        }
        // another user's process: its tables may still be readable
        Err(libc::EACCES) if pid.is_some() => 0,
        Err(e) => return Err(missing(e)),
    };
    if let Some(pid) = pid {
        if inode == 0 && stat(&root.path().join(pid.to_string())).is_err() {
            return Err(bad(spec, "ESRCH", "no such process"));
        }
    }
    let mounts = if inode == 0 { Vec::new() } else { bind_mounts(root).remove(&inode).unwrap_or_default() };
    let mut ns = Namespace {
        inode,
        name: name_of(&mounts),
        mounts,
        pids: pid.into_iter().collect(),
        own: inode != 0 && inode == own_inode(root),
        all_pids: false,
    };
    if !ns.mounts.contains(&path) && pid.is_none() {
        ns.mounts.insert(0, path);
    }
    Ok(ns)
}

/// The processes in `ns` this user can see (for reading its tables through
/// /proc/PID/net when it cannot be entered).
fn processes_in(root: &ProcRoot, ns: &Namespace) -> Vec<u32> {
    if ns.inode == 0 {
        return Vec::new();
    }
    let Ok(dir) = std::fs::read_dir(root.path()) else { return Vec::new() };
    let mut pids: Vec<u32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            stat(&root.path().join(pid.to_string()).join("ns/net")).is_ok_and(|(_, ino)| ino == ns.inode)
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// Enters `ns` on the calling thread, which must be one of ours that nothing
/// else uses afterwards (it stays in the namespace). Returns the errno of the
/// last attempt when no path to it could be entered.
fn enter(root: &ProcRoot, ns: &Namespace) -> std::result::Result<(), i32> {
    let mut last = libc::ENOENT;
    for path in ns.paths(root) {
        let fd = match open_ns(&path) {
            Ok(fd) => fd,
            Err(e) => {
                last = e;
                continue;
            }
        };
        // the path must still be the namespace listed (a pid may have been reused)
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `st` is written by fstat on a descriptor we own.
        if ns.inode != 0 && (unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 || st.st_ino != ns.inode) {
            continue;
        }
        // SAFETY: setns on a descriptor we own; it changes this thread only.
        if unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) } == 0 {
            return Ok(());
        }
        last = errno();
        if last == libc::EPERM {
            break; // the same for every path
        }
    }
    Err(last)
}

/// Prepares the calling thread (one of ours, see [`enter`]) to read `ns`, and
/// returns the root its tables are read under, or None when nothing in it can
/// be read. The own namespace is read as it is.
pub fn read_root(root: &ProcRoot, ns: &Namespace) -> (NamespaceAccess, Option<ProcRoot>) {
    if ns.own {
        return (NamespaceAccess::Own, Some(root.clone()));
    }
    if enter(root, ns).is_ok() {
        return (NamespaceAccess::Entered, Some(root.with_net_dir(root.path().join("thread-self/net"))));
    }
    let pids = if ns.pids.is_empty() && !ns.all_pids { processes_in(root, ns) } else { ns.pids.clone() };
    for pid in pids {
        let net = root.path().join(pid.to_string()).join("net");
        // a process that is gone, or whose tables this user may not read, is passed over
        if std::fs::metadata(net.join("unix")).is_ok() {
            return (NamespaceAccess::ProcOf(pid), Some(root.with_net_dir(net)));
        }
    }
    (NamespaceAccess::Unreadable, None)
}

/// Runs `work` for each namespace, on a few threads of ours that enter them
/// (the own namespace on a thread that stays in it); results in the order given.
pub fn for_each_namespace<T: Send>(
    root: &ProcRoot,
    namespaces: &[Namespace],
    work: impl Fn(&Namespace, NamespaceAccess, Option<ProcRoot>) -> T + Sync,
) -> Vec<T> {
    let slots: Vec<Mutex<Option<T>>> = namespaces.iter().map(|_| Mutex::new(None)).collect();
    let foreign: Vec<usize> = (0..namespaces.len()).filter(|&i| !namespaces[i].own).collect();
    let next = AtomicUsize::new(0);
    // the dumps are kernel work on each namespace's own tables: a few threads
    // keep every core busy without a thread per namespace
    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
    let workers = foreign.len().min(parallel * 2);
    let run = |i: usize| {
        let ns = &namespaces[i];
        let (access, read_in) = read_root(root, ns);
        let out = work(ns, access, read_in);
        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(out);
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = foreign.get(k) else { break };
                run(i);
            });
        }
        // the calling thread stays in its namespace: it takes the own one
        for i in (0..namespaces.len()).filter(|&i| namespaces[i].own) {
            run(i);
        }
    });
    slots.into_iter().filter_map(|s| s.into_inner().unwrap_or_else(|p| p.into_inner())).collect()
}

/// The cgroup path to label a process with, from /proc/PID/cgroup (the v2
/// line, or a container-shaped v1 line on v1-only and hybrid hosts).
pub fn cgroup_of_pid(root: &ProcRoot, pid: u32) -> Option<String> {
    let text = std::fs::read_to_string(root.path().join(pid.to_string()).join("cgroup")).ok()?;
    crate::containers::process_cgroup(&text).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_lines() {
        let line = "46 45 0:4 net:[4026532174] /run/netns/blue rw shared:2 - nsfs nsfs rw";
        assert_eq!(nsfs_mount(line), Some((4026532174, PathBuf::from("/run/netns/blue"))));
        let spaced = r"47 45 0:4 net:[7] /tmp/a\040b\134c rw - nsfs nsfs rw";
        assert_eq!(nsfs_mount(spaced), Some((7, PathBuf::from(r"/tmp/a b\c"))));
        // another namespace type, or not nsfs at all
        assert_eq!(nsfs_mount("48 45 0:4 mnt:[9] /run/x rw - nsfs nsfs rw"), None);
        assert_eq!(nsfs_mount("41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"), None);
        assert_eq!(nsfs_mount("garbage"), None);
    }

    #[test]
    fn names_come_from_run_netns_only() {
        assert_eq!(netns_name(Path::new("/run/netns/blue")).as_deref(), Some("blue"));
        assert_eq!(netns_name(Path::new("/var/run/netns/cni-1")).as_deref(), Some("cni-1"));
        assert_eq!(netns_name(Path::new("/run/docker/netns/abc")), None);
        assert_eq!(netns_name(Path::new("/run/netns/a/b")), None);
    }

    #[test]
    fn specs_that_are_not_namespaces() {
        let root = ProcRoot::default();
        let code = |spec: &str| resolve(&root, spec).unwrap_err().code();
        assert_eq!(code("pid:abc"), "EINVAL");
        assert_eq!(code("pid:0"), "EINVAL");
        assert_eq!(code("pid:4294967295"), "ESRCH");
        assert_eq!(code("no-such-fastnetstat-ns"), "ENOENT");
        assert_eq!(code("/nonexistent/fastnetstat"), "ENOENT");
        assert_eq!(code("/etc/hostname"), "EINVAL");
        assert_eq!(code(".."), "EINVAL");
        if unsafe { libc::geteuid() } == 0 {
            // a namespace file of another type
            assert_eq!(code("/proc/self/ns/uts"), "EINVAL");
        }
        // the own namespace, three ways
        let own = own_inode(&root);
        for spec in [format!("pid:{}", std::process::id()), "/proc/self/ns/net".into()] {
            let ns = resolve(&root, &spec).unwrap();
            assert_eq!((ns.inode, ns.own), (own, true), "{spec}");
        }
    }

    #[test]
    fn discovery_finds_the_own_namespace_first_with_this_process() {
        let found = discover(&ProcRoot::default());
        let first = &found.namespaces[0];
        assert!(first.own);
        assert_eq!(first.inode, own_inode(&ProcRoot::default()));
        assert!(first.pids.contains(&std::process::id()));
        let inodes: Vec<u64> = found.namespaces[1..].iter().map(|n| n.inode).collect();
        assert!(inodes.windows(2).all(|w| w[0] < w[1]), "the others by inode: {inodes:?}");
    }

    #[test]
    fn cgroup_lines() {
        let root = ProcRoot::default();
        assert!(cgroup_of_pid(&root, std::process::id()).is_some_and(|p| p.starts_with('/')));
        assert_eq!(cgroup_of_pid(&root, u32::MAX), None);
    }
}
