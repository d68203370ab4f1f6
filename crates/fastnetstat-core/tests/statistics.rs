//! The counter parsers on files captured from a real kernel
//! (fixtures/proc/stats/live) and on hand-made ones (edge, malformed): see
//! fixtures/proc/stats/make.py for what each line of those exercises.

use std::path::PathBuf;

use fastnetstat_core::statistics::{
    parse_pairs, parse_sctp, parse_snmp6, read_statistics, FileStatus, StatEntry, StatFile, StatSection,
    Statistics, StatisticsQuery,
};
use fastnetstat_core::ProcRoot;

fn tree(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proc/stats").join(name)
}

fn read(name: &str, files: &[StatFile]) -> Statistics {
    read_statistics(&StatisticsQuery { root: ProcRoot::new(tree(name)), files: files.to_vec() })
}

fn titles(sections: &[StatSection]) -> Vec<String> {
    sections.iter().map(|s| String::from_utf8_lossy(&s.title).into_owned()).collect()
}

fn field<'a>(sections: &'a [StatSection], title: &str, name: &str) -> &'a StatEntry {
    sections
        .iter()
        .filter(|s| s.title == title.as_bytes())
        .flat_map(|s| s.entries.iter())
        .find(|e| e.name == name.as_bytes())
        .unwrap_or_else(|| panic!("no {title}.{name}"))
}

fn names(section: &StatSection) -> Vec<String> {
    section.entries.iter().map(|e| String::from_utf8_lossy(&e.name).into_owned()).collect()
}

#[test]
fn live_snmp_and_netstat() {
    let stats = read("live", &[StatFile::Snmp, StatFile::Netstat]);
    assert_eq!(stats.reports.len(), 2);
    assert!(stats.reports.iter().all(|r| r.status == FileStatus::Read && r.format_error_line.is_none()));
    assert_eq!(
        titles(&stats.sections),
        ["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt"]
    );
    // every name has its value, in file order
    for s in &stats.sections {
        assert!(!s.entries.is_empty());
        assert!(s.entries.iter().all(|e| e.has_value), "{:?}", String::from_utf8_lossy(&s.title));
    }
    let ip = &stats.sections[0];
    assert_eq!(names(ip)[..3], ["Forwarding", "DefaultTTL", "InReceives"]);
    assert_eq!(field(&stats.sections, "Ip", "DefaultTTL").value, 64);
    let max_conn = field(&stats.sections, "Tcp", "MaxConn");
    assert_eq!((max_conn.value, max_conn.signed), (u64::MAX, -1));
    assert_eq!(field(&stats.sections, "Tcp", "RtoMin").signed, 200);
    // the header of each pair has as many names as its value line has numbers
    let text = std::fs::read_to_string(tree("live/net/netstat")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (pair, section) in lines.chunks(2).zip(stats.sections.iter().skip(6)) {
        assert_eq!(pair[0].split_whitespace().count() - 1, section.entries.len());
        let values: Vec<i64> = pair[1].split_whitespace().skip(1).map(|v| v.parse().unwrap()).collect();
        assert_eq!(values, section.entries.iter().map(|e| e.signed).collect::<Vec<_>>());
    }
}

#[test]
fn live_snmp6() {
    let stats = read("live", &[StatFile::Snmp6]);
    assert_eq!(titles(&stats.sections), ["Ip6", "Icmp6", "Udp6", "UdpLite6"]);
    let text = std::fs::read_to_string(tree("live/net/snmp6")).unwrap();
    let all: Vec<&StatEntry> = stats.sections.iter().flat_map(|s| s.entries.iter()).collect();
    assert_eq!(all.len(), text.lines().count());
    for (line, e) in text.lines().zip(all) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next().unwrap().as_bytes(), e.name);
        assert_eq!(words.next().unwrap().parse::<u64>().unwrap(), e.value);
    }
}

