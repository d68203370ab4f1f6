//! The kernel's socket-destroy notifications: sock_diag multicasts one
//! inet_diag message for each tcp and udp socket it frees, to the groups
//! SKNLGRP_INET{,6}_{TCP,UDP}_DESTROY of the socket's namespace (what
//! `ss -E` follows; iproute2 misc/ss.c, handle_follow_request). Each is
//! decoded as a listing row (its table from the message's family and
//! INET_DIAG_PROTOCOL) and stamped with the time it arrived.
//!
//! What the rows hold: the socket as it was freed, so its state is CLOSE
//! (7), its inode 0 (no file holds it any more) and its queues empty (0);
//! ports, addresses and uid are the socket's, except that a connection
//! reset by its own side (SO_LINGER 0, a kill) is reported after the kernel
//! cleared part of them (measured: the local address 0.0.0.0 and the remote
//! port 0). A connection closed in order is freed after its
//! FIN_WAIT/TIME_WAIT, a reset or destroyed one at once. udplite and raw
//! sockets have no group: they are never reported.
//!
//! Privilege (measured on Linux 6.18): none. The groups admit any user
//! (NL_CFG_F_NONROOT_RECV), and an unprivileged subscriber gets every
//! socket of its namespace, other users' too. Following another namespace
//! means entering it (CAP_SYS_ADMIN).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::inet::{clock_ticks_per_second, decode_message};
use super::{attributes, read_batch, DiagSocket};
use crate::model::{InetSocket, InetTable};
use crate::netns::{self, NamespaceAccess};
use crate::snapshot::{family_listed, SocketQuery};
use crate::{Error, Result};

const SKNLGRP_INET_TCP_DESTROY: u32 = 1;
const SKNLGRP_INET_UDP_DESTROY: u32 = 2;
const SKNLGRP_INET6_TCP_DESTROY: u32 = 3;
const SKNLGRP_INET6_UDP_DESTROY: u32 = 4;
const INET_DIAG_PROTOCOL: u16 = 10;
/// sizeof(struct inet_diag_msg).
const MSG_LEN: usize = 72;
/// A large receive queue: a burst of closes (a server's workers all ending)
/// is read a batch at a time; what overflows it is lost and counted.
const RECEIVE_QUEUE: libc::c_int = 4 << 20;

/// One socket the kernel freed, as a listing row, and when it was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSocket {
    /// Milliseconds since the Unix epoch.
    pub time_ms: u64,
    pub socket: InetSocket,
}

/// What one wait gave.
#[derive(Debug, Default)]
pub struct EventBatch {
    /// The selected closes, in the order the kernel sent them.
    pub closed: Vec<ClosedSocket>,
    /// Times the receive queue overflowed since the last batch (ENOBUFS):
    /// some closes were lost.
    pub overruns: u32,
}

/// Ends a subscription from another thread: a wait in progress returns at
/// once, and every later one finds the subscription ended.
#[derive(Debug, Clone)]
pub struct Stopper(Arc<OwnedFd>);

impl Stopper {
    pub fn stop(&self) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from a live buffer to our own eventfd.
        unsafe { libc::write(self.0.as_raw_fd(), one.as_ptr().cast(), one.len()) };
    }
}

/// A subscription to the destroy notifications of the tables a query names.
pub struct CloseEvents {
    socket: DiagSocket,
    /// An eventfd: readable once [`Stopper::stop`] was called.
    stop: Arc<OwnedFd>,
    query: SocketQuery,
    ticks_per_second: u64,
}

/// The multicast groups for `tables` (0: none has one).
fn groups_of(tables: &[InetTable]) -> u32 {
    tables
        .iter()
        .map(|table| match table {
            InetTable::Tcp => 1 << (SKNLGRP_INET_TCP_DESTROY - 1),
            InetTable::Udp => 1 << (SKNLGRP_INET_UDP_DESTROY - 1),
            InetTable::Tcp6 => 1 << (SKNLGRP_INET6_TCP_DESTROY - 1),
            InetTable::Udp6 => 1 << (SKNLGRP_INET6_UDP_DESTROY - 1),
            _ => 0,
        })
        .fold(0, |all, group| all | group)
}

fn last_error(what: &str) -> Error {
    Error::io(what, io::Error::last_os_error())
}

