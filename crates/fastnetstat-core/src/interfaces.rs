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
//! The files are read under the [`ProcRoot`]; the ioctls always ask the
//! running kernel.

use crate::proc_root::ProcRoot;
use crate::scanf;
use crate::snapshot::TableStatus;
use crate::text::{self, Cursor};

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

/// lib/nstrcmp.c `cutalias`: the numeric `:N` suffix, cut off.
fn cut_alias(name: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut digit = false;
    let mut pos = name.len();
    while pos > 0 {
        let c = name[pos - 1];
        if c == b':' && digit {
            return (&name[..pos - 1], Some(&name[pos..]));
        }
        if !c.is_ascii_digit() {
            break;
        }
        digit = true;
        pos -= 1;
    }
    (name, None)
}

/// Length of `name` without its trailing digits.
fn rindex_nondigit(name: &[u8]) -> usize {
    name.iter().rposition(|c| !c.is_ascii_digit()).map_or(0, |i| i + 1)
}

/// C `atoi`: `(int) strtol(s, NULL, 10)`, which is `%d`'s reading.
fn atoi(s: &[u8]) -> i64 {
    scanf::dec_i32(&mut Cursor::new(s)).unwrap_or(0) as i64
}

/// lib/nstrcmp.c `nstrcmp`: like strcmp, but knows about numbers and ':'
/// alias suffixes ("eth2" < "eth10", "eth0" < "eth0:1").
pub fn nstrcmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let (a, a_alias) = cut_alias(a);
    let (b, b_alias) = cut_alias(b);
    let ai = rindex_nondigit(a);
    let bi = rindex_nondigit(b);
    let n = ai.min(bi);
    // strncmp stops at a NUL; names have none.
    match a[..n].cmp(&b[..n]) {
        Equal => {}
        other => return other,
    }
    match ai.cmp(&bi) {
        Equal => {}
        other => return other,
    }
    match atoi(&a[ai..]).cmp(&atoi(&b[bi..])) {
        Equal => {}
        other => return other,
    }
    let av = a_alias.map_or(-1, atoi);
    let bv = b_alias.map_or(-1, atoi);
    av.cmp(&bv)
}

/// lib/interface.c `if_cache_add`: insertion into the sorted list, walking
/// back from its end; a name comparing equal to one present is not added.
/// Returns the index of the entry.
fn cache_add(list: &mut Vec<Vec<u8>>, name: &[u8]) -> usize {
    // safe_strncpy(new->name, name, IFNAMSIZ)
    let name = &name[..name.len().min(15)];
    let mut i = list.len();
    while i > 0 {
        match nstrcmp(&list[i - 1], name) {
            std::cmp::Ordering::Equal => return i - 1,
            std::cmp::Ordering::Less => break,
            std::cmp::Ordering::Greater => i -= 1,
        }
    }
    list.insert(i, name.to_vec());
    i
}

/// lib/interface.c `get_name`: the interface name at the start of a
/// /proc/net/dev line, and where its counters begin.
fn get_name(line: &[u8]) -> (Vec<u8>, usize) {
    let mut p = 0;
    while p < line.len() && scanf::is_space(line[p]) {
        p += 1;
    }
    let mut name = Vec::new();
    while p < line.len() {
        let c = line[p];
        if scanf::is_space(c) {
            break;
        }
        if c == b':' {
            let dot = p;
            p += 1;
            while p < line.len() && line[p].is_ascii_digit() {
                p += 1;
            }
            if p < line.len() && line[p] == b':' {
                p = dot;
                name.push(line[p]);
                p += 1;
                while p < line.len() && line[p].is_ascii_digit() {
                    name.push(line[p]);
                    p += 1;
                }
            } else {
                p = dot;
            }
            p += 1;
            break;
        }
        name.push(c);
        p += 1;
    }
    (name, p.min(line.len()))
}

