//! unix_diag: unix domain sockets, mapped to the rows /proc/net/unix shows.
//!
//! Two /proc columns have no netlink field and are derived:
//! - RefCount: a socket starts at 2, and every socket whose peer it is holds
//!   one more reference. Stream peers point at each other, so a connected
//!   stream socket has 3 (even when its peer lives in another namespace); a
//!   datagram socket gets one more per datagram socket connected to it.
//! - St (the socket-layer state): CONNECTED/UNCONNECTED from the sock state,
//!   as /proc derives it for sockets that have a socket attached.
//!
//! A connection still waiting in a listener's queue has no inode yet, so
//! unix_diag does not show it (and it holds a reference on its client) while
//! /proc does: when any listener has one, the dump says so with
//! [`Error::UnixPendingConnections`] and the caller reads /proc instead.

use std::collections::HashMap;

use super::{attributes, DiagSocket};
use crate::details::SocketMemory;
use crate::error::{Error, Result};
use crate::model::UnixSocket;

const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_PEER: u16 = 2;
const UNIX_DIAG_RQLEN: u16 = 4;
const UNIX_DIAG_MEMINFO: u16 = 5;
/// Ask for UNIX_DIAG_MEMINFO (skmem's counters).
const UDIAG_SHOW_MEMINFO: u32 = 0x20;
const UDIAG_SHOW_RQLEN: u32 = 0x10;
const SOCK_STREAM: u16 = 1;
const SOCK_SEQPACKET: u16 = 5;

const UDIAG_SHOW_NAME: u32 = 0x01;
const UDIAG_SHOW_PEER: u32 = 0x04;
const TCP_ESTABLISHED: u8 = 1;
const TCP_LISTEN: u8 = 10;
const SS_UNCONNECTED: u8 = 1;
const SS_CONNECTED: u8 = 3;
const SO_ACCEPTCON: u32 = 1 << 16;
/// sizeof(struct unix_diag_msg).
const MSG_LEN: usize = 16;

/// /proc's path text: the kernel prints a bound name's bytes with NULs as
/// '@' (so abstract names start with '@') and drops a path's trailing NUL.
fn path_text(name: &[u8]) -> Vec<u8> {
    let mut bytes = name;
    if bytes.first().is_some_and(|&b| b != 0) {
        // a filesystem path: the kernel stores it with its terminating NUL
        if let Some(end) = bytes.iter().position(|&b| b == 0) {
            bytes = &bytes[..end];
        }
    }
    bytes.iter().map(|&b| if b == 0 { b'@' } else { b }).collect()
}

fn is_stream(sock_type: u16) -> bool {
    sock_type == SOCK_STREAM || sock_type == SOCK_SEQPACKET
}

/// One struct unix_diag_msg with what its attributes say.
#[derive(Debug, Clone)]
pub struct DecodedMessage {
    /// The row, with the RefCount a socket starts at (see [`derive_refcounts`]).
    pub row: UnixSocket,
    /// The peer's inode, 0 for none.
    pub peer: u64,
    /// A listener with connections not yet accepted.
    pub pending_connections: bool,
}

/// Decodes one message; `None` for a message too short to be one.
pub fn decode_message(message: &[u8]) -> Option<DecodedMessage> {
    if message.len() < MSG_LEN {
        return None;
    }
    let state = message[2];
    let mut decoded = DecodedMessage {
        row: UnixSocket {
            refcount: 2,
            protocol: 0,
            flags: if state == TCP_LISTEN { SO_ACCEPTCON } else { 0 },
            sock_type: message[1] as u16,
            state: if state == TCP_ESTABLISHED { SS_CONNECTED } else { SS_UNCONNECTED },
            inode: u32::from_ne_bytes(message[4..8].try_into().unwrap()) as u64,
            path: None,
            memory: None,
        },
        peer: 0,
        pending_connections: false,
    };
    for (kind, payload) in attributes(&message[MSG_LEN..]) {
        match kind {
            UNIX_DIAG_NAME if !payload.is_empty() => decoded.row.path = Some(path_text(payload)),
            UNIX_DIAG_MEMINFO => decoded.row.memory = Some(SocketMemory::from_skmeminfo(payload)),
            UNIX_DIAG_PEER if payload.len() >= 4 => {
                decoded.peer = u32::from_ne_bytes(payload[..4].try_into().unwrap()) as u64;
            }
            // a listener's receive queue holds its unaccepted connections
            UNIX_DIAG_RQLEN if state == TCP_LISTEN && payload.len() >= 4 => {
                decoded.pending_connections |= u32::from_ne_bytes(payload[..4].try_into().unwrap()) > 0;
            }
            _ => {}
        }
    }
    Some(decoded)
}

/// Adds the references peers hold to each row's RefCount (see the module
/// notes); `peers[i]` is the peer inode of `rows[i]`, 0 for none.
pub fn derive_refcounts(rows: &mut [UnixSocket], peers: &[u64]) {
    // how many datagram sockets point at each inode
    let mut datagram_refs: HashMap<u64, u32> = HashMap::new();
    for (row, &peer) in rows.iter().zip(peers) {
        if peer != 0 && !is_stream(row.sock_type) {
            *datagram_refs.entry(peer).or_default() += 1;
        }
    }
    for (row, &peer) in rows.iter_mut().zip(peers) {
        row.refcount += if is_stream(row.sock_type) {
            u32::from(peer != 0)
        } else {
            datagram_refs.get(&row.inode).copied().unwrap_or(0)
        };
    }
}

/// Dumps every unix socket into `out`. Fails with
/// [`Error::UnixPendingConnections`] (nothing added) when a listener has
/// connections not yet accepted, which netlink cannot show.
pub fn dump_table(socket: &mut DiagSocket, out: &mut Vec<UnixSocket>) -> Result<()> {
    dump_table_with_peers(socket, out, &mut Vec::new())
}

/// [`dump_table`], and each added row's peer inode (0 for none) into `peers`.
pub fn dump_table_with_peers(
    socket: &mut DiagSocket,
    out: &mut Vec<UnixSocket>,
    peers: &mut Vec<u64>,
) -> Result<()> {
    dump_table_with_memory(socket, out, peers, false)
}

/// [`dump_table_with_peers`], with each row's memory counters when `memory` (ss -xm).
pub fn dump_table_with_memory(
    socket: &mut DiagSocket,
    out: &mut Vec<UnixSocket>,
    peers: &mut Vec<u64>,
    memory: bool,
) -> Result<()> {
    let mut request = [0u8; 24]; // struct unix_diag_req
    request[0] = libc::AF_UNIX as u8;
    request[4..8].copy_from_slice(&u32::MAX.to_ne_bytes()); // every state
    let show =
        UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | if memory { UDIAG_SHOW_MEMINFO } else { 0 };
    request[12..16].copy_from_slice(&show.to_ne_bytes());

    let first = out.len();
    // for each row: its peer's inode
    let peers_first = peers.len();
    let mut pending = false;
    socket
        .dump(&request, |message| {
            if let Some(decoded) = decode_message(message) {
                pending |= decoded.pending_connections;
                peers.push(decoded.peer);
                out.push(decoded.row);
            }
            true
        })
        .map_err(|e| Error::io("netlink unix_diag", e))?;
    if pending {
        out.truncate(first);
        peers.truncate(peers_first);
        return Err(Error::UnixPendingConnections);
    }
    derive_refcounts(&mut out[first..], &peers[peers_first..]);
    Ok(())
}
