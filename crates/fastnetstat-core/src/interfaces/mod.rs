//! Network interfaces as net-tools 2.10 lists them (lib/interface.c):
//!
//! - names from /proc/net/dev (with their counters) and then from the
//!   SIOCGIFCONF ioctl (the labels that carry an IPv4 address, aliases such
//!   as `eth0:1` included, which have no counters), merged into one list
//!   kept sorted by `nstrcmp` (numbers compared as numbers, `:N` alias
//!   suffixes last);
//! - for each, in that order, the kernel's view through ioctls on the
//!   caller's network namespace: flags (the 16 bits SIOCGIFFLAGS gives),
//!   hardware type and address, MTU, device map, transmit queue length, and
//!   the IPv4 address with its point-to-point, broadcast and netmask
//!   addresses. The first interface whose flags cannot be read ends the list
//!   (netstat stops there with an error);
//! - IPv6 addresses from /proc/net/if_inet6, read as netstat's `fscanf` loop
//!   reads it.
//!
//! Each job has its module: `dev` (/proc/net/dev), `names` (the order),
//! `ioctl` (the kernel's view), `inet6` (/proc/net/if_inet6).
//! The files are read under the [`ProcRoot`]; the ioctls always ask the
//! running kernel.

mod dev;
mod inet6;
mod ioctl;
mod names;

pub use dev::parse_proc_net_dev;
pub use inet6::parse_if_inet6;
pub use names::nstrcmp;

use crate::proc_root::ProcRoot;
use crate::table_status::{read_small_table, TableStatus};

/// The counters of one /proc/net/dev line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DevStats {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub rx_fifo_errors: u64,
    pub rx_frame_errors: u64,
    pub rx_compressed: u64,
    pub rx_multicast: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
    pub tx_fifo_errors: u64,
    pub collisions: u64,
    pub tx_carrier_errors: u64,
    pub tx_compressed: u64,
}

impl DevStats {
    /// The counters in [`Self::to_array`]'s order.
    pub fn from_array(c: [u64; 16]) -> DevStats {
        let [rx_bytes, rx_packets, rx_errors, rx_dropped, rx_fifo_errors, rx_frame_errors, rx_compressed, rx_multicast, tx_bytes, tx_packets, tx_errors, tx_dropped, tx_fifo_errors, collisions, tx_carrier_errors, tx_compressed] =
            c;
        DevStats {
            rx_bytes,
            rx_packets,
            rx_errors,
            rx_dropped,
            rx_fifo_errors,
            rx_frame_errors,
            rx_compressed,
            rx_multicast,
            tx_bytes,
            tx_packets,
            tx_errors,
            tx_dropped,
            tx_fifo_errors,
            collisions,
            tx_carrier_errors,
            tx_compressed,
        }
    }

    pub fn to_array(&self) -> [u64; 16] {
        [
            self.rx_bytes,
            self.rx_packets,
            self.rx_errors,
            self.rx_dropped,
            self.rx_fifo_errors,
            self.rx_frame_errors,
            self.rx_compressed,
            self.rx_multicast,
            self.tx_bytes,
            self.tx_packets,
            self.tx_errors,
            self.tx_dropped,
            self.tx_fifo_errors,
            self.collisions,
            self.tx_carrier_errors,
            self.tx_compressed,
        ]
    }
}

/// One line of /proc/net/dev.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevLine {
    pub name: Vec<u8>,
    pub stats: DevStats,
}

/// `struct ifmap` as SIOCGIFMAP returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IfMap {
    pub mem_start: u64,
    pub mem_end: u64,
    pub base_addr: u16,
    pub irq: u8,
    pub dma: u8,
    pub port: u8,
}

/// The IPv4 address of an interface (label) and its companions; None where
/// the ioctl failed (netstat prints "[NONE SET]").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Config {
    pub address: [u8; 4],
    pub destination: Option<[u8; 4]>,
    pub broadcast: Option<[u8; 4]>,
    pub netmask: Option<[u8; 4]>,
}

