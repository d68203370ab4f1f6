//! The netlink source gives the rows the /proc source gives, on real sockets
//! this test opens (live timers aside: they tick between the two reads).

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use fastnetstat_core::netlink::{inet, unix, DiagSocket};
use fastnetstat_core::{inet as proc_inet, unix as proc_unix, InetSocket, InetTable, ProcRoot, UnixSocket};

/// The tests here compare whole tables read twice, so they must not run beside
/// each other's sockets: each holds this lock.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A TCP listener on 127.0.0.1, its port, and a client connected to it.
fn listener_and_client() -> (TcpListener, u16, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    (listener, port, client)
}

/// The rows without what only one source has: the timers' exact values, and
/// listeners' backlogs (netlink only).
fn without_timers(mut rows: Vec<InetSocket>) -> Vec<InetSocket> {
    for row in &mut rows {
        row.timer_ticks = 0;
        row.cgroup_id = 0; // only netlink knows it
        row.listen_backlog = None;
    }
    rows
}

fn proc_rows(table: InetTable) -> Vec<InetSocket> {
    let mut rows = Vec::new();
    proc_inet::read_table(&ProcRoot::default(), table, &mut rows).unwrap();
    rows
}

/// An `on_row` that keeps every row.
fn collect(rows: &mut Vec<InetSocket>) -> impl FnMut(InetSocket) -> bool + '_ {
    |row| {
        rows.push(row);
        true
    }
}

fn netlink_rows(table: InetTable, states: u32) -> Vec<InetSocket> {
    let mut socket = DiagSocket::open().unwrap();
    let mut rows = Vec::new();
    inet::dump_table(
        &mut socket,
        table,
        &inet::DumpFilter { states, counters: true, local_port: None, ..Default::default() },
        collect(&mut rows),
    )
    .unwrap();
    rows
}

