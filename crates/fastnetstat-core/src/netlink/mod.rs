//! The netlink sock_diag source: the kernel's socket tables as binary dumps
//! (inet_diag for tcp/udp/udplite/raw, unix_diag for unix sockets). It needs
//! no privilege, can filter by state in the kernel (a listening-only dump
//! never walks the established hash), and gives the same rows the /proc
//! text does once its few differences are mapped (see inet.rs and unix.rs).

pub mod destroy;
pub mod events;
pub mod inet;
pub mod unix;

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const NETLINK_SOCK_DIAG: libc::c_int = 4;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
/// Types below this are netlink's own control messages.
const NLMSG_MIN_TYPE: u16 = 0x10;
const NLM_F_REQUEST: u16 = 0x01;
const NLM_F_ACK: u16 = 0x04;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_HDRLEN: usize = 16;
/// The kernel caps one dump batch near 32 KiB; a larger buffer only costs memory.
const RECV_BUFFER: usize = 64 * 1024;

/// Rounds up to the 4-byte alignment netlink uses for messages and attributes.
#[inline]
pub(crate) fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// A NETLINK_SOCK_DIAG socket.
pub struct DiagSocket {
    fd: OwnedFd,
    buffer: Vec<u8>,
}

impl DiagSocket {
    pub fn open() -> io::Result<DiagSocket> {
        // SAFETY: plain socket(2) call; the result is checked before use.
        let fd = unsafe {
            libc::socket(libc::AF_NETLINK, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, NETLINK_SOCK_DIAG)
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a freshly created descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(DiagSocket { fd, buffer: vec![0u8; RECV_BUFFER] })
    }

    /// Sends one SOCK_DIAG_BY_FAMILY dump request with `payload` and calls
    /// `on_message` with the payload of every reply message until the dump
    /// ends, or until `on_message` returns false: the rest of that dump is
    /// then left unread, so the socket must not be used again.
    pub fn dump(&mut self, payload: &[u8], on_message: impl FnMut(&[u8]) -> bool) -> io::Result<()> {
        self.dump_as(SOCK_DIAG_BY_FAMILY, payload, on_message)
    }

    /// Sends one request of type `kind` that asks for an acknowledgement
    /// (SOCK_DESTROY) and waits for it: Ok when the kernel did it, else the
    /// errno it answered with. `sequence` tells the answer apart from any
    /// earlier one.
    pub(crate) fn ask(&mut self, kind: u16, sequence: u32, payload: &[u8]) -> io::Result<()> {
        self.send(kind, NLM_F_REQUEST | NLM_F_ACK, sequence, payload)?;
        loop {
            let received = self.receive()?;
            let data = &self.buffer[..received];
            let mut at = 0;
            while at + NLMSG_HDRLEN <= data.len() {
                let len = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap()) as usize;
                let message_kind = u16::from_ne_bytes(data[at + 4..at + 6].try_into().unwrap());
                let message_sequence = u32::from_ne_bytes(data[at + 8..at + 12].try_into().unwrap());
                if len < NLMSG_HDRLEN || len > data.len() - at {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated netlink message"));
                }
                if message_kind == NLMSG_ERROR && message_sequence == sequence {
                    let code = data
                        .get(at + NLMSG_HDRLEN..at + NLMSG_HDRLEN + 4)
                        .map_or(0, |b| i32::from_ne_bytes(b.try_into().unwrap()));
                    return match code {
                        0 => Ok(()),
                        code => Err(io::Error::from_raw_os_error(code.checked_neg().unwrap_or(libc::EIO))),
                    };
                }
                at += align4(len);
            }
        }
    }

    fn send(&self, kind: u16, flags: u16, sequence: u32, payload: &[u8]) -> io::Result<()> {
        let mut request = Vec::with_capacity(NLMSG_HDRLEN + payload.len());
        request.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
        request.extend_from_slice(&kind.to_ne_bytes());
        request.extend_from_slice(&flags.to_ne_bytes());
        request.extend_from_slice(&sequence.to_ne_bytes());
        request.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel
        request.extend_from_slice(payload);
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: the buffer and address are valid for the duration of the call.
        let sent = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                request.as_ptr().cast(),
                request.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// One datagram into the buffer (its length), retried when a signal interrupts.
    fn receive(&mut self) -> io::Result<usize> {
        loop {
            // SAFETY: receives into our own buffer, bounded by its length.
            let received = unsafe {
                libc::recv(self.fd.as_raw_fd(), self.buffer.as_mut_ptr().cast(), self.buffer.len(), 0)
            };
            if received >= 0 {
                return Ok(received as usize);
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }

    /// [`DiagSocket::dump`] with another request type (the older inet_diag
    /// requests have their own).
    pub(crate) fn dump_as(
        &mut self,
        kind: u16,
        payload: &[u8],
        mut on_message: impl FnMut(&[u8]) -> bool,
    ) -> io::Result<()> {
        self.send(kind, NLM_F_REQUEST | NLM_F_DUMP, 1, payload)?;
        loop {
            let received = self.receive()?;
            let mut going = true;
            let batch = read_batch(&self.buffer[..received], |message| {
                going = going && on_message(message);
            })?;
            if batch == Batch::Done || !going {
                return Ok(());
            }
        }
    }
}

/// Whether a dump goes on after a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    More,
    Done,
}

/// Splits one received datagram into messages: calls `on_message` with the
/// payload of each socket message, and tells whether the dump ended (its
/// DONE or ERROR message) or failed (the error the kernel put in either).
pub fn read_batch(data: &[u8], mut on_message: impl FnMut(&[u8])) -> io::Result<Batch> {
    let mut at = 0;
    while at + NLMSG_HDRLEN <= data.len() {
        let len = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let kind = u16::from_ne_bytes(data[at + 4..at + 6].try_into().unwrap());
        if len < NLMSG_HDRLEN || len > data.len() - at {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated netlink message"));
        }
        let body = &data[at + NLMSG_HDRLEN..at + len];
        match kind {
            // Both end a dump, and both carry an error code: a dump the
            // kernel cannot do (no raw_diag, say) ends in a DONE whose
            // payload is -ENOENT, not in an ERROR message.
            NLMSG_DONE | NLMSG_ERROR => {
                let code = body.get(..4).map(|b| i32::from_ne_bytes(b.try_into().unwrap())).unwrap_or(0);
                return if code < 0 {
                    Err(io::Error::from_raw_os_error(code.checked_neg().unwrap_or(libc::EIO)))
                } else {
                    Ok(Batch::Done)
                };
            }
            // netlink's own control messages (NOOP, OVERRUN) are no sockets
            kind if kind < NLMSG_MIN_TYPE => {}
            _ => on_message(body),
        }
        at += align4(len);
    }
    Ok(Batch::More)
}

/// Iterates the (type, payload) attributes that follow a fixed header.
pub(crate) fn attributes(mut data: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if data.len() < 4 {
            return None;
        }
        let len = u16::from_ne_bytes([data[0], data[1]]) as usize;
        let kind = u16::from_ne_bytes([data[2], data[3]]) & 0x3fff;
        if len < 4 || len > data.len() {
            data = &[];
            return None;
        }
        let payload = &data[4..len];
        data = &data[align4(len).min(data.len())..];
        Some((kind, payload))
    })
}
