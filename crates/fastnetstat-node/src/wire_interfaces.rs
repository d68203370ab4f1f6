//! Packs an interface listing into its buffer. The layout (header, interface
//! rows, IPv6 address records) is written once, in scripts/wire-layout.mjs
//! (`tables.interfaces`); the offsets and row writers used here are generated
//! from it (wire_tables.rs), as is the decoder's side
//! (packages/core/src/wire-tables.ts).

use fastnetstat_core::interfaces::InterfaceSnapshot;

use crate::wire_buf::Buf;
use crate::wire_tables::interfaces as layout;

pub fn pack_interfaces(s: &InterfaceSnapshot) -> Vec<u8> {
    let (mut b, [if_at, v6_at]) = Buf::with_sections(
        layout::HEADER_LEN,
        [(s.interfaces.len(), layout::IFACE_LEN), (s.inet6.len(), layout::INET6_LEN)],
    );
    layout::write_header(
        &mut b,
        0,
        (&s.dev_status, 0, 0),
        (&s.inet6_status, 0, 0),
        s.ifconf_error.unwrap_or(0),
        s.socket_error.unwrap_or(0),
    );
    for (i, f) in s.interfaces.iter().enumerate() {
        layout::write_iface(&mut b, if_at + i * layout::IFACE_LEN, f);
    }
    for (i, r) in s.inet6.iter().enumerate() {
        layout::write_inet6(&mut b, v6_at + i * layout::INET6_LEN, r);
    }
    b.finish(layout::header::STRINGS_AT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fastnetstat_core::interfaces::{DevStats, IfMap, Interface, Ipv4Config};

    /// One interface row with a different value in every field, read back at the generated offsets.
    #[test]
    fn every_field_of_an_interface_row() {
        let f = Interface {
            name: b"wt0".to_vec(),
            fetch_error: Some(19),
            flags: 0x1043,
            hw_type: 772,
            hw_addr: [1, 2, 3, 4, 5, 6, 7, 8],
            mtu: 1500,
            tx_queue_len: -1,
            map: IfMap {
                mem_start: 1 << 40,
                mem_end: (1 << 40) + 9,
                base_addr: 0x300,
                irq: 11,
                dma: 12,
                port: 13,
            },
            ipv4: Some(Ipv4Config {
                address: [10, 0, 0, 1],
                destination: None,
                broadcast: Some([10, 0, 0, 255]),
                netmask: Some([255, 255, 255, 0]),
            }),
            stats: Some(DevStats { rx_bytes: 100, tx_compressed: 116, ..Default::default() }),
        };
        let s = InterfaceSnapshot { interfaces: vec![f], ..Default::default() };
        let b = pack_interfaces(&s);
        let row = &b[layout::HEADER_LEN..layout::HEADER_LEN + layout::IFACE_LEN];
        use layout::iface as o;
        let u16_at = |at: usize| u16::from_le_bytes(row[at..at + 2].try_into().unwrap());
        let i32_at = |at: usize| i32::from_le_bytes(row[at..at + 4].try_into().unwrap());
        let u64_at = |at: usize| u64::from_le_bytes(row[at..at + 8].try_into().unwrap());
        assert_eq!(i32_at(o::FETCH_ERRNO), 19);
        assert_eq!((u16_at(o::FLAGS), u16_at(o::HARDWARE_TYPE)), (0x1043, 772));
        assert_eq!(&row[o::HARDWARE_ADDRESS..o::HARDWARE_ADDRESS + 8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!((i32_at(o::MTU), i32_at(o::TX_QUEUE_LENGTH)), (1500, -1));
        assert_eq!((u64_at(o::MEM_START), u64_at(o::MEM_END)), (1 << 40, (1 << 40) + 9));
        assert_eq!((u16_at(o::BASE_ADDRESS), row[o::IRQ], row[o::DMA], row[o::PORT]), (0x300, 11, 12, 13));
        assert_eq!((row[o::HAS_IPV4], row[o::IPV4_VALID], row[o::HAS_STATISTICS]), (1, 2 | 4, 1));
        assert_eq!(&row[o::IPV4..o::IPV4 + 16], &[10, 0, 0, 1, 0, 0, 0, 0, 10, 0, 0, 255, 255, 255, 255, 0]);
        assert_eq!((u64_at(o::STATISTICS), u64_at(o::STATISTICS + 15 * 8)), (100, 116));
        let strings_at =
            u32::from_le_bytes(b[layout::header::STRINGS_AT..][..4].try_into().unwrap()) as usize;
        let name_at = strings_at + i32_at(o::NAME) as usize;
        assert_eq!(&b[name_at..name_at + i32_at(o::NAME + 4) as usize], b"wt0");
    }
}
