//! The walk over /proc/*/fd that maps socket inodes to processes.
//!
//! What netstat -p does (net-tools 2.10 `prg_cache_load`), and we keep:
//! - only the numeric entries of /proc (thread-group leaders; threads share
//!   their leader's fd table anyway);
//! - an fd whose link reads `socket:[N]` (or the old `[0000]:N`) names socket N;
//! - the program name is `argv[0]` from the first 511 bytes of
//!   /proc/PID/cmdline, reduced to what follows its last '/' when it starts
//!   with '/'; a socket whose process's cmdline cannot be read is skipped;
//! - the first pid in ascending order wins an inode (netstat sees pids in
//!   readdir order, which procfs gives in ascending order);
//! - EACCES on /proc/PID/fd is remembered: some owners are then unknown.
//!
//! `links` reads what an fd link and a cmdline say; `proc_dir` lists and
//! opens /proc entries without allocating.
//!
//! How it is made fast: one `getdents64` buffer per thread, `readlinkat(dirfd, "N")` into a stack
//! buffer (no allocation per fd), and the pids spread over threads; a process
//! with many fds is cut into chunks so that one big process does not leave the
//! other threads idle. The result does not depend on how the work was split.

mod links;
mod proc_dir;

use std::collections::{HashMap, HashSet};
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

pub use links::{program_name_of, socket_inode};
use proc_dir::{decimal_cstr, errno, for_each_entry, open_at, open_dir, parse_decimal_u32, PathBuf32};

use crate::model::{Owner, OwnerAccess};
use crate::proc_root::ProcRoot;

#[derive(Debug, Default)]
pub struct OwnerScan {
    pub owners: HashMap<u64, Owner>,
    pub access: OwnerAccess,
}

/// A process with more fds than this is set aside in the first phase and
/// walked in the second, where the big ones are shared out.
const CHUNK: usize = 2048;
/// Bytes per getdents64 call.
const DENTS_BUF: usize = 32 * 1024;
/// netstat reads `sizeof(cmdlbuf) - 1` = 511 bytes of cmdline.
const CMDLINE_MAX: usize = 511;

/// Walks `<root>/[0-9]*/fd`. When `wanted` is given, stops as soon as every
/// wanted inode has been found, and returns owners of wanted inodes only (the
/// answer for those is the same as a full walk's). `access` is Denied when the
/// root cannot be opened, or when some fd directory gave EACCES and no
/// (wanted) socket could be identified; Partial when EACCES happened but some
/// were identified.
pub fn scan(root: &ProcRoot, wanted: Option<&HashSet<u64>>) -> OwnerScan {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    scan_with_threads(root, wanted, threads)
}

