//! The parser and evaluator on rows built here: iproute2's own cases
//! (testsuite/tests/ss/ssfilter.t over ss1.dump), the grammar's corners, and
//! the error messages.

use super::*;
use crate::model::InetTable;

fn v4(a: [u8; 4]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..4].copy_from_slice(&a);
    out
}

fn v6(text: &str) -> [u8; 16] {
    text.parse::<std::net::Ipv6Addr>().unwrap().octets()
}

fn tcp(table: InetTable, local: ([u8; 16], u16), remote: ([u8; 16], u16), state: u8) -> InetSocket {
    InetSocket {
        local_addr: local.0,
        local_port: local.1,
        remote_addr: remote.0,
        remote_port: remote.1,
        state,
        ..InetSocket::empty(table)
    }
}

/// The four sockets of ssfilter.t's ss1.dump (`ss -Htna` of it, in its order).
fn ss1_dump() -> Vec<InetSocket> {
    use InetTable::Tcp;
    vec![
        tcp(Tcp, (v4([0, 0, 0, 0]), 22), (v4([0, 0, 0, 0]), 0), 10),
        tcp(Tcp, (v4([10, 0, 0, 1]), 22), (v4([10, 0, 0, 1]), 36266), 1),
        tcp(Tcp, (v4([10, 0, 0, 1]), 36266), (v4([10, 0, 0, 1]), 22), 1),
        tcp(Tcp, (v4([10, 0, 0, 1]), 22), (v4([10, 0, 0, 2]), 50312), 1),
    ]
}

/// The indexes of `rows` the words select.
fn selected(words: &[&str], rows: &[InetSocket]) -> Vec<usize> {
    let filter = Filter::parse(words).unwrap_or_else(|e| panic!("{words:?}: {e}"));
    (0..rows.len()).filter(|&i| filter.matches_inet(&rows[i])).collect()
}