#[test]
fn tcp_and_udp_rows_match_proc() {
    let _serial = one_at_a_time();
    let (listener, port, client) = listener_and_client();
    let (_server, _) = listener.accept().unwrap();
    let _pending = TcpStream::connect(("127.0.0.1", port)).unwrap(); // stays in the accept queue
    let listener6 = TcpListener::bind("[::1]:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.connect(client.local_addr().unwrap()).unwrap();
    let _udp6 = UdpSocket::bind("[::1]:0").unwrap();

    for table in [InetTable::Tcp, InetTable::Tcp6, InetTable::Udp, InetTable::Udp6] {
        let from_proc = without_timers(proc_rows(table));
        let from_netlink = without_timers(netlink_rows(table, inet::ALL_STATES));
        assert_eq!(from_netlink, from_proc, "{table:?}");
    }
    let listening = netlink_rows(InetTable::Tcp, inet::LISTEN_ONLY);
    let ours = listening.iter().find(|r| r.local_port == port).expect("our listener");
    assert_eq!((ours.state, ours.rx_queue, ours.tx_queue), (10, 1, 0));
    assert!(
        matches!(ours.listen_backlog, Some(b) if b > 0),
        "a listener's backlog: {:?}",
        ours.listen_backlog
    );
    assert!(proc_rows(InetTable::Tcp).iter().all(|r| r.listen_backlog.is_none()), "/proc has no backlog");
    assert!(listening.iter().all(|r| r.state == 10));
    assert!(netlink_rows(InetTable::Tcp6, inet::LISTEN_ONLY)
        .iter()
        .any(|r| r.local_port == listener6.local_addr().unwrap().port()));
}

fn unix_proc() -> Vec<UnixSocket> {
    let mut rows = Vec::new();
    proc_unix::read_table(&ProcRoot::default(), &mut rows).unwrap();
    rows
}

fn unix_netlink() -> Vec<UnixSocket> {
    let mut socket = DiagSocket::open().unwrap();
    let mut rows = Vec::new();
    unix::dump_table(&mut socket, &mut rows).unwrap();
    rows
}

#[test]
fn unix_rows_match_proc() {
    let _serial = one_at_a_time();
    let dir = std::env::temp_dir().join(format!("fns-netlink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let listener = UnixListener::bind(dir.join("listen sock")).unwrap();
    let _client = UnixStream::connect(dir.join("listen sock")).unwrap();
    let _accepted = listener.accept().unwrap();
    let pending = UnixStream::connect(dir.join("listen sock")).unwrap();
    let mut socket = DiagSocket::open().unwrap();
    let refused = unix::dump_table(&mut socket, &mut Vec::new()).unwrap_err();
    assert!(matches!(refused, fastnetstat_core::Error::UnixPendingConnections), "{refused}");
    let _accepted_later = listener.accept().unwrap();
    drop(pending);
    let _pair = UnixStream::pair().unwrap();
    let server = UnixDatagram::bind(dir.join("dgram")).unwrap();
    let clients: Vec<UnixDatagram> = (0..3)
        .map(|_| {
            let c = UnixDatagram::unbound().unwrap();
            c.connect(dir.join("dgram")).unwrap();
            c
        })
        .collect();
    let _ = (&server, &clients);

    let from_proc = unix_proc();
    let from_netlink = unix_netlink();
    std::fs::remove_dir_all(&dir).ok();
    // Our own sockets must match exactly; others on the machine may change between reads.
    let ours: Vec<u64> = from_proc
        .iter()
        .filter(|r| r.path.as_deref().is_some_and(|p| p.starts_with(dir.to_string_lossy().as_bytes())))
        .map(|r| r.inode)
        .filter(|&inode| inode != 0)
        .collect();
    assert!(ours.len() >= 2);
    let pick = |rows: &[UnixSocket], inode: u64| rows.iter().find(|r| r.inode == inode).cloned();
    for inode in ours {
        assert_eq!(pick(&from_netlink, inode), pick(&from_proc, inode), "inode {inode}");
    }
    let proc_inodes: Vec<u64> = from_proc.iter().map(|r| r.inode).collect();
    let netlink_inodes: Vec<u64> = from_netlink.iter().map(|r| r.inode).collect();
    let mismatched: Vec<_> =
        from_proc.iter().filter(|p| from_netlink.iter().any(|n| n.inode == p.inode && n != *p)).collect();
    assert!(
        mismatched.is_empty(),
        "rows differ: {mismatched:#?}\nnetlink: {:#?}",
        from_netlink.iter().filter(|n| mismatched.iter().any(|m| m.inode == n.inode)).collect::<Vec<_>>()
    );
    assert_eq!(netlink_inodes, proc_inodes, "same sockets in the same order");
}

#[test]
fn port_filter_runs_in_the_kernel_and_matches_proc() {
    let _serial = one_at_a_time();
    use fastnetstat_core::{list_sockets, SocketQuery, Source};
    let (_listener, port, _client) = listener_and_client();
    let _other = TcpListener::bind("127.0.0.1:0").unwrap();

    let mut socket = DiagSocket::open().unwrap();
    let mut rows = Vec::new();
    let filter = inet::DumpFilter {
        states: inet::ALL_STATES,
        counters: false,
        local_port: Some(port),
        ..Default::default()
    };
    inet::dump_table(&mut socket, InetTable::Tcp, &filter, collect(&mut rows)).unwrap();
    // the listener and the server end of the (not yet accepted) connection
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.local_port == port));

    let query = |source| SocketQuery {
        inet_tables: vec![InetTable::Tcp, InetTable::Tcp6],
        owners: true,
        source,
        local_port: Some(port),
        ..Default::default()
    };
    let from_netlink = list_sockets(&query(Source::Netlink));
    let from_proc = list_sockets(&query(Source::Proc));
    assert_eq!(without_timers(from_netlink.inet.clone()), without_timers(from_proc.inet.clone()));
    let listening = from_netlink.inet.iter().find(|r| r.state == 10).unwrap();
    assert_eq!(from_netlink.owners[&listening.inode].pid, std::process::id());
    assert_eq!(from_proc.owners[&listening.inode].pid, std::process::id());
}

#[test]
fn a_dump_the_kernel_cannot_do_is_an_error_not_an_empty_table() {
    let _serial = one_at_a_time();
    // Raw sockets need root; without raw_diag the kernel ends the dump with -ENOENT.
    // SAFETY: plain socket(2); closed below.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP) };
    if raw < 0 {
        return; // not root: nothing to list
    }
    let mut socket = DiagSocket::open().unwrap();
    let mut rows = Vec::new();
    let filter = inet::DumpFilter {
        states: inet::ALL_STATES,
        counters: false,
        local_port: None,
        ..Default::default()
    };
    match inet::dump_table(&mut socket, InetTable::Raw, &filter, collect(&mut rows)) {
        Ok(()) => {
            // a kernel with raw_diag: the rows must then be /proc's
            assert_eq!(without_timers(rows), without_timers(proc_rows(InetTable::Raw)));
        }
        Err(error) => assert_eq!(error.raw_os_error(), Some(libc::ENOENT)),
    }
    // SAFETY: our own descriptor.
    unsafe { libc::close(raw) };
}

#[test]
fn one_dump_of_both_families_gives_each_family_its_own_rows_in_order() {
    let _serial = one_at_a_time();
    let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
    let _c4 = TcpStream::connect(v4.local_addr().unwrap()).unwrap();
    let v6 = TcpListener::bind("[::1]:0").unwrap();
    let _c6 = TcpStream::connect(v6.local_addr().unwrap()).unwrap();
    let mapped = TcpListener::bind("[::]:0").unwrap();
    let _cm = TcpStream::connect(("127.0.0.1", mapped.local_addr().unwrap().port())).unwrap();
    let ports: Vec<u16> = [&v4, &v6, &mapped].iter().map(|l| l.local_addr().unwrap().port()).collect();
    // Only this test's sockets: others on the machine may come and go between two reads.
    let ours = |rows: Vec<InetSocket>| -> Vec<InetSocket> {
        without_timers(rows)
            .into_iter()
            .filter(|r| ports.contains(&r.local_port) || ports.contains(&r.remote_port))
            .collect()
    };

    let mut socket = DiagSocket::open().unwrap();
    let (mut tcp, mut tcp6) = (Vec::new(), Vec::new());
    let filter =
        inet::DumpFilter { states: inet::ALL_STATES, counters: true, local_port: None, ..Default::default() };
    inet::dump_tcp_both(&mut socket, &filter, |row| {
        if row.table == InetTable::Tcp {
            tcp.push(row)
        } else {
            tcp6.push(row)
        }
        true
    })
    .unwrap();
    let (tcp, tcp6) = (ours(tcp), ours(tcp6));
    assert_eq!(
        tcp.len(),
        4,
        "the v4 listener, both ends of its connection, the client to the v6 wildcard: {tcp:?}"
    );
    assert_eq!(tcp6.len(), 5, "two v6 listeners, both ends on ::1, the v4-mapped server end: {tcp6:?}");
    assert_eq!(tcp, ours(proc_rows(InetTable::Tcp)));
    assert_eq!(tcp6, ours(proc_rows(InetTable::Tcp6)));
}

/// A tcp socket bound to 127.0.0.1 but neither listening nor connected, and
/// its port. Linux 6.5+ can dump such sockets (TCP_BOUND_INACTIVE); /proc,
/// netstat and ss never show them.
fn bound_inactive_socket() -> (std::os::fd::OwnedFd, u16) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket/bind/getsockname calls on a descriptor we own,
    // with addresses that live on this stack frame.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0);
        let owned = std::os::fd::OwnedFd::from_raw_fd(fd);
        let mut address: libc::sockaddr_in = std::mem::zeroed();
        address.sin_family = libc::AF_INET as libc::sa_family_t;
        address.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(libc::bind(fd, (&address as *const libc::sockaddr_in).cast(), len), 0);
        let mut bound_len = len;
        assert_eq!(libc::getsockname(fd, (&mut address as *mut libc::sockaddr_in).cast(), &mut bound_len), 0);
        (owned, u16::from_be(address.sin_port))
    }
}

#[test]
fn bound_but_idle_tcp_sockets_are_not_listed() {
    let _serial = one_at_a_time();
    let (_socket, port) = bound_inactive_socket();
    assert!(proc_rows(InetTable::Tcp).iter().all(|r| r.local_port != port), "/proc shows no such socket");
    // every state asked for, even the bits past TCP_NEW_SYN_RECV
    for states in [inet::ALL_STATES, u32::MAX] {
        let per_family = netlink_rows(InetTable::Tcp, states);
        assert!(per_family.iter().all(|r| r.local_port != port), "tcp dump with states {states:#x}");
        let mut socket = DiagSocket::open().unwrap();
        let mut both = Vec::new();
        let filter = inet::DumpFilter { states, counters: false, local_port: None, ..Default::default() };
        inet::dump_tcp_both(&mut socket, &filter, collect(&mut both)).unwrap();
        assert!(both.iter().all(|r| r.local_port != port), "tcp+tcp6 dump with states {states:#x}");
    }
}
