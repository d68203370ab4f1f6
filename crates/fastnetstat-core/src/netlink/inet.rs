//! inet_diag: tcp, udp, udplite and raw sockets, mapped to the rows
//! /proc/net/{tcp,udp,udplite,raw}{,6} would show.

use std::io;

use super::{attributes, DiagSocket};
use crate::details::{DetailsWanted, SocketDetails};
use crate::model::{InetSocket, InetTable, Protocol};

const INET_DIAG_INFO: u16 = 2;
/// The socket's cgroup id (u64): the kernel adds it to every reply.
const INET_DIAG_CGROUP_ID: u16 = 21;
const TCP_LISTEN: u8 = 10;
const TCP_TIME_WAIT: u8 = 6;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_UDPLITE: u8 = 136;
const IPPROTO_RAW: u8 = 255;
/// sizeof(struct inet_diag_msg).
const MSG_LEN: usize = 72;

/// Every state /proc shows: TCPF_ESTABLISHED (1 << 1) to TCPF_NEW_SYN_RECV
/// (1 << 12). Since Linux 6.5 bit 13 (TCP_BOUND_INACTIVE) asks for sockets
/// that are bound but neither listening nor connected: /proc, netstat and ss
/// never show those, so a request never sets it.
pub const ALL_STATES: u32 = (1 << 13) - 1;
/// TCPF_LISTEN alone: the kernel then walks only the listening hash.
pub const LISTEN_ONLY: u32 = 1 << TCP_LISTEN;

pub(crate) fn protocol_number(protocol: Protocol) -> u8 {
    match protocol {
        Protocol::Tcp => IPPROTO_TCP,
        Protocol::Udp => IPPROTO_UDP,
        Protocol::UdpLite => IPPROTO_UDPLITE,
        Protocol::Raw => IPPROTO_RAW,
    }
}

/// USER_HZ, the unit /proc prints timers in.
pub fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as u64
    } else {
        100
    }
}

/// What one dump asks the kernel for.
#[derive(Debug, Clone, Copy)]
pub struct DumpFilter {
    /// A TCPF_* mask of states.
    pub states: u32,
    /// Also ask for tcp_info, the only place netlink gives the retransmit and
    /// probe counts /proc prints in its timer columns (needed for timers only).
    pub counters: bool,
    /// Only sockets bound to this local port (the kernel runs the comparison).
    pub local_port: Option<u16>,
    /// tcp_info and memory counters for each row (`row.details`).
    pub details: DetailsWanted,
}

impl Default for DumpFilter {
    fn default() -> Self {
        DumpFilter {
            states: ALL_STATES,
            counters: false,
            local_port: None,
            details: DetailsWanted::default(),
        }
    }
}

const INET_DIAG_REQ_BYTECODE: u16 = 1;

/// The dump's bytecode: `local_port` and the filter's program, both to hold.
fn bytecode(filter: &DumpFilter, program: Option<&[u8]>) -> Option<Vec<u8>> {
    use crate::filter::bytecode;
    match (filter.local_port.map(bytecode::source_port_is), program) {
        (None, None) => None,
        (Some(port), None) => Some(port),
        (None, Some(program)) => Some(program.to_vec()),
        // both within the attribute's 16-bit length; else the filter's program alone,
        // and the port is tested on the rows (`kept_after_kernel`)
        (Some(port), Some(program)) if port.len() + program.len() <= bytecode::MAX_LEN => {
            Some(bytecode::and(port, program))
        }
        (Some(_), Some(program)) => Some(program.to_vec()),
    }
}

/// The request: struct inet_diag_req_v2, then the bytecode attribute if any
/// (`program`: a filter's inet_diag bytecode, see [`crate::filter::bytecode`]).
pub(crate) fn request(table: InetTable, filter: &DumpFilter, program: Option<&[u8]>) -> Vec<u8> {
    let is_tcp = table.protocol() == Protocol::Tcp;
    let mut request = vec![0u8; 56];
    request[0] = if table.is_ipv6() { libc::AF_INET6 } else { libc::AF_INET } as u8;
    request[1] = protocol_number(table.protocol());
    request[2] = if is_tcp && filter.counters { 1 << (INET_DIAG_INFO - 1) } else { 0 };
    request[2] |= wanted_for(table, filter).ext_bits();
    request[4..8].copy_from_slice(&(filter.states & ALL_STATES).to_ne_bytes());
    if let Some(code) = bytecode(filter, program) {
        request.extend_from_slice(&((code.len() + 4) as u16).to_ne_bytes());
        request.extend_from_slice(&INET_DIAG_REQ_BYTECODE.to_ne_bytes());
        request.extend_from_slice(&code);
    }
    request
}

/// Dumps one table, as /proc would show it: `on_row` gets each row, and may
/// stop the dump by returning false.
pub fn dump_table(
    socket: &mut DiagSocket,
    table: InetTable,
    filter: &DumpFilter,
    on_row: impl FnMut(InetSocket) -> bool,
) -> io::Result<()> {
    dump_table_with(socket, table, filter, None, on_row)
}

/// [`dump_table`] with a filter's bytecode for the kernel to run on each socket.
pub fn dump_table_with(
    socket: &mut DiagSocket,
    table: InetTable,
    filter: &DumpFilter,
    program: Option<&[u8]>,
    mut on_row: impl FnMut(InetSocket) -> bool,
) -> io::Result<()> {
    let request = request(table, filter, program);
    let ticks_per_second = clock_ticks_per_second();
    let wanted = wanted_for(table, filter);
    socket.dump(&request, |message| match decode_message(message, table, ticks_per_second) {
        Some(row) => on_row(with_details(row, message, wanted)),
        None => true,
    })
}

