//! What `ss -i` and `ss -m` show of a socket: the kernel's `struct tcp_info`,
//! the congestion control algorithm and its own info (Vegas, DCTCP, BBR), and
//! the socket's memory counters (`skmem`). Netlink sock_diag gives them as
//! attributes of each socket's reply when the request asks for them
//! (`idiag_ext`); the /proc tables have none of this, so a listing from /proc
//! has no details (the CLI refuses the options there, see docs).
//!
//! The kernel's `struct tcp_info` grew over the years and a kernel sends the
//! struct it has: a field beyond the payload is absent (None), not zero. The
//! offsets are libc's (`libc::tcp_info`, as the kernel's
//! include/uapi/linux/tcp.h lays it out), except for the two bit-field bytes,
//! which libc does not name.

use std::mem::offset_of;

use crate::netlink::attributes;

/// `idiag_ext` bits and attribute types (include/uapi/linux/inet_diag.h).
pub const INET_DIAG_MEMINFO: u16 = 1;
pub const INET_DIAG_INFO: u16 = 2;
pub const INET_DIAG_VEGASINFO: u16 = 3;
pub const INET_DIAG_CONG: u16 = 4;
pub const INET_DIAG_SKMEMINFO: u16 = 7;
pub const INET_DIAG_DCTCPINFO: u16 = 9;
pub const INET_DIAG_BBRINFO: u16 = 16;

/// `tcpi_options` bits (include/uapi/linux/tcp.h).
pub const TCPI_OPT_TIMESTAMPS: u8 = 1;
pub const TCPI_OPT_SACK: u8 = 2;
pub const TCPI_OPT_WSCALE: u8 = 4;
pub const TCPI_OPT_ECN: u8 = 8;
pub const TCPI_OPT_ECN_SEEN: u8 = 16;
pub const TCPI_OPT_SYN_DATA: u8 = 32;

/// Which details a dump asks the kernel for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailsWanted {
    /// tcp_info, the congestion algorithm and its info (tcp sockets only).
    pub tcp_info: bool,
    /// The memory counters (every inet protocol).
    pub memory: bool,
}

impl DetailsWanted {
    pub fn any(self) -> bool {
        self.tcp_info || self.memory
    }

    /// The `idiag_ext` bits that ask for them, as ss asks (misc/ss.c sockdiag_send).
    pub fn ext_bits(self) -> u8 {
        let bit = |attribute: u16| 1u8 << (attribute - 1);
        let mut ext = 0;
        if self.tcp_info {
            ext |= bit(INET_DIAG_INFO) | bit(INET_DIAG_VEGASINFO) | bit(INET_DIAG_CONG);
        }
        if self.memory {
            ext |= bit(INET_DIAG_MEMINFO) | bit(INET_DIAG_SKMEMINFO);
        }
        ext
    }
}

/// Reads a native-endian integer at `at` of `payload`, or None when the
/// payload ends before it.
trait Field: Sized {
    fn read(payload: &[u8], at: usize) -> Option<Self>;
}
macro_rules! field_impl {
    ($($t:ty),*) => {$(
        impl Field for $t {
            #[inline]
            fn read(payload: &[u8], at: usize) -> Option<$t> {
                let bytes = payload.get(at..at + std::mem::size_of::<$t>())?;
                Some(<$t>::from_ne_bytes(bytes.try_into().unwrap()))
            }
        }
    )*};
}
field_impl!(u8, u16, u32, u64);

