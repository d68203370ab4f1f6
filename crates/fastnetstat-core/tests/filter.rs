//! Filter expressions on real sockets this test opens on loopback: the netlink
//! source with the bytecode in the dump, the netlink source without it plus the
//! userspace evaluator, and the /proc source all select the same sockets, and
//! the kernel accepts every program; where `ss` is installed, it selects them
//! too (the oracle). Only this test's sockets are compared (other processes'
//! sockets come and go meanwhile): tcp rows with one of its listeners' ports at
//! either end, udp rows on one of its udp ports.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fastnetstat_core::filter::{bytecode, AddressFamily, Filter, ParseOptions};
use fastnetstat_core::netlink::{inet, DiagSocket};
use fastnetstat_core::{list_sockets, InetSocket, InetTable, SocketQuery, Source};

/// A row as the comparison sees it: protocol, ports and state.
type Key = (&'static str, u16, u16, u8);

struct Zoo {
    /// Ports of the tcp listeners: L4 127.0.0.1, L6 [::1], LD [::] (dual stack), LW 0.0.0.0.
    tcp_ports: [u16; 4],
    udp_ports: Vec<u16>,
    /// Every socket (and connection end) that must stay open while the test runs.
    _held: Vec<Box<dyn std::any::Any>>,
}

fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().unwrap().port()
}

/// Polls the netlink tcp tables until `pred` holds for some row (connection ends
/// change state a moment after the calls that cause it).
fn wait_for(what: &str, pred: impl Fn(&InetSocket) -> bool) {
    let start = Instant::now();
    loop {
        let rows = rows_of(Source::Netlink, None, &[InetTable::Tcp, InetTable::Tcp6]);
        if rows.iter().any(&pred) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "never saw {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn zoo() -> Zoo {
    let mut held: Vec<Box<dyn std::any::Any>> = Vec::new();
    let l4 = TcpListener::bind("127.0.0.1:0").unwrap();
    let l6 = TcpListener::bind("[::1]:0").unwrap();
    let ld = TcpListener::bind("[::]:0").unwrap();
    let lw = TcpListener::bind("0.0.0.0:0").unwrap();
    let ports = [port_of(&l4), port_of(&l6), port_of(&ld), port_of(&lw)];
    let c4 = TcpStream::connect(("127.0.0.1", ports[0])).unwrap();
    let s4 = l4.accept().unwrap().0;
    let c6 = TcpStream::connect(("::1", ports[1])).unwrap();
    let s6 = l6.accept().unwrap().0;
    let mapped = TcpStream::connect(format!("[::ffff:127.0.0.1]:{}", ports[2])).unwrap();
    let smapped = ld.accept().unwrap().0;
    // FIN_WAIT2 / CLOSE_WAIT: the client stops writing, the server keeps its end
    let half = TcpStream::connect(("127.0.0.1", ports[3])).unwrap();
    let shalf = lw.accept().unwrap().0;
    half.shutdown(Shutdown::Write).unwrap();
    let half_port = half.local_addr().unwrap().port();
    // TIME_WAIT: the client closes first, then the server
    let tw = TcpStream::connect(("127.0.0.1", ports[3])).unwrap();
    let tw_port = tw.local_addr().unwrap().port();
    let mut stw = lw.accept().unwrap().0;
    drop(tw);
    let mut buf = [0u8; 1];
    assert_eq!(stw.read(&mut buf).unwrap(), 0);
    stw.write_all(b"").unwrap();
    drop(stw);
    wait_for("the TIME_WAIT", |r| r.local_port == tw_port && r.state == 6);
    wait_for("the CLOSE_WAIT", |r| r.remote_port == half_port && r.state == 8);
    // a connection the listener has not accepted
    let pending = TcpStream::connect(("127.0.0.1", ports[0])).unwrap();

    let u4 = UdpSocket::bind("127.0.0.1:0").unwrap();
    let u4c = UdpSocket::bind("127.0.0.1:0").unwrap();
    u4c.connect(u4.local_addr().unwrap()).unwrap();
    let u6 = UdpSocket::bind("[::1]:0").unwrap();
    let udp_ports = vec![
        u4.local_addr().unwrap().port(),
        u4c.local_addr().unwrap().port(),
        u6.local_addr().unwrap().port(),
    ];
    // bound to a device (needs CAP_NET_RAW; skipped without it)
    let dev = UdpSocket::bind("127.0.0.1:0").unwrap();
    let lo = b"lo\0";
    // SAFETY: setsockopt with a NUL-terminated name and its length.
    let bound = unsafe {
        libc::setsockopt(dev.as_raw_fd(), libc::SOL_SOCKET, libc::SO_BINDTODEVICE, lo.as_ptr().cast(), 3)
    } == 0;
    let mut udp_ports = udp_ports;
    if bound {
        udp_ports.push(dev.local_addr().unwrap().port());
    }
    held.extend([
        Box::new(l4) as Box<dyn std::any::Any>,
        Box::new(l6),
        Box::new(ld),
        Box::new(lw),
        Box::new(c4),
        Box::new(s4),
        Box::new(c6),
        Box::new(s6),
        Box::new(mapped),
        Box::new(smapped),
        Box::new(half),
        Box::new(shalf),
        Box::new(pending),
        Box::new(u4),
        Box::new(u4c),
        Box::new(u6),
        Box::new(dev),
    ]);
    Zoo { tcp_ports: ports, udp_ports, _held: held }
}

fn rows_of(source: Source, filter: Option<&Arc<Filter>>, tables: &[InetTable]) -> Vec<InetSocket> {
    let query = SocketQuery {
        inet_tables: tables.to_vec(),
        source,
        tcp_counters: false,
        filter: filter.cloned(),
        ..SocketQuery::default()
    };
    list_sockets(&query).inet
}

fn protocol(table: InetTable) -> &'static str {
    if table.protocol() == fastnetstat_core::Protocol::Tcp {
        "tcp"
    } else {
        "udp"
    }
}

