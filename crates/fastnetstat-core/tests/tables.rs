//! The parsers on tables captured from a real kernel (fixtures/proc/live) and
//! on hand-broken ones (fixtures/proc/malformed).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use fastnetstat_core::{
    inet, list_sockets, unix, InetSocket, InetTable, OwnerAccess, ProcRoot, SocketQuery, TableStatus,
    UnixSocket,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proc").join(name)
}

fn read_inet(dir: &str, table: InetTable) -> (Vec<InetSocket>, u32) {
    let mut rows = Vec::new();
    let bogus = inet::read_table(&ProcRoot::new(fixture(dir)), table, &mut rows).unwrap();
    (rows, bogus)
}

/// The rows of a table of the live capture: `count` of them, none bogus, every
/// one of that table.
fn live_rows(table: InetTable, count: usize) -> Vec<InetSocket> {
    let (rows, bogus) = read_inet("live", table);
    assert_eq!((rows.len(), bogus), (count, 0));
    assert!(rows.iter().all(|r| r.table == table));
    rows
}

fn read_unix(dir: &str) -> (Vec<UnixSocket>, u32) {
    let mut rows = Vec::new();
    let bogus = unix::read_table(&ProcRoot::new(fixture(dir)), &mut rows).unwrap();
    (rows, bogus)
}

fn v4(a: Ipv4Addr) -> [u8; 16] {
    let mut out = [0; 16];
    out[..4].copy_from_slice(&a.octets());
    out
}

fn v6(a: &str) -> [u8; 16] {
    a.parse::<Ipv6Addr>().unwrap().octets()
}

const LOCALHOST: Ipv4Addr = Ipv4Addr::LOCALHOST;

#[test]
fn live_tcp() {
    let rows = live_rows(InetTable::Tcp, 8);
    // 0.0.0.0:2024 LISTEN, a service of this machine.
    assert_eq!(
        (rows[0].local_addr, rows[0].local_port, rows[0].state, rows[0].inode),
        ([0; 16], 2024, 0x0A, 1061)
    );
    // 127.0.0.1:47001 LISTEN with one connection waiting in the accept queue.
    let listen = &rows[1];
    assert_eq!(listen.local_addr, v4(LOCALHOST));
    assert_eq!(listen.local_port, 47001);
    assert_eq!((listen.remote_addr, listen.remote_port), ([0; 16], 0));
    assert_eq!(listen.state, 0x0A);
    assert_eq!((listen.rx_queue, listen.tx_queue), (1, 0));
    assert_eq!(listen.inode, 10739);
    // The queued connection has no socket inode yet.
    assert_eq!((rows[3].remote_port, rows[3].state, rows[3].inode), (47830, 1, 0));
    // TIME_WAIT: state 6, timer 3 (timewait) with ticks left, inode 0, short line.
    let tw = &rows[5];
    assert_eq!((tw.local_port, tw.remote_port, tw.state), (47818, 47001, 6));
    assert_eq!((tw.timer_active, tw.timer_ticks, tw.inode, tw.uid), (3, 0x1765, 0, 0));
    // An established client with 10 unread bytes.
    let est = &rows[7];
    assert_eq!((est.local_addr, est.local_port), (v4(LOCALHOST), 56794));
    assert_eq!((est.remote_addr, est.remote_port), (v4(LOCALHOST), 47003));
    assert_eq!((est.state, est.rx_queue, est.tx_queue, est.inode), (1, 10, 0, 10749));
    assert_eq!((est.retransmits, est.timeout), (0, 0));
}

#[test]
fn live_tcp6() {
    let rows = live_rows(InetTable::Tcp6, 5);
    assert_eq!(
        (rows[0].local_addr, rows[0].local_port, rows[0].state, rows[0].inode),
        (v6("::1"), 47002, 0x0A, 10745)
    );
    assert_eq!((rows[1].local_addr, rows[1].local_port, rows[1].inode), (v6("::"), 47003, 10748));
    assert_eq!((rows[2].remote_addr, rows[2].remote_port), (v6("::1"), 38736));
    // A v4-mapped connection accepted by the dual-stack listener.
    let mapped = &rows[3];
    assert_eq!((mapped.local_addr, mapped.local_port), (v6("::ffff:127.0.0.1"), 47003));
    assert_eq!((mapped.remote_addr, mapped.remote_port), (v6("::ffff:127.0.0.1"), 56794));
    assert_eq!((mapped.state, mapped.inode), (1, 10750));
}