macro_rules! tcp_info_struct {
    ($( $(#[$doc:meta])* $field:ident : $ty:ty = $kernel:ident ),* $(,)?) => {
        /// The kernel's `struct tcp_info` for one socket, field by field (the
        /// kernel's names without `tcpi_`, and in its units: times in
        /// microseconds unless noted, rates in bytes per second). None: the
        /// kernel's struct ends before the field (an older kernel).
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct TcpInfo {
            /// Bytes of the struct the kernel sent.
            pub length: u32,
            /// `tcpi_snd_wscale` (4 bits of byte 6).
            pub snd_wscale: Option<u8>,
            /// `tcpi_rcv_wscale` (4 bits of byte 6).
            pub rcv_wscale: Option<u8>,
            /// `tcpi_delivery_rate_app_limited` (bit 0 of byte 7).
            pub delivery_rate_app_limited: Option<u8>,
            /// `tcpi_fastopen_client_fail` (bits 1-2 of byte 7).
            pub fastopen_client_fail: Option<u8>,
            $( $(#[$doc])* pub $field: Option<$ty>, )*
        }

        impl TcpInfo {
            /// Decodes an INET_DIAG_INFO payload of any length.
            pub fn decode(payload: &[u8]) -> TcpInfo {
                // The bit fields (little-endian bit order, as x86-64 and arm64 lay them out).
                let wscale = payload.get(6).copied();
                let byte7 = payload.get(7).copied();
                TcpInfo {
                    length: payload.len().min(u32::MAX as usize) as u32,
                    snd_wscale: wscale.map(|b| b & 0x0f),
                    rcv_wscale: wscale.map(|b| b >> 4),
                    delivery_rate_app_limited: byte7.map(|b| b & 1),
                    fastopen_client_fail: byte7.map(|b| (b >> 1) & 3),
                    $( $field: <$ty as Field>::read(payload, offset_of!(libc::tcp_info, $kernel)), )*
                }
            }
        }
    };
}

tcp_info_struct! {
    /// TCP_ESTABLISHED ... (the socket's state).
    state: u8 = tcpi_state,
    /// The congestion state (Open, Disorder, CWR, Recovery, Loss).
    ca_state: u8 = tcpi_ca_state,
    retransmits: u8 = tcpi_retransmits,
    probes: u8 = tcpi_probes,
    backoff: u8 = tcpi_backoff,
    /// TCPI_OPT_* bits.
    options: u8 = tcpi_options,
    rto: u32 = tcpi_rto,
    ato: u32 = tcpi_ato,
    snd_mss: u32 = tcpi_snd_mss,
    rcv_mss: u32 = tcpi_rcv_mss,
    unacked: u32 = tcpi_unacked,
    sacked: u32 = tcpi_sacked,
    lost: u32 = tcpi_lost,
    retrans: u32 = tcpi_retrans,
    fackets: u32 = tcpi_fackets,
    /// Milliseconds.
    last_data_sent: u32 = tcpi_last_data_sent,
    /// Milliseconds (the kernel does not keep it: always 0).
    last_ack_sent: u32 = tcpi_last_ack_sent,
    /// Milliseconds.
    last_data_recv: u32 = tcpi_last_data_recv,
    /// Milliseconds.
    last_ack_recv: u32 = tcpi_last_ack_recv,
    pmtu: u32 = tcpi_pmtu,
    rcv_ssthresh: u32 = tcpi_rcv_ssthresh,
    rtt: u32 = tcpi_rtt,
    rttvar: u32 = tcpi_rttvar,
    snd_ssthresh: u32 = tcpi_snd_ssthresh,
    snd_cwnd: u32 = tcpi_snd_cwnd,
    advmss: u32 = tcpi_advmss,
    reordering: u32 = tcpi_reordering,
    rcv_rtt: u32 = tcpi_rcv_rtt,
    rcv_space: u32 = tcpi_rcv_space,
    total_retrans: u32 = tcpi_total_retrans,
    pacing_rate: u64 = tcpi_pacing_rate,
    max_pacing_rate: u64 = tcpi_max_pacing_rate,
    bytes_acked: u64 = tcpi_bytes_acked,
    bytes_received: u64 = tcpi_bytes_received,
    segs_out: u32 = tcpi_segs_out,
    segs_in: u32 = tcpi_segs_in,
    notsent_bytes: u32 = tcpi_notsent_bytes,
    min_rtt: u32 = tcpi_min_rtt,
    data_segs_in: u32 = tcpi_data_segs_in,
    data_segs_out: u32 = tcpi_data_segs_out,
    delivery_rate: u64 = tcpi_delivery_rate,
    busy_time: u64 = tcpi_busy_time,
    rwnd_limited: u64 = tcpi_rwnd_limited,
    sndbuf_limited: u64 = tcpi_sndbuf_limited,
    delivered: u32 = tcpi_delivered,
    delivered_ce: u32 = tcpi_delivered_ce,
    bytes_sent: u64 = tcpi_bytes_sent,
    bytes_retrans: u64 = tcpi_bytes_retrans,
    dsack_dups: u32 = tcpi_dsack_dups,
    reord_seen: u32 = tcpi_reord_seen,
    rcv_ooopack: u32 = tcpi_rcv_ooopack,
    snd_wnd: u32 = tcpi_snd_wnd,
}

/// `struct tcpvegas_info` (INET_DIAG_VEGASINFO; Vegas and Westwood).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VegasInfo {
    pub enabled: u32,
    pub rtt_count: u32,
    /// Microseconds.
    pub rtt: u32,
    pub min_rtt: u32,
}

/// `struct tcp_dctcp_info` (INET_DIAG_DCTCPINFO).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DctcpInfo {
    pub enabled: u16,
    pub ce_state: u16,
    pub alpha: u32,
    pub ab_ecn: u32,
    pub ab_tot: u32,
}

/// `struct tcp_bbr_info` (INET_DIAG_BBRINFO).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BbrInfo {
    /// The bandwidth estimate, bytes per second.
    pub bandwidth: u64,
    /// Microseconds.
    pub min_rtt: u32,
    /// Fixed point, 256 = 1.0.
    pub pacing_gain: u32,
    /// Fixed point, 256 = 1.0.
    pub cwnd_gain: u32,
}

/// The socket's memory counters (`ss -m`'s skmem, SK_MEMINFO_* order), in
/// bytes except `drops`. None: the kernel did not give it (an older kernel's
/// shorter skmem, or only the four of INET_DIAG_MEMINFO).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketMemory {
    /// r: sk_rmem_alloc.
    pub receive_queued: Option<u32>,
    /// rb: sk_rcvbuf.
    pub receive_buffer: Option<u32>,
    /// t: sk_wmem_alloc.
    pub send_queued: Option<u32>,
    /// tb: sk_sndbuf.
    pub send_buffer: Option<u32>,
    /// f: sk_forward_alloc.
    pub forward_alloc: Option<u32>,
    /// w: sk_wmem_queued.
    pub write_queued: Option<u32>,
    /// o: sk_omem_alloc.
    pub option_memory: Option<u32>,
    /// bl: the backlog's length.
    pub backlog: Option<u32>,
    /// d: packets dropped.
    pub drops: Option<u32>,
}

