//! SOCK_DESTROY: closes the inet sockets a filtered listing selects, as
//! `ss -K` does (iproute2 misc/ss.c, kill_inet_sock). The listing is the
//! netlink dump with the query's filter (the kernel runs its bytecode, the
//! userspace pass the rest); each selected socket is then named to the
//! kernel by its full id as the dump gave it (ports, addresses, interface,
//! cookie) in a SOCK_DESTROY request on a second NETLINK_SOCK_DIAG socket.
//! The kernel closes it as if by an error (the peer of a tcp connection gets
//! a reset, the owner's next call ECONNABORTED).
//!
//! The kernel decides per socket: EPERM without CAP_NET_ADMIN in the
//! socket's namespace, EOPNOTSUPP for a protocol without destroy (raw
//! without raw_diag: its table is then read from /proc, and every socket
//! selected there is reported with EOPNOTSUPP), ENOENT when the socket went
//! away between the dump and the request (closed by itself, or by its
//! peer's reset when both ends were selected): those are reported apart, as
//! `vanished`, neither closed by us nor failed (ss passes over them too).

use std::collections::{HashMap, HashSet};

use super::inet::{self, clock_ticks_per_second, decode_message, protocol_number};
use super::{attributes, DiagSocket};
use crate::model::{InetSocket, InetTable, Owner, OwnerAccess, Protocol};
use crate::netns::{self, NamespaceAccess};
use crate::owners;
use crate::snapshot::{family_listed, filter_for, keep_row, kept_after_kernel, SocketQuery, Source};
use crate::{Error, Result};

/// SOCK_DESTROY, the sock_diag request that closes one socket.
const SOCK_DESTROY: u16 = 21;
/// The attribute that carries a raw socket's protocol (inet_diag_req_raw needs it back).
const INET_DIAG_PROTOCOL: u16 = 10;
/// struct inet_diag_sockid in struct inet_diag_msg: ports, addresses, interface, cookie.
const SOCKID: std::ops::Range<usize> = 4..52;
const TCP_ESTABLISHED: u8 = 1;
const TCP_CLOSE: u8 = 7;
const TCP_LISTEN: u8 = 10;

/// What [`destroy_sockets`] did, in the order of the tables asked for.
#[derive(Debug, Default)]
pub struct DestroyReport {
    /// Closed by our request.
    pub closed: Vec<InetSocket>,
    /// Selected but not closed, with the errno the kernel answered
    /// (EPERM, EOPNOTSUPP, ...).
    pub failed: Vec<(InetSocket, i32)>,
    /// Selected, but gone before the request (ENOENT): nothing left to close.
    pub vanished: Vec<InetSocket>,
    /// Owners of the selected sockets (with `query.owners`), read before they were closed.
    pub owners: HashMap<u64, Owner>,
    pub owner_access: OwnerAccess,
}

/// One selected socket, and the SOCK_DESTROY request that names it (None:
/// its protocol has no destroy).
struct Target {
    row: InetSocket,
    request: Option<Vec<u8>>,
}

/// Closes every socket `query` selects. Refuses (InvalidArgument) a query
/// without a filter expression, so that a slip cannot cut every connection
/// of a server; refuses unix sockets (the kernel cannot destroy them), a
/// /proc copy and the /proc source (there is nothing to close there). In a
/// namespace `query.netns` names, a thread of ours enters it (CAP_SYS_ADMIN);
/// its tables are never read through a process instead, which would close
/// sockets of our own namespace.
pub fn destroy_sockets(query: &SocketQuery) -> Result<DestroyReport> {
    check(query)?;
    let Some(ns) = query.netns.as_ref().filter(|ns| !ns.own) else { return destroy_here(query) };
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| match netns::read_root(&query.root, ns) {
            (NamespaceAccess::Entered, Some(root)) => {
                let mut entered = query.clone();
                entered.netns = None;
                entered.root = root;
                destroy_here(&entered)
            }
            _ => Err(Error::Namespace {
                spec: namespace_spec(ns),
                code: "EPERM",
                reason: "closing its sockets means entering it, which needs CAP_SYS_ADMIN".into(),
            }),
        });
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// How a namespace is named in a message: its name, else its first path, else its inode.
pub(crate) fn namespace_spec(ns: &netns::Namespace) -> String {
    ns.name
        .clone()
        .or_else(|| ns.mounts.first().map(|p| p.display().to_string()))
        .unwrap_or_else(|| format!("net:[{}]", ns.inode))
}

