//! The expression run on rows in userspace, with ss's meaning.
//!
//! ss (iproute2 6.1) selects a socket when its userspace test (`run_ssfilter`)
//! says yes and, when the expression compiles to bytecode, the kernel's run of
//! that bytecode said yes too. The two disagree in a few places: the kernel
//! never matches an IPv4 address against an IPv6 socket (bar a v4-mapped one),
//! where userspace compares the bits as they are (`src 0.0.0.0` matches `[::]`
//! there); and `autobound` is the kernel's "port picked by the kernel" where
//! userspace guesses from the ephemeral port range. [`matches_inet`] gives
//! ss's answer: both runs where ss compiles the expression,
//! the kernel's run simulated here (with the ephemeral-range guess for
//! `autobound`, as /proc rows cannot say who picked the port).

use std::ffi::CString;
use std::sync::OnceLock;

use super::hostcond::{HostCond, Prefix, AF_INET, AF_INET6, AF_UNSPEC};
use super::parse::{Expr, Side};
use super::states;
use super::{AddressFamily, Filter};
use crate::model::{InetSocket, UnixSocket};

/// What a term sees of a socket: ss's `struct sockstat`, reduced.
pub(crate) struct View<'a> {
    family: u8,
    local: &'a [u8; 16],
    remote: &'a [u8; 16],
    lport: i64,
    rport: i64,
    interface: u32,
    cgroup_id: u64,
    /// Unix sockets: the bound name (None: unbound).
    unix_name: Option<&'a [u8]>,
}

const ZERO: [u8; 16] = [0; 16];