impl SocketMemory {
    /// INET_DIAG_SKMEMINFO: up to 9 u32s.
    pub fn from_skmeminfo(payload: &[u8]) -> SocketMemory {
        let at = |i: i32| u32::read(payload, i as usize * 4);
        SocketMemory {
            receive_queued: at(libc::SK_MEMINFO_RMEM_ALLOC),
            receive_buffer: at(libc::SK_MEMINFO_RCVBUF),
            send_queued: at(libc::SK_MEMINFO_WMEM_ALLOC),
            send_buffer: at(libc::SK_MEMINFO_SNDBUF),
            forward_alloc: at(libc::SK_MEMINFO_FWD_ALLOC),
            write_queued: at(libc::SK_MEMINFO_WMEM_QUEUED),
            option_memory: at(libc::SK_MEMINFO_OPTMEM),
            backlog: at(libc::SK_MEMINFO_BACKLOG),
            drops: at(libc::SK_MEMINFO_DROPS),
        }
    }

    /// INET_DIAG_MEMINFO (struct inet_diag_meminfo: rmem, wmem, fmem, tmem),
    /// what a kernel without SKMEMINFO gives: idiag_wmem is sk_wmem_queued and
    /// idiag_tmem sk_wmem_alloc.
    pub fn from_meminfo(payload: &[u8]) -> SocketMemory {
        SocketMemory {
            receive_queued: u32::read(payload, 0),
            write_queued: u32::read(payload, 4),
            forward_alloc: u32::read(payload, 8),
            send_queued: u32::read(payload, 12),
            ..SocketMemory::default()
        }
    }