fn scan_with_threads(root: &ProcRoot, wanted: Option<&HashSet<u64>>, threads: usize) -> OwnerScan {
    let threads = threads.max(1);
    if wanted.is_some_and(|w| w.is_empty()) {
        return OwnerScan { owners: HashMap::new(), access: OwnerAccess::Complete };
    }
    let Ok(root_path) = CString::new(root.path().as_os_str().as_bytes()) else {
        return OwnerScan { owners: HashMap::new(), access: OwnerAccess::Denied };
    };
    // SAFETY: AT_FDCWD is not a descriptor but a marker openat understands;
    // it is never closed.
    let cwd = unsafe { BorrowedFd::borrow_raw(libc::AT_FDCWD) };
    let Ok(root_dir) = open_dir(cwd, &root_path) else {
        return OwnerScan { owners: HashMap::new(), access: OwnerAccess::Denied };
    };
    let mut dents = vec![0u8; DENTS_BUF];
    let mut pids = Vec::new();
    // Even if the listing fails part-way, walk what it returned.
    let _ = for_each_entry(root_dir.as_fd(), &mut dents, |name| {
        if let Some(pid) = parse_decimal_u32(name) {
            pids.push(pid);
        }
    });
    pids.sort_unstable();
    pids.dedup();

    let walk = Walk {
        root: root_dir.as_fd(),
        wanted,
        eacces: AtomicBool::new(false),
        identified: AtomicBool::new(false),
        stop_above: AtomicU32::new(u32::MAX),
        found: Mutex::new(Found::default()),
        big: Mutex::new(Vec::new()),
    };

    // Phase 1: whole processes, claimed in ascending pid order. Processes with
    // more than CHUNK fds are set aside with their fd list.
    let next = AtomicUsize::new(0);
    let mut locals = run_workers(threads.min(pids.len()), Some(dents), |local| loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&pid) = pids.get(i) else { break };
        if pid > walk.stop_above.load(Ordering::Relaxed) {
            break;
        }
        walk.whole_process(pid, threads > 1, local);
    });

    // Phase 2: the big processes. Two threads reading one process's fds
    // contend in the kernel for that process, so each thread takes whole
    // processes, largest first; a process is shared out only when there are
    // fewer big processes than threads.
    let mut big = std::mem::take(&mut *lock(&walk.big));
    if !big.is_empty() {
        big.sort_unstable_by_key(|(_, fds)| std::cmp::Reverse(fds.len()));
        let parts = if big.len() >= threads { 1 } else { threads.div_ceil(big.len()) };
        let pieces: Vec<(usize, usize, usize)> = big
            .iter()
            .enumerate()
            .flat_map(|(b, (_, fds))| {
                let step = fds.len().div_ceil(parts).max(1);
                (0..fds.len()).step_by(step).map(move |start| (b, start, (start + step).min(fds.len())))
            })
            .collect();
        let next = AtomicUsize::new(0);
        locals.extend(run_workers(threads.min(pieces.len()), None, |local| loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(b, start, end)) = pieces.get(i) else { break };
            let (pid, fds) = &big[b];
            if *pid > walk.stop_above.load(Ordering::Relaxed) {
                continue;
            }
            if let Some(dir) = walk.open_fd_dir(*pid) {
                walk.links(*pid, dir.as_fd(), &fds[start..end], local);
            }
        }));
        big.clear();
    }

    // Merge: the lowest pid wins each inode.
    let mut winner: FxHashMap<u64, u32> = FxHashMap::default();
    let mut names: FxHashMap<u32, Vec<u8>> = FxHashMap::default();
    for local in locals {
        for (inode, pid) in local.inodes {
            keep_lowest(&mut winner, inode, pid);
        }
        for (pid, name) in local.names {
            names.entry(pid).or_insert(name);
        }
    }
    let mut owners = HashMap::with_capacity(winner.len());
    for (inode, pid) in winner {
        // Every recorded (inode, pid) had its name read first.
        let name = names.get(&pid).cloned().unwrap_or_default();
        owners.insert(inode, Owner { pid, name });
    }
    let access = match (walk.eacces.load(Ordering::Relaxed), walk.identified.load(Ordering::Relaxed)) {
        (false, _) => OwnerAccess::Complete,
        (true, true) => OwnerAccess::Partial,
        (true, false) => OwnerAccess::Denied,
    };
    OwnerScan { owners, access }
}

