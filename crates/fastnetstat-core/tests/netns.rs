//! Namespaces for real (as root; skipped otherwise): a named one (ip netns)
//! and an anonymous one only a process holds (unshare), each with a listener
//! of a python holder; discovery finds both, the fan-out lists each one's
//! sockets in its own block with owners from the one fd walk, `--netns`
//! resolves them, and /proc/PID/net (the unprivileged way) gives the same rows.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use fastnetstat_core::labels::Labeller;
use fastnetstat_core::netns::{self, NamespaceAccess};
use fastnetstat_core::{list_sockets, list_sockets_in, InetTable, ProcRoot, SocketQuery, Source};

/// A holder: python in a namespace, listening on 127.0.0.1:PORT until killed.
struct Holder(Child);

impl Holder {
    fn start(prefix: &[&str], port: u16) -> Holder {
        let script = format!(
            "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('ready',flush=True)\ntime.sleep(120)"
        );
        let mut args: Vec<&str> = prefix.to_vec();
        args.extend(["sh", "-c", "ip link set lo up; exec python3 -c \"$0\"", &script]);
        let mut child =
            Command::new(args[0]).args(&args[1..]).stdout(Stdio::piped()).spawn().expect("start a holder");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready");
        Holder(child)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Named(String);

impl Drop for Named {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn ports(rows: &[fastnetstat_core::InetSocket]) -> Vec<u16> {
    let mut p: Vec<u16> = rows.iter().filter(|r| r.state == 10).map(|r| r.local_port).collect();
    p.sort_unstable();
    p
}

#[test]
fn every_namespace_in_its_own_block() {
    if !is_root() || Command::new("python3").arg("-V").output().is_err() {
        eprintln!("skipped: needs root and python3");
        return;
    }
    let name = Named(format!("fns-rt-{}", std::process::id()));
    assert!(Command::new("ip").args(["netns", "add", &name.0]).status().unwrap().success());
    let named = Holder::start(&["ip", "netns", "exec", &name.0], 4242);
    let anonymous = Holder::start(&["unshare", "--net"], 4343);

    let root = ProcRoot::default();
    let found = netns::discover(&root);
    let ns_named =
        found.namespaces.iter().find(|n| n.name.as_deref() == Some(name.0.as_str())).expect("named");
    let ns_anon = found.namespaces.iter().find(|n| n.pids.contains(&anonymous.0.id())).expect("anonymous");
    assert!(ns_named.pids.contains(&named.0.id()) || ns_named.pids.iter().any(|&p| p > named.0.id()));
    assert!(ns_anon.mounts.is_empty() && !ns_anon.own && !ns_named.own);
    assert!(found.namespaces[0].own);

    let query = SocketQuery { inet_tables: vec![InetTable::Tcp], owners: true, ..SocketQuery::default() };
    let host = list_sockets_in(&query, &found.namespaces);
    assert_eq!(host.namespaces.len(), found.namespaces.len());
    let block = |inode: u64| host.namespaces.iter().find(|n| n.namespace.inode == inode).unwrap();
    let (a, b) = (block(ns_named.inode), block(ns_anon.inode));
    assert_eq!((a.access, b.access), (NamespaceAccess::Entered, NamespaceAccess::Entered));
    assert_eq!(ports(&a.snapshot.inet), vec![4242]);
    assert_eq!(ports(&b.snapshot.inet), vec![4343]);
    assert!(!ports(&host.namespaces[0].snapshot.inet).contains(&4242));
    // owners from the one walk
    let owner = &host.owners[&b.snapshot.inet[0].inode];
    assert_eq!(owner.pid, anonymous.0.id());
    // netlink gives the cgroup each socket was created in: the holder's
    assert!(a.snapshot.inet.iter().all(|r| r.cgroup_id != 0));
    let mut labeller = Labeller::new(&root, std::path::Path::new("/"));
    let by_id =
        labeller.of_cgroup_id(b.snapshot.inet[0].cgroup_id).expect("a cgroup path for the socket's id");
    let by_pid = labeller.of_pid(anonymous.0.id(), b"python3").expect("the holder's cgroup");
    assert_eq!(labeller.labels[by_id].cgroup, labeller.labels[by_pid].cgroup);

    // --netns: by name, by pid, by path; the listing is that namespace's
    for spec in
        [name.0.clone(), format!("pid:{}", anonymous.0.id()), format!("/proc/{}/ns/net", anonymous.0.id())]
    {
        let ns = netns::resolve(&root, &spec).unwrap();
        let snap = list_sockets(&SocketQuery { netns: Some(ns.clone()), ..query.clone() });
        let want = if ns.inode == ns_named.inode { 4242 } else { 4343 };
        assert_eq!(ports(&snap.inet), vec![want], "{spec}");
    }

    // without the privilege to enter: the same rows through /proc/PID/net
    let via_proc = SocketQuery {
        root: root.with_net_dir(format!("/proc/{}/net", anonymous.0.id())),
        source: Source::Proc,
        owners: false,
        ..query.clone()
    };
    assert_eq!(ports(&list_sockets(&via_proc).inet), vec![4343]);
}