/// A NETLINK_SOCK_DIAG socket bound to `groups` (in the calling thread's namespace).
fn subscribed(groups: u32) -> Result<DiagSocket> {
    let socket = DiagSocket::open().map_err(|e| Error::io("netlink sock_diag", e))?;
    let fd = socket.fd.as_raw_fd();
    let mut address: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    address.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    address.nl_groups = groups;
    // SAFETY: binds our own socket to an address that lives through the call.
    let bound = unsafe {
        libc::bind(
            fd,
            (&address as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    };
    if bound != 0 {
        let error = io::Error::last_os_error();
        if error.raw_os_error() == Some(libc::EPERM) {
            return Err(Error::io(
                "sock_diag destroy notifications",
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "permission denied (needs CAP_NET_ADMIN on this kernel)",
                ),
            ));
        }
        return Err(Error::io("sock_diag destroy notifications", error));
    }
    // SAFETY: setsockopt with a c_int that lives through the call; a queue
    // the kernel caps lower (rmem_max) is not an error worth failing for.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&RECEIVE_QUEUE as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    Ok(socket)
}

impl CloseEvents {
    /// Subscribes to the closes of `query.inet_tables` (tcp, tcp6, udp,
    /// udp6: the others have no notifications) in `query.netns` (entered by a
    /// thread of ours) or our own namespace. Each close is selected as a
    /// listing would select it: the filter expression and the local port;
    /// not the TCP states (a freed socket is CLOSE).
    pub fn subscribe(query: &SocketQuery) -> Result<CloseEvents> {
        let tables: Vec<InetTable> =
            query.inet_tables.iter().copied().filter(|&t| family_listed(query, t)).collect();
        let groups = groups_of(&tables);
        if groups == 0 {
            return Err(Error::InvalidArgument(
                "the kernel reports closes of tcp and udp sockets only: select tcp or udp".into(),
            ));
        }
        let socket = match query.netns.as_ref().filter(|ns| !ns.own) {
            None => subscribed(groups)?,
            Some(ns) => std::thread::scope(|scope| {
                let worker = scope.spawn(|| match netns::read_root(&query.root, ns) {
                    (NamespaceAccess::Entered, _) => subscribed(groups),
                    _ => Err(Error::Namespace {
                        spec: super::destroy::namespace_spec(ns),
                        code: "EPERM",
                        reason: "following its closes means entering it, which needs CAP_SYS_ADMIN".into(),
                    }),
                });
                worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })?,
        };
        // SAFETY: plain eventfd(2); the result is checked before use.
        let stop = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if stop < 0 {
            return Err(last_error("eventfd"));
        }
        // a freed socket is CLOSE: the states a listing asks for do not apply
        let query = SocketQuery { netns: None, tcp_states: u32::MAX, ..query.clone() };
        Ok(CloseEvents {
            socket,
            // SAFETY: a new descriptor nobody else owns.
            stop: Arc::new(unsafe { OwnedFd::from_raw_fd(stop) }),
            query,
            ticks_per_second: clock_ticks_per_second(),
        })
    }

    /// A handle that ends this subscription from any thread.
    pub fn stopper(&self) -> Stopper {
        Stopper(self.stop.clone())
    }

    /// Waits up to `timeout` (None: for ever) for closes and returns those
    /// that came (an empty batch when none did); None once stopped. Returns
    /// as soon as the first datagram is in, with every one already queued.
    pub fn next_batch(&mut self, timeout: Option<Duration>) -> Result<Option<EventBatch>> {
        let mut batch = EventBatch::default();
        let mut wait_ms: libc::c_int =
            timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as libc::c_int);
        loop {
            let mut fds = [
                libc::pollfd { fd: self.socket.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
                libc::pollfd { fd: self.stop.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            ];
            // SAFETY: polls two descriptors we own, in an array that lives through the call.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, wait_ms) };
            if ready < 0 {
                let error = io::Error::last_os_error();
                if error.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(Error::io("poll", error));
            }
            if fds[1].revents != 0 {
                return Ok(None);
            }
            if fds[0].revents == 0 {
                return Ok(Some(batch)); // the time is up, or every queued datagram is read
            }
            // SAFETY: receives into our own buffer, bounded by its length.
            let received = unsafe {
                libc::recv(
                    self.socket.fd.as_raw_fd(),
                    self.socket.buffer.as_mut_ptr().cast(),
                    self.socket.buffer.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            if received < 0 {
                let error = io::Error::last_os_error();
                match error.raw_os_error() {
                    Some(libc::ENOBUFS) => batch.overruns += 1,
                    Some(libc::EINTR) | Some(libc::EAGAIN) => {}
                    _ => return Err(Error::io("sock_diag destroy notifications", error)),
                }
            } else {
                let time_ms =
                    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
                let data = &self.socket.buffer[..received as usize];
                let (query, ticks) = (&self.query, self.ticks_per_second);
                // a bad datagram is passed over: the next one is on its own
                let _ = read_batch(data, |message| {
                    if let Some(socket) = decode_close(message, ticks).filter(|row| selects(query, row)) {
                        batch.closed.push(ClosedSocket { time_ms, socket });
                    }
                });
            }
            if batch.closed.len() >= MAX_BATCH {
                // a busy server's closes never stop coming: hand over what is here
                return Ok(Some(batch));
            }
            wait_ms = 0; // take what else is queued, without waiting
        }
    }
}

/// The most closes one batch holds.
const MAX_BATCH: usize = 4096;

/// The query's selection of a close: its tables, the listing's own filters
/// and the expression. As `ss -E`, not the `state` clauses (a freed socket is
/// CLOSE): the expression is evaluated as if the socket were in a state they select.
fn selects(query: &SocketQuery, row: &InetSocket) -> bool {
    if !query.inet_tables.contains(&row.table)
        || !family_listed(query, row.table)
        || query.local_port.is_some_and(|port| port != row.local_port)
    {
        return false;
    }
    let Some(filter) = &query.filter else { return true };
    match filter.states() {
        Some(states) if states & 1u32.checked_shl(row.state.into()).unwrap_or(0) == 0 && states != 0 => {
            let as_selected = InetSocket { state: states.trailing_zeros() as u8, ..row.clone() };
            filter.matches_inet_after_kernel(&as_selected)
        }
        // no bytecode ran on a notification: ss -E runs its userspace test alone
        _ => filter.matches_inet_after_kernel(row),
    }
}

/// One notification as a row of its table (None: not an inet socket of a table we know).
pub fn decode_close(message: &[u8], ticks_per_second: u64) -> Option<InetSocket> {
    let protocol = attributes(message.get(MSG_LEN..)?)
        .find(|(kind, payload)| *kind == INET_DIAG_PROTOCOL && !payload.is_empty())
        .map(|(_, payload)| payload[0])?;
    let v6 = match *message.first()? as i32 {
        libc::AF_INET => false,
        libc::AF_INET6 => true,
        _ => return None,
    };
    let table = match (protocol as i32, v6) {
        (libc::IPPROTO_TCP, false) => InetTable::Tcp,
        (libc::IPPROTO_TCP, true) => InetTable::Tcp6,
        (libc::IPPROTO_UDP, false) => InetTable::Udp,
        (libc::IPPROTO_UDP, true) => InetTable::Udp6,
        (libc::IPPROTO_UDPLITE, false) => InetTable::UdpLite,
        (libc::IPPROTO_UDPLITE, true) => InetTable::UdpLite6,
        _ => return None,
    };
    // a freed socket's queues are empty; the counters the kernel puts in the
    // message at that point are not (a udp send queue of 2^32 - 1, a tcp one
    // of the unacknowledged bytes of a connection it reset)
    decode_message(message, table, ticks_per_second).map(|row| InetSocket { rx_queue: 0, tx_queue: 0, ..row })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::destroy::tests::in_new_namespace;
    use std::net::{TcpListener, TcpStream, UdpSocket};

    fn query(tables: &[InetTable]) -> SocketQuery {
        SocketQuery { inet_tables: tables.to_vec(), ..SocketQuery::default() }
    }

    /// Waits for batches until `want` closes came (or ten empty seconds passed).
    fn collect(events: &mut CloseEvents, want: usize) -> Vec<ClosedSocket> {
        let mut closed = Vec::new();
        for _ in 0..10 {
            let batch = events.next_batch(Some(Duration::from_secs(1))).unwrap().unwrap();
            closed.extend(batch.closed);
            if closed.len() >= want {
                break;
            }
        }
        closed
    }

    #[test]
    fn reports_closes_of_the_tables_asked_for_as_rows() {
        in_new_namespace(|| {
            let mut events = CloseEvents::subscribe(&query(&[InetTable::Tcp, InetTable::Udp])).unwrap();
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let client_port = client.local_addr().unwrap().port();
            let (server, _) = listener.accept().unwrap();
            // a reset (SO_LINGER 0): the kernel clears the remote end of the
            // client's socket as it closes it; the server's end keeps its own
            socket_linger_zero(&client);
            drop(client);
            drop(server);
            drop(listener);
            let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
            let udp_port = udp.local_addr().unwrap().port();
            drop(udp);
            // tcp6 was not asked for
            drop(TcpListener::bind("[::1]:0"));
            let closed = collect(&mut events, 4);
            let seen: Vec<(InetTable, u16, u16, u8)> = closed
                .iter()
                .map(|c| (c.socket.table, c.socket.local_port, c.socket.remote_port, c.socket.state))
                .collect();
            for expected in [
                (InetTable::Tcp, client_port, 0, 7),
                (InetTable::Tcp, port, client_port, 7),
                (InetTable::Tcp, port, 0, 7),
                (InetTable::Udp, udp_port, 0, 7),
            ] {
                assert!(seen.contains(&expected), "{expected:?} not in {seen:?}");
            }
            assert_eq!(seen.len(), 4, "{seen:?}");
            assert!(closed.iter().all(|c| c.time_ms > 1_600_000_000_000 && c.socket.inode == 0));
        });
    }

    /// The notifications Linux 6.18 sent for a closed tcp pair, its listener and
    /// a udp6 socket (fixtures/fuzz/netlink_inet/close-notifications: a mode
    /// byte, then datagrams each after its u16 LE length).
    #[test]
    fn decodes_captured_notifications() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/fuzz/netlink_inet/close-notifications");
        let data = std::fs::read(path).unwrap();
        let mut rows = Vec::new();
        let mut at = 1;
        while at + 2 <= data.len() {
            let len = u16::from_le_bytes([data[at], data[at + 1]]) as usize;
            let datagram = &data[at + 2..at + 2 + len];
            read_batch(datagram, |m| rows.extend(decode_close(m, 100))).unwrap();
            at += 2 + len;
        }
        let seen: Vec<(InetTable, u16, u16, u8, u32, u32)> = rows
            .iter()
            .map(|r| (r.table, r.local_port, r.remote_port, r.state, r.rx_queue, r.tx_queue))
            .collect();
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(seen.contains(&(InetTable::Tcp, 5000, 0, 7, 0, 0)), "the listener: {seen:?}");
        assert!(seen.contains(&(InetTable::Udp6, 5001, 0, 7, 0, 0)), "the udp6 socket: {seen:?}");
        // the connection's two ends, each with the other's port
        let ends: Vec<(u16, u16)> =
            seen.iter().filter(|s| s.0 == InetTable::Tcp && s.2 != 0).map(|s| (s.1, s.2)).collect();
        assert_eq!(ends.len(), 2, "{seen:?}");
        assert_eq!((ends[0].0, ends[0].1), (ends[1].1, ends[1].0), "{seen:?}");
    }

    #[test]
    fn a_stopper_ends_a_wait_from_another_thread() {
        let mut events = CloseEvents::subscribe(&query(&[InetTable::Tcp])).unwrap();
        let stopper = events.stopper();
        let waiter = std::thread::spawn(move || events.next_batch(None).unwrap().is_none());
        std::thread::sleep(Duration::from_millis(50));
        stopper.stop();
        assert!(waiter.join().unwrap());
    }

    #[test]
    fn raw_and_udplite_alone_are_refused() {
        let error = CloseEvents::subscribe(&query(&[InetTable::Raw, InetTable::UdpLite])).err().unwrap();
        assert_eq!(error.code(), "EINVAL");
    }

    fn socket_linger_zero(stream: &TcpStream) {
        use std::os::fd::AsRawFd;
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: setsockopt on the stream's own descriptor with a struct that lives through the call.
        let done = unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(done, 0);
    }
}
