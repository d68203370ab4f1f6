//! Route, interface and group parsers on /proc files captured from this
//! kernel (fixtures/proc/{routes,interfaces,groups}/live) and on malformed
//! variants whose netstat output the CLI tests compare byte for byte.

use std::path::PathBuf;

use fastnetstat_core::groups::{
    parse_groups, read_groups, GroupEvent, GroupsFile, GroupsParseState, GroupsQuery,
};
use fastnetstat_core::interfaces::{parse_if_inet6, parse_proc_net_dev};
use fastnetstat_core::routes::{
    parse_ipv6_route, parse_route, parse_rt_cache, read_routes, CacheFormat, RouteQuery, RTF_REJECT, RTF_UP,
};
use fastnetstat_core::{ProcRoot, TableStatus};

fn tree(kind: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proc").join(kind).join(name)
}

fn file(kind: &str, name: &str, f: &str) -> Vec<u8> {
    std::fs::read(tree(kind, name).join("net").join(f)).unwrap()
}

#[test]
fn live_ipv4_routes() {
    let (rows, skipped) = parse_route(&file("routes", "live", "route")).unwrap();
    assert_eq!(skipped, 0);
    let default = &rows[0];
    assert_eq!((default.destination, default.gateway, default.flags & 3), ([0; 4], [192, 0, 2, 254], 3));
    let reject: Vec<_> = rows.iter().filter(|r| r.flags & RTF_REJECT != 0).collect();
    assert_eq!(reject.len(), 2);
    assert!(reject.iter().all(|r| r.iface == b"*" && r.flags & RTF_UP != 0));
    assert!(rows.iter().any(|r| r.destination == [198, 51, 100, 128] && r.mask == [255, 255, 255, 128]));
}

#[test]
fn malformed_ipv4_routes() {
    let (rows, skipped) = parse_route(&file("routes", "malformed", "route")).unwrap();
    // "fnsv0\t000200C0" (2 fields), "" and "garbage": fewer than 10 conversions.
    assert_eq!(skipped, 3);
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1].numbers.irtt, 7, "a line without IRTT keeps the one before");
    assert_eq!(rows[1].numbers.mss, 1400);
    assert_eq!(rows[2].destination, [192, 0, 2, 0], "ZZ is not hex: the address before stays");
    assert_eq!(rows[5].numbers.metric, -1, "4294967295 into an int");
    assert_eq!(rows[5].numbers.use_count, -5);
}

#[test]
fn route_header_without_metric() {
    assert_eq!(parse_route(&file("routes", "badheader", "route")), Err("Metric"));
}

#[test]
fn rt_cache_layouts() {
    let (f, rows, skipped) = parse_rt_cache(&file("routes", "live", "rt_cache"));
    assert_eq!((f, rows.len(), skipped), (CacheFormat::Modern, 0, 0));
    let (f, rows, skipped) = parse_rt_cache(&file("routes", "cache", "rt_cache"));
    assert_eq!(f, CacheFormat::Modern);
    assert_eq!(skipped, 1, "8 fields are too few");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].extra, [16, 2, 1]);
    assert_eq!(rows[2].extra[2], 1, "HHUptod missing: the line before's");
    assert_eq!(rows[2].spec_dst, rows[2].source, "SpecDst missing: prints as the source");
    let (f, rows, _) = parse_rt_cache(&file("routes", "oldcache", "rt_cache"));
    assert_eq!(f, CacheFormat::Old);
    assert_eq!(rows[0].extra, [-1, 1, 0]);
    assert_eq!(parse_rt_cache(&file("routes", "unknowncache", "rt_cache")).0, CacheFormat::Unknown(0));
    assert_eq!(parse_rt_cache(&file("routes", "emptycache", "rt_cache")).0, CacheFormat::Empty);
}

#[test]
fn ipv6_routes() {
    let rows = parse_ipv6_route(&file("routes", "live", "ipv6_route"));
    assert!(rows.iter().all(|r| r.conversions == 31));
    assert!(rows.iter().any(|r| r.metric == -1 && r.flags & RTF_REJECT != 0 && r.iface == b"lo"));
    let m = parse_ipv6_route(&file("routes", "malformed", "ipv6_route"));
    assert_eq!(m.len(), 7);
    assert_eq!(m[2].conversions, 9);
    assert_eq!(m[2].iface, m[1].iface, "a short line keeps the rest of the line before");
    assert_eq!(m[3].conversions, -1);
    assert_eq!(m[4].destination, [0; 16], "zzzz... is not an address: ::");
    assert_eq!(m[6].iface, b"averyveryverylo", "%15s");
}

