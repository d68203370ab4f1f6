//! The cgroup2 hierarchy: where it is mounted, and cgroup id -> path.
//!
//! The kernel reports an inet socket's cgroup as an id (sock_diag's
//! `INET_DIAG_CGROUP_ID`, what `ss --cgroup` prints as a path). On 64-bit kernels that
//! id is the inode number of the cgroup's directory in cgroup2 (kernfs uses one number
//! for both), so one walk of the tree maps every id to its path. The walk reads only
//! directory entries (readdir's d_ino and d_type): no stat per cgroup, no symlinks
//! followed, and directories that vanish mid-walk (containers stopping) are skipped.

use std::os::unix::fs::{DirEntryExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::cgroup_paths::{container_of_cgroup, pod_uid_of_cgroup};
use super::ContainerRef;

/// Where cgroup2 is mounted, from `/proc/self/mountinfo` text: `/sys/fs/cgroup` on
/// unified hosts, `/sys/fs/cgroup/unified` on hybrid ones. When several cgroup2 mounts
/// are listed, the first whose root is the hierarchy's root (`/`) wins, else the first.
/// Mount points come back unescaped (mountinfo writes space, tab, newline and backslash
/// as `\040`, `\011`, `\012`, `\134`).
pub fn cgroup2_mount(mountinfo: &str) -> Option<PathBuf> {
    let mut first = None;
    for line in mountinfo.lines() {
        // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
        let Some((head, tail)) = line.split_once(" - ") else { continue };
        if tail.split(' ').next() != Some("cgroup2") {
            continue;
        }
        let mut fields = head.split(' ');
        let (Some(root), Some(mount_point)) = (fields.nth(3), fields.next()) else { continue };
        let mount_point = PathBuf::from(unescape_octal(mount_point));
        if root == "/" {
            return Some(mount_point);
        }
        first.get_or_insert(mount_point);
    }
    first
}

/// The host's cgroup2 hierarchy as seen from here. With `host_root` `/`, the mount in
/// `<proc>/self/mountinfo`. With another host root (fastnetstat in a container, the
/// host's `/` mounted at `host_root`, the host's PID namespace shared), the mount the
/// host's init sees (`<proc>/1/mountinfo`), found under `host_root` (a recursive bind
/// mount of the host's `/` carries its cgroup2 mount): a container's own cgroup2 mount
/// shows only its own subtree when it has a private cgroup namespace, the default on
/// cgroup v2. Falls back to this process's mount when that is not found.
pub fn host_cgroup2_mount(host_root: &Path, proc: &Path) -> Option<PathBuf> {
    let read = |pid: &str| std::fs::read_to_string(proc.join(pid).join("mountinfo")).ok();
    if host_root != Path::new("/") {
        let on_host = read("1").as_deref().and_then(cgroup2_mount);
        if let Some(mount) = on_host {
            let under_root = host_root.join(mount.strip_prefix("/").unwrap_or(&mount));
            if under_root.is_dir() {
                return Some(under_root);
            }
        }
    }
    read("self").as_deref().and_then(cgroup2_mount)
}

/// cgroup id -> path relative to the cgroup2 mount (`/` for the root,
/// `/system.slice/docker-ID.scope` below it), as `/proc/PID/cgroup` writes paths, and
/// the labels of each path, worked out the first time they are asked for (a listing
/// asks once per socket, for a few distinct cgroups).
#[derive(Debug, Default, Clone)]
pub struct CgroupTree {
    paths: FxHashMap<u64, Cgroup>,
}

#[derive(Debug, Clone)]
struct Cgroup {
    path: Box<str>,
    labels: OnceLock<CgroupLabels>,
}

impl Cgroup {
    fn new(path: &str) -> Cgroup {
        Cgroup { path: Box::from(path), labels: OnceLock::new() }
    }
}

/// What a cgroup path says: [`container_of_cgroup`] and [`pod_uid_of_cgroup`] of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgroupLabels {
    pub container: Option<ContainerRef>,
    pub pod_uid: Option<String>,
}

impl CgroupLabels {
    pub fn of_path(path: &str) -> CgroupLabels {
        CgroupLabels { container: container_of_cgroup(path), pod_uid: pod_uid_of_cgroup(path) }
    }
}

/// Deeper than any real hierarchy; stops a pathological tree, not a real one.
const MAX_DEPTH: usize = 64;