fn selected_text(text: &str, rows: &[InetSocket]) -> Vec<usize> {
    let filter = Filter::parse_text(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    (0..rows.len()).filter(|&i| filter.matches_inet(&rows[i])).collect()
}

#[test]
fn iproute2_ssfilter_t_cases() {
    let rows = ss1_dump();
    let cases: &[(&[&str], &[usize])] = &[
        (&["dport", "=", "22"], &[2]),
        (&["dport", "22"], &[2]),
        (&["( dport = 22 )"], &[2]),
        (&["src", "=", "0.0.0.0"], &[0]),
        (&["src", "0.0.0.0"], &[0]),
        (&["src", "0.0.0.0", "sport", "=", "22"], &[0]),
        (&["src", "0.0.0.0", "and", "sport", "=", "22"], &[0]),
        (&["src", "10.0.0.1", "and", "sport", "=", "22", "and", "dport", "=", "50312"], &[3]),
        (&["src 10.0.0.1 and sport = 22 and ( dport = 50312 )"], &[3]),
        (&["src 10.0.0.1 and ( sport = 22 and dport = 50312 )"], &[3]),
        (&["( src 10.0.0.1 and sport = 22 ) and dport = 50312"], &[3]),
        (&["( src 0.0.0.0 or src 10.0.0.1 ) and dst 10.0.0.2"], &[3]),
    ];
    for (words, expected) in cases {
        assert_eq!(selected(words, &rows), *expected, "{words:?}");
    }
}

#[test]
fn and_or_run_left_to_right_without_precedence() {
    let rows = ss1_dump();
    // (sport 22 or dport 22) and dst 10.0.0.2, not sport 22 or (dport 22 and dst ...)
    assert_eq!(selected_text("sport = :22 or dport = :22 and dst 10.0.0.2", &rows), [3]);
    assert_eq!(selected_text("sport = :22 || dport = :22 && dst 10.0.0.2", &rows), [3]);
    assert_eq!(selected_text("dport = :22 or ( sport = :22 and dst 10.0.0.2 )", &rows), [2, 3]);
    // `not` takes one term
    assert_eq!(selected_text("not sport = :22 and src 10.0.0.1", &rows), [2]);
    assert_eq!(selected_text("! ( sport = :22 or dport = :22 )", &rows), [] as [usize; 0]);
    // juxtaposed terms are `and`
    assert_eq!(selected_text("src 10.0.0.1 dst 10.0.0.1", &rows), [1, 2]);
}

#[test]
fn every_comparison_word() {
    let rows = ss1_dump();
    let at = |text: &str| selected_text(text, &rows);
    for eq in ["=", "==", "eq", ""] {
        assert_eq!(at(&format!("sport {eq} :36266")), [2], "{eq}");
        assert_eq!(at(&format!("sport {eq} 36266")), [2], "{eq}");
    }
    for ne in ["!=", "ne", "neq"] {
        assert_eq!(at(&format!("sport {ne} :22")), [2], "{ne}");
    }
    for (op, expected) in [
        (">=", vec![0, 1, 2, 3]),
        ("ge", vec![0, 1, 2, 3]),
        ("geq", vec![0, 1, 2, 3]),
        (">", vec![2]),
        ("gt", vec![2]),
        ("<=", vec![0, 1, 3]),
        ("le", vec![0, 1, 3]),
        ("leq", vec![0, 1, 3]),
        ("<", vec![]),
        ("lt", vec![]),
    ] {
        assert_eq!(at(&format!("sport {op} :22")), expected, "sport {op}");
        assert_eq!(at(&format!("sport {op} 22")), expected, "sport {op} (no colon)");
    }
    assert_eq!(at("dport > :1000 and dport < :40000"), [1]);
    assert_eq!(at("dport gt 1000"), [1, 3]);
}

#[test]
fn addresses_prefixes_and_ports() {
    let rows = ss1_dump();
    let at = |text: &str| selected_text(text, &rows);
    assert_eq!(at("dst 10.0.0.0/24"), [1, 2, 3]);
    assert_eq!(at("dst 10.0.0.2/31"), [3]);
    assert_eq!(at("dst 10.0.0.0/255.255.255.254"), [1, 2]);
    assert_eq!(at("src 10.0.0.1:22"), [1, 3]);
    assert_eq!(at("src *:22"), [0, 1, 3]);
    assert_eq!(at("src :22"), [0, 1, 3]);
    assert_eq!(at("dst *"), [0, 1, 2, 3]);
    assert_eq!(at("src inet:10.0.0.1"), [1, 2, 3]);
    assert_eq!(at("dst 10.0.0.1:ssh"), [2]);
}

#[test]
fn ipv6_and_v4_mapped() {
    use InetTable::{Tcp, Tcp6};
    let rows = vec![
        tcp(Tcp6, (v6("::1"), 22), (v6("::1"), 40000), 1),
        tcp(Tcp6, (v6("::ffff:127.0.0.1"), 22), (v6("::ffff:127.0.0.1"), 40001), 1),
        tcp(Tcp6, (v6("2001:db8::5"), 80), (v6("::"), 0), 10),
        tcp(Tcp6, (v6("::"), 23), (v6("::"), 0), 10),
        tcp(Tcp, (v4([127, 0, 0, 1]), 24), (v4([0; 4]), 0), 10),
        tcp(Tcp, (v4([0, 0, 0, 0]), 25), (v4([0; 4]), 0), 10),
    ];
    let at = |text: &str| selected_text(text, &rows);
    assert_eq!(at("src [::1]"), [0]);
    assert_eq!(at("src [::1]:22"), [0]);
    assert_eq!(at("src ::1/128"), [0]);
    assert_eq!(at("src [2001:db8::/32]"), [2]);
    assert_eq!(at("src 2001:db8::/32"), [2]);
    // an IPv4 prefix matches v4-mapped IPv6 addresses
    assert_eq!(at("src 127.0.0.1"), [1, 4]);
    assert_eq!(at("src 127.0.0.0/8"), [1, 4]);
    // and never [::], whose first bits are 0.0.0.0 (ss's kernel half says no)
    assert_eq!(at("src 0.0.0.0"), [5]);
    // ss: the kernel half says yes, the userspace half (bits as they are) says no
    // for IPv6 addresses whose first 32 bits are 0
    assert_eq!(at("not src 0.0.0.0"), [2, 4]);
    assert_eq!(at("src inet6:[::]"), [3]);
    // an address with a family lists that family only, as ss does
    assert_eq!(at("sport >= :0 or src inet6:[::1]"), [0, 1, 2, 3]);
    assert_eq!(at("src inet:0.0.0.0/0"), [4, 5]);
    // a v6 address where -4 is asked for is an error (ss: not an inet prefix)
    let v4_only = ParseOptions { family: AddressFamily::Inet, ..ParseOptions::default() };
    assert!(Filter::parse_text_with("src [::1]", &v4_only).is_err());
}

#[test]
fn dev_state_autobound_and_cgroup() {
    use InetTable::Tcp;
    let mut rows = ss1_dump();
    rows[3].interface = 1;
    rows[2].cgroup_id = 77;
    assert_eq!(selected_text("dev lo", &rows), [3]);
    assert_eq!(selected_text("dev = 1", &rows), [3]);
    assert_eq!(selected_text("dev != lo", &rows), [0, 1, 2]);
    assert_eq!(selected_text("dev 0", &rows), [0, 1, 2]);
    let filter = Filter::parse(&["state", "listening", "state", "time-wait"]).unwrap();
    assert_eq!(filter.states(), Some(1 << 10 | 1 << 6));
    let filter = Filter::parse(&["exclude", "listening", "excl", "established"]).unwrap();
    assert_eq!(filter.states(), Some(0xfff & !(1 << 10 | 1 << 1)));
    let filter = Filter::parse(&["state", "connected", "exclude", "established"]).unwrap();
    assert_eq!(filter.states(), Some(0xfff & !(1 << 7 | 1 << 10 | 1 << 1)));
    // no state left: ss's default
    let filter = Filter::parse(&["state", "established", "exclude", "established"]).unwrap();
    assert_eq!(filter.states(), Some(SS_CONN));
    assert_eq!(selected(&["state", "listening"], &rows), [0]);
    assert_eq!(selected(&["state", "established", "sport", "=", ":22"], &rows), [1, 3]);
    assert_eq!(selected(&["exclude", "established"], &rows), [0]);
    // autobound: the local port is in the ephemeral range (userspace's guess)
    let ephemeral = tcp(Tcp, (v4([10, 0, 0, 1]), 45000), (v4([10, 0, 0, 1]), 22), 1);
    let low = tcp(Tcp, (v4([10, 0, 0, 1]), 22), (v4([10, 0, 0, 1]), 45000), 1);
    let auto = Filter::parse_text("autobound").unwrap();
    let (lo, hi) = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .map(|t| {
            let n: Vec<u16> = t.split_whitespace().map(|n| n.parse().unwrap()).collect();
            (n[0], n[1])
        })
        .unwrap();
    assert_eq!(auto.matches_inet(&ephemeral), (lo..=hi).contains(&45000));
    assert!(!auto.matches_inet(&low));
    assert!(Filter::parse_text("cgroup /nonexistent-fastnetstat-cgroup").is_err());
}

#[test]
fn unix_patterns_states_and_autobound() {
    let unix = |path: Option<&str>, state: u8, flags: u32| UnixSocket {
        refcount: 2,
        protocol: 0,
        flags,
        sock_type: 1,
        state,
        inode: 1000,
        path: path.map(|p| p.as_bytes().to_vec()),
        memory: None,
    };
    let rows = [
        unix(Some("/run/a.sock"), 1, 1 << 16),
        unix(Some("/tmp/B.sock"), 3, 0),
        unix(Some("@0001f"), 1, 0),
        unix(None, 3, 0),
    ];
    let opts = ParseOptions { family: AddressFamily::Unix, ..ParseOptions::default() };
    let at = |text: &str| {
        let f = Filter::parse_text_with(text, &opts).unwrap();
        (0..rows.len()).filter(|&i| f.matches_unix(&rows[i])).collect::<Vec<_>>()
    };
    assert_eq!(at("src /run/*"), [0]);
    assert_eq!(at("src /tmp/b.*"), [1]);
    assert_eq!(at("src *.sock"), [0, 1]);
    assert_eq!(at("not src *.sock"), [2, 3]);
    assert_eq!(at("autobound"), [2, 3]);
    // ss knows no unix peer names: `dst` matches the empty string
    assert_eq!(at("dst *"), [0, 1, 2, 3]);
    assert_eq!(at("dst /x"), [] as [usize; 0]);
    let listening = Filter::parse(&["state", "listening"]).unwrap();
    assert_eq!((0..4).filter(|&i| listening.matches_unix(&rows[i])).collect::<Vec<_>>(), [0]);
    let connected = Filter::parse(&["state", "established"]).unwrap();
    assert_eq!((0..4).filter(|&i| connected.matches_unix(&rows[i])).collect::<Vec<_>>(), [1, 3]);
    // `unix:` without -x: unix rows only, inet rows none
    let f = Filter::parse_text("src unix:/run/*").unwrap();
    assert!(f.matches_unix(&rows[0]) && !f.matches_inet(&ss1_dump()[0]));
    // an inet term on a unix row
    let f = Filter::parse_text("src 10.0.0.1").unwrap();
    assert!(!f.matches_unix(&rows[0]));
}

#[test]
fn errors_name_the_word_and_its_place() {
    let cases: &[(&[&str], &str)] = &[
        (&["sport", "=", ":22", ")"], "filter: unexpected ')' at word 4"),
        (&["( sport = :22"], "filter: '(' is never closed at word 1"),
        (&["sport = :22 or"], "filter: the expression ends too early after 'or' at word 4"),
        (&["src"], "filter: the expression ends too early after 'src' at word 1"),
        (&["src", ">=", "1.2.3.4"], "filter: unexpected '>=' at word 2"),
        (&["state", "bogus"], "filter: unknown state 'bogus' at word 2"),
        (&["state"], "filter: 'state' needs a state name at word 1"),
        (&["dst", "1.2.3.4/40"], "filter: '1.2.3.4/40' is neither an address nor a known host at word 2"),
        (&["sport", "=", ":nosuchservice"], "filter: 'nosuchservice' does not look like a port at word 3"),
        (&["dev", "no-such-dev0"], "filter: unknown device 'no-such-dev0' at word 2"),
        (&["and"], "filter: unexpected 'and' at word 1"),
        (&["sport", "=", ":22", "or"], "filter: the expression ends too early after 'or' at word 4"),
        (&["22"], "filter: unexpected '22' at word 1"),
        (&["not", "not"], "filter: the expression ends too early after 'not' at word 2"),
        (&["state", "established", "foo"], "filter: unexpected 'foo' at word 3"),
    ];
    for (words, message) in cases {
        let error = Filter::parse(words).unwrap_err();
        assert_eq!(error.to_string(), *message, "{words:?}");
        assert!(!error.to_string().contains('\n'));
    }
    let error = Filter::parse(&["sport", "=", ":22", ")"]).unwrap_err();
    assert_eq!((error.token.as_str(), error.position), (")", 4));
    // the one-string form counts the words it cut
    assert_eq!(
        Filter::parse_text("(sport = :22))").unwrap_err().to_string(),
        "filter: unexpected ')' at word 6"
    );
}

#[test]
fn empty_and_text_forms() {
    let empty = Filter::parse::<&str>(&[]).unwrap();
    assert!(empty.is_empty() && empty.states().is_none() && empty.bytecode().is_none());
    assert!(ss1_dump().iter().all(|row| empty.matches_inet(row)));
    assert!(Filter::parse_text("   ").unwrap().is_empty());
    assert!(!Filter::parse(&["state", "all"]).unwrap().is_empty());
    // ss cuts each word again at spaces; the text form also detaches parentheses
    let rows = ss1_dump();
    assert_eq!(
        Filter::parse(&["(sport", "=", ":22)"]).unwrap_err().to_string(),
        "filter: unexpected '(sport' at word 1"
    );
    assert_eq!(selected_text("(sport = :22)", &rows), [0, 1, 3]);
    assert_eq!(selected_text("((sport = :22) and (dport = :36266))", &rows), [1]);
}

/// The deepest expressions allowed parse, evaluate, compile and drop on a
/// thread with a 2 MiB stack (the listing's threads have Rust's default, and
/// a stack overflow would abort the process); one word more is refused.
#[test]
fn the_longest_expressions_fit_a_small_stack_and_longer_ones_are_refused() {
    let max = super::parse::MAX_TOKENS;
    let nots = format!("{}sport = :22", "! ".repeat(max - 3));
    let side_by_side = "sport = :22 ".repeat(max / 3);
    let ors = format!("sport = :22{}", " or sport = :22".repeat((max - 3) / 4));
    let row = tcp(InetTable::Tcp, (v4([127, 0, 0, 1]), 22), (v4([127, 0, 0, 1]), 4000), 1);
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in [&nots, &side_by_side, &ors] {
                let filter = Filter::parse_text(text).unwrap_or_else(|e| panic!("{e}"));
                filter.matches_inet(&row);
                filter.matches_inet_after_kernel(&row);
                drop(filter);
            }
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    let too_long = format!("{}sport = :22", "! ".repeat(max));
    let error = Filter::parse_text(&too_long).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("filter: the expression is too long (more than {max} words) at word {}", max + 1)
    );
}