fn check(query: &SocketQuery) -> Result<()> {
    if !has_filter(query) {
        return Err(Error::InvalidArgument(
            "closing sockets needs a filter expression that selects them (refused: it would close every socket)"
                .into(),
        ));
    }
    if query.unix {
        return Err(Error::InvalidArgument(
            "unix sockets cannot be closed (the kernel destroys inet sockets only)".into(),
        ));
    }
    if !query.root.is_live() || query.source == Source::Proc {
        return Err(Error::InvalidArgument(
            "closing sockets acts on the live system through netlink, not on /proc".into(),
        ));
    }
    Ok(())
}

/// Whether the query holds an expression beyond `state` clauses: a clause
/// alone (`state established`) would close every connection in that state.
fn has_filter(query: &SocketQuery) -> bool {
    query.filter.as_ref().is_some_and(|filter| filter.has_expression())
}

/// The states a dump of `table` asks for. tcp: the query's. udp, udplite and
/// raw sockets are ESTABLISHED when connected and CLOSE otherwise; netstat
/// shows the unconnected ones where it shows listening tcp sockets (-l) and
/// the connected ones with established connections, so LISTEN in the mask
/// stands for CLOSE and ESTABLISHED for ESTABLISHED.
fn states_for(query: &SocketQuery, table: InetTable) -> u32 {
    if table.protocol() == Protocol::Tcp {
        return query.tcp_states;
    }
    let has = |state: u8| query.tcp_states & (1 << state) != 0;
    (if has(TCP_LISTEN) { 1 << TCP_CLOSE } else { 0 })
        | (if has(TCP_ESTABLISHED) { 1 << TCP_ESTABLISHED } else { 0 })
}

/// The userspace pass over one row: `after_kernel`, over a netlink row (the
/// kernel ran the states, the port and the expression's bytecode): what of
/// the expression it could not; else (a /proc row) all of the query's filters.
fn selects(query: &SocketQuery, row: &InetSocket, after_kernel: bool) -> bool {
    if after_kernel {
        return kept_after_kernel(query, row);
    }
    states_for(query, row.table) & 1u32.checked_shl(row.state as u32).unwrap_or(0) != 0
        && keep_row(query, row)
}

/// The dump request for `table`: the listing's (its states, narrowed by the
/// expression's `state` clauses, the local port and the expression's
/// bytecode) with the states of [`states_for`].
fn dump_request(query: &SocketQuery, table: InetTable) -> Vec<u8> {
    let mut filter = filter_for(query, table);
    filter.states &= states_for(query, table);
    // the rows are selected, closed and printed: no tcp_info or memory to read
    filter.details = Default::default();
    inet::request(table, &filter, query.filter.as_ref().and_then(|f| f.bytecode()))
}

/// The SOCK_DESTROY request for the socket a dump message describes:
/// struct inet_diag_req_v2 with the message's family and id.
fn destroy_request(message: &[u8], table: InetTable) -> Vec<u8> {
    let mut request = vec![0u8; 56];
    request[0] = message[0];
    request[1] = protocol_number(table.protocol());
    if table.protocol() == Protocol::Raw {
        // inet_diag_req_raw: the raw protocol rides in the pad byte
        request[3] = attributes(&message[72.min(message.len())..])
            .find(|(kind, payload)| *kind == INET_DIAG_PROTOCOL && !payload.is_empty())
            .map_or(request[1], |(_, payload)| payload[0]);
    }
    request[8..56].copy_from_slice(&message[SOCKID]);
    request
}