#[test]
fn live_udp_udplite_raw() {
    let udp = live_rows(InetTable::Udp, 2);
    assert_eq!((udp[0].local_port, udp[0].remote_port, udp[0].state, udp[0].inode), (40894, 47004, 1, 10752));
    assert_eq!((udp[1].local_addr, udp[1].local_port, udp[1].state), (v4(LOCALHOST), 47004, 7));
    assert_eq!((udp[1].rx_queue, udp[1].inode), (0x340, 10751));
    let (udp6, _) = read_inet("live", InetTable::Udp6);
    assert_eq!((udp6[1].local_addr, udp6[1].local_port, udp6[1].inode), (v6("::1"), 47005, 10753));
    assert_eq!((udp6[0].remote_addr, udp6[0].remote_port), (v6("::1"), 47005));
    let (lite, _) = read_inet("live", InetTable::UdpLite);
    assert_eq!(
        (lite.len(), lite[0].local_port, lite[0].inode, lite[0].table),
        (1, 47006, 10755, InetTable::UdpLite)
    );
    let (lite6, _) = read_inet("live", InetTable::UdpLite6);
    assert_eq!(
        (lite6.len(), lite6[0].local_addr, lite6[0].local_port, lite6[0].inode),
        (1, v6("::1"), 47007, 10756)
    );
    let (raw, _) = read_inet("live", InetTable::Raw);
    // A raw socket's "port" is its protocol: 1 = ICMP; unconnected state 7.
    assert_eq!((raw.len(), raw[0].local_port, raw[0].state, raw[0].inode), (1, 1, 7, 10757));
    let (raw6, _) = read_inet("live", InetTable::Raw6);
    assert_eq!((raw6.len(), raw6[0].local_port, raw6[0].inode), (1, 58, 10758));
}

#[test]
fn live_unix() {
    let (rows, bogus) = read_unix("live");
    assert_eq!((rows.len(), bogus), (12, 0));
    let by_inode = |inode: u64| rows.iter().find(|r| r.inode == inode).unwrap();
    let spaced = by_inode(10764);
    assert_eq!(spaced.path.as_deref(), Some(&b"/tmp/fns-fixture/with space.sock"[..]));
    assert_eq!((spaced.flags, spaced.sock_type, spaced.state, spaced.refcount), (0x10000, 1, 1, 2));
    assert_eq!(by_inode(10765).path.as_deref(), Some(&b"@fastnetstat-abstract"[..]));
    assert_eq!(by_inode(10766).path.as_deref(), Some(&b"@fns@nul"[..]));
    assert_eq!(by_inode(10766).sock_type, 2);
    assert_eq!((by_inode(10763).sock_type, by_inode(10763).flags), (5, 0x10000));
    // Unbound, connected: no path; the inode is right-aligned in its column.
    let unbound = by_inode(1058);
    assert_eq!((unbound.path.as_deref(), unbound.state, unbound.refcount), (None, 3, 3));
    assert_eq!(rows[0].path.as_deref(), Some(&b"/tmp/fns-fixture/stream.sock"[..]));
    assert_eq!(rows[0].inode, 10761);
}

// ---- netstat's own output for the same moment -------------------------------

fn addr(table: InetTable, bytes: &[u8; 16], port: u16) -> String {
    let host = if table.is_ipv6() {
        let a = Ipv6Addr::from(*bytes);
        match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => a.to_string(),
        }
    } else {
        Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()
    };
    let port = if port == 0 { "*".to_string() } else { port.to_string() };
    format!("{host}:{port}")
}

const TCP_STATES: [&str; 12] = [
    "",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
];