impl Zoo {
    fn own(&self, rows: &[InetSocket]) -> BTreeSet<Key> {
        rows.iter()
            .filter(|r| match protocol(r.table) {
                "tcp" => self.tcp_ports.contains(&r.local_port) || self.tcp_ports.contains(&r.remote_port),
                _ => self.udp_ports.contains(&r.local_port),
            })
            .map(|r| (protocol(r.table), r.local_port, r.remote_port, r.state))
            .collect()
    }

    /// The expression with the zoo's ports in place of {L4} {L6} {LD} {LW} {U4}.
    fn expand(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (name, port) in ["{L4}", "{L6}", "{LD}", "{LW}"].iter().zip(self.tcp_ports) {
            out = out.replace(name, &port.to_string());
        }
        out.replace("{U4}", &self.udp_ports[0].to_string())
    }
}

const TABLES: [InetTable; 4] = [InetTable::Tcp, InetTable::Tcp6, InetTable::Udp, InetTable::Udp6];

/// Protocol, local and peer port of the rows ss lists.
type SsRows = BTreeSet<(&'static str, u16, u16)>;

/// The sockets of the zoo `ss -Htna <family> <words>` and `ss -Huna ...` list
/// (None: no ss here; Some(Err): ss refused the words).
fn ss_selection(zoo: &Zoo, family: Option<&str>, words: &[&str]) -> Option<Result<SsRows, String>> {
    let mut out = BTreeSet::new();
    for (flag, proto) in [("-Htna", "tcp"), ("-Huna", "udp")] {
        let output = Command::new("ss").arg(flag).args(family).args(words).output().ok()?;
        if !output.status.success() {
            return Some(Err(String::from_utf8_lossy(&output.stderr).into_owned()));
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = |field: &str| field.rsplit(':').next().unwrap().parse::<u16>().unwrap_or(0);
            // ss drops the State column when one state is selected: the addresses are last
            let (local, peer) = (port(fields[fields.len() - 2]), port(fields[fields.len() - 1]));
            let ours = if proto == "tcp" {
                zoo.tcp_ports.contains(&local) || zoo.tcp_ports.contains(&peer)
            } else {
                zoo.udp_ports.contains(&local)
            };
            if ours {
                out.insert((proto, local, peer));
            }
        }
    }
    Some(Ok(out))
}

/// Expressions every source must agree on (ports from the zoo).
const EXPRESSIONS: &[&str] = &[
    "sport = :{L4}",
    "sport == {L4}",
    "sport eq :{L4}",
    "src 127.0.0.1:{L4}",
    "dport = :{L4}",
    "dport != :{L4}",
    "dport neq {L4}",
    "sport >= :{L4} and sport <= :{L4}",
    "sport > :{L4}",
    "sport gt {L4}",
    "dport ge {L6}",
    "dport < :{LD}",
    "dport lt 1",
    "sport le :1024",
    "src 127.0.0.1",
    "src 127.0.0.0/8",
    "dst 127.0.0.1",
    "dst 127.0.0.1/255.0.0.0",
    "src [::1]",
    "dst [::1]:{L6}",
    "src ::1/128",
    "src [::ffff:127.0.0.1]",
    "src 0.0.0.0",
    "not src 0.0.0.0",
    "src 0.0.0.0/0",
    "src *:{LD}",
    "src *",
    "src [::]",
    "dst *",
    "dst 0.0.0.0",
    "src [::/0]",
    "autobound",
    "not autobound",
    "( sport = :{L4} or dport = :{L4} ) and not src [::1]",
    "sport = :{L4} or sport = :{L6} and dst 127.0.0.1",
    "! sport = :{L4} && ! dport = :{L4}",
    "sport = :{L4} || dport = :{LW} || sport = :{U4}",
    "not ( src 127.0.0.1 or src [::1] )",
    "state established",
    "state listening sport = :{L4}",
    "exclude established",
    "state time-wait",
    "state fin-wait-2 state close-wait",
    "state close-wait",
    "state connected",
    "state synchronized",
    "state bucket",
    "state big",
    "state all dport = :{LW}",
    "state syn-recv",
    "state closed",
    "src localhost",
    "dst localhost:{L4}",
    "src inet:127.0.0.1",
    "src inet6:[::1]",
    "dst inet:0.0.0.0/0",
    "sport = :{U4} or dst [::1]",
];

/// Odd words: each is refused by both ss and us, or taken by both alike.
const ODD: &[&str] = &[
    "sport = :{L4} )",
    "( sport = :{L4}",
    "src",
    "src >= 127.0.0.1",
    "dst 1.2.3.4/33",
    "dport = :nosuchservice",
    "state bogus",
    "and",
    "sport = :{L4} or",
    "src ::1",
    "src [::1",
    "src 1.2.3.256",
    "dev no-such-device",
    "cgroup /nonexistent-fastnetstat",
    "src default/8",
    "not",
    "( )",
    "sport = :{L4} sport",
    "dport = {L4})",
    "!sport = :{L4}",
    "src 127",
    "dst 0x7f.0.0.1",
    "sport = +{L4}",
    "sport = :-1",
    "sport >= :70000",
    "dport <= :-1",
    "src localhost:{L4}",
    "dst *:*",
    "src [::1]:*",
    "src *:",
    "dport = :{L4} dport = :{L6}",
    "src 127.0.0.1/0xff.0.0.0",
    "state established exclude established",
    "exclude all",
    "state ESTABLISHED",
    "src 127.0.0.1 || ! ( dst [::1] && sport < :1 )",
];

/// Expressions only netlink can answer (the /proc tables carry no interface or cgroup).
const NETLINK_ONLY: &[&str] = &[
    "dev lo",
    "dev != lo",
    "not dev 1 and sport >= :1",
    "dev 0 or sport = :{L4}",
    // ss leaves these to userspace (no bytecode for dev): `src 0.0.0.0` then
    // matches [::] and ::1 too, and `autobound` is the ephemeral range
    "dev 0 and src 0.0.0.0",
    "not ( dev 0 and src 0.0.0.0 )",
    "dev 0 and ( src [::1] or dst 127.0.0.1 ) and autobound",
    "not ( dev 1 or not src 127.0.0.0/8 ) and sport gt :0",
    "dev lo or sport > :70000 or dport < :-1",
];

/// `state` clauses are ss's words before the expression: split them off as ss's argv.
fn words_of(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

/// How a listing is asked for: ss's family option, the parse options it means,
/// and the tables it lists.
struct Listing {
    ss_family: Option<&'static str>,
    options: ParseOptions,
    tables: &'static [InetTable],
}

const BOTH: Listing = Listing { ss_family: None, options: DEFAULT_OPTIONS, tables: &TABLES };
const DEFAULT_OPTIONS: ParseOptions = ParseOptions { family: AddressFamily::Unspec, tcp: true, udp: true };

fn check(zoo: &Zoo, text: &str, with_proc: bool, listing: &Listing) {
    let words = words_of(text);
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let parsed = Filter::parse_with(&words, &listing.options);
    let from_ss = ss_selection(zoo, listing.ss_family, &refs);
    let filter = match parsed {
        Ok(filter) => Arc::new(filter),
        Err(error) => {
            // a malformed expression is one for ss too
            if let Some(from_ss) = from_ss {
                assert!(
                    from_ss.is_err(),
                    "{text} ({:?}): we refuse it ({error}), ss takes it",
                    listing.ss_family
                );
            }
            return;
        }
    };
    // an address with a family lists that family, whatever -4/-6 said (ss resets its families)
    let tables = match filter.family() {
        Some(AddressFamily::Inet) => &[InetTable::Tcp, InetTable::Udp][..],
        Some(AddressFamily::Inet6) => &[InetTable::Tcp6, InetTable::Udp6][..],
        _ => listing.tables,
    };
    // every program the kernel gets, it takes
    if let Some(code) = filter.bytecode() {
        assert_eq!(bytecode::audit(code, true), Ok(()), "{text}");
        for &table in tables {
            let mut socket = DiagSocket::open().unwrap();
            let dump = inet::DumpFilter {
                states: inet::ALL_STATES,
                counters: false,
                local_port: None,
                ..Default::default()
            };
            inet::dump_table_with(&mut socket, table, &dump, Some(code), |_| true)
                .unwrap_or_else(|e| panic!("{text}: the kernel refused the program: {e}"));
        }
    }
    let with_bytecode = zoo.own(&rows_of(Source::Netlink, Some(&filter), tables));
    let unfiltered = rows_of(Source::Netlink, None, tables);
    let evaluated: Vec<InetSocket> = unfiltered.into_iter().filter(|r| filter.matches_inet(r)).collect();
    let evaluated = zoo.own(&evaluated);
    assert_eq!(with_bytecode, evaluated, "{text}: netlink+bytecode vs netlink+evaluator");
    if with_proc {
        let from_proc = zoo.own(&rows_of(Source::Proc, Some(&filter), tables));
        assert_eq!(with_bytecode, from_proc, "{text}: netlink vs /proc");
    }
    if let Some(from_ss) = from_ss {
        let from_ss = from_ss.unwrap_or_else(|e| panic!("{text}: ss refuses it: {e}"));
        let ours: BTreeSet<(&str, u16, u16)> = with_bytecode.iter().map(|k| (k.0, k.1, k.2)).collect();
        assert_eq!(ours, from_ss, "{text} ({:?}): fastnetstat vs ss", listing.ss_family);
    }
}

#[test]
fn every_source_and_ss_select_the_same_sockets() {
    let zoo = zoo();
    // the zoo is what the cases talk about
    let all = zoo.own(&rows_of(Source::Netlink, None, &TABLES));
    for state in [1u8, 6, 7, 8, 10] {
        assert!(all.iter().any(|k| k.3 == state), "no socket in state {state}: {all:?}");
    }
    let mut selected_some = 0;
    for text in EXPRESSIONS {
        let text = zoo.expand(text);
        check(&zoo, &text, true, &BOTH);
        let filter = Arc::new(Filter::parse_with(&words_of(&text), &DEFAULT_OPTIONS).unwrap());
        selected_some += usize::from(!zoo.own(&rows_of(Source::Netlink, Some(&filter), &TABLES)).is_empty());
    }
    // the cases are not all empty selections
    assert!(selected_some > EXPRESSIONS.len() * 3 / 4, "{selected_some} of {}", EXPRESSIONS.len());
    for text in NETLINK_ONLY {
        check(&zoo, &zoo.expand(text), false, &BOTH);
    }
    for text in ODD {
        check(&zoo, &zoo.expand(text), true, &BOTH);
    }
    // -4 and -6: an address is read in that family (and narrows the listing to it)
    let v4 = Listing {
        ss_family: Some("-4"),
        options: ParseOptions { family: AddressFamily::Inet, ..DEFAULT_OPTIONS },
        tables: &[InetTable::Tcp, InetTable::Udp],
    };
    let v6 = Listing {
        ss_family: Some("-6"),
        options: ParseOptions { family: AddressFamily::Inet6, ..DEFAULT_OPTIONS },
        tables: &[InetTable::Tcp6, InetTable::Udp6],
    };
    for listing in [&v4, &v6] {
        for text in EXPRESSIONS {
            check(&zoo, &zoo.expand(text), true, listing);
        }
    }
}

/// A cgroup of our own (cgroup2); on drop the process goes back home and the
/// cgroup is removed (a failing test included).
struct OwnCgroup {
    dir: std::path::PathBuf,
    relative: String,
    home: std::path::PathBuf,
}

impl OwnCgroup {
    fn enter(&self) -> std::io::Result<()> {
        std::fs::write(self.dir.join("cgroup.procs"), std::process::id().to_string())
    }

    fn leave(&self) -> std::io::Result<()> {
        std::fs::write(self.home.join("cgroup.procs"), std::process::id().to_string())
    }
}

impl Drop for OwnCgroup {
    fn drop(&mut self) {
        let _ = self.leave();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

fn cgroup2_mount() -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.get(2) == Some(&"cgroup2")).then(|| f[1].to_string())
    })
}