/// Runs `work` on `n` threads (the calling thread being one of them), each
/// with its own scratch state, and returns those states.
fn run_workers<F>(n: usize, first_dents: Option<Vec<u8>>, work: F) -> Vec<Local>
where
    F: Fn(&mut Local) + Sync,
{
    if n == 0 {
        return Vec::new();
    }
    let new_local = |dents: Option<Vec<u8>>| Local {
        dents: dents.unwrap_or_else(|| vec![0u8; DENTS_BUF]),
        ..Local::default()
    };
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = (1..n)
            .map(|_| {
                scope.spawn(move || {
                    let mut local = new_local(None);
                    work(&mut local);
                    local
                })
            })
            .collect();
        let mut mine = new_local(first_dents);
        work(&mut mine);
        let mut all = vec![mine];
        // A worker that panicked (it should not) only loses its own part.
        all.extend(handles.into_iter().filter_map(|h| h.join().ok()));
        all
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What [`keep_lowest`] did.
#[derive(PartialEq, Eq)]
enum Lowest {
    /// The inode had no pid yet.
    New,
    /// A lower pid replaced the one it had.
    Lowered,
    /// It already had a pid as low.
    Kept,
}

/// Records `pid` as the owner of `inode` unless a lower pid has it: the
/// lowest pid wins an inode (netstat sees pids in ascending order).
fn keep_lowest(pids: &mut FxHashMap<u64, u32>, inode: u64, pid: u32) -> Lowest {
    match pids.get_mut(&inode) {
        Some(p) if *p <= pid => Lowest::Kept,
        Some(p) => {
            *p = pid;
            Lowest::Lowered
        }
        None => {
            pids.insert(inode, pid);
            Lowest::New
        }
    }
}

/// Per-thread state: results and reusable buffers.
#[derive(Default)]
struct Local {
    /// inode -> lowest pid seen by this thread.
    inodes: FxHashMap<u64, u32>,
    /// pid -> program name, for every pid in `inodes`.
    names: FxHashMap<u32, Vec<u8>>,
    dents: Vec<u8>,
    fds: Vec<u32>,
}

/// Wanted inodes found so far (only used when `wanted` is given).
#[derive(Default)]
struct Found {
    pids: FxHashMap<u64, u32>,
    /// The largest pid that first found a wanted inode: an upper bound of the
    /// pids that can still matter once all are found.
    max_pid: u32,
}

struct Walk<'a> {
    root: BorrowedFd<'a>,
    wanted: Option<&'a HashSet<u64>>,
    eacces: AtomicBool,
    identified: AtomicBool,
    /// Pids above this can no longer change the result (u32::MAX: all matter).
    stop_above: AtomicU32,
    found: Mutex<Found>,
    big: Mutex<Vec<(u32, Vec<u32>)>>,
}