/// The `netstat -anWe` line of one row (numeric, wide, -e), built from our
/// parse: if a field were decoded wrongly, the line would differ.
fn netstat_line(r: &InetSocket) -> String {
    let proto = ["tcp", "tcp6", "udp", "udp6", "udpl", "udpl6", "raw", "raw6"][r.table as usize];
    let state = match r.table {
        InetTable::Tcp | InetTable::Tcp6 => TCP_STATES[r.state as usize].to_string(),
        InetTable::Raw | InetTable::Raw6 => r.state.to_string(),
        _ => match r.state {
            1 => "ESTABLISHED".into(),
            7 => String::new(),
            _ => "UNKNOWN".into(),
        },
    };
    let local = addr(r.table, &r.local_addr, r.local_port);
    let remote = addr(r.table, &r.remote_addr, r.remote_port);
    format!(
        "{proto:<5} {:>6} {:>6} {local:<23} {remote:<23} {state:<11} {:<10} {:<10}",
        r.rx_queue, r.tx_queue, r.uid, r.inode
    )
}

fn unix_line(r: &UnixSocket) -> String {
    let flags = if r.flags & 0x10000 != 0 { "[ ACC ]" } else { "[ ]" };
    let ty = match r.sock_type {
        1 => "STREAM",
        2 => "DGRAM",
        3 => "RAW",
        4 => "RDM",
        5 => "SEQPACKET",
        _ => "UNKNOWN",
    };
    let state = match r.state {
        0 => "FREE",
        1 if r.flags & 0x10000 != 0 => "LISTENING",
        1 => "",
        2 => "CONNECTING",
        3 => "CONNECTED",
        4 => "DISCONNECTING",
        _ => "UNKNOWN",
    };
    // netstat reads the path with %s: it stops at the first blank (we do not).
    let path = r.path.as_deref().unwrap_or_default();
    let path = path.split(|&b| b == b' ').next().unwrap_or_default();
    format!(
        "unix  {:<6} {flags:<11} {ty:<10} {state:<13} {:<8} {}",
        r.refcount,
        r.inode,
        String::from_utf8_lossy(path)
    )
}

#[test]
fn live_matches_what_netstat_printed() {
    let expected = std::fs::read_to_string(fixture("live/netstat-anWe.txt")).unwrap();
    let mut ours = vec![
        "Active Internet connections (servers and established)".to_string(),
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode     "
            .to_string(),
    ];
    for table in InetTable::ALL {
        let (rows, _) = read_inet("live", table);
        ours.extend(rows.iter().map(netstat_line));
    }
    ours.push("Active UNIX domain sockets (servers and established)".into());
    ours.push("Proto RefCnt Flags       Type       State         I-Node   Path".into());
    ours.extend(read_unix("live").0.iter().map(unix_line));
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(ours.len(), expected.len());
    for (ours, theirs) in ours.iter().zip(expected) {
        assert_eq!(ours, theirs);
    }
}

// ---- broken tables ----------------------------------------------------------

#[test]
fn malformed_tcp() {
    let (rows, bogus) = read_inet("malformed", InetTable::Tcp);
    assert_eq!((rows.len(), bogus), (4, 9));
    assert_eq!((rows[0].local_port, rows[0].inode), (47001, 10739));
    // Stops after the uid: timeout and inode default to 0.
    assert_eq!((rows[1].uid, rows[1].timeout, rows[1].inode), (1000, 0, 0));
    // Numbers too big for their C variable, as glibc stores them: the port
    // (%X, 0xFFFFF) keeps 16 bits, the queue (%lX, 40 bits) saturates at 32
    // (a documented deviation), the timer (%lX) is ULONG_MAX, uid and timeout
    // (%d) are strtol's low 32 bits, the inode (%lu) ULONG_MAX.
    let big = &rows[2];
    assert_eq!((big.local_port, big.tx_queue, big.timer_ticks), (u16::MAX, u32::MAX, u64::MAX));
    assert_eq!((big.uid, big.timeout, big.inode), (0, -99_999_999_999i64 as i32, u64::MAX));
    // A long last line without a newline.
    assert_eq!((rows[3].local_port, rows[3].inode), (8080, 4242));
}