/// Our process's cgroup2 path (the `0::` line of /proc/self/cgroup).
fn own_cgroup2_path() -> Option<String> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    text.lines().find_map(|l| l.strip_prefix("0::").map(String::from))
}

#[test]
fn cgroup_terms_select_the_sockets_made_in_that_cgroup() {
    let (Some(mount), Some(home)) = (cgroup2_mount(), own_cgroup2_path()) else { return };
    let relative = format!("fastnetstat-filter-test-{}", std::process::id());
    let dir = std::path::Path::new(&mount).join(&relative);
    if std::fs::create_dir(&dir).is_err() {
        return; // not permitted here: nothing to test
    }
    let home = std::path::Path::new(&mount).join(home.trim_start_matches('/'));
    let cgroup = OwnCgroup { dir, relative, home };
    // a socket is charged to the cgroup of the process that makes it
    if cgroup.enter().is_err() {
        return;
    }
    let inside = TcpListener::bind("127.0.0.1:0");
    cgroup.leave().unwrap();
    let inside = inside.unwrap();
    let outside = TcpListener::bind("127.0.0.1:0").unwrap();
    let ports = [port_of(&inside), port_of(&outside)];
    for (text, expected) in [
        (format!("cgroup /{}", cgroup.relative), vec![ports[0]]),
        (format!("cgroup {}", cgroup.relative), vec![ports[0]]),
        (format!("cgroup != /{}", cgroup.relative), vec![ports[1]]),
        (format!("not cgroup /{} and sport >= :1", cgroup.relative), vec![ports[1]]),
    ] {
        let filter = Arc::new(Filter::parse_text(&text).unwrap());
        assert!(filter.bytecode().is_some(), "{text}: ss compiles cgroup terms");
        let selected: Vec<u16> = rows_of(Source::Netlink, Some(&filter), &[InetTable::Tcp])
            .iter()
            .filter(|r| ports.contains(&r.local_port))
            .map(|r| r.local_port)
            .collect();
        assert_eq!(selected, expected, "{text}");
        if let Ok(output) = Command::new("ss").arg("-Htln").args(text.split_whitespace()).output() {
            let listed: Vec<u16> = String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().nth(3)?.rsplit(':').next()?.parse().ok())
                .filter(|p| ports.contains(p))
                .collect();
            assert_eq!(listed, expected, "{text}: ss");
        }
    }
    drop(inside);
}