/// Parses /proc/net/dev text (two header lines). The counters' layout
/// follows the second header line as netstat's does (`compressed`: 16
/// fields, `bytes`: 13, else 11). Counters a line lacks are 0.
pub fn parse_proc_net_dev(text: &[u8]) -> Vec<DevLine> {
    let mut lines: Vec<&[u8]> = Vec::new();
    // fgets(buf, 512): longer lines come in pieces.
    scanf::fgets_lines(text, 512, |l| lines.push(l));
    if lines.len() < 2 {
        return Vec::new();
    }
    let second = lines[1];
    let has = |s: &[u8]| second.windows(s.len()).any(|w| w == s);
    let version = if has(b"compressed") {
        3
    } else if has(b"bytes") {
        2
    } else {
        1
    };
    let mut out = Vec::new();
    for line in &lines[2..] {
        let (name, at) = get_name(line);
        let mut c = Cursor::new(&line[at..]);
        let mut s = DevStats::default();
        {
            let fields: Vec<&mut u64> = match version {
                3 => vec![
                    &mut s.rx_bytes,
                    &mut s.rx_packets,
                    &mut s.rx_errors,
                    &mut s.rx_dropped,
                    &mut s.rx_fifo_errors,
                    &mut s.rx_frame_errors,
                    &mut s.rx_compressed,
                    &mut s.rx_multicast,
                    &mut s.tx_bytes,
                    &mut s.tx_packets,
                    &mut s.tx_errors,
                    &mut s.tx_dropped,
                    &mut s.tx_fifo_errors,
                    &mut s.collisions,
                    &mut s.tx_carrier_errors,
                    &mut s.tx_compressed,
                ],
                2 => vec![
                    &mut s.rx_bytes,
                    &mut s.rx_packets,
                    &mut s.rx_errors,
                    &mut s.rx_dropped,
                    &mut s.rx_fifo_errors,
                    &mut s.rx_frame_errors,
                    &mut s.tx_bytes,
                    &mut s.tx_packets,
                    &mut s.tx_errors,
                    &mut s.tx_dropped,
                    &mut s.tx_fifo_errors,
                    &mut s.collisions,
                    &mut s.tx_carrier_errors,
                ],
                _ => vec![
                    &mut s.rx_packets,
                    &mut s.rx_errors,
                    &mut s.rx_dropped,
                    &mut s.rx_fifo_errors,
                    &mut s.rx_frame_errors,
                    &mut s.tx_packets,
                    &mut s.tx_errors,
                    &mut s.tx_dropped,
                    &mut s.tx_fifo_errors,
                    &mut s.collisions,
                    &mut s.tx_carrier_errors,
                ],
            };
            for f in fields {
                match scanf::dec_u64(&mut c) {
                    Some(v) => *f = v,
                    None => break,
                }
            }
        }
        out.push(DevLine { name, stats: s });
    }
    out
}

/// Parses /proc/net/if_inet6 as `while (fscanf(f, "%4s%4s%4s%4s%4s%4s%4s%4s
/// %08x %02x %02x %02x %20s\n", ...) != EOF)` does: a stream, not lines;
/// fields a record lacks keep the previous record's values.
pub fn parse_if_inet6(text: &[u8]) -> Vec<Inet6Address> {
    let mut c = Cursor::new(text);
    let mut parts: [Vec<u8>; 8] = Default::default();
    let (mut ifindex, mut plen, mut scope, mut flags) = (0u32, 0u32, 0u32, 0u32);
    let mut name: Vec<u8> = Vec::new();
    let mut address: [u8; 16];
    let mut out = Vec::new();
    loop {
        c.skip_ws();
        if c.peek().is_none() {
            break; // EOF before the first conversion
        }
        let mut n = 0u32;
        'record: {
            for part in parts.iter_mut() {
                match scanf::string(&mut c, 4) {
                    Some(s) => {
                        *part = s.to_vec();
                        n += 1;
                    }
                    None => break 'record,
                }
            }
            for (field, width) in [(&mut ifindex, 8usize), (&mut plen, 2), (&mut scope, 2), (&mut flags, 2)] {
                match scanf::hex_width(&mut c, width) {
                    Some(v) => {
                        *field = v;
                        n += 1;
                    }
                    None => break 'record,
                }
            }
            match scanf::string(&mut c, 20) {
                Some(s) => {
                    name = s.to_vec();
                    n += 1;
                }
                None => break 'record,
            }
        }
        let mut joined = Vec::with_capacity(40);
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                joined.push(b':');
            }
            joined.extend_from_slice(p);
        }
        // As in netstat's INET6_getsock: text inet_pton rejects gives ::.
        address = std::str::from_utf8(&joined)
            .ok()
            .and_then(|s| s.parse::<std::net::Ipv6Addr>().ok())
            .map_or([0; 16], |a| a.octets());
        out.push(Inet6Address {
            address,
            ifindex,
            prefix_len: plen,
            scope,
            flags,
            name: name.clone(),
            conversions: n,
        });
    }
    out
}