#[test]
fn malformed_others() {
    let (rows, bogus) = read_inet("malformed", InetTable::Udp);
    assert_eq!((rows.len(), bogus), (2, 2));
    assert_eq!((rows[0].rx_queue, rows[0].inode, rows[1].inode), (0x340, 0, 777));
    let (rows, bogus) = read_inet("malformed", InetTable::Tcp6);
    assert_eq!((rows.len(), bogus), (2, 1));
    // 24 hex digits: three words read, the fourth left 0.
    assert_eq!(rows[1].local_addr, v6("::ffff:0:0"));
    assert_eq!((rows[1].local_port, rows[1].inode), (80, 5));
    assert_eq!(read_inet("malformed", InetTable::Raw), (vec![], 0));
    assert_eq!(read_inet("malformed", InetTable::Raw6), (vec![], 0));
    let (rows, bogus) = read_unix("malformed");
    assert_eq!((rows.len(), bogus), (5, 5));
    assert_eq!(rows[0].path.as_deref(), Some(&b"/tmp/with space.sock"[..]));
    assert_eq!((rows[1].inode, rows[1].path.as_deref()), (0, None));
    assert_eq!(rows[2].refcount, u32::MAX);
    assert_eq!(rows[2].path.as_ref().map(Vec::len), Some(4001));
    assert_eq!(rows[4].path.as_deref(), Some(&b"@last"[..]));
}

/// fixtures/cli/numbers: signs, 0x prefixes and values past their C type in
/// every numeric column (netstat's output for it is recorded in
/// fixtures/cli/expected/numbers.json; these are the values behind it).
#[test]
fn glibc_numbers() {
    let root = ProcRoot::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cli/numbers"));
    let mut tcp = Vec::new();
    assert_eq!(inet::read_table(&root, InetTable::Tcp, &mut tcp).unwrap(), 5);
    let fields = |r: &InetSocket| {
        (
            r.local_port,
            r.remote_port,
            r.state,
            r.tx_queue,
            r.rx_queue,
            r.timer_active,
            r.timer_ticks,
            r.retransmits,
            r.uid as i32,
            r.timeout,
            r.inode,
        )
    };
    let got: Vec<_> = tcp.iter().map(fields).collect();
    #[rustfmt::skip]
    assert_eq!(got, vec![
        (8080, 80, 1, 16, 32, 1, 200, 3, 1000, 0, 42),
        (65535, 1, 0, 0, 0, 2, u64::MAX, 0, -1, i32::MAX, 0),
        (22, 80, 10, u32::MAX, 1, 1, u64::MAX, 0, 0, i32::MIN, 12345678901),
        (22, 50000, 11, 0, 0, 2, 100, 0, i32::MIN, -1, 0),
        (22, 50001, 1, 0, 0, 4, 15, 0, -1, 0, 7004),
        (23, 50002, 1, 0, 0, 0, 0, 0, 0, 1, 7005),
        (0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7011),
    ]);
    // the 9-digit remote address 10500000A: %X keeps 0500000A
    assert_eq!(tcp[2].remote_addr, v4(Ipv4Addr::new(10, 0, 0, 5)));
    let mut tcp6 = Vec::new();
    assert_eq!(inet::read_table(&root, InetTable::Tcp6, &mut tcp6).unwrap(), 1);
    let got: Vec<_> = tcp6.iter().map(fields).collect();
    assert_eq!(
        got,
        vec![(22, 0, 10, 0, 0, 0, 0, 0, 0, -1, 7101), (65535, 443, 1, 5, 7, 0, 0, 1, i32::MAX, 5, 7102)]
    );
    let mut udp = Vec::new();
    assert_eq!(inet::read_table(&root, InetTable::Udp, &mut udp).unwrap(), 1);
    let got: Vec<_> = udp
        .iter()
        .map(|r| (r.local_port, r.state, r.rx_queue, r.timer_active, r.retransmits, r.uid as i32))
        .collect();
    assert_eq!(
        got,
        vec![
            (65535, 255, 256, 1, u32::MAX, -1),
            (123, 7, 0, 2, 0, 0),
            (50000, 1, 0, 3, 0, 1000),
            (50001, 255, 0, 0, 0, 0)
        ]
    );
    let mut rows = Vec::new();
    assert_eq!(unix::read_table(&root, &mut rows).unwrap(), 4);
    let got: Vec<_> =
        rows.iter().map(|r| (r.refcount, r.protocol, r.flags, r.sock_type, r.state, r.inode)).collect();
    #[rustfmt::skip]
    assert_eq!(got, vec![
        (2, 0, 0x10000, 1, 1, 8001),
        (3, 0, 0x10000, 1, 3, 0),
        (2, u32::MAX, u32::MAX, u16::MAX, u8::MAX, 8003),
        (1, 0, 0, u16::MAX, u8::MAX, 0),
        (2, 0, 0x30000, 5, 1, 8005),
    ]);
}

