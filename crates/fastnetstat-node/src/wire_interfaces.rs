//! The packed form of an interface listing (packages/core/src/interfaces.ts
//! mirrors every offset). Little-endian; one buffer per call:
//!
//! ```text
//! header (64 bytes)
//!   0 u32 magic "FNIF"   4 u16 version
//!   8 u32 interfaces    12 u32 IPv6 address records
//!  16 u32 interfaces at 20 u32 IPv6 records at   24 u32 strings at
//!  28 report /proc/net/dev   36 report /proc/net/if_inet6
//!  44 i32 errno of a failed SIOCGIFCONF (0: none)   48 i32 errno when no socket could be opened
//! interface row (200):
//!   0 u32+u32 name (offset, length)   8 i32 errno of the failed SIOCGIFFLAGS (0: fetched)
//!  12 u16 flags  14 u16 hardware type (ARPHRD_*)  16 hardware address[8]  24 i32 mtu  28 i32 txqueuelen (-1 unknown)
//!  32 u64 map mem_start  40 u64 mem_end  48 u16 base_addr  50 u8 irq  51 u8 dma  52 u8 port
//!  53 u8 has IPv4  54 u8 valid bits (1 destination, 2 broadcast, 4 netmask)  55 u8 counters valid
//!  56 address[4]  60 destination[4]  64 broadcast[4]  68 netmask[4]
//!  72 u64 x16 counters: rx bytes, packets, errors, dropped, fifo, frame, compressed, multicast,
//!     tx bytes, packets, errors, dropped, fifo, collisions, carrier, compressed
//! IPv6 record (40): 0 address[16] 16 u32 ifindex 20 u32 prefix length 24 u32 scope 28 u32 flags
//!  32 u32 name offset 36 u16 name length 38 u8 conversions
//! strings: names
//! ```

use fastnetstat_core::interfaces::InterfaceSnapshot;

use crate::wire_buf::{report, Buf};

pub const MAGIC: u32 = 0x4649_4E46; // "FNIF"
pub const VERSION: u16 = 1;
const HEADER: usize = 64;
const ROW: usize = 200;
const INET6: usize = 40;

pub fn pack_interfaces(s: &InterfaceSnapshot) -> Vec<u8> {
    let if_at = HEADER;
    let v6_at = if_at + s.interfaces.len() * ROW;
    let counts_and_offsets = [s.interfaces.len(), s.inet6.len(), if_at, v6_at];
    let mut b = Buf::with_header(v6_at + s.inet6.len() * INET6, MAGIC, VERSION, &counts_and_offsets);
    report(&mut b, 28, &s.dev_status, 0, 0);
    report(&mut b, 36, &s.inet6_status, 0, 0);
    b.i32(44, s.ifconf_error.unwrap_or(0));
    b.i32(48, s.socket_error.unwrap_or(0));
    for (i, f) in s.interfaces.iter().enumerate() {
        let at = if_at + i * ROW;
        b.string(at, &f.name);
        b.i32(at + 8, f.fetch_error.unwrap_or(0));
        b.u16(at + 12, f.flags);
        b.u16(at + 14, f.hw_type);
        b.bytes(at + 16, &f.hw_addr);
        b.i32(at + 24, f.mtu);
        b.i32(at + 28, f.tx_queue_len);
        b.u64(at + 32, f.map.mem_start);
        b.u64(at + 40, f.map.mem_end);
        b.u16(at + 48, f.map.base_addr);
        b.u8(at + 50, f.map.irq);
        b.u8(at + 51, f.map.dma);
        b.u8(at + 52, f.map.port);
        if let Some(v4) = &f.ipv4 {
            b.u8(at + 53, 1);
            let mut valid = 0u8;
            b.bytes(at + 56, &v4.address);
            for (bit, field, off) in [(1u8, v4.destination, 60), (2, v4.broadcast, 64), (4, v4.netmask, 68)] {
                if let Some(a) = field {
                    valid |= bit;
                    b.bytes(at + off, &a);
                }
            }
            b.u8(at + 54, valid);
        }
        if let Some(st) = &f.stats {
            b.u8(at + 55, 1);
            for (k, v) in st.to_array().iter().enumerate() {
                b.u64(at + 72 + k * 8, *v);
            }
        }
    }
    for (i, r) in s.inet6.iter().enumerate() {
        let at = v6_at + i * INET6;
        b.bytes(at, &r.address);
        b.u32(at + 16, r.ifindex);
        b.u32(at + 20, r.prefix_len);
        b.u32(at + 24, r.scope);
        b.u32(at + 28, r.flags);
        let off = b.strings.len() as u32;
        b.strings.extend_from_slice(&r.name);
        b.u32(at + 32, off);
        b.u16(at + 36, r.name.len().min(u16::MAX as usize) as u16);
        b.u8(at + 38, r.conversions as u8);
    }
    b.finish(24)
}