#[test]
fn missing_files_and_order() {
    let stats = read("live", &[StatFile::Snmp6, StatFile::SctpSnmp, StatFile::Snmp, StatFile::Snmp6]);
    let reports: Vec<(StatFile, FileStatus)> = stats.reports.iter().map(|r| (r.file, r.status)).collect();
    assert_eq!(
        reports,
        [
            (StatFile::Snmp6, FileStatus::Read),
            (StatFile::SctpSnmp, FileStatus::Missing),
            (StatFile::Snmp, FileStatus::Read)
        ]
    );
    assert_eq!(stats.sections[0].file, StatFile::Snmp6);
    assert_eq!(stats.sections.last().unwrap().file, StatFile::Snmp);

    let empty = std::env::temp_dir().join(format!("fns-stats-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let stats = read_statistics(&StatisticsQuery { root: ProcRoot::new(&empty), ..Default::default() });
    assert!(stats.sections.is_empty());
    assert!(stats.reports.iter().all(|r| r.status == FileStatus::Missing));
    assert_eq!(stats.reports[0].status.errno(), Some(libc::ENOENT));

    // a directory opens but cannot be read (EISDIR), and ENOTDIR when net is a file
    std::fs::create_dir_all(empty.join("net/snmp")).unwrap();
    let stats =
        read_statistics(&StatisticsQuery { root: ProcRoot::new(&empty), files: vec![StatFile::Snmp] });
    assert_eq!(stats.reports[0].status, FileStatus::ReadFailed(libc::EISDIR));
    assert!(stats.reports[0].status.opened());
    let stats = read_statistics(&StatisticsQuery {
        root: ProcRoot::new(empty.join("net/snmp/x")),
        files: vec![StatFile::Snmp],
    });
    assert_eq!(stats.reports[0].status, FileStatus::Missing);
    std::fs::write(empty.join("plain"), b"").unwrap();
    let stats = read_statistics(&StatisticsQuery {
        root: ProcRoot::new(empty.join("plain")),
        files: vec![StatFile::Snmp],
    });
    assert_eq!(stats.reports[0].status, FileStatus::OpenFailed(libc::ENOTDIR));
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn edge_values() {
    let stats = read("edge", &StatFile::ALL);
    assert!(stats.reports.iter().all(|r| r.status == FileStatus::Read));
    assert_eq!(
        titles(&stats.sections),
        [
            "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "Future", "TcpExt", "IpExt", "MPTcpExt",
            "Empty", "Ip6", "Icmp6", "Udp6", "UdpLite6", "Ip6", "Sctp"
        ]
    );
    let s = &stats.sections;
    assert_eq!((field(s, "Ip", "Bogus").value, field(s, "Ip", "Bogus").signed), (u64::MAX - 4, -5));
    let over = field(s, "Tcp", "ActiveOpens");
    assert_eq!((over.value, over.signed), (u64::MAX, i64::MAX));
    let max = field(s, "Tcp", "Unknown2");
    assert_eq!((max.value, max.signed), (u64::MAX, i64::MAX));
    assert_eq!(field(s, "IpExt", "InOctets").signed, 123456789012345);
    assert_eq!(field(s, "Ip6", "Ip6Unknown").signed, -2);
    assert_eq!(field(s, "Sctp", "SctpAborteds").signed, -1);
    assert!(s[10].entries.is_empty()); // "Empty:" pair with no names
}

#[test]
fn malformed_pairs() {
    let stats = read("malformed", &[StatFile::Snmp, StatFile::Netstat]);
    let snmp = stats.report(StatFile::Snmp).unwrap();
    // lines: 1 empty, 2-3 Ip, 4-5 empty, 6-13 four pairs, then the pair without ':'
    assert_eq!(snmp.format_error_line, Some(14));
    assert_eq!(stats.report(StatFile::Netstat).unwrap().format_error_line, None);
    assert_eq!(titles(&stats.sections), ["Ip", "Tcp", "Udp", "Icmp", "IcmpMsg", "TcpExt", "IpExt", "Weird"]);
    let s = &stats.sections;
    assert_eq!(names(&s[0]), ["Forwarding", "InReceives", "InDelivers\r"]);
    assert_eq!(s[0].entries.iter().map(|e| e.value).collect::<Vec<_>>(), [1, 7, 8]);
    // "1,2 3 4": the ',' stops strtoull; every later value reads 0
    assert_eq!(
        s[1].entries.iter().map(|e| (e.value, e.has_value)).collect::<Vec<_>>(),
        [(1, true), (0, false), (0, false), (0, false), (0, false)]
    );
    assert_eq!(s[2].entries.iter().map(|e| e.value).collect::<Vec<_>>(), [5, 0, 0, 0]);
    // the NUL ends the header: InErrors is not a name
    assert_eq!(names(&s[3]), ["InMsgs", "OutMsgs"]);
    assert_eq!(s[3].entries.iter().map(|e| (e.value, e.signed)).collect::<Vec<_>>(), [(4, 4), (0, 0)]);
    assert_eq!(s[4].entries.iter().map(|e| e.has_value).collect::<Vec<_>>(), [true, false, false]);
    assert_eq!(s[5].entries.iter().map(|e| e.value).collect::<Vec<_>>(), [1, 2, 3, 0, 0]);
    assert_eq!(
        s[6].entries.iter().map(|e| (e.value, e.signed)).collect::<Vec<_>>(),
        [(u64::MAX, i64::MAX), (u64::MAX, i64::MIN)]
    );
    assert_eq!(names(&s[7]), [":", "a:b"]);
}

#[test]
fn malformed_snmp6_and_sctp() {
    let stats = read("malformed", &[StatFile::Snmp6, StatFile::SctpSnmp]);
    let sections = &stats.sections;
    let x80 = "X".repeat(1100 - 1020);
    assert_eq!(
        titles(sections),
        ["Ip6", x80.as_str(), "Ip6", "77", "Icmp6", "NoSix", "Udp6", "Ip6", "Icmp6", "Ip6", "Udp6", "Sctp"]
    );
    let entries = |i: usize| -> Vec<(String, u64, bool)> {
        sections[i]
            .entries
            .iter()
            .map(|e| (String::from_utf8_lossy(&e.name).into_owned(), e.value, e.has_value))
            .collect()
    };
    let ip6 = entries(0);
    assert_eq!(ip6[0], ("Ip6InReceives".into(), 5, true));
    // no value, not a number, a blank line: the previous value (and name) stay
    assert_eq!(ip6[1], ("Ip6InDelivers".into(), 5, false));
    assert_eq!(ip6[2], ("Ip6OutRequests".into(), 5, false));
    assert_eq!(ip6[3], ("Ip6OutRequests".into(), 5, false));
    // a 1103-byte name: fgets gives its first 1023 bytes, then the rest as a line of its own,
    // which has no "Ip6" in it and so starts a section (titled by the whole name: no '6')
    assert_eq!((ip6[4].0.len(), ip6[4].2), (1023, false));
    assert_eq!(entries(1), [(x80.clone(), 5, true)]);
    // a value 1020 blanks away: it falls in the next chunk, read as a name
    assert_eq!(entries(2), [("Ip6InDiscards".into(), 5, false)]);
    assert_eq!(entries(3), [("77".into(), 5, false)]);
    assert_eq!(entries(4), [("Icmp6InMsgs".into(), 2, true)]);
    // no '6': its own section; NoSixMore contains "NoSix"
    assert_eq!(entries(5), [("NoSix".into(), 4, true), ("NoSixMore".into(), 5, true)]);
    let udp6 = &sections[6].entries;
    assert_eq!((udp6[0].value, udp6[0].signed), (u64::MAX, i64::MAX));
    assert_eq!((udp6[1].value, udp6[1].signed), (u64::MAX, -1));
    assert_eq!(entries(7), [("Ip6InHdrErrors".into(), 3, true)]);
    assert_eq!(
        entries(8),
        [
            ("Icmp6OutEchos".into(), 1, true),
            ("Icmp6InEchos".into(), 1, true),
            ("Icmp6OutEchos".into(), 1, true)
        ]
    );
    // "Ip6\0Hidden 9": the line ends at the NUL, so the name is Ip6 and the value stays
    assert_eq!(entries(9), [("Ip6".into(), 1, false)]);
    assert_eq!(entries(10), [("Udp6OutDatagrams".into(), 6, true)]);

    let sctp = sections.last().unwrap();
    assert_eq!(sctp.file, StatFile::SctpSnmp);
    let e: Vec<(String, u64)> =
        sctp.entries.iter().map(|e| (String::from_utf8_lossy(&e.name).into_owned(), e.value)).collect();
    assert_eq!(
        e,
        [
            ("SctpCurrEstab".into(), 1),
            ("SctpActiveEstabs".into(), 2),
            ("".into(), 0),
            ("SctpNul".into(), 9),
            ("SctpAborteds".into(), u64::MAX),
            ("SctpShutdowns".into(), 0),
            ("UnknownThing".into(), 5),
            ("SctpPassiveEstabs".into(), 0),
            ("SctpLast".into(), 7),
        ]
    );
}

#[test]
fn small_cases() {
    // a header at the end without its values: no section, no error
    let p = parse_pairs(b"Ip: A\nIp: 1\nTcp: B", StatFile::Snmp);
    assert_eq!((p.sections.len(), p.format_error_line), (1, None));
    // the value line's title is not checked
    let p = parse_pairs(b"Ip: A B\nWhatever: 3 4\n", StatFile::Snmp);
    assert_eq!(p.sections[0].entries[1].value, 4);
    // "\n" is skipped only where a header is expected: as a value line it is a format error
    let p = parse_pairs(b"Ip: A\n\nTcp: B\nTcp: 1\n", StatFile::Snmp);
    assert_eq!((p.sections.len(), p.format_error_line), (0, Some(1)));
    // more values than names: ignored
    let p = parse_pairs(b"Ip: A\nIp: 1 2 3\n", StatFile::Snmp);
    assert_eq!(p.sections[0].entries.len(), 1);
    assert!(parse_pairs(b"", StatFile::Snmp).sections.is_empty());
    assert!(parse_snmp6(b"").is_empty());
    assert!(parse_sctp(b"").entries.is_empty());
    assert_eq!(parse_sctp(b"").title, b"Sctp");
}

/// A small deterministic generator, so the fuzz below needs no crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn never_panics() {
    const ALPHABET: &[u8] = b"Ip6: \t\n\r\x00-+0123456789Tcp:abcXYZ\xff";
    let mut rng = Lcg(42);
    for round in 0..3000 {
        let len = (rng.next() % 3000) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if round % 3 == 0 {
                    rng.next() as u8
                } else {
                    ALPHABET[(rng.next() as usize) % ALPHABET.len()]
                }
            })
            .collect();
        let pairs = parse_pairs(&bytes, StatFile::Netstat);
        for s in &pairs.sections {
            assert!(!s.title.contains(&b':'));
            assert!(s.entries.iter().all(|e| !e.name.is_empty() && !e.name.contains(&0)));
        }
        let six = parse_snmp6(&bytes);
        assert!(six.iter().all(|s| !s.entries.is_empty()));
        parse_sctp(&bytes);
    }
}
