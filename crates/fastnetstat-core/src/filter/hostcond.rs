//! An address term's value (`src`/`dst`/`sport`/`dport` and what follows), read
//! as ss's `parse_hostcond` reads it:
//!
//! - `unix:PATTERN`, `inet:ADDR`, `inet6:ADDR` name the family; without a prefix
//!   the listing's preferred family applies (a unix path pattern after `-x`);
//! - `[ADDR]` and `[ADDR]:PORT` (IPv6, or anything), `*`, `*:PORT`, `:PORT`,
//!   `ADDR:PORT` (the port after the last ':' that follows the first '/'),
//!   `ADDR/PREFIX` (a length or a dotted mask), `default`/`any`/`all`;
//! - after `sport`/`dport` the whole word is the port, its ':' optional;
//! - a port is a C integer (`0x16`, `026`) or a service name; an address is
//!   numeric (`10`, `10.1` and hex or octal parts as iproute2's parser takes
//!   them) or a host name through the system resolver (every address it gives).
//!
//! An address with an explicit or preferred family narrows the listing to that
//! family (the caller records [`Parsed::family`]).

use std::ffi::{CStr, CString};
use std::net::Ipv6Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::{AddressFamily, ParseOptions};

pub(crate) const AF_UNSPEC: u8 = 0;
pub(crate) const AF_INET: u8 = libc::AF_INET as u8;
pub(crate) const AF_INET6: u8 = libc::AF_INET6 as u8;

/// One address of an inet condition: ss's `inet_prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Prefix {
    pub family: u8,
    /// Network order; IPv4 in the first 4 bytes.
    pub data: [u8; 16],
    /// Bits compared; 0 compares none.
    pub bits: u8,
}

/// A parsed address term: ss's `aafilter` chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum HostCond {
    /// A port (-1: any) and one or more addresses: the first one's `bits` 0
    /// means no address test; host names give one entry per address.
    Inet { port: i32, addrs: Vec<Prefix> },
    /// A unix path pattern (fnmatch, case folded).
    Unix { pattern: String },
}

/// What `parse_hostcond` gives: the condition, and the family it narrows the listing to.
pub(crate) struct Parsed {
    pub cond: HostCond,
    pub family: Option<AddressFamily>,
}

/// Parses `word` (after `src`/`dst` when `is_port` is false, after
/// `sport`/`dport` when true). Err: the message for the error.
pub(crate) fn parse_hostcond(word: &str, is_port: bool, options: &ParseOptions) -> Result<Parsed, String> {
    let mut fam = options.family;
    let mut addr = word;
    for (prefix, family) in [
        ("unix:", Some(AddressFamily::Unix)),
        ("inet:", Some(AddressFamily::Inet)),
        ("inet6:", Some(AddressFamily::Inet6)),
    ] {
        if let Some(rest) = word.strip_prefix(prefix) {
            (addr, fam) = (rest, family.unwrap());
        }
    }
    for prefix in ["link:", "netlink:", "vsock:"] {
        if word.starts_with(prefix) {
            return Err(format!("'{word}': only inet and unix sockets are listed here"));
        }
    }
    let family = (fam != AddressFamily::Unspec).then_some(fam);
    if fam == AddressFamily::Unix {
        return Ok(Parsed { cond: HostCond::Unix { pattern: addr.to_string() }, family });
    }
    let af = match fam {
        AddressFamily::Inet => AF_INET,
        AddressFamily::Inet6 => AF_INET6,
        _ => AF_UNSPEC,
    };

    // split the address from the port
    let (mut host, mut port): (&str, Option<&str>) = if let Some(inner) = addr.strip_prefix('[') {
        let close = inner.find(']').ok_or_else(|| format!("'{word}' has no ']'"))?;
        (&inner[..close], Some(&inner[close + 1..]))
    } else if let Some(rest) = addr.strip_prefix('*') {
        ("*", Some(rest))
    } else {
        let from = addr.find('/').unwrap_or(0);
        match addr[from..].rfind(':') {
            Some(colon) => (&addr[..from + colon], Some(&addr[from + colon..])),
            None => (addr, None),
        }
    };
    if is_port {
        // ss reads the whole word as the port (inside the brackets if any)
        port = Some(if addr.starts_with('[') { host } else { addr });
        host = "";
    }
    let mut port_number = -1;
    if let Some(mut p) = port.filter(|p| !p.is_empty()) {
        if let Some(rest) = p.strip_prefix(':') {
            p = rest;
        }
        if !p.is_empty() && !p.starts_with('*') {
            port_number = match c_integer(p) {
                Some(n) => n,
                None => service_port(p, options)?,
            };
        }
    }
    let mut addrs = vec![Prefix { family: af, data: [0; 16], bits: 0 }];
    if !is_port && !host.is_empty() && !host.starts_with('*') {
        match get_prefix(host, af) {
            Some(prefix) => addrs[0] = prefix,
            None => {
                addrs = resolve(host, af);
                if addrs.is_empty() {
                    return Err(format!("'{host}' is neither an address nor a known host"));
                }
            }
        }
    }
    Ok(Parsed { cond: HostCond::Inet { port: port_number, addrs }, family })
}