/// One interface in netstat's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: Vec<u8>,
    /// errno of the SIOCGIFFLAGS that failed (the list ends here).
    pub fetch_error: Option<i32>,
    /// `ifr_flags`: the low 16 bits of the device flags.
    pub flags: u16,
    /// ARPHRD_* of the hardware address.
    pub hw_type: u16,
    /// The first 8 bytes of the hardware address (what netstat keeps).
    pub hw_addr: [u8; 8],
    pub mtu: i32,
    /// -1 when unknown.
    pub tx_queue_len: i32,
    pub map: IfMap,
    pub ipv4: Option<Ipv4Config>,
    /// Counters; None for names that /proc/net/dev lacks (aliases).
    pub stats: Option<DevStats>,
}

/// One record of /proc/net/if_inet6 as netstat's fscanf loop reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inet6Address {
    pub address: [u8; 16],
    pub ifindex: u32,
    pub prefix_len: u32,
    pub scope: u32,
    pub flags: u32,
    pub name: Vec<u8>,
    /// fscanf's count (13 when complete).
    pub conversions: u32,
}

#[derive(Debug, Clone, Default)]
pub struct InterfaceQuery {
    pub root: ProcRoot,
    /// Also read /proc/net/if_inet6 (the long form needs it).
    pub inet6: bool,
}

#[derive(Debug, Default)]
pub struct InterfaceSnapshot {
    pub interfaces: Vec<Interface>,
    pub dev_status: TableStatus,
    /// errno of a failed SIOCGIFCONF (netstat: perror "SIOCGIFCONF").
    pub ifconf_error: Option<i32>,
    /// errno when no socket could be opened for the ioctls.
    pub socket_error: Option<i32>,
    pub inet6: Vec<Inet6Address>,
    pub inet6_status: TableStatus,
}

/// Lists the interfaces as `netstat -i` does (see the module documentation).
pub fn list_interfaces(query: &InterfaceQuery) -> InterfaceSnapshot {
    let mut snap = InterfaceSnapshot::default();
    let inet = ioctl::open_socket(libc::AF_INET).ok();
    let other = match inet {
        Some(_) => None,
        None => match [libc::AF_INET6, libc::AF_UNIX, libc::AF_PACKET]
            .into_iter()
            .find_map(|f| ioctl::open_socket(f).ok())
        {
            Some(s) => Some(s),
            None => {
                snap.socket_error = Some(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
                return snap;
            }
        },
    };
    let Some(sock) = inet.as_ref().or(other.as_ref()) else { return snap };

    // Names in netstat's order, with the counters of those /proc/net/dev lists.
    let mut names: Vec<(Vec<u8>, Option<DevStats>)> = Vec::new();
    snap.dev_status = read_small_table(&query.root.net("dev"), |text| {
        for line in parse_proc_net_dev(text) {
            let i = names::cache_add(&mut names, &line.name);
            names[i].1 = Some(line.stats);
        }
    });
    match ioctl::if_conf(sock) {
        Ok(labels) => {
            for label in labels {
                names::cache_add(&mut names, &label);
            }
        }
        Err(e) => snap.ifconf_error = Some(e),
    }
    for (name, stats) in names {
        let mut ife = ioctl::fetch(sock, inet.as_ref(), &name);
        let failed = ife.fetch_error.is_some();
        ife.stats = stats;
        snap.interfaces.push(ife);
        if failed {
            break;
        }
    }
    if query.inet6 {
        snap.inet6_status =
            read_small_table(&query.root.net("if_inet6"), |text| snap.inet6 = parse_if_inet6(text));
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_loopback() {
        let snap = list_interfaces(&InterfaceQuery { root: ProcRoot::default(), inet6: true });
        let lo = snap.interfaces.iter().find(|i| i.name == b"lo").expect("lo");
        assert!(lo.fetch_error.is_none());
        assert_eq!(lo.hw_type, 772);
        assert!(lo.flags & libc::IFF_LOOPBACK as u16 != 0);
        assert!(lo.stats.is_some());
    }
}
