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
