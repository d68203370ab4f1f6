//! The fd walk: on the fake tree in fixtures/proc/owners-tree, with access
//! denied (as an unprivileged user), and on the live /proc.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv6Addr, TcpListener, UdpSocket};
use std::os::unix::net::UnixListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use fastnetstat_core::owners::{self, OwnerScan};
use fastnetstat_core::{list_sockets, InetTable, OwnerAccess, ProcRoot, SocketQuery, TableStatus};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proc").join(name)
}

fn table(scan: &OwnerScan) -> HashMap<u64, (u32, String)> {
    scan.owners
        .iter()
        .map(|(inode, o)| (*inode, (o.pid, String::from_utf8_lossy(&o.name).into_owned())))
        .collect()
}

fn owner(pid: u32, name: &str) -> (u32, String) {
    (pid, name.to_string())
}

#[test]
fn fake_tree() {
    let scan = owners::scan(&ProcRoot::new(fixture("owners-tree")), None);
    assert_eq!(scan.access, OwnerAccess::Complete);
    let expected: HashMap<u64, (u32, String)> = [
        // "/usr/sbin/sshd\0-D": basename of an absolute argv[0]; 100 < 200 wins 12345.
        (12345, owner(100, "sshd")),
        (222, owner(100, "sshd")),
        // The old "[0000]:N" link form.
        (333, owner(100, "sshd")),
        // 200 < 1000 numerically (not as text); a relative argv[0] stays whole.
        (444, owner(200, "python3")),
        (555, owner(200, "python3")),
        // An empty cmdline gives an empty name, not a skipped socket.
        (666, owner(300, "")),
        // pid 50 has no cmdline: its socket is skipped and 500 gets it; "/opt/app/" -> "".
        (777, owner(500, "")),
        (1001, owner(1000, "late")),
    ]
    .into_iter()
    .collect();
    // Not there: pipe:[999], socket:[12x], and socket:[888] under the non-numeric "sys".
    assert_eq!(table(&scan), expected);
}

#[test]
fn fake_tree_wanted() {
    let root = ProcRoot::new(fixture("owners-tree"));
    let wanted: HashSet<u64> = [444, 777, 424242].into_iter().collect();
    let scan = owners::scan(&root, Some(&wanted));
    assert_eq!(table(&scan), [(444, owner(200, "python3")), (777, owner(500, ""))].into_iter().collect());
    let wanted: HashSet<u64> = [12345].into_iter().collect();
    assert_eq!(
        table(&owners::scan(&root, Some(&wanted))),
        [(12345, owner(100, "sshd"))].into_iter().collect()
    );
    assert!(owners::scan(&root, Some(&HashSet::new())).owners.is_empty());
}

#[test]
fn unopenable_root_is_denied() {
    let scan = owners::scan(&ProcRoot::new(fixture("does-not-exist")), None);
    assert_eq!(scan.access, OwnerAccess::Denied);
    assert!(scan.owners.is_empty());
}