impl CgroupTree {
    /// One walk of the tree mounted at `mount`. An unreadable or missing mount gives an
    /// empty tree; unreadable or vanished directories below it are left out.
    pub fn walk(mount: &Path) -> CgroupTree {
        let mut paths = FxHashMap::default();
        let Ok(root) = std::fs::symlink_metadata(mount) else { return CgroupTree { paths } };
        if !root.is_dir() {
            return CgroupTree { paths };
        }
        paths.insert(root.ino(), Cgroup::new("/"));
        // (directory on disk, its cgroup path, depth)
        let mut pending = vec![(mount.to_path_buf(), String::new(), 0usize)];
        while let Some((dir, cgroup, depth)) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                // d_type: a symlink is not a directory here, so it is never followed.
                let Ok(kind) = entry.file_type() else { continue };
                if !kind.is_dir() {
                    continue;
                }
                let name = entry.file_name();
                let child = format!("{cgroup}/{}", name.to_string_lossy());
                paths.insert(entry.ino(), Cgroup::new(&child));
                if depth + 1 < MAX_DEPTH {
                    pending.push((entry.path(), child, depth + 1));
                }
            }
        }
        CgroupTree { paths }
    }

    /// The path of cgroup `id`, if the walk saw it.
    pub fn path_of(&self, id: u64) -> Option<&str> {
        self.paths.get(&id).map(|cgroup| &*cgroup.path)
    }

    /// The container and pod of cgroup `id`, if the walk saw it (computed once per id).
    pub fn labels_of(&self, id: u64) -> Option<&CgroupLabels> {
        let cgroup = self.paths.get(&id)?;
        Some(cgroup.labels.get_or_init(|| CgroupLabels::of_path(&cgroup.path)))
    }

    /// How many cgroups the walk saw.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// Undoes mountinfo's octal escapes (`\040` and the like).