impl<'a> View<'a> {
    pub(crate) fn of_inet(row: &'a InetSocket) -> View<'a> {
        View {
            family: if row.table.is_ipv6() { AF_INET6 } else { AF_INET },
            local: &row.local_addr,
            remote: &row.remote_addr,
            lport: i64::from(row.local_port),
            rport: i64::from(row.remote_port),
            interface: row.interface,
            cgroup_id: row.cgroup_id,
            unix_name: None,
        }
    }
}

/// Whether the filter leaves inet sockets of this family in the listing.
pub(crate) fn lists_inet(filter: &Filter, ipv6: bool) -> bool {
    match filter.family {
        None => true,
        Some(AddressFamily::Inet) => !ipv6,
        Some(AddressFamily::Inet6) => ipv6,
        Some(_) => false,
    }
}

pub(crate) fn matches_inet(filter: &Filter, row: &InetSocket) -> bool {
    if !lists_inet(filter, row.table.is_ipv6()) || !state_selected(filter.states, row.state) {
        return false;
    }
    let Some(expr) = &filter.expr else { return true };
    let view = View::of_inet(row);
    user(expr, &view) && (!filter.ss_compiles || kernel(expr, &view))
}

/// The userspace half alone, for rows the kernel already ran ss's bytecode on.
pub(crate) fn matches_inet_after_kernel(filter: &Filter, row: &InetSocket) -> bool {
    lists_inet(filter, row.table.is_ipv6())
        && state_selected(filter.states, row.state)
        && filter.expr.as_ref().is_none_or(|expr| user(expr, &View::of_inet(row)))
}

pub(crate) fn matches_unix(filter: &Filter, row: &UnixSocket, peer: Option<u64>) -> bool {
    if filter.family.is_some_and(|f| f != AddressFamily::Unix)
        || !state_selected(filter.states, unix_state(row))
    {
        return false;
    }
    let Some(expr) = &filter.expr else { return true };
    let name = row.path.as_deref();
    let view = View {
        family: libc::AF_UNIX as u8,
        // ss compares an inet address with the bytes of the name's pointer: zero
        // for an unbound socket, never a match otherwise (see `inet_match`)
        local: &ZERO,
        remote: &ZERO,
        lport: row.inode as i64,
        rport: peer.unwrap_or_else(|| guessed_peer(row)) as i64,
        interface: 0,
        cgroup_id: 0,
        unix_name: name,
    };
    user(expr, &view)
}

/// A unix row's peer inode where the source gave none (/proc): a connected
/// stream socket has one; a datagram socket is taken to have one when it is
/// connected and nobody's peer itself (its RefCount is the base 2). The value
/// stands in for a socket made beside it: an inode as big as its own.
fn guessed_peer(row: &UnixSocket) -> u64 {
    const SS_CONNECTED: u8 = 3;
    let stream = row.sock_type == 1 || row.sock_type == 5;
    let connected = row.state == SS_CONNECTED && (stream || row.refcount == 2);
    if connected {
        row.inode
    } else {
        0
    }
}

fn state_selected(states: Option<u32>, state: u8) -> bool {
    states.is_none_or(|mask| mask & 1u32.checked_shl(u32::from(state)).unwrap_or(0) != 0)
}

/// A unix row's state as ss sees it (the TCP state numbers unix_diag reports):
/// listening, connected, or unconnected; /proc's connecting and disconnecting
/// sockets as ss reads /proc.
pub(crate) fn unix_state(row: &UnixSocket) -> u8 {
    const SO_ACCEPTCON: u32 = 1 << 16;
    if row.flags & SO_ACCEPTCON != 0 {
        return states::LISTEN;
    }
    match row.state {
        2 => states::SYN_SENT,
        3 => states::ESTABLISHED,
        4 => states::CLOSING,
        _ => states::CLOSE,
    }
}

/// ss's run_ssfilter.
pub(crate) fn user(expr: &Expr, s: &View<'_>) -> bool {
    match expr {
        Expr::And(a, b) => user(a, s) && user(b, s),
        Expr::Or(a, b) => user(a, s) || user(b, s),
        Expr::Not(a) => !user(a, s),
        Expr::Auto => match s.family {
            AF_INET | AF_INET6 => is_ephemeral(s.lport),
            _ => s.unix_name.is_none_or(|name| {
                name.len() == 6
                    && name[0] == b'@'
                    && name[1..].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            }),
        },
        Expr::Cond(side, HostCond::Unix { pattern }) => {
            if s.family != libc::AF_UNIX as u8 {
                // ss would read the inet address as a name's pointer: no match
                return false;
            }
            // ss has no peer name for a unix socket from netlink: the empty string
            let name = if *side == Side::Src { s.unix_name.unwrap_or(b"") } else { b"" };
            fnmatch_casefold(pattern.as_bytes(), name)
        }
        Expr::Cond(side, HostCond::Inet { port, addrs }) => {
            let (address, sport) = side_of(*side, s);
            if *port != -1 && i64::from(*port) != sport {
                return false;
            }
            if addrs[0].bits == 0 {
                return true;
            }
            let bound_unix = s.family == libc::AF_UNIX as u8 && s.unix_name.is_some() && *side == Side::Src;
            addrs.iter().any(|p| !bound_unix && inet2_addr_match(s.family, address, p))
        }
        Expr::Ge(side, port) => side_of(*side, s).1 >= i64::from(*port),
        Expr::Le(side, port) => side_of(*side, s).1 <= i64::from(*port),
        Expr::Dev(index) => s.interface == *index,
        Expr::Cgroup(id) => s.cgroup_id == *id,
    }
}

fn side_of<'a>(side: Side, s: &View<'a>) -> (&'a [u8; 16], i64) {
    match side {
        Side::Src => (s.local, s.lport),
        Side::Dst => (s.remote, s.rport),
    }
}

/// The first `bits` bits of `a` and `b` agree (iproute2's inet_addr_match and the
/// kernel's bitstring_match).
pub(crate) fn bits_match(a: &[u8], b: &[u8], bits: u32) -> bool {
    let whole = (bits / 8) as usize;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || (a[whole] ^ b[whole]) & (0xffu8 << (8 - rest)) == 0
}

fn is_v4_mapped(a: &[u8; 16]) -> bool {
    a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff
}

/// ss's inet2_addr_match: the bits as they are, or a v4-mapped IPv6 address against an IPv4 prefix.
fn inet2_addr_match(family: u8, address: &[u8; 16], p: &Prefix) -> bool {
    let bits = u32::from(p.bits);
    if bits_match(address, &p.data, bits) {
        return true;
    }
    if p.family == AF_INET && family == AF_INET6 && is_v4_mapped(address) {
        let mut tmp = *address;
        tmp.copy_within(12..16, 0);
        return bits_match(&tmp, &p.data, bits);
    }
    false
}