#[test]
fn read_routes_reports_missing_files() {
    let snap = read_routes(&RouteQuery {
        root: ProcRoot::new(tree("routes", "oldcache")),
        inet: true,
        inet_cache: true,
        inet6: true,
    });
    assert_eq!(snap.inet_status, TableStatus::Missing);
    assert_eq!(snap.cache_status, TableStatus::Read);
    assert_eq!(snap.inet6_status, TableStatus::Missing);
}

#[test]
fn proc_net_dev_files() {
    let live = parse_proc_net_dev(&file("interfaces", "live", "dev"));
    assert!(live.iter().any(|l| l.name == b"lo"));
    assert!(live.iter().any(|l| l.name == b"fnslongname123"));
    let bad = parse_proc_net_dev(&file("interfaces", "malformed", "dev"));
    let ifb = bad.iter().find(|l| l.name == b"fnsifb0").unwrap();
    assert_eq!((ifb.stats.rx_bytes, ifb.stats.rx_packets, ifb.stats.rx_errors), (12, 34, 0));
    let tun = bad.iter().find(|l| l.name == b"fnstun0").unwrap();
    assert_eq!(tun.stats, Default::default());
}

#[test]
fn if_inet6_files() {
    let live = parse_if_inet6(&file("interfaces", "live", "if_inet6"));
    assert!(live.iter().all(|r| r.conversions == 13));
    let lo = live.iter().find(|r| r.name == b"lo").unwrap();
    assert_eq!((lo.prefix_len, lo.scope), (128, 0x10));
    let bad = parse_if_inet6(&file("interfaces", "malformed", "if_inet6"));
    let n = bad.len();
    // A stream, not lines: the record without a name takes "zz" from the next
    // line as its name, and "3" starts a record that ends at EOF.
    assert_eq!((bad[n - 2].conversions, &bad[n - 2].name[..]), (13, &b"zz"[..]));
    assert_eq!(bad[n - 1].conversions, 1);
}

#[test]
fn group_files() {
    let mut st = GroupsParseState::default();
    let ev =
        parse_groups(Some(&file("groups", "live", "igmp")), Some(&file("groups", "live", "igmp6")), &mut st);
    assert!(ev.iter().all(|e| matches!(e, GroupEvent::Row { .. })));
    assert!(ev
        .iter()
        .any(|e| matches!(e, GroupEvent::Row { family: 4, name, refcnt: 2, .. } if name == b"fnsv0")));
    assert!(ev
        .iter()
        .any(|e| matches!(e, GroupEvent::Row { family: 4, device, .. } if device == b"fnslongname123")));
    let mut st = GroupsParseState::default();
    let bad = parse_groups(
        Some(&file("groups", "malformed", "igmp")),
        Some(&file("groups", "malformed", "igmp6")),
        &mut st,
    );
    let bogus: Vec<(GroupsFile, u32)> = bad
        .iter()
        .filter_map(|e| match e {
            GroupEvent::Bogus { parser, line, .. } => Some((*parser, *line)),
            _ => None,
        })
        .collect();
    // What netstat 2.10 warns about for these files (checked by the CLI tests).
    assert_eq!(
        bogus,
        vec![
            (GroupsFile::Igmp, 4),
            (GroupsFile::Igmp, 7),
            (GroupsFile::Igmp, 8),
            (GroupsFile::Igmp6, 2),
            (GroupsFile::Igmp6, 3),
            (GroupsFile::Igmp6, 5),
        ]
    );
    let snap = read_groups(&GroupsQuery {
        root: ProcRoot::new(tree("groups", "no-igmp")),
        inet: true,
        inet6: true,
        ..Default::default()
    });
    assert_eq!(snap.igmp_status, TableStatus::Missing);
    assert_eq!(snap.igmp6_status, TableStatus::Read);
    assert!(snap.state.igmp6);
}