/// TCPDIAG_GETSOCK: the original inet_diag request, which dumps IPv4 and
/// IPv6 sockets together.
const TCPDIAG_GETSOCK: u16 = 18;

/// Dumps tcp and tcp6 in one walk of the kernel's hash tables (a per-family
/// request walks them once per family, and the established hash is the big
/// cost). The original inet_diag request does this; its rows come in hash
/// order with the families mixed, and each family keeps the order its own
/// dump would have, so splitting them by `row.table` gives /proc's two
/// tables. `on_row` may stop the dump by returning false.
pub fn dump_tcp_both(
    socket: &mut DiagSocket,
    filter: &DumpFilter,
    on_row: impl FnMut(InetSocket) -> bool,
) -> io::Result<()> {
    dump_tcp_both_with(socket, filter, None, on_row)
}

/// [`dump_tcp_both`] with a filter's bytecode for the kernel to run on each socket.
pub fn dump_tcp_both_with(
    socket: &mut DiagSocket,
    filter: &DumpFilter,
    program: Option<&[u8]>,
    mut on_row: impl FnMut(InetSocket) -> bool,
) -> io::Result<()> {
    // struct inet_diag_req: family, src_len, dst_len, ext, sockid (48 bytes), states, dbs
    let v2 = request(InetTable::Tcp, filter, program);
    let mut request = vec![0u8; 60];
    request[3] = v2[2];
    request[52..56].copy_from_slice(&(filter.states & ALL_STATES).to_ne_bytes());
    request.extend_from_slice(&v2[56..]); // the bytecode filter, if any
    let ticks_per_second = clock_ticks_per_second();
    socket.dump_as(TCPDIAG_GETSOCK, &request, |message| {
        let table = match message.first().map(|&f| f as i32) {
            Some(libc::AF_INET) => InetTable::Tcp,
            Some(libc::AF_INET6) => InetTable::Tcp6,
            _ => return true,
        };
        match decode_message(message, table, ticks_per_second) {
            Some(row) => on_row(with_details(row, message, filter.details)),
            None => true,
        }
    })
}

/// The details a dump of `table` asks for: tcp_info is tcp's only.
fn wanted_for(table: InetTable, filter: &DumpFilter) -> DetailsWanted {
    let is_tcp = table.protocol() == Protocol::Tcp;
    DetailsWanted { tcp_info: filter.details.tcp_info && is_tcp, memory: filter.details.memory }
}

/// Adds the details the dump asked for from the message's attributes (a
/// TIME_WAIT or request socket's reply has none).
#[inline]
fn with_details(mut row: InetSocket, message: &[u8], wanted: DetailsWanted) -> InetSocket {
    if wanted.any() && message.len() > MSG_LEN {
        row.details = SocketDetails::decode(&message[MSG_LEN..]);
        if !wanted.tcp_info {
            if let Some(d) = row.details.as_deref_mut() {
                d.tcp_info = None; // asked for the retransmit counters only
            }
        }
    }
    row
}

/// One struct inet_diag_msg (and its attributes) as the /proc row of `table`;
/// `None` for a message too short to be one.
pub fn decode_message(message: &[u8], table: InetTable, ticks_per_second: u64) -> Option<InetSocket> {
    if message.len() < MSG_LEN {
        return None;
    }
    let is_tcp = table.protocol() == Protocol::Tcp;
    let address_len = if table.is_ipv6() { 16 } else { 4 };
    let u32_at = |at: usize| u32::from_ne_bytes(message[at..at + 4].try_into().unwrap());
    let state = message[1];
    let mut row = InetSocket {
        local_port: u16::from_be_bytes([message[4], message[5]]),
        remote_port: u16::from_be_bytes([message[6], message[7]]),
        state,
        // /proc prints the accept queue as Recv-Q and 0 as Send-Q for a
        // listener; netlink gives the backlog limit as its write queue, kept
        // apart as listen_backlog.
        rx_queue: u32_at(56),
        tx_queue: if is_tcp && state == TCP_LISTEN { 0 } else { u32_at(60) },
        listen_backlog: (is_tcp && state == TCP_LISTEN).then(|| u32_at(60)),
        uid: u32_at(64),
        inode: u32_at(68) as u64,
        interface: u32_at(40),
        ..InetSocket::empty(table)
    };
    row.local_addr[..address_len].copy_from_slice(&message[8..8 + address_len]);
    row.remote_addr[..address_len].copy_from_slice(&message[24..24 + address_len]);
    if is_tcp {
        // Timer codes match /proc's (1 retransmit, 2 keepalive, 3 timewait,
        // 4 zero-window probe); netlink counts milliseconds, /proc ticks.
        let timer = message[2];
        row.timer_active = timer;
        row.timer_ticks = u32_at(52) as u64 * ticks_per_second / 1000;
        // The one counter netlink puts in the header depends on the timer.
        match timer {
            1 => row.retransmits = message[3] as u32,
            2 | 4 => row.timeout = message[3] as i32,
            _ => {}
        }
    }
    // a TIME_WAIT or request socket's reply is the bare header
    if state != TCP_TIME_WAIT {
        for (kind, payload) in attributes(&message[MSG_LEN..]) {
            match kind {
                INET_DIAG_INFO if is_tcp && payload.len() >= 4 => {
                    row.retransmits = payload[2] as u32; // tcpi_retransmits
                    row.timeout = payload[3] as i32; // tcpi_probes
                }
                INET_DIAG_CGROUP_ID if payload.len() >= 8 => {
                    row.cgroup_id = u64::from_ne_bytes(payload[..8].try_into().unwrap());
                }
                _ => {}
            }
        }
    }
    Some(row)
}