// ---- ioctls ---------------------------------------------------------------

const SIOCGIFCONF: u64 = 0x8912;
const SIOCGIFFLAGS: u64 = 0x8913;
const SIOCGIFADDR: u64 = 0x8915;
const SIOCGIFDSTADDR: u64 = 0x8917;
const SIOCGIFBRDADDR: u64 = 0x8919;
const SIOCGIFNETMASK: u64 = 0x891b;
const SIOCGIFMTU: u64 = 0x8921;
const SIOCGIFHWADDR: u64 = 0x8927;
const SIOCGIFTXQLEN: u64 = 0x8942;
const SIOCGIFMAP: u64 = 0x8970;

/// `struct ifreq`: a name and a 24-byte union (struct ifmap is the largest).
#[repr(C)]
#[derive(Clone, Copy)]
struct IfReq {
    name: [u8; 16],
    data: [u64; 3],
}

impl IfReq {
    fn new(name: &[u8]) -> Self {
        let mut r = IfReq { name: [0; 16], data: [0; 3] };
        let n = name.len().min(15);
        r.name[..n].copy_from_slice(&name[..n]);
        r
    }
    fn bytes(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        for (i, w) in self.data.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&w.to_ne_bytes());
        }
        b
    }
    fn set_family(&mut self, family: u16) {
        let mut b = self.bytes();
        b[..2].copy_from_slice(&family.to_ne_bytes());
        for i in 0..3 {
            self.data[i] = u64::from_ne_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        }
    }
    /// Replaces the name only (netstat reuses one ifreq, refreshing its name).
    fn rename(&mut self, name: &[u8]) {
        *self = IfReq { data: self.data, ..IfReq::new(name) };
    }
}

struct Socket(i32);

impl Socket {
    fn open(family: i32) -> std::io::Result<Socket> {
        // SAFETY: plain socket(2) call; the descriptor is owned by the result.
        let fd = unsafe { libc::socket(family, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(Socket(fd))
        }
    }

    /// ioctl with an ifreq; Err(errno) on failure.
    fn ioctl(&self, request: u64, req: &mut IfReq) -> Result<(), i32> {
        // SAFETY: `req` is a valid, writable ifreq of the size the kernel
        // expects for these requests; it lives across the call.
        let rc = unsafe { libc::ioctl(self.0, request as _, req as *mut IfReq) };
        if rc < 0 {
            Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))
        } else {
            Ok(())
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: we own the descriptor.
        unsafe { libc::close(self.0) };
    }
}

/// SIOCGIFCONF: the labels that carry an IPv4 address, in the kernel's order.
fn if_conf(sock: &Socket) -> Result<Vec<Vec<u8>>, i32> {
    let size = std::mem::size_of::<IfReq>();
    let mut numreqs = 30usize;
    loop {
        let mut buf = vec![IfReq { name: [0; 16], data: [0; 3] }; numreqs];
        let mut conf = libc::ifconf {
            ifc_len: (size * numreqs) as i32,
            ifc_ifcu: libc::__c_anonymous_ifc_ifcu { ifcu_buf: buf.as_mut_ptr().cast() },
        };
        // SAFETY: `conf` points at `buf`, which holds ifc_len writable bytes.
        let rc = unsafe { libc::ioctl(sock.0, SIOCGIFCONF as _, &mut conf as *mut libc::ifconf) };
        if rc < 0 {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
        }
        if conf.ifc_len as usize == size * numreqs {
            numreqs *= 2;
            continue;
        }
        let count = (conf.ifc_len.max(0) as usize) / size;
        return Ok(buf[..count.min(buf.len())]
            .iter()
            .map(|r| r.name.iter().take_while(|&&b| b != 0).copied().collect())
            .collect());
    }
}