/// The kernel's inet_diag_bc_run of ss's bytecode for `expr` (which must compile),
/// on a row: the kernel half of ss's answer.
pub(crate) fn kernel(expr: &Expr, s: &View<'_>) -> bool {
    match expr {
        Expr::And(a, b) => kernel(a, s) && kernel(b, s),
        Expr::Or(a, b) => kernel(a, s) || kernel(b, s),
        Expr::Not(a) => !kernel(a, s),
        // the kernel knows whether the port was picked for the socket; rows do not
        Expr::Auto => is_ephemeral(s.lport),
        Expr::Cond(side, HostCond::Inet { port, addrs }) => {
            let (address, sport) = side_of(*side, s);
            let family = addrs[0].family;
            addrs.iter().any(|p| kernel_hostcond(family, *port, p, s.family, address, sport))
        }
        Expr::Cond(_, HostCond::Unix { .. }) => false,
        // the port rides in a u16
        Expr::Ge(side, port) => side_of(*side, s).1 >= i64::from(*port as u16),
        Expr::Le(side, port) => side_of(*side, s).1 <= i64::from(*port as u16),
        Expr::Dev(index) => s.interface == *index,
        Expr::Cgroup(id) => s.cgroup_id == *id,
    }
}

/// One INET_DIAG_BC_{S,D}_COND as the kernel runs it.
pub(crate) fn kernel_hostcond(
    cond_family: u8,
    port: i32,
    p: &Prefix,
    family: u8,
    address: &[u8; 16],
    sport: i64,
) -> bool {
    if port != -1 && i64::from(port) != sport {
        return false;
    }
    let bits = u32::from(p.bits);
    if cond_family != AF_UNSPEC && cond_family != family {
        return family == AF_INET6
            && cond_family == AF_INET
            && is_v4_mapped(address)
            && bits_match(&address[12..], &p.data, bits);
    }
    bits == 0 || bits_match(address, &p.data, bits)
}

/// The ephemeral port range `autobound` checks in userspace, as ss reads it:
/// net.ipv4.ip_local_port_range (1024-4999 if unreadable).
pub fn ephemeral_range() -> (u16, u16) {
    static RANGE: OnceLock<(u16, u16)> = OnceLock::new();
    *RANGE.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
            .ok()
            .and_then(|text| {
                let mut numbers = text.split_whitespace().map(|n| n.parse::<u16>());
                match (numbers.next(), numbers.next()) {
                    (Some(Ok(min)), Some(Ok(max))) if min != 0 => Some((min, max)),
                    _ => None,
                }
            })
            .unwrap_or((1024, 4999))
    })
}

/// ss's is_ephemeral: within the ephemeral port range.
fn is_ephemeral(port: i64) -> bool {
    let (min, max) = ephemeral_range();
    port >= i64::from(min) && port <= i64::from(max)
}

/// fnmatch(pattern, name, FNM_CASEFOLD) with glibc's rules: `*`, `?`, bracket
/// expressions (`[a-z]`, `[!x]`, `[^x]`), backslash quoting; `/` and a leading
/// `.` are ordinary characters (no FNM_PATHNAME, no FNM_PERIOD).
pub(crate) fn fnmatch_casefold(pattern: &[u8], name: &[u8]) -> bool {
    let fold = |c: u8| c.to_ascii_lowercase();
    let (mut p, mut n) = (0usize, 0usize);
    // where to resume after the last '*': (pattern index after it, name index)
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            let consumed = match pattern[p] {
                b'*' => {
                    star = Some((p + 1, n));
                    p += 1;
                    continue;
                }
                b'?' if n < name.len() => Some(p + 1),
                b'[' if n < name.len() => match bracket(pattern, p, fold(name[n])) {
                    Some((true, end)) => Some(end),
                    Some((false, _)) => None,
                    // no closing ']': the '[' is an ordinary character
                    None => (fold(name[n]) == b'[').then_some(p + 1),
                },
                b'\\' if p + 1 < pattern.len() && n < name.len() => {
                    (fold(pattern[p + 1]) == fold(name[n])).then_some(p + 2)
                }
                c if n < name.len() => (fold(c) == fold(name[n])).then_some(p + 1),
                _ => None,
            };
            if let Some(next) = consumed {
                p = next;
                n += 1;
                continue;
            }
        } else if n == name.len() {
            return true;
        }
        match star {
            Some((after, from)) if from < name.len() => {
                star = Some((after, from + 1));
                p = after;
                n = from + 1;
            }
            _ => return false,
        }
    }
}