#[test]
fn missing_table_keeps_not_found() {
    let mut rows = Vec::new();
    let err = inet::read_table(&ProcRoot::new(fixture("malformed")), InetTable::Udp6, &mut rows).unwrap_err();
    assert_eq!(err.code(), "ENOENT");
}

#[test]
fn snapshot_reports_each_table() {
    let snap = list_sockets(&SocketQuery {
        root: ProcRoot::new(fixture("malformed")),
        inet_tables: InetTable::ALL.to_vec(),
        unix: true,
        owners: true,
        ..Default::default()
    });
    let status: Vec<(TableStatus, u32)> =
        snap.inet_reports.iter().map(|r| (r.status, r.bogus_lines)).collect();
    use TableStatus::{Missing, Read};
    assert_eq!(
        status,
        vec![(Read, 9), (Read, 1), (Read, 2), (Missing, 0), (Read, 0), (Missing, 0), (Read, 0), (Read, 0)]
    );
    assert_eq!((snap.unix_report.status, snap.unix_report.bogus_lines), (Read, 5));
    assert_eq!(snap.inet.len(), 4 + 2 + 2 + 1);
    assert_eq!(snap.unix.len(), 5);
    // No process directories under this root: nothing owned, nothing denied.
    assert_eq!(snap.owner_access, OwnerAccess::Complete);
    assert!(snap.owners.is_empty());

    // A root whose net/tcp is a directory: EISDIR, reported, not fatal.
    let dir = std::env::temp_dir().join(format!("fns-eisdir-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("net/tcp")).unwrap();
    let snap = list_sockets(&SocketQuery {
        root: ProcRoot::new(&dir),
        inet_tables: vec![InetTable::Tcp, InetTable::Udp],
        unix: false,
        owners: false,
        ..Default::default()
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(snap.inet_reports[0].status, TableStatus::Failed(libc::EISDIR));
    assert_eq!(snap.inet_reports[2].status, Missing);
    assert_eq!(snap.owner_access, OwnerAccess::NotRequested);
}

/// Random bytes and mutated kernel lines: never a panic, and every line is
/// either a row or bogus.
#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let base = std::fs::read(fixture("live/net/tcp6")).unwrap();
    let unix_base = std::fs::read(fixture("live/net/unix")).unwrap();
    let alphabet = b"0123456789ABCDEFabcdefxX:-+ \t\n\0\xff@/";
    for round in 0..3000 {
        let mut text = if round % 2 == 0 { base.clone() } else { unix_base.clone() };
        let edits = 1 + next() % 20;
        for _ in 0..edits {
            if text.is_empty() {
                break;
            }
            let at = (next() % text.len() as u64) as usize;
            match next() % 4 {
                0 => text[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                1 => {
                    text.remove(at);
                }
                2 => text.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                _ => text.truncate(at),
            }
        }
        if round % 7 == 0 {
            text = (0..(next() % 2000)).map(|_| next() as u8).collect();
        }
        let lines = text.iter().filter(|&&b| b == b'\n').count();
        for table in InetTable::ALL {
            let mut rows = Vec::new();
            let bogus = inet::parse_table(table, &text, &mut rows);
            let body_lines = body_line_count(&text, lines);
            assert_eq!(rows.len() + bogus as usize, body_lines);
        }
        let mut rows = Vec::new();
        let bogus = unix::parse_table(&text, &mut rows);
        assert_eq!(rows.len() + bogus as usize, body_line_count(&text, lines));
    }
}

/// Lines after the header, counting a final line without a newline.
fn body_line_count(text: &[u8], newlines: usize) -> usize {
    if newlines == 0 {
        return 0;
    }
    let trailing = if text.last() == Some(&b'\n') { 0 } else { 1 };
    newlines - 1 + trailing
}