fn sockaddr_in(b: &[u8; 24]) -> [u8; 4] {
    [b[4], b[5], b[6], b[7]]
}

/// lib/interface.c `if_fetch` for one name.
fn fetch(sock: &Socket, inet: Option<&Socket>, name: &[u8]) -> Interface {
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
    let mut ifr = IfReq::new(name);
    if let Err(e) = sock.ioctl(SIOCGIFFLAGS, &mut ifr) {
        ife.fetch_error = Some(e);
        return ife;
    }
    ife.flags = u16::from_ne_bytes(ifr.bytes()[..2].try_into().unwrap());
    ifr.rename(name);
    let hw_ok = sock.ioctl(SIOCGIFHWADDR, &mut ifr).is_ok();
    let b = ifr.bytes();
    if hw_ok {
        ife.hw_addr.copy_from_slice(&b[2..10]);
    }
    // On failure the union still holds the flags: netstat reads them as the type.
    ife.hw_type = u16::from_ne_bytes([b[0], b[1]]);
    ifr.rename(name);
    if sock.ioctl(SIOCGIFMTU, &mut ifr).is_ok() {
        ife.mtu = i32::from_ne_bytes(ifr.bytes()[..4].try_into().unwrap());
    }
    ifr.rename(name);
    if sock.ioctl(SIOCGIFMAP, &mut ifr).is_ok() {
        let b = ifr.bytes();
        ife.map = IfMap {
            mem_start: u64::from_ne_bytes(b[0..8].try_into().unwrap()),
            mem_end: u64::from_ne_bytes(b[8..16].try_into().unwrap()),
            base_addr: u16::from_ne_bytes([b[16], b[17]]),
            irq: b[18],
            dma: b[19],
            port: b[20],
        };
    }
    ifr.rename(name);
    if sock.ioctl(SIOCGIFTXQLEN, &mut ifr).is_ok() {
        ife.tx_queue_len = i32::from_ne_bytes(ifr.bytes()[..4].try_into().unwrap());
    }
    if let Some(inet) = inet {
        let mut r = IfReq::new(name);
        r.set_family(libc::AF_INET as u16);
        if inet.ioctl(SIOCGIFADDR, &mut r).is_ok() {
            let address = sockaddr_in(&r.bytes());
            let get = |req: u64| {
                let mut r = IfReq::new(name);
                inet.ioctl(req, &mut r).ok().map(|_| sockaddr_in(&r.bytes()))
            };
            ife.ipv4 = Some(Ipv4Config {
                address,
                destination: get(SIOCGIFDSTADDR),
                broadcast: get(SIOCGIFBRDADDR),
                netmask: get(SIOCGIFNETMASK),
            });
        }
    }
    ife
}

fn status_of(err: &std::io::Error) -> TableStatus {
    if err.kind() == std::io::ErrorKind::NotFound {
        TableStatus::Missing
    } else {
        TableStatus::Failed(err.raw_os_error().unwrap_or(libc::EIO))
    }
}