// ---- EACCES -----------------------------------------------------------------

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two fake trees: in "partial" pid 10's fd dir is closed to others but pid 20's
/// is open; in "denied" only the closed one exists.
fn access_trees() -> TempDir {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let base = std::env::temp_dir().join(format!("fns-access-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    for (tree, pids) in [("partial", &[10u32, 20][..]), ("denied", &[10][..])] {
        for &pid in pids {
            let dir = base.join(tree).join(pid.to_string());
            std::fs::create_dir_all(dir.join("fd")).unwrap();
            std::fs::write(dir.join("cmdline"), format!("/bin/p{pid}\0")).unwrap();
            symlink(format!("socket:[{}]", pid * 100), dir.join("fd/3")).unwrap();
            let mode = if pid == 10 { 0o700 } else { 0o755 };
            std::fs::set_permissions(dir.join("fd"), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    for p in [&base, &base.join("partial"), &base.join("denied")] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    TempDir(base)
}

fn check_access(base: &Path) {
    let scan = owners::scan(&ProcRoot::new(base.join("partial")), None);
    assert_eq!(scan.access, OwnerAccess::Partial);
    assert_eq!(table(&scan), [(2000, owner(20, "p20"))].into_iter().collect());
    let scan = owners::scan(&ProcRoot::new(base.join("denied")), None);
    assert_eq!(scan.access, OwnerAccess::Denied);
    assert!(scan.owners.is_empty());
}

/// Root reads every directory, so as root the check runs in a child process
/// (this test binary again) as the unprivileged user 65534.
#[test]
fn eacces_gives_partial_or_denied() {
    let trees = access_trees();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        // As the owner: a mode 0700 dir is still readable, so close it entirely.
        use std::os::unix::fs::PermissionsExt;
        for tree in ["partial", "denied"] {
            let fd = trees.0.join(tree).join("10/fd");
            std::fs::set_permissions(&fd, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        check_access(&trees.0);
        return;
    }
    // A copy of this binary where user 65534 can run it (the build directory
    // may sit under a private home directory).
    use std::os::unix::fs::PermissionsExt;
    let exe = trees.0.join("test-binary");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = match std::process::Command::new(&exe)
        .args(["--exact", "access_as_unprivileged_child", "--ignored", "--test-threads=1"])
        .env("FNS_ACCESS_TREES", &trees.0)
        .current_dir("/")
        .uid(65534)
        .gid(65534)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            // Only where root cannot switch users (a restricted namespace).
            eprintln!("skipped: cannot run a child as uid 65534: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run by `eacces_gives_partial_or_denied` as an unprivileged user.
#[test]
#[ignore = "run by eacces_gives_partial_or_denied in a child process"]
fn access_as_unprivileged_child() {
    let Some(base) = std::env::var_os("FNS_ACCESS_TREES") else {
        eprintln!("only meaningful when started by eacces_gives_partial_or_denied");
        return;
    };
    assert_ne!(unsafe { libc::geteuid() }, 0);
    check_access(Path::new(&base));
}

// ---- the live /proc ---------------------------------------------------------

/// What netstat would call this program.
fn my_program_name() -> Vec<u8> {
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
    let argv0 = cmdline.split(|&b| b == 0).next().unwrap().to_vec();
    if argv0.first() == Some(&b'/') {
        argv0.rsplit(|&b| b == b'/').next().unwrap().to_vec()
    } else {
        argv0
    }
}

#[test]
fn live_sockets_and_owners() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp_port = tcp.local_addr().unwrap().port();
    let udp6 = UdpSocket::bind("[::1]:0").unwrap();
    let udp6_port = udp6.local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("fns-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir = TempDir(dir);
    let unix_path = dir.0.join("live socket with spaces.sock");
    let _unix = UnixListener::bind(&unix_path).unwrap();

    let snap = list_sockets(&SocketQuery {
        root: ProcRoot::default(),
        inet_tables: InetTable::ALL.to_vec(),
        unix: true,
        owners: true,
        ..Default::default()
    });
    assert_eq!(snap.inet_reports[InetTable::Tcp as usize].status, TableStatus::Read);
    let me = std::process::id();
    let name = my_program_name();

    let row = snap
        .inet
        .iter()
        .find(|r| r.table == InetTable::Tcp && r.local_port == tcp_port && r.state == 0x0A)
        .expect("our listener in /proc/net/tcp");
    assert_eq!(&row.local_addr[..4], &[127, 0, 0, 1]);
    assert_eq!((row.remote_port, row.rx_queue), (0, 0));
    // SAFETY: getuid has no preconditions.
    assert_eq!(row.uid, unsafe { libc::getuid() });
    assert_ne!(row.inode, 0);
    let owner = &snap.owners[&row.inode];
    assert_eq!(owner.pid, me);
    assert_eq!(owner.name, name);

    let row = snap
        .inet
        .iter()
        .find(|r| r.table == InetTable::Udp6 && r.local_port == udp6_port)
        .expect("our udp6 socket in /proc/net/udp6");
    assert_eq!(row.local_addr, Ipv6Addr::LOCALHOST.octets());
    assert_eq!(row.state, 7);
    assert_eq!(snap.owners[&row.inode].pid, me);

    let path = unix_path.as_os_str().as_encoded_bytes();
    let row =
        snap.unix.iter().find(|r| r.path.as_deref() == Some(path)).expect("our unix socket, path kept whole");
    assert_eq!((row.sock_type, row.flags), (1, 0x10000));
    assert_eq!(snap.owners[&row.inode].pid, me);

    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(snap.owner_access, OwnerAccess::Complete);
    } else {
        assert_ne!(snap.owner_access, OwnerAccess::Denied);
    }

    // Asking for just this inode finds the same owner.
    let wanted: HashSet<u64> = [row.inode].into_iter().collect();
    let scan = owners::scan(&ProcRoot::default(), Some(&wanted));
    assert_eq!(scan.owners.len(), 1);
    assert_eq!(scan.owners[&row.inode].pid, me);
}
