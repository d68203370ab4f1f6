//! cgroup id -> path one id at a time, for listings that meet a few distinct cgroups on a
//! host that has thousands.
//!
//! The walk ([`CgroupTree::walk`]) reads every directory of the hierarchy, control files
//! included: about 20 µs a cgroup on cgroup2 here (1,022 cgroups: 20-50 ms), a cost paid
//! per listing. The kernel can instead open a cgroup by its id: the id sock_diag reports is
//! the cgroup's kernfs node id, which is also its file handle (`FILEID_KERNFS`), so
//! `open_by_handle_at` on the cgroup2 mount opens its directory, and the descriptor's link
//! in `/proc/self/fd` is its path. That takes `CAP_DAC_READ_SEARCH`; without it, or on a
//! mount that is not cgroup2, the resolver walks the tree once, the first time it is asked.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::cgroup_tree::{CgroupLabels, CgroupTree};

/// `include/linux/exportfs.h`: the file handle type of kernfs (cgroup2, sysfs) nodes.
const FILEID_KERNFS: i32 = 0xfe;
/// `include/uapi/linux/magic.h`
const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;

/// Resolves cgroup ids under one cgroup2 mount, caching each id's path and labels.
#[derive(Debug)]
pub struct CgroupResolver {
    mount: PathBuf,
    how: How,
    resolved: FxHashMap<u64, Option<Resolved>>,
}

#[derive(Debug)]
struct Resolved {
    path: Box<str>,
    labels: Option<CgroupLabels>,
}

#[derive(Debug)]
enum How {
    /// The mount's directory, and its path as `/proc/self/fd` links spell it.
    ByHandle(File, PathBuf),
    /// Not tried yet: the walk happens when first needed.
    Walk(Option<CgroupTree>),
}

impl CgroupResolver {
    /// A resolver for the cgroup2 hierarchy mounted at `mount`. Opens the mount; reads
    /// nothing else yet.
    pub fn new(mount: &Path) -> CgroupResolver {
        let how = match File::open(mount) {
            Ok(dir) if is_cgroup2(&dir) => {
                let prefix =
                    std::fs::read_link(fd_link(dir.as_raw_fd())).unwrap_or_else(|_| mount.to_path_buf());
                How::ByHandle(dir, prefix)
            }
            _ => How::Walk(None),
        };
        CgroupResolver { mount: mount.to_path_buf(), how, resolved: FxHashMap::default() }
    }

    /// Whether ids are opened by handle (else walked).
    pub fn by_handle(&self) -> bool {
        matches!(self.how, How::ByHandle(..))
    }

    /// The path of cgroup `id` relative to the mount (`/` for the root), None when no
    /// cgroup has that id (any more).
    pub fn path_of(&mut self, id: u64) -> Option<&str> {
        self.entry(id).as_ref().map(|cgroup| &*cgroup.path)
    }

    /// The container and pod of cgroup `id` (worked out once per id).
    pub fn labels_of(&mut self, id: u64) -> Option<&CgroupLabels> {
        let Resolved { path, labels } = self.entry(id).as_mut()?;
        Some(labels.get_or_insert_with(|| CgroupLabels::of_path(path)))
    }

    fn entry(&mut self, id: u64) -> &mut Option<Resolved> {
        if !self.resolved.contains_key(&id) {
            let path = self.resolve(id).map(|path| Resolved { path, labels: None });
            self.resolved.insert(id, path);
        }
        self.resolved.get_mut(&id).expect("inserted above")
    }

    fn resolve(&mut self, id: u64) -> Option<Box<str>> {
        if let How::ByHandle(dir, prefix) = &self.how {
            match open_by_id(dir, id) {
                Ok(cgroup) => return path_under(prefix, &cgroup),
                // No cgroup has that id (any more).
                Err(error) if error.raw_os_error() == Some(libc::ESTALE) => return None,
                // Not permitted (no CAP_DAC_READ_SEARCH) or not supported: walk instead.
                Err(_) => self.how = How::Walk(None),
            }
        }
        let How::Walk(tree) = &mut self.how else { return None };
        let tree = tree.get_or_insert_with(|| CgroupTree::walk(&self.mount));
        tree.path_of(id).map(Box::from)
    }
}