/// C's strtol with base 0 over the whole text, within int's range: iproute2's get_integer.
pub(crate) fn c_integer(text: &str) -> Option<i32> {
    let value = c_unsigned_long(text.trim_start_matches(|c: char| c.is_ascii_whitespace()), true)?;
    i32::try_from(value).ok()
}

/// strtol/strtoul (base 0) of all of `text`: sign, then 0x hex, 0 octal or decimal.
fn c_unsigned_long(text: &str, signed: bool) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        if hex.is_empty() {
            // strtol reads the "0" and stops at the 'x'
            return None;
        }
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?.min(i128::from(u64::MAX) + 1);
    let value = if negative { -magnitude } else { magnitude };
    if signed {
        i64::try_from(value).ok()
    } else if negative {
        // strtoul negates in unsigned arithmetic: only "-0" stays small
        (magnitude == 0).then_some(0)
    } else {
        i64::try_from(value).ok()
    }
}

/// iproute2's get_prefix_1: an address (numeric, or default/any/all) and an optional
/// `/LENGTH` or `/DOTTED.MASK`. None when it is not one.
pub(crate) fn get_prefix(text: &str, af: u8) -> Option<Prefix> {
    let (address, length) = match text.find('/') {
        Some(slash) => (&text[..slash], Some(&text[slash + 1..])),
        None => (text, None),
    };
    if matches!(address, "default" | "any" | "all") {
        // "default" takes a length in iproute2 only where it means a route; here it fails
        return match length {
            None => Some(Prefix { family: af, data: [0; 16], bits: 0 }),
            Some(_) => None,
        };
    }
    let mut prefix = Prefix { family: AF_UNSPEC, data: [0; 16], bits: 0 };
    let max_bits;
    if address.contains(':') {
        if af != AF_UNSPEC && af != AF_INET6 {
            return None;
        }
        prefix.family = AF_INET6;
        prefix.data = address.parse::<Ipv6Addr>().ok()?.octets();
        max_bits = 128;
    } else {
        if af != AF_UNSPEC && af != AF_INET {
            return None;
        }
        prefix.family = AF_INET;
        prefix.data[..4].copy_from_slice(&ipv4_parts(address)?);
        max_bits = 32;
    }
    prefix.bits = match length {
        None => max_bits,
        Some(length) => {
            let bits = netmask_bits(length)?;
            if bits > u32::from(max_bits) {
                return None;
            }
            bits as u8
        }
    };
    Some(prefix)
}