    /// Whether these are skmem's counters (else only INET_DIAG_MEMINFO's four).
    pub fn is_skmem(&self) -> bool {
        self.receive_buffer.is_some()
    }
}

/// A congestion control algorithm's name (at most TCP_CA_NAME_MAX, 16 bytes
/// with its NUL), kept inline: a listing of many sockets allocates no string
/// per socket for it.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct CongestionName {
    len: u8,
    bytes: [u8; 16],
}

impl CongestionName {
    /// The name up to its first NUL, cut at 16 bytes.
    pub fn new(name: &[u8]) -> CongestionName {
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        let len = name.len().min(16);
        let mut bytes = [0u8; 16];
        bytes[..len].copy_from_slice(&name[..len]);
        CongestionName { len: len as u8, bytes }
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
    /// The name as text (the kernel's names are ASCII; anything else reads as empty).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl std::fmt::Debug for CongestionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What `ss -i` / `ss -m` show of one socket: one field of the row,
/// [`crate::InetSocket::details`], set only when the listing asked for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketDetails {
    pub tcp_info: Option<TcpInfo>,
    /// The congestion control algorithm's name (INET_DIAG_CONG).
    pub congestion: Option<CongestionName>,
    pub vegas: Option<VegasInfo>,
    pub dctcp: Option<DctcpInfo>,
    pub bbr: Option<BbrInfo>,
    pub memory: Option<SocketMemory>,
}

/// A tcp_info with every field absent (what [`SocketDetails::tcp`] gives without one).
static NO_TCP_INFO: std::sync::LazyLock<TcpInfo> = std::sync::LazyLock::new(TcpInfo::default);

impl SocketDetails {
    /// The tcp_info, or one with every field absent.
    pub fn tcp(&self) -> &TcpInfo {
        self.tcp_info.as_ref().unwrap_or(&NO_TCP_INFO)
    }
    /// The memory counters, or all absent.
    pub fn mem(&self) -> SocketMemory {
        self.memory.unwrap_or_default()
    }