impl Walk<'_> {
    fn open_fd_dir(&self, pid: u32) -> Option<OwnedFd> {
        let mut path = PathBuf32::new(pid, b"/fd");
        match open_dir(self.root, path.as_cstr()) {
            Ok(fd) => Some(fd),
            Err(errno) => {
                if errno == libc::EACCES {
                    self.eacces.store(true, Ordering::Relaxed);
                }
                // ENOENT / ESRCH: the process is gone; ENOTDIR: not a process.
                None
            }
        }
    }

    fn whole_process(&self, pid: u32, may_split: bool, local: &mut Local) {
        let Some(dir) = self.open_fd_dir(pid) else { return };
        let mut fds = std::mem::take(&mut local.fds);
        fds.clear();
        let _ = for_each_entry(dir.as_fd(), &mut local.dents, |name| {
            if let Some(fd) = parse_decimal_u32(name) {
                fds.push(fd);
            }
        });
        if may_split && fds.len() > CHUNK {
            lock(&self.big).push((pid, fds.clone()));
        } else {
            self.links(pid, dir.as_fd(), &fds, local);
        }
        local.fds = fds;
    }

    /// readlinkat each fd of one process, recording the sockets.
    fn links(&self, pid: u32, dir: BorrowedFd<'_>, fds: &[u32], local: &mut Local) {
        let mut have_name = local.names.contains_key(&pid);
        let mut link = [0u8; 64];
        for &fd in fds {
            if self.wanted.is_some() && pid > self.stop_above.load(Ordering::Relaxed) {
                return;
            }
            let mut name = [0u8; 12];
            let name = decimal_cstr(fd, &mut name);
            // SAFETY: `name` is NUL-terminated; `link` is a writable buffer of
            // the length given.
            let n = unsafe {
                libc::readlinkat(dir.as_raw_fd(), name.as_ptr().cast(), link.as_mut_ptr().cast(), link.len())
            };
            if n <= 0 || n as usize >= link.len() {
                continue;
            }
            let Some(inode) = socket_inode(&link[..n as usize]) else { continue };
            if let Some(wanted) = self.wanted {
                if !wanted.contains(&inode) {
                    continue;
                }
            }
            if !have_name {
                // As netstat: no cmdline, no owner (it retries on the next socket).
                let Some(prog) = self.program_name(pid) else { continue };
                local.names.insert(pid, prog);
                have_name = true;
            }
            self.identified.store(true, Ordering::Relaxed);
            if keep_lowest(&mut local.inodes, inode, pid) != Lowest::Kept {
                if let Some(wanted) = self.wanted {
                    self.note_found(wanted, inode, pid);
                }
            }
        }
    }

    fn note_found(&self, wanted: &HashSet<u64>, inode: u64, pid: u32) {
        let mut found = lock(&self.found);
        let found = &mut *found;
        if keep_lowest(&mut found.pids, inode, pid) == Lowest::New {
            found.max_pid = found.max_pid.max(pid);
        }
        if found.pids.len() >= wanted.len() {
            self.stop_above.fetch_min(found.max_pid, Ordering::Relaxed);
        }
    }

    /// netstat's name: `argv[0]` (up to its NUL) from the first 511 bytes of
    /// cmdline; if it starts with '/', what follows its last '/'.
    fn program_name(&self, pid: u32) -> Option<Vec<u8>> {
        let mut path = PathBuf32::new(pid, b"/cmdline");
        let fd = open_at(self.root, path.as_cstr(), libc::O_RDONLY | libc::O_CLOEXEC).ok()?;
        let mut buf = [0u8; CMDLINE_MAX];
        let n = loop {
            // SAFETY: `buf` is writable for its whole length.
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 && errno() == libc::EINTR {
                continue;
            }
            break n;
        };
        if n < 0 {
            return None;
        }
        Some(program_name_of(&buf[..n as usize]).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway fake /proc, removed on drop.
    struct TempTree(std::path::PathBuf);

    impl TempTree {
        fn new(tag: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let dir = std::env::temp_dir().join(format!("fns-{tag}-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempTree(dir)
        }

        fn process(&self, pid: u32, cmdline: &[u8], links: impl IntoIterator<Item = (u32, String)>) {
            let fd_dir = self.0.join(pid.to_string()).join("fd");
            std::fs::create_dir_all(&fd_dir).unwrap();
            std::fs::write(self.0.join(pid.to_string()).join("cmdline"), cmdline).unwrap();
            for (fd, target) in links {
                std::os::unix::fs::symlink(target, fd_dir.join(fd.to_string())).unwrap();
            }
        }
    }

    impl Drop for TempTree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A process with more fds than one chunk is split across threads; the
    /// lowest pid must still win, whatever the split and the thread count.
    #[test]
    fn big_processes_are_split_and_lowest_pid_wins() {
        let tree = TempTree::new("split");
        let n = (CHUNK * 2 + 100) as u32;
        // pid 10: sockets 1..=n on fds 0..n; pid 5 holds n (in pid 10's last chunk);
        // pid 20 holds 1..=50 (also in pid 10's first chunk); pid 30 holds 1..=n too.
        tree.process(10, b"/bin/big\0", (0..n).map(|fd| (fd, format!("socket:[{}]", fd + 1))));
        tree.process(5, b"small\0", [(3, format!("socket:[{n}]"))]);
        tree.process(20, b"/x/twenty\0", (1..=50).map(|i| (i + 2, format!("socket:[{i}]"))));
        tree.process(30, b"thirty\0", (0..n).map(|fd| (fd, format!("socket:[{}]", fd + 1))));
        tree.process(40, b"forty\0", [(0, format!("socket:[{}]", n + 1))]);
        let root = ProcRoot::new(&tree.0);
        for threads in [1, 2, 3, 8] {
            let scan = scan_with_threads(&root, None, threads);
            assert_eq!(scan.access, OwnerAccess::Complete);
            assert_eq!(scan.owners.len(), n as usize + 1, "threads={threads}");
            for inode in 1..n {
                let owner = &scan.owners[&(inode as u64)];
                assert_eq!((owner.pid, owner.name.as_slice()), (10, &b"big"[..]), "inode {inode}");
            }
            assert_eq!(scan.owners[&(n as u64)].pid, 5);
            assert_eq!(scan.owners[&(n as u64)].name, b"small");
            assert_eq!(scan.owners[&(n as u64 + 1)].pid, 40);

            // Early stop with `wanted`: the answer is the same as a full walk.
            let wanted: HashSet<u64> = [1, 3000, n as u64, n as u64 + 1].into_iter().collect();
            let scan = scan_with_threads(&root, Some(&wanted), threads);
            let mut got: Vec<(u64, u32)> = scan.owners.iter().map(|(i, o)| (*i, o.pid)).collect();
            got.sort_unstable();
            assert_eq!(
                got,
                vec![(1, 10), (3000, 10), (n as u64, 5), (n as u64 + 1, 40)],
                "threads={threads}"
            );
        }
    }
}
