//! The kernel's view of each interface, through the SIOCGIF* ioctls
//! lib/interface.c `if_fetch` makes, and the SIOCGIFCONF list of the labels
//! that carry an IPv4 address. These always ask the running kernel (the
//! caller's network namespace), whatever the proc root.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::{IfMap, Interface, Ipv4Config};

/// A datagram socket to make the ioctls on.
pub(super) fn open_socket(family: i32) -> io::Result<OwnedFd> {
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(family, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        Err(io::Error::last_os_error())
    } else {
        // SAFETY: `fd` is a new descriptor nobody else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

/// The errno of the last failed call.
fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// A zeroed `struct ifreq` for `name` (cut to IFNAMSIZ - 1 bytes).
fn ifreq(name: &[u8]) -> libc::ifreq {
    // SAFETY: ifreq is plain data (bytes, integers and a pointer) for which
    // all-zero bytes are a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    rename(&mut req, name);
    req
}

/// Replaces the name only (netstat reuses one ifreq, refreshing its name):
/// what the last ioctl left in the union stays.
fn rename(req: &mut libc::ifreq, name: &[u8]) {
    req.ifr_name = [0; libc::IFNAMSIZ];
    for (to, &from) in req.ifr_name.iter_mut().zip(&name[..name.len().min(libc::IFNAMSIZ - 1)]) {
        *to = from as libc::c_char;
    }
}

/// ioctl with an ifreq; Err(errno) on failure.
fn ioctl(sock: &OwnedFd, request: libc::c_ulong, req: &mut libc::ifreq) -> Result<(), i32> {
    // SAFETY: `req` is a valid, writable ifreq, the structure these requests
    // read and write; it lives across the call.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), request as _, req as *mut libc::ifreq) };
    if rc < 0 {
        Err(errno())
    } else {
        Ok(())
    }
}

/// The 4 address bytes of a `sockaddr_in` in the union.
fn sockaddr_in(addr: &libc::sockaddr) -> [u8; 4] {
    // sin_port is sa_data[0..2], sin_addr sa_data[2..6]
    [addr.sa_data[2] as u8, addr.sa_data[3] as u8, addr.sa_data[4] as u8, addr.sa_data[5] as u8]
}

/// SIOCGIFCONF: the labels that carry an IPv4 address, in the kernel's order.
pub(super) fn if_conf(sock: &OwnedFd) -> Result<Vec<Vec<u8>>, i32> {
    let size = std::mem::size_of::<libc::ifreq>();
    let mut numreqs = 30usize;
    loop {
        let mut buf: Vec<libc::ifreq> = (0..numreqs).map(|_| ifreq(b"")).collect();
        let mut conf = libc::ifconf {
            ifc_len: (size * numreqs) as i32,
            ifc_ifcu: libc::__c_anonymous_ifc_ifcu { ifcu_req: buf.as_mut_ptr() },
        };
        // SAFETY: `conf` points at `buf`, which holds ifc_len writable bytes.
        let rc =
            unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFCONF as _, &mut conf as *mut libc::ifconf) };
        if rc < 0 {
            return Err(errno());
        }
        if conf.ifc_len as usize == size * numreqs {
            numreqs *= 2;
            continue;
        }
        let count = (conf.ifc_len.max(0) as usize) / size;
        return Ok(buf[..count.min(buf.len())]
            .iter()
            .map(|r| r.ifr_name.iter().take_while(|&&b| b != 0).map(|&b| b as u8).collect())
            .collect());
    }
}

/// lib/interface.c `if_fetch` for one name: `sock` for the device ioctls,
/// `inet` (an AF_INET socket, if one could be opened) for the IPv4 address.
pub(super) fn fetch(sock: &OwnedFd, inet: Option<&OwnedFd>, name: &[u8]) -> Interface {
    let mut ife = Interface {
        name: name.to_vec(),
        fetch_error: None,
        flags: 0,
        hw_type: 0,
        hw_addr: [0; 8],
        mtu: 0,
        tx_queue_len: -1,
        map: IfMap::default(),
        ipv4: None,
        stats: None,
    };
    let mut ifr = ifreq(name);
    if let Err(e) = ioctl(sock, libc::SIOCGIFFLAGS, &mut ifr) {
        ife.fetch_error = Some(e);
        return ife;
    }
    // SAFETY (each union read below): every field of the union is plain
    // data, valid for any bytes; the ioctl just made says which one is set.
    ife.flags = unsafe { ifr.ifr_ifru.ifru_flags } as u16;
    rename(&mut ifr, name);
    let hw_ok = ioctl(sock, libc::SIOCGIFHWADDR, &mut ifr).is_ok();
    let hw = unsafe { ifr.ifr_ifru.ifru_hwaddr };
    if hw_ok {
        for (to, &from) in ife.hw_addr.iter_mut().zip(&hw.sa_data) {
            *to = from as u8;
        }
    }
    // On failure the union still holds the flags: netstat reads them as the type.
    ife.hw_type = hw.sa_family;
    rename(&mut ifr, name);
    if ioctl(sock, libc::SIOCGIFMTU, &mut ifr).is_ok() {
        ife.mtu = unsafe { ifr.ifr_ifru.ifru_mtu };
    }
    rename(&mut ifr, name);
    if ioctl(sock, libc::SIOCGIFMAP, &mut ifr).is_ok() {
        let map = unsafe { ifr.ifr_ifru.ifru_map };
        ife.map = IfMap {
            mem_start: map.mem_start,
            mem_end: map.mem_end,
            base_addr: map.base_addr,
            irq: map.irq,
            dma: map.dma,
            port: map.port,
        };
    }
    rename(&mut ifr, name);
    if ioctl(sock, libc::SIOCGIFTXQLEN, &mut ifr).is_ok() {
        // ifr_qlen is the union's int, which libc names ifru_ifindex
        ife.tx_queue_len = unsafe { ifr.ifr_ifru.ifru_ifindex };
    }
    if let Some(inet) = inet {
        let mut r = ifreq(name);
        r.ifr_ifru.ifru_addr.sa_family = libc::AF_INET as libc::sa_family_t;
        if ioctl(inet, libc::SIOCGIFADDR, &mut r).is_ok() {
            let address = sockaddr_in(unsafe { &r.ifr_ifru.ifru_addr });
            let get = |request| {
                let mut r = ifreq(name);
                ioctl(inet, request, &mut r).ok().map(|_| sockaddr_in(unsafe { &r.ifr_ifru.ifru_addr }))
            };
            ife.ipv4 = Some(Ipv4Config {
                address,
                destination: get(libc::SIOCGIFDSTADDR),
                broadcast: get(libc::SIOCGIFBRDADDR),
                netmask: get(libc::SIOCGIFNETMASK),
            });
        }
    }
    ife
}
