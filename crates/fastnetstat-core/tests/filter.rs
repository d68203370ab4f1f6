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

use fastnetstat_core::filter::{bytecode, Filter, ParseOptions};
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

/// The sockets of the zoo `ss -Htuna <words>` lists (None: no ss here).
fn ss_selection(zoo: &Zoo, words: &[&str]) -> Option<BTreeSet<(&'static str, u16, u16)>> {
    let mut out = BTreeSet::new();
    for (flag, proto) in [("-Htna", "tcp"), ("-Huna", "udp")] {
        let output = Command::new("ss").arg(flag).args(words).output().ok()?;
        assert!(output.status.success(), "ss {flag} {words:?}: {}", String::from_utf8_lossy(&output.stderr));
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
    Some(out)
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

/// Expressions only netlink can answer (the /proc tables carry no interface or cgroup).
const NETLINK_ONLY: &[&str] = &["dev lo", "dev != lo", "not dev 1 and sport >= :1", "dev 0 or sport = :{L4}"];

/// `state` clauses are ss's words before the expression: split them off as ss's argv.
fn words_of(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

fn check(zoo: &Zoo, text: &str, with_proc: bool, options: &ParseOptions) {
    let words = words_of(text);
    let filter = Arc::new(Filter::parse_with(&words, options).unwrap_or_else(|e| panic!("{text}: {e}")));
    // every program the kernel gets, it takes
    if let Some(code) = filter.bytecode() {
        assert_eq!(bytecode::audit(code, true), Ok(()), "{text}");
        for table in TABLES {
            let mut socket = DiagSocket::open().unwrap();
            let dump = inet::DumpFilter { states: inet::ALL_STATES, counters: false, local_port: None };
            inet::dump_table_with(&mut socket, table, &dump, Some(code), |_| true)
                .unwrap_or_else(|e| panic!("{text}: the kernel refused the program: {e}"));
        }
    }
    let with_bytecode = zoo.own(&rows_of(Source::Netlink, Some(&filter), &TABLES));
    let unfiltered = rows_of(Source::Netlink, None, &TABLES);
    let evaluated: Vec<InetSocket> = unfiltered.into_iter().filter(|r| filter.matches_inet(r)).collect();
    let evaluated = zoo.own(&evaluated);
    assert_eq!(with_bytecode, evaluated, "{text}: netlink+bytecode vs netlink+evaluator");
    if with_proc {
        let from_proc = zoo.own(&rows_of(Source::Proc, Some(&filter), &TABLES));
        assert_eq!(with_bytecode, from_proc, "{text}: netlink vs /proc");
    }
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    if let Some(from_ss) = ss_selection(zoo, &refs) {
        let ours: BTreeSet<(&str, u16, u16)> = with_bytecode.iter().map(|k| (k.0, k.1, k.2)).collect();
        assert_eq!(ours, from_ss, "{text}: fastnetstat vs ss");
    }
}

#[test]
fn every_source_and_ss_select_the_same_sockets() {
    let zoo = zoo();
    let options = ParseOptions::default();
    // the zoo is what the cases talk about
    let all = zoo.own(&rows_of(Source::Netlink, None, &TABLES));
    for state in [1u8, 6, 7, 8, 10] {
        assert!(all.iter().any(|k| k.3 == state), "no socket in state {state}: {all:?}");
    }
    let mut selected_some = 0;
    for text in EXPRESSIONS {
        let text = zoo.expand(text);
        check(&zoo, &text, true, &options);
        let filter = Arc::new(Filter::parse_with(&words_of(&text), &options).unwrap());
        selected_some += usize::from(!zoo.own(&rows_of(Source::Netlink, Some(&filter), &TABLES)).is_empty());
    }
    // the cases are not all empty selections
    assert!(selected_some > EXPRESSIONS.len() * 3 / 4, "{selected_some} of {}", EXPRESSIONS.len());
    for text in NETLINK_ONLY {
        check(&zoo, &zoo.expand(text), false, &options);
    }
}