/// Unix sockets of every kind this test opens, in a directory of its own; removed on drop.
struct UnixZoo {
    dir: std::path::PathBuf,
    inodes: BTreeSet<u64>,
    _held: Vec<Box<dyn std::any::Any>>,
}

impl Drop for UnixZoo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn inode_of(fd: &impl AsRawFd) -> u64 {
    // SAFETY: fstat into a zeroed stat of our own.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        assert_eq!(libc::fstat(fd.as_raw_fd(), &mut st), 0);
        st.st_ino
    }
}

fn unix_zoo() -> UnixZoo {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram, UnixListener, UnixStream};
    let dir = std::env::temp_dir().join(format!("fastnetstat-filter-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let listener = UnixListener::bind(dir.join("srv.sock")).unwrap();
    let client = UnixStream::connect(dir.join("srv.sock")).unwrap();
    let server = listener.accept().unwrap().0;
    let dgram = UnixDatagram::bind(dir.join("dgram.sock")).unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    sender.connect(dir.join("dgram.sock")).unwrap();
    let name = format!("fastnetstat-filter-{}", std::process::id());
    let abstract_listener =
        UnixListener::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
    let (pair_a, pair_b) = UnixStream::pair().unwrap();
    // autobind: bind with nothing but the family gives "@" and five hex digits
    let auto = UnixDatagram::unbound().unwrap();
    let family = libc::AF_UNIX as libc::sa_family_t;
    // SAFETY: bind with a sockaddr of just its family field, as autobind wants.
    let bound = unsafe {
        libc::bind(
            auto.as_raw_fd(),
            (&family as *const libc::sa_family_t).cast(),
            size_of::<libc::sa_family_t>() as u32,
        )
    };
    assert_eq!(bound, 0);
    let inodes = [
        inode_of(&listener),
        inode_of(&client),
        inode_of(&server),
        inode_of(&dgram),
        inode_of(&sender),
        inode_of(&abstract_listener),
        inode_of(&pair_a),
        inode_of(&pair_b),
        inode_of(&auto),
    ]
    .into_iter()
    .collect();
    let held: Vec<Box<dyn std::any::Any>> = vec![
        Box::new(listener),
        Box::new(client),
        Box::new(server),
        Box::new(dgram),
        Box::new(sender),
        Box::new(abstract_listener),
        Box::new(pair_a),
        Box::new(pair_b),
        Box::new(auto),
    ];
    UnixZoo { dir, inodes, _held: held }
}

#[test]
fn unix_path_patterns_select_what_ss_selects() {
    let zoo = unix_zoo();
    let dir = zoo.dir.display().to_string();
    let unix_options = ParseOptions { family: AddressFamily::Unix, ..DEFAULT_OPTIONS };
    let cases: Vec<(String, ParseOptions, &[&str])> = [
        format!("src {dir}/*"),
        "src *srv.sock".to_string(),
        "src *SRV.SOCK".to_string(),
        format!("src {dir}/[a-d]*"),
        "not src *.sock".to_string(),
        "src @fastnetstat-filter-*".to_string(),
        "autobound".to_string(),
        "not autobound".to_string(),
        "dst *".to_string(),
        "dst /x".to_string(),
        "sport = :22".to_string(),
        "sport > :5".to_string(),
        "state listening".to_string(),
        "state established".to_string(),
        "state connected".to_string(),
        "state unconnected".to_string(),
        format!("exclude listening src {dir}/*"),
        "src 0.0.0.0".to_string(),
    ]
    .into_iter()
    .map(|text| (text, unix_options, &["-x"][..]))
    .chain([
        (format!("src unix:{dir}/dgram*"), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("src *".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("src 0.0.0.0".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("sport >= :1".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        // ss compares a unix socket's peer inode as its dport
        ("dport > :1000".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("dport = :0".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("dport lt 1 or src unix:*.sock".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
        ("dst *:0".to_string(), DEFAULT_OPTIONS, &["-A", "unix"][..]),
    ])
    .collect();
    let mut selected_some = 0;
    for (text, options, ss_flags) in &cases {
        let words = words_of(text);
        let filter = Arc::new(Filter::parse_with(&words, options).unwrap_or_else(|e| panic!("{text}: {e}")));
        let listed = |source| -> BTreeSet<u64> {
            let query =
                SocketQuery { unix: true, source, filter: Some(filter.clone()), ..SocketQuery::default() };
            list_sockets(&query).unix.iter().map(|r| r.inode).filter(|i| zoo.inodes.contains(i)).collect()
        };
        let (netlink, proc) = (listed(Source::Netlink), listed(Source::Proc));
        assert_eq!(netlink, proc, "{text}: netlink vs /proc");
        selected_some += usize::from(!netlink.is_empty());
        let Ok(output) = Command::new("ss").arg("-Ha").args(*ss_flags).args(&words).output() else {
            continue;
        };
        assert!(output.status.success(), "{text}: {}", String::from_utf8_lossy(&output.stderr));
        let from_ss: BTreeSet<u64> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.get(f.len().checked_sub(3)?)?.parse().ok()
            })
            .filter(|i| zoo.inodes.contains(i))
            .collect();
        assert_eq!(netlink, from_ss, "{text}: fastnetstat vs ss {ss_flags:?}");
    }
    assert!(selected_some > cases.len() / 2, "{selected_some} of {}", cases.len());
}

#[test]
fn streams_and_namespaces_apply_the_filter() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = port_of(&listener);
    let filter = Arc::new(Filter::parse_text(&format!("sport = :{port}")).unwrap());
    let query = SocketQuery {
        inet_tables: vec![InetTable::Tcp, InetTable::Tcp6],
        filter: Some(filter),
        ..SocketQuery::default()
    };
    let mut ports = Vec::new();
    for chunk in fastnetstat_core::stream_sockets(query.clone(), 16) {
        if let fastnetstat_core::Rows::Inet(rows) = chunk.unwrap().rows {
            ports.extend(rows.iter().map(|r| r.local_port));
        }
    }
    assert_eq!(ports, [port]);
    // --all-netns and --netns go through list_sockets_in (here: our own namespace by pid)
    if let Ok(own) = fastnetstat_core::netns::resolve(&query.root, &format!("pid:{}", std::process::id())) {
        let host = fastnetstat_core::list_sockets_in(&query, &[own]);
        let ports: Vec<u16> =
            host.namespaces.iter().flat_map(|n| n.snapshot.inet.iter().map(|r| r.local_port)).collect();
        assert_eq!(ports, [port]);
    }
    drop(other);
}