/// Lists the interfaces as `netstat -i` does (see the module documentation).
pub fn list_interfaces(query: &InterfaceQuery) -> InterfaceSnapshot {
    let mut snap = InterfaceSnapshot::default();
    let inet = Socket::open(libc::AF_INET).ok();
    let sock = match inet.as_ref() {
        Some(_) => None,
        None => match [libc::AF_INET6, libc::AF_UNIX, libc::AF_PACKET]
            .into_iter()
            .find_map(|f| Socket::open(f).ok())
        {
            Some(s) => Some(s),
            None => {
                snap.socket_error = Some(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
                return snap;
            }
        },
    };
    let sock_ref: &Socket = inet.as_ref().or(sock.as_ref()).expect("a socket");

    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut stats: Vec<Option<DevStats>> = Vec::new();
    match text::read_all(&query.root.net("dev")) {
        Ok(t) => {
            snap.dev_status = TableStatus::Read;
            for line in parse_proc_net_dev(&t) {
                let before = names.len();
                let i = cache_add(&mut names, &line.name);
                if names.len() > before {
                    stats.insert(i, None);
                }
                stats[i] = Some(line.stats);
            }
        }
        Err(e) => snap.dev_status = status_of(&e),
    }
    match if_conf(sock_ref) {
        Ok(labels) => {
            for label in labels {
                let before = names.len();
                let i = cache_add(&mut names, &label);
                if names.len() > before {
                    stats.insert(i, None);
                }
            }
        }
        Err(e) => snap.ifconf_error = Some(e),
    }
    for (name, st) in names.iter().zip(stats) {
        let mut ife = fetch(sock_ref, inet.as_ref(), name);
        let failed = ife.fetch_error.is_some();
        ife.stats = st;
        snap.interfaces.push(ife);
        if failed {
            break;
        }
    }
    if query.inet6 {
        match text::read_all(&query.root.net("if_inet6")) {
            Ok(t) => {
                snap.inet6_status = TableStatus::Read;
                snap.inet6 = parse_if_inet6(&t);
            }
            Err(e) => snap.inet6_status = status_of(&e),
        }
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn nstrcmp_matches_net_tools_own_tests() {
        for (a, b, want) in [
            ("eth1", "eth1", Equal),
            ("eth0:1", "eth0:1", Equal),
            ("a", "aa", Less),
            ("eth0", "eth1", Less),
            ("eth1", "eth20", Less),
            ("eth20", "eth100", Less),
            ("eth", "eth2", Less),
            ("eth0:1", "eth0:2", Less),
            ("eth1:10", "eth13:10", Less),
            ("eth1:1", "eth1:13", Less),
            ("a", "a:", Less),
            ("eth2:10", "eth2:1", Greater),
            ("eth3:2", "eth2:3", Greater),
            ("a1b12", "a1b2", Greater),
            ("br9:x", "br10", Greater),
            ("eth0", "eth0:1", Less),
        ] {
            assert_eq!(nstrcmp(a.as_bytes(), b.as_bytes()), want, "{a} vs {b}");
        }
    }

    #[test]
    fn sorted_insertion() {
        let mut list = Vec::new();
        for n in ["lo", "br10", "br0", "br9", "br0:1", "br9:x", "lo"] {
            cache_add(&mut list, n.as_bytes());
        }
        let got: Vec<&str> = list.iter().map(|n| std::str::from_utf8(n).unwrap()).collect();
        assert_eq!(got, ["br0", "br0:1", "br9", "br10", "br9:x", "lo"]);
    }

    #[test]
    fn proc_net_dev() {
        let text = b"Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:    5272      65    0    0    0     0          0         0     5272      65    0    0    0     0       0          0\n  eth0: 251204918    8677    1    2    3     4          5         6   620894    5769    7    8    9    10      11         12\n  bad: 12 x\n";
        let lines = parse_proc_net_dev(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].name, b"lo");
        assert_eq!(lines[1].stats.rx_bytes, 251204918);
        assert_eq!(lines[1].stats.tx_compressed, 12);
        assert_eq!(lines[1].stats.collisions, 10);
        assert_eq!(lines[2].stats.rx_bytes, 12);
        assert_eq!(lines[2].stats.rx_packets, 0);
    }

    #[test]
    fn if_inet6_stream() {
        let text = b"00000000000000000000000000000001 01 80 10 80       lo\nfe800000000000000000000000000001 02 40 20 80     eth0\n20010db8000000000000000000000001 02 zz\n";
        let recs = parse_if_inet6(text);
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].scope, 0x10);
        assert_eq!(recs[0].prefix_len, 0x80);
        assert_eq!(recs[1].name, b"eth0");
        assert_eq!(recs[1].conversions, 13);
        // "02" then a matching failure: prefix, scope, flags and name stay.
        assert_eq!(recs[2].conversions, 9);
        assert_eq!(recs[2].address[..4], [0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(recs[3].address, [0; 16], "\"zz:...\" is not an address: ::");
        assert_eq!(recs[2].name, b"eth0");
        // fscanf goes on from "zz": "zz" is the first %4s of a new record.
        assert_eq!(recs[3].conversions, 1);
    }

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