/// The sockets `query` selects, table by table, each with its request.
fn select(query: &SocketQuery, dump: &mut DiagSocket) -> Result<Vec<Target>> {
    let ticks = clock_ticks_per_second();
    let mut targets = Vec::new();
    for &table in query.inet_tables.iter().filter(|&&table| family_listed(query, table)) {
        let request = dump_request(query, table);
        let dumped = dump.dump(&request, |message| {
            if let Some(row) = decode_message(message, table, ticks).filter(|row| selects(query, row, true)) {
                targets.push(Target { row, request: Some(destroy_request(message, table)) });
            }
            true
        });
        match dumped {
            Ok(()) => {}
            // no sock_diag handler for the protocol (raw without raw_diag):
            // what it selects is told from /proc, and cannot be closed
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                let read = crate::inet::read_table_in_blocks(&query.root, table, 0, |rows, _bogus| {
                    let chosen = rows.drain(..).filter(|row| selects(query, row, false));
                    targets.extend(chosen.map(|row| Target { row, request: None }));
                    true
                });
                match read {
                    Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
                    other => other?,
                }
            }
            Err(e) => return Err(Error::io(query.root.net(table.file_name()), e)),
        }
    }
    Ok(targets)
}

fn destroy_here(query: &SocketQuery) -> Result<DestroyReport> {
    let open = || DiagSocket::open().map_err(|e| Error::io("netlink sock_diag", e));
    let targets = select(query, &mut open()?)?;
    let mut report = DestroyReport::default();
    if query.owners {
        let wanted: HashSet<u64> = targets.iter().map(|t| t.row.inode).filter(|&inode| inode != 0).collect();
        let scan = owners::scan(&query.root, Some(&wanted));
        (report.owners, report.owner_access) = (scan.owners, scan.access);
    }
    let mut killer = open()?;
    for (sequence, target) in (1u32..).zip(targets) {
        let Some(request) = target.request else {
            report.failed.push((target.row, libc::EOPNOTSUPP));
            continue;
        };
        match killer.ask(SOCK_DESTROY, sequence, &request) {
            Ok(()) => report.closed.push(target.row),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => report.vanished.push(target.row),
            Err(e) => report.failed.push((target.row, e.raw_os_error().unwrap_or(libc::EIO))),
        }
    }
    Ok(report)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::filter::Filter;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;

    /// Runs `test` on a thread of its own in a new network namespace with
    /// loopback up; false (and the test is passed over) without the privilege.
    pub(crate) fn in_new_namespace(test: impl FnOnce() + Send) -> bool {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    // SAFETY: unshare changes this thread's namespace only.
                    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                        eprintln!("no new network namespace (not root?): test passed over");
                        return false;
                    }
                    loopback_up();
                    test();
                    true
                })
                .join()
                .unwrap()
        })
    }

    fn loopback_up() {
        // SAFETY: SIOCGIFFLAGS/SIOCSIFFLAGS on a socket of ours, with an ifreq that lives through the calls.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
            assert!(fd >= 0);
            let mut request: libc::ifreq = std::mem::zeroed();
            request.ifr_name[0] = b'l' as libc::c_char;
            request.ifr_name[1] = b'o' as libc::c_char;
            assert_eq!(libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request), 0);
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            assert_eq!(libc::ioctl(fd, libc::SIOCSIFFLAGS, &request), 0);
            libc::close(fd);
        }
    }

    fn tcp_query() -> SocketQuery {
        SocketQuery { inet_tables: vec![InetTable::Tcp, InetTable::Tcp6], ..SocketQuery::default() }
    }

    #[test]
    fn refuses_a_query_without_a_filter_and_unix_sockets() {
        let error = destroy_sockets(&tcp_query()).unwrap_err();
        assert_eq!(error.code(), "EINVAL");
        assert!(error.to_string().contains("filter expression"), "{error}");
        let empty =
            SocketQuery { filter: Some(Arc::new(Filter::parse::<&str>(&[]).unwrap())), ..tcp_query() };
        assert_eq!(destroy_sockets(&empty).unwrap_err().code(), "EINVAL");
        let port = Some(Arc::new(Filter::parse(&["sport", "=", ":1"]).unwrap()));
        let unix = SocketQuery { unix: true, filter: port, ..tcp_query() };
        assert!(destroy_sockets(&unix).unwrap_err().to_string().contains("unix"));
    }

    #[test]
    fn closes_exactly_the_selected_connections_and_their_peers_see_the_reset() {
        in_new_namespace(|| {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let other = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut clients: Vec<TcpStream> =
                (0..3).map(|_| TcpStream::connect(listener.local_addr().unwrap()).unwrap()).collect();
            let servers: Vec<TcpStream> = (0..3).map(|_| listener.accept().unwrap().0).collect();
            let mut kept = TcpStream::connect(other.local_addr().unwrap()).unwrap();
            let _kept_server = other.accept().unwrap();
            // the server ends of `port`'s connections (not its listener: no LISTEN in the states)
            let words = ["state", "established", "sport", "=", &format!(":{port}")];
            let filter = Filter::parse(&words).unwrap();
            assert!(filter.bytecode().is_some(), "the kernel selects");
            let query = SocketQuery { filter: Some(Arc::new(filter)), owners: true, ..tcp_query() };
            let report = destroy_sockets(&query).unwrap();
            assert_eq!(report.closed.len(), 3, "{report:?}");
            assert!(report.failed.is_empty() && report.vanished.is_empty(), "{report:?}");
            let mut inodes: Vec<u64> = report.closed.iter().map(|row| row.inode).collect();
            inodes.sort_unstable();
            let mut ours: Vec<u64> = servers.iter().map(inode_of).collect();
            ours.sort_unstable();
            assert_eq!(inodes, ours);
            // the owners were read before: this process holds them
            assert!(inodes
                .iter()
                .all(|inode| report.owners.get(inode).is_some_and(|o| o.pid == std::process::id())));
            for client in &mut clients {
                let error = client.read(&mut [0u8; 8]).unwrap_err();
                assert_eq!(error.raw_os_error(), Some(libc::ECONNRESET));
            }
            // the listener and the other connection stay
            kept.set_nonblocking(true).unwrap();
            assert_eq!(kept.read(&mut [0u8; 8]).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
            let again = destroy_sockets(&query).unwrap();
            assert!(again.closed.is_empty() && again.failed.is_empty(), "{again:?}");
            TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        });
    }

    #[test]
    fn closes_udp_sockets_and_their_owner_hears_of_it() {
        in_new_namespace(|| {
            let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let kept = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let port = closed.local_addr().unwrap().port();
            let filter = Filter::parse(&["sport", "=", &format!(":{port}")]).unwrap();
            let query = SocketQuery {
                inet_tables: vec![InetTable::Udp, InetTable::Udp6],
                filter: Some(Arc::new(filter)),
                ..SocketQuery::default()
            };
            let report = destroy_sockets(&query).unwrap();
            assert_eq!(
                report.closed.iter().map(|row| row.local_port).collect::<Vec<_>>(),
                [port],
                "{report:?}"
            );
            assert!(report.failed.is_empty(), "{report:?}");
            let error = closed.recv(&mut [0u8; 8]).unwrap_err();
            assert_eq!(error.raw_os_error(), Some(libc::ECONNABORTED));
            kept.set_nonblocking(true).unwrap();
            assert_eq!(kept.recv(&mut [0u8; 8]).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
        });
    }

    /// A raw socket: closed where the kernel has raw_diag, else selected from
    /// /proc and reported EOPNOTSUPP (Linux 6.18 here: no raw_diag).
    #[test]
    fn raw_sockets_are_closed_or_reported_unsupported() {
        in_new_namespace(|| {
            // SAFETY: a raw ICMP socket of our own, closed below.
            let fd = unsafe {
                libc::socket(libc::AF_INET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::IPPROTO_ICMP)
            };
            assert!(fd >= 0);
            let query = SocketQuery {
                // this thread's namespace: /proc/net is the process's
                root: crate::ProcRoot::default().with_net_dir("/proc/thread-self/net"),
                inet_tables: vec![InetTable::Raw],
                filter: Some(Arc::new(Filter::parse(&["sport", "=", ":1"]).unwrap())),
                ..SocketQuery::default()
            };
            let report = destroy_sockets(&query).unwrap();
            let closed = report.closed.len();
            let unsupported = report.failed.iter().filter(|(_, errno)| *errno == libc::EOPNOTSUPP).count();
            assert_eq!((closed + unsupported, report.failed.len() - unsupported), (1, 0), "{report:?}");
            // SAFETY: our own descriptor.
            unsafe { libc::close(fd) };
        });
    }

    fn inode_of(stream: &TcpStream) -> u64 {
        use std::os::fd::AsRawFd;
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat on a descriptor the stream owns.
        assert_eq!(unsafe { libc::fstat(stream.as_raw_fd(), &mut st) }, 0);
        st.st_ino
    }
}