fn unescape_octal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\\' {
            let digits = bytes.get(at + 1..at + 4).filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
            if let Some(value) = digits.and_then(|d| {
                d.iter().try_fold(0u16, |acc, b| Some(acc * 8 + u16::from(b - b'0'))).filter(|v| *v <= 255)
            }) {
                out.push(value as u8);
                at += 4;
                continue;
            }
        }
        out.push(bytes[at]);
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYBRID: &str = "\
22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
26 22 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
27 26 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
28 26 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
31 26 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
";

    #[test]
    fn hybrid_and_unified_mounts() {
        assert_eq!(cgroup2_mount(HYBRID), Some(PathBuf::from("/sys/fs/cgroup/unified")));
        let unified = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
        assert_eq!(cgroup2_mount(unified), Some(PathBuf::from("/sys/fs/cgroup")));
        // optional fields vary in number; the separator decides
        let no_optional = "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 none rw\n";
        assert_eq!(cgroup2_mount(no_optional), Some(PathBuf::from("/sys/fs/cgroup")));
    }

    #[test]
    fn escaped_mount_point_and_non_root_mounts() {
        let text = "\
40 30 0:30 /kubepods.slice /host\\040root/sys/fs/cgroup rw shared:1 - cgroup2 cgroup2 rw
41 30 0:30 / /host\\040root/cg\\134x rw shared:1 - cgroup2 cgroup2 rw
";
        assert_eq!(cgroup2_mount(text), Some(PathBuf::from("/host root/cg\\x")));
        let only_sub = "40 30 0:30 /kubepods.slice /mnt/cg rw - cgroup2 cgroup2 rw\n";
        assert_eq!(cgroup2_mount(only_sub), Some(PathBuf::from("/mnt/cg")));
    }

    #[test]
    fn no_cgroup2() {
        assert_eq!(cgroup2_mount(""), None);
        assert_eq!(
            cgroup2_mount("28 26 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"),
            None
        );
        assert_eq!(cgroup2_mount("not a mountinfo line\n - cgroup2\n"), None);
    }

    #[test]
    fn host_mount_under_a_host_root() {
        let base = scratch("host");
        let (proc, host) = (base.join("proc"), base.join("host"));
        for pid in ["1", "self"] {
            std::fs::create_dir_all(proc.join(pid)).unwrap();
        }
        std::fs::write(proc.join("1/mountinfo"), HYBRID).unwrap();
        let own = "50 40 0:30 / /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n";
        std::fs::write(proc.join("self/mountinfo"), own).unwrap();
        // the host's mount is not under the host root: this process's
        assert_eq!(host_cgroup2_mount(&host, &proc), Some(PathBuf::from("/sys/fs/cgroup")));
        std::fs::create_dir_all(host.join("sys/fs/cgroup/unified")).unwrap();
        assert_eq!(host_cgroup2_mount(&host, &proc), Some(host.join("sys/fs/cgroup/unified")));
        // host root / reads only this process's mountinfo
        assert_eq!(host_cgroup2_mount(Path::new("/"), &proc), Some(PathBuf::from("/sys/fs/cgroup")));
        // nothing readable
        assert_eq!(host_cgroup2_mount(&host, &base.join("none")), None);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn octal_escapes() {
        assert_eq!(unescape_octal("a\\040b\\011c\\012d\\134e"), "a b\tc\nd\\e");
        assert_eq!(unescape_octal("trailing\\04"), "trailing\\04");
        assert_eq!(unescape_octal("\\999"), "\\999");
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fastnetstat-cgtree-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn ino(path: &Path) -> u64 {
        std::fs::symlink_metadata(path).unwrap().ino()
    }

    #[test]
    fn walk_maps_directory_inodes_to_paths() {
        let root = scratch("walk");
        let scope = root.join("system.slice/docker-abc.scope");
        std::fs::create_dir_all(&scope).unwrap();
        std::fs::create_dir_all(root.join("kubepods/burstable")).unwrap();
        std::fs::write(root.join("system.slice/cgroup.procs"), "").unwrap();
        // a symlink to a directory is not followed (and not listed)
        std::os::unix::fs::symlink(&scope, root.join("link")).unwrap();

        let tree = CgroupTree::walk(&root);
        assert_eq!(tree.path_of(ino(&root)), Some("/"));
        assert_eq!(tree.path_of(ino(&root.join("system.slice"))), Some("/system.slice"));
        assert_eq!(tree.path_of(ino(&scope)), Some("/system.slice/docker-abc.scope"));
        assert_eq!(tree.path_of(ino(&root.join("kubepods/burstable"))), Some("/kubepods/burstable"));
        assert_eq!(tree.path_of(ino(&root.join("system.slice/cgroup.procs"))), None);
        assert_eq!(tree.len(), 5);
        assert_eq!(tree.labels_of(ino(&scope)), Some(&CgroupLabels::default()), "not a 64-hex id");
        assert_eq!(tree.labels_of(12345678), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn labels_of_walked_cgroups() {
        let root = scratch("labels");
        let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let pod = root.join("kubepods/burstable/pod5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d");
        std::fs::create_dir_all(pod.join(id)).unwrap();
        let tree = CgroupTree::walk(&root);
        let labels = tree.labels_of(ino(&pod.join(id))).unwrap();
        let container = labels.container.as_ref().unwrap();
        assert_eq!((container.runtime, container.id.as_str()), (super::super::Runtime::Containerd, id));
        assert_eq!(labels.pod_uid.as_deref(), Some("5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d"));
        let pod_labels = tree.labels_of(ino(&pod)).unwrap();
        assert_eq!(pod_labels.container, None);
        assert_eq!(pod_labels.pod_uid.as_deref(), Some("5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d"));
        assert_eq!(tree.labels_of(ino(&root)), Some(&CgroupLabels::default()));
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// On the live cgroup2 hierarchy (as root, where one is mounted): a Docker-shaped
    /// cgroup made by the test is found by its id, with its labels.
    #[test]
    fn live_cgroup2_tree() {
        struct Remove(Vec<PathBuf>);
        impl Drop for Remove {
            fn drop(&mut self) {
                for dir in self.0.iter().rev() {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let Some(mount) = cgroup2_mount(&mountinfo) else { return };
        let top = mount.join(format!("fastnetstat-test-{}", std::process::id()));
        if std::fs::create_dir(&top).is_err() {
            return; // not root, or a read-only hierarchy
        }
        let id = "3f4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
        let docker = top.join("docker");
        let scope = docker.join(id);
        let _cleanup = Remove(vec![top.clone(), docker.clone(), scope.clone()]);
        std::fs::create_dir(&docker).unwrap();
        std::fs::create_dir(&scope).unwrap();

        let tree = CgroupTree::walk(&mount);
        assert_eq!(tree.path_of(1), Some("/"), "the root cgroup's id is 1");
        let name = top.file_name().unwrap().to_str().unwrap();
        let want = format!("/{name}/docker/{id}");
        assert_eq!(tree.path_of(ino(&scope)), Some(want.as_str()));
        let container = tree.labels_of(ino(&scope)).and_then(|l| l.container.clone()).unwrap();
        assert_eq!((container.runtime, container.id.as_str()), (super::super::Runtime::Docker, id));
    }

    #[test]
    fn walk_of_nothing() {
        let tree = CgroupTree::walk(Path::new("/nonexistent/fastnetstat/cgroup"));
        assert!(tree.is_empty());
        assert_eq!(tree.path_of(1), None);
        let root = scratch("file");
        let file = root.join("plain");
        std::fs::write(&file, "x").unwrap();
        assert!(CgroupTree::walk(&file).is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