/// A bracket expression at `pattern[start]` ('['): whether `c` (folded) is in it,
/// and the index after its ']'; None when it never closes.
fn bracket(pattern: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    loop {
        let mut lo = *pattern.get(i)?;
        if lo == b']' && !first {
            return Some((found != negate, i + 1));
        }
        first = false;
        if lo == b'\\' {
            i += 1;
            lo = *pattern.get(i)?;
        }
        i += 1;
        let mut hi = lo;
        if pattern.get(i) == Some(&b'-') && pattern.get(i + 1).is_some_and(|&b| b != b']') {
            hi = pattern[i + 1];
            if hi == b'\\' {
                hi = *pattern.get(i + 2)?;
                i += 1;
            }
            i += 2;
        }
        let (lo, hi) = (lo.to_ascii_lowercase(), hi.to_ascii_lowercase());
        found |= (lo..=hi).contains(&c);
    }
}

/// ss's parse_devcond: an interface name known here, else a number (C syntax).
pub(crate) fn device_index(name: &str) -> Option<u32> {
    let c_name = CString::new(name).ok()?;
    // SAFETY: a NUL-terminated name; if_nametoindex reads it only.
    let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
    if index != 0 {
        return Some(index);
    }
    let digits = name.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits.strip_prefix('+').unwrap_or(digits))
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(body, radix).ok()
}

/// ss's get_cgroup2_id: the file handle of `path` (from the working directory,
/// else under the first cgroup2 mount), when it is 8 bytes long (a kernfs node
/// id); None when there is none (ss: "Cannot parse cgroup").
pub(crate) fn cgroup_id(path: &str) -> Option<u64> {
    if let Some(id) = handle_id(libc::AT_FDCWD, path) {
        return Some(id);
    }
    let relative = path.trim_start_matches('/');
    if relative.is_empty() {
        return None;
    }
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    let mount = mounts.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
        (kind == "cgroup2").then(|| point.replace("\\040", " "))
    })?;
    let dir = std::fs::File::open(mount).ok()?;
    handle_id(std::os::fd::AsRawFd::as_raw_fd(&dir), relative)
}

fn handle_id(dir: i32, path: &str) -> Option<u64> {
    #[repr(C)]
    struct Handle {
        handle_bytes: u32,
        handle_type: i32,
        id: [u8; 8],
    }
    let c_path = CString::new(path).ok()?;
    let mut handle = Handle { handle_bytes: 8, handle_type: 0, id: [0; 8] };
    let mut mount_id: i32 = 0;
    // SAFETY: the handle is a struct file_handle with room for handle_bytes (8)
    // bytes after it, as the call requires; path is NUL-terminated.
    let done = unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            dir,
            c_path.as_ptr(),
            &mut handle as *mut Handle,
            &mut mount_id as *mut i32,
            0,
        )
    };
    let id = u64::from_ne_bytes(handle.id);
    (done == 0 && handle.handle_bytes == 8 && id != 0).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_as_glibc() {
        let m = |p: &str, n: &str| fnmatch_casefold(p.as_bytes(), n.as_bytes());
        assert!(m("/tmp/*", "/tmp/a/b"));
        assert!(m("*", ""));
        assert!(!m("?", ""));
        assert!(m("/TMP/[a-c]?", "/tmp/bz"));
        assert!(!m("/tmp/[!a-c]", "/tmp/b"));
        assert!(m("/tmp/[]]", "/tmp/]"));
        assert!(m("a\\*", "a*"));
        assert!(!m("a\\*", "ab"));
        assert!(m("@*", "@00001"));
        assert!(m("[", "["));
        assert!(m("*b*c", "xxbyyc"));
        assert!(!m("*b*c", "xxbyy"));
        assert!(m("", ""));
        assert!(!m("", "x"));
    }

    #[test]
    fn prefix_bits() {
        assert!(bits_match(&[10, 1, 2, 3], &[10, 200, 0, 0], 8));
        assert!(!bits_match(&[10, 1, 2, 3], &[10, 200, 0, 0], 9));
        assert!(bits_match(&[0b1010_0000], &[0b1011_1111], 3));
        assert!(bits_match(&[1], &[2], 0));
    }

    #[test]
    fn devices_by_name_or_number() {
        assert_eq!(device_index("lo"), Some(1));
        assert_eq!(device_index("7"), Some(7));
        assert_eq!(device_index("0x10"), Some(16));
        assert_eq!(device_index("no-such-device"), None);
    }
}