    /// The details in a socket's reply attributes (what follows struct
    /// inet_diag_msg); None when it has none of them.
    pub fn decode(attributes_data: &[u8]) -> Option<Box<SocketDetails>> {
        let mut d = SocketDetails::default();
        let mut meminfo = None;
        let mut any = false;
        for (kind, payload) in attributes(attributes_data) {
            match kind {
                INET_DIAG_INFO => d.tcp_info = Some(TcpInfo::decode(payload)),
                INET_DIAG_CONG => d.congestion = Some(CongestionName::new(payload)),
                INET_DIAG_VEGASINFO if payload.len() >= 16 => {
                    d.vegas = Some(VegasInfo {
                        enabled: u32::read(payload, 0)?,
                        rtt_count: u32::read(payload, 4)?,
                        rtt: u32::read(payload, 8)?,
                        min_rtt: u32::read(payload, 12)?,
                    })
                }
                INET_DIAG_DCTCPINFO if payload.len() >= 16 => {
                    d.dctcp = Some(DctcpInfo {
                        enabled: u16::read(payload, 0)?,
                        ce_state: u16::read(payload, 2)?,
                        alpha: u32::read(payload, 4)?,
                        ab_ecn: u32::read(payload, 8)?,
                        ab_tot: u32::read(payload, 12)?,
                    })
                }
                INET_DIAG_BBRINFO => {
                    // ss copies what there is and zero-fills the rest
                    let mut full = [0u8; 20];
                    let n = payload.len().min(20);
                    full[..n].copy_from_slice(&payload[..n]);
                    let word = |i: usize| u32::read(&full, i * 4).unwrap_or(0);
                    d.bbr = Some(BbrInfo {
                        bandwidth: u64::from(word(1)) << 32 | u64::from(word(0)),
                        min_rtt: word(2),
                        pacing_gain: word(3),
                        cwnd_gain: word(4),
                    })
                }
                INET_DIAG_SKMEMINFO => d.memory = Some(SocketMemory::from_skmeminfo(payload)),
                INET_DIAG_MEMINFO => meminfo = Some(SocketMemory::from_meminfo(payload)),
                _ => continue,
            }
            any = true;
        }
        if d.memory.is_none() {
            d.memory = meminfo;
        }
        any.then(|| Box::new(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(payload);
        while a.len() % 4 != 0 {
            a.push(0);
        }
        a
    }

    /// The offsets libc gives are the kernel's (include/uapi/linux/tcp.h).
    #[test]
    fn tcp_info_offsets_are_the_kernels() {
        assert_eq!(offset_of!(libc::tcp_info, tcpi_rto), 8);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_last_data_sent), 44);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_rtt), 68);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_total_retrans), 100);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_pacing_rate), 104);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_min_rtt), 148);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_delivery_rate), 160);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_bytes_sent), 200);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_snd_wnd), 228);
    }

    /// An older kernel's shorter struct: what it does not send is absent, not zero.
    #[test]
    fn a_short_tcp_info_leaves_the_later_fields_absent() {
        let mut payload = vec![0u8; 104]; // up to tcpi_total_retrans (2.6-era kernels)
        payload[6] = 0x97; // snd_wscale 7, rcv_wscale 9
        payload[68..72].copy_from_slice(&1234u32.to_ne_bytes());
        payload[100..104].copy_from_slice(&5u32.to_ne_bytes());
        let info = TcpInfo::decode(&payload);
        assert_eq!((info.snd_wscale, info.rcv_wscale), (Some(7), Some(9)));
        assert_eq!((info.rtt, info.total_retrans), (Some(1234), Some(5)));
        assert_eq!((info.pacing_rate, info.min_rtt, info.snd_wnd), (None, None, None));
        assert_eq!(info.length, 104);
        // a struct cut inside a field leaves that field absent too
        let cut = TcpInfo::decode(&payload[..70]);
        assert_eq!((cut.pmtu, cut.rtt), (Some(0), None));
    }

    #[test]
    fn attributes_decode_to_details() {
        let mut data = attribute(INET_DIAG_CONG, b"bbr\0");
        let skmem: Vec<u8> = (1..=9u32).flat_map(|v| v.to_ne_bytes()).collect();
        data.extend(attribute(INET_DIAG_SKMEMINFO, &skmem));
        data.extend(attribute(INET_DIAG_MEMINFO, &[0xff; 16]));
        let bbr: Vec<u8> = [5u32, 1, 300, 739, 512].iter().flat_map(|v| v.to_ne_bytes()).collect();
        data.extend(attribute(INET_DIAG_BBRINFO, &bbr));
        data.extend(attribute(21, &7u64.to_ne_bytes())); // the cgroup id: not a detail
        let d = SocketDetails::decode(&data).unwrap();
        assert_eq!(d.congestion.map(|c| c.as_str().to_owned()).as_deref(), Some("bbr"));
        let m = d.memory.unwrap();
        assert!(m.is_skmem());
        assert_eq!((m.receive_queued, m.option_memory, m.drops), (Some(1), Some(7), Some(9)));
        assert_eq!(
            d.bbr.unwrap(),
            BbrInfo { bandwidth: (1 << 32) | 5, min_rtt: 300, pacing_gain: 739, cwnd_gain: 512 }
        );
        assert!(d.tcp_info.is_none());
        assert!(SocketDetails::decode(&attribute(21, &7u64.to_ne_bytes())).is_none());
        // INET_DIAG_MEMINFO alone: its four counters
        let old = SocketDetails::decode(&attribute(
            INET_DIAG_MEMINFO,
            &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0],
        ))
        .unwrap()
        .memory
        .unwrap();
        assert!(!old.is_skmem());
        assert_eq!(
            (old.receive_queued, old.write_queued, old.forward_alloc, old.send_queued, old.drops),
            (Some(1), Some(2), Some(3), Some(4), None)
        );
    }

    #[test]
    fn ext_bits_are_what_ss_asks_for() {
        assert_eq!(DetailsWanted::default().ext_bits(), 0);
        assert_eq!(DetailsWanted { tcp_info: true, memory: false }.ext_bits(), 0b1110);
        assert_eq!(DetailsWanted { tcp_info: false, memory: true }.ext_bits(), 0b0100_0001);
    }
}