fn is_cgroup2(dir: &File) -> bool {
    let mut fs = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: fstatfs writes a statfs into the buffer it is given, which is one.
    if unsafe { libc::fstatfs(dir.as_raw_fd(), fs.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: fstatfs succeeded, so it filled the buffer.
    let fs = unsafe { fs.assume_init() };
    #[allow(clippy::unnecessary_cast)] // f_type's width differs between targets
    let kind = fs.f_type as i64;
    kind == CGROUP2_SUPER_MAGIC
}

fn fd_link(fd: RawFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{fd}"))
}

/// `struct file_handle` with the 8 bytes of a kernfs handle: the node id.
#[repr(C)]
struct KernfsHandle {
    handle_bytes: u32,
    handle_type: i32,
    id: u64,
}

fn open_by_id(mount: &File, id: u64) -> io::Result<OwnedFd> {
    let mut handle = KernfsHandle { handle_bytes: 8, handle_type: FILEID_KERNFS, id };
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
    // SAFETY: the handle is a struct file_handle followed by its handle_bytes (8) bytes,
    // which is all the kernel reads; the result is a new descriptor or -1.
    let fd = unsafe {
        libc::syscall(libc::SYS_open_by_handle_at, mount.as_raw_fd(), &mut handle as *mut KernfsHandle, flags)
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this descriptor to us; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The cgroup's path relative to the mount, from its descriptor's link.
fn path_under(prefix: &Path, cgroup: &OwnedFd) -> Option<Box<str>> {
    let link = std::fs::read_link(fd_link(cgroup.as_raw_fd())).ok()?;
    let link = link.to_str()?;
    if link.ends_with(" (deleted)") {
        return None;
    }
    let relative = Path::new(link).strip_prefix(prefix).ok()?.to_str()?;
    Some(Box::from(format!("/{relative}").as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::containers::{cgroup2_mount, Runtime};
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_plain_directory_is_walked() {
        let root = std::env::temp_dir().join(format!("fastnetstat-resolve-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let scope = root.join(format!("system.slice/docker-{id}.scope"));
        std::fs::create_dir_all(&scope).unwrap();
        let mut resolver = CgroupResolver::new(&root);
        assert!(!resolver.by_handle());
        let ino = std::fs::metadata(&scope).unwrap().ino();
        let want = format!("/system.slice/docker-{id}.scope");
        assert_eq!(resolver.path_of(ino), Some(want.as_str()));
        let container = resolver.labels_of(ino).and_then(|l| l.container.clone()).unwrap();
        assert_eq!((container.runtime, container.id.as_str()), (Runtime::Docker, id));
        assert_eq!(resolver.path_of(u64::MAX), None);
        assert_eq!(resolver.labels_of(u64::MAX), None);
        std::fs::remove_dir_all(&root).unwrap();
        // resolved once: still known after the directory is gone
        assert_eq!(resolver.path_of(ino), Some(want.as_str()));
        assert_eq!(CgroupResolver::new(Path::new("/nonexistent/cg")).path_of(1), None);
    }

    /// On the live cgroup2 hierarchy, as root: ids opened by handle give the walk's paths.
    #[test]
    fn live_ids_by_handle() {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let Some(mount) = cgroup2_mount(&mountinfo) else { return };
        let top = mount.join(format!("fastnetstat-resolve-{}", std::process::id()));
        if std::fs::create_dir(&top).is_err() {
            return; // not root
        }
        let id = "3f4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
        let slice = top.join("kubepods.slice");
        let pod = slice.join("kubepods-pod5b0d7c2e_8f1a_4c3b_9d6e_2a7f0e1c4b8d.slice");
        let scope = pod.join(format!("cri-containerd-{id}.scope"));
        let made = [&top, &slice, &pod, &scope];
        for dir in &made[1..] {
            let _ = std::fs::create_dir(dir);
        }
        let result = std::panic::catch_unwind(|| {
            let mut resolver = CgroupResolver::new(&mount);
            assert!(resolver.by_handle(), "root opens cgroups by handle");
            assert_eq!(resolver.path_of(1), Some("/"));
            let ino = std::fs::metadata(&scope).unwrap().ino();
            let name = top.file_name().unwrap().to_str().unwrap();
            let want = format!(
                "/{name}/kubepods.slice/kubepods-pod5b0d7c2e_8f1a_4c3b_9d6e_2a7f0e1c4b8d.slice/cri-containerd-{id}.scope"
            );
            assert_eq!(resolver.path_of(ino), Some(want.as_str()));
            assert_eq!(CgroupTree::walk(&mount).path_of(ino), Some(want.as_str()));
            let labels = resolver.labels_of(ino).unwrap();
            assert_eq!(labels.pod_uid.as_deref(), Some("5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d"));
            // an id no cgroup has
            assert_eq!(resolver.path_of(u64::MAX - 1), None);
        });
        for dir in made.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        result.unwrap();
    }
}