/// iproute2's get_addr_ipv4: up to four dot-separated C numbers (base 0), each
/// at most 255, the missing ones zero ("10" is 10.0.0.0).
fn ipv4_parts(text: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = text.split('.');
    for (i, slot) in out.iter_mut().enumerate() {
        let Some(part) = parts.next() else { break };
        // strtoul skips leading white space; the lexer leaves none but a tab-free
        // form feed or the like
        let value = c_unsigned_long(part.trim_start_matches(|c: char| c.is_ascii_whitespace()), false)?;
        if !(0..=255).contains(&value) {
            return None;
        }
        *slot = value as u8;
        if i == 3 && parts.clone().next().is_some() {
            return None;
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Some(out)
}

/// iproute2's get_netmask: an unsigned C number, or a dotted IPv4 mask (contiguous ones).
fn netmask_bits(text: &str) -> Option<u32> {
    if let Some(value) = c_unsigned_long(text.trim_start_matches(|c: char| c.is_ascii_whitespace()), false) {
        return u32::try_from(value).ok();
    }
    if text.contains(':') {
        return None;
    }
    let mask = u32::from_be_bytes(ipv4_parts(text)?);
    let host = !mask;
    (host & host.wrapping_add(1) == 0).then(|| mask.leading_ones())
}

/// Whether host names go to the system resolver (see [`super::resolve_host_names`]).
static RESOLVE: AtomicBool = AtomicBool::new(true);

pub(crate) fn set_resolve(enabled: bool) {
    RESOLVE.store(enabled, Ordering::Relaxed);
}

/// ss's get_dns_host: the addresses of a host name, IPv4 first and then IPv6
/// when no family is preferred, in the order ss chains them (the first, then
/// the rest last to first).
fn resolve(host: &str, af: u8) -> Vec<Prefix> {
    let mut addrs: Vec<Prefix> = Vec::new();
    // an IPv6 literal in the wrong family: gethostbyname2 has no answer (getaddrinfo
    // would map ::ffff:a.b.c.d to IPv4), and no host name holds a ':'
    if !RESOLVE.load(Ordering::Relaxed) || host.contains(':') {
        return addrs;
    }
    let families: &[u8] = if af == AF_UNSPEC { &[AF_INET, AF_INET6] } else { &[af] };
    for &family in families {
        for found in lookup_host(host, family) {
            if addrs.is_empty() {
                addrs.push(found);
            } else {
                // remember_he puts each further address right after the first
                addrs.insert(1, found);
            }
        }
    }
    addrs
}

/// The system resolver's addresses of `host` in one family (getaddrinfo, one per address).
fn lookup_host(host: &str, family: u8) -> Vec<Prefix> {
    let Ok(name) = CString::new(host) else { return Vec::new() };
    // SAFETY: a zeroed addrinfo is a valid "no hints" value; the fields set are plain ints.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family as i32;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: name and hints outlive the call; list is freed below.
    if unsafe { libc::getaddrinfo(name.as_ptr(), std::ptr::null(), &hints, &mut list) } != 0 {
        return Vec::new();
    }
    let mut out: Vec<Prefix> = Vec::new();
    let mut at = list;
    while !at.is_null() {
        // SAFETY: getaddrinfo gave a valid list; each ai_addr has ai_addrlen bytes.
        let entry = unsafe { &*at };
        let mut prefix = Prefix { family, data: [0; 16], bits: 0 };
        if entry.ai_family == libc::AF_INET && family == AF_INET && !entry.ai_addr.is_null() {
            // SAFETY: an AF_INET entry's address is a sockaddr_in.
            let sin = unsafe { &*(entry.ai_addr as *const libc::sockaddr_in) };
            prefix.data[..4].copy_from_slice(&sin.sin_addr.s_addr.to_ne_bytes());
            prefix.bits = 32;
        } else if entry.ai_family == libc::AF_INET6 && family == AF_INET6 && !entry.ai_addr.is_null() {
            // SAFETY: an AF_INET6 entry's address is a sockaddr_in6.
            let sin6 = unsafe { &*(entry.ai_addr as *const libc::sockaddr_in6) };
            prefix.data = sin6.sin6_addr.s6_addr;
            prefix.bits = 128;
        }
        if prefix.bits != 0 && !out.contains(&prefix) {
            out.push(prefix);
        }
        at = entry.ai_next;
    }
    // SAFETY: list came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    out
}

/// getservbyname returns a static buffer: one lookup at a time.
static SERVICES: Mutex<()> = Mutex::new(());

fn lookup_service(name: &str, protocol: &CStr) -> Option<u16> {
    let name = CString::new(name).ok()?;
    let _guard = SERVICES.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: both strings are NUL-terminated; the result is read before the lock goes.
    let entry = unsafe { libc::getservbyname(name.as_ptr(), protocol.as_ptr()) };
    if entry.is_null() {
        return None;
    }
    // SAFETY: a non-null servent from getservbyname.
    Some(u16::from_be(unsafe { (*entry).s_port } as u16))
}

/// A service name's port, among the udp and tcp services the listing has (ss: they must agree).
fn service_port(name: &str, options: &ParseOptions) -> Result<i32, String> {
    let udp = if options.udp { lookup_service(name, c"udp") } else { None };
    let tcp = if options.tcp { lookup_service(name, c"tcp") } else { None };
    match (udp, tcp) {
        (Some(u), Some(t)) if u != t => Err(format!("'{name}' is an ambiguous port (udp {u}, tcp {t})")),
        (Some(port), _) | (None, Some(port)) => Ok(i32::from(port)),
        (None, None) => Err(format!("'{name}' does not look like a port")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inet(word: &str, is_port: bool) -> (i32, Vec<(u8, Vec<u8>, u8)>) {
        match parse_hostcond(word, is_port, &ParseOptions::default()).unwrap().cond {
            HostCond::Inet { port, addrs } => {
                let len = |f: u8| if f == AF_INET6 { 16 } else { 4 };
                (port, addrs.iter().map(|a| (a.family, a.data[..len(a.family)].to_vec(), a.bits)).collect())
            }
            HostCond::Unix { .. } => panic!("unix"),
        }
    }

    #[test]
    fn addresses_ports_and_prefixes() {
        assert_eq!(inet("127.0.0.1:22", false), (22, vec![(AF_INET, vec![127, 0, 0, 1], 32)]));
        assert_eq!(inet(":22", false), (22, vec![(AF_UNSPEC, vec![0; 4], 0)]));
        assert_eq!(inet("*", false), (-1, vec![(AF_UNSPEC, vec![0; 4], 0)]));
        assert_eq!(inet("*:0x16", false), (22, vec![(AF_UNSPEC, vec![0; 4], 0)]));
        assert_eq!(inet("10.0.0.0/8", false), (-1, vec![(AF_INET, vec![10, 0, 0, 0], 8)]));
        assert_eq!(inet("10/255.255.0.0", false), (-1, vec![(AF_INET, vec![10, 0, 0, 0], 16)]));
        assert_eq!(inet("10.1", false), (-1, vec![(AF_INET, vec![10, 1, 0, 0], 32)]));
        let mut one = vec![0u8; 15];
        one.push(1);
        assert_eq!(inet("[::1]:22", false), (22, vec![(AF_INET6, one.clone(), 128)]));
        assert_eq!(inet("::1/128", false), (-1, vec![(AF_INET6, one, 128)]));
        let mut db8 = vec![0x20, 0x01, 0x0d, 0xb8];
        db8.extend([0; 12]);
        assert_eq!(inet("[2001:db8::/32]", false), (-1, vec![(AF_INET6, db8, 32)]));
        assert_eq!(inet("default", false), (-1, vec![(AF_UNSPEC, vec![0; 4], 0)]));
        assert_eq!(inet(":1024", true).0, 1024);
        assert_eq!(inet("1024", true).0, 1024);
        assert_eq!(inet("026", true).0, 22);
        assert_eq!(inet("*", true).0, -1);
    }

    #[test]
    fn bad_words_are_errors() {
        let options = ParseOptions::default();
        for word in
            ["::1", "1.2.3.256", "10.0.0.0/33", "[::1", "1.2.3.4:nosuchservice", "default/8", "link:lo"]
        {
            assert!(parse_hostcond(word, false, &options).is_err(), "{word}");
        }
        assert!(parse_hostcond(":22)", true, &options).is_err());
    }

    #[test]
    fn service_names_and_families() {
        assert_eq!(inet(":ssh", true).0, 22);
        let unix = parse_hostcond(
            "/tmp/*",
            false,
            &ParseOptions { family: AddressFamily::Unix, ..ParseOptions::default() },
        )
        .unwrap();
        assert_eq!(unix.cond, HostCond::Unix { pattern: "/tmp/*".into() });
        assert_eq!(unix.family, Some(AddressFamily::Unix));
        let explicit = parse_hostcond("inet6:[::1]", false, &ParseOptions::default()).unwrap();
        assert_eq!(explicit.family, Some(AddressFamily::Inet6));
        // a v4 address where -6 is preferred is no address
        let v6 = ParseOptions { family: AddressFamily::Inet6, ..ParseOptions::default() };
        assert!(parse_hostcond("1.2.3.4", false, &v6).is_err());
    }

    #[test]
    fn c_integers() {
        assert_eq!(c_integer("22"), Some(22));
        assert_eq!(c_integer("0x16"), Some(22));
        assert_eq!(c_integer("-1"), Some(-1));
        assert_eq!(c_integer("+7"), Some(7));
        assert_eq!(c_integer("08"), None);
        assert_eq!(c_integer("0"), Some(0));
        assert_eq!(c_integer("0x"), None);
        assert_eq!(c_integer("99999999999"), None);
        assert_eq!(c_integer("22a"), None);
    }
}
