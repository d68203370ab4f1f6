//! Packs a group-membership read into its buffer. The layout (header with the
//! parse state, one section of events) is written once, in
//! scripts/wire-layout.mjs (`tables.groups`); the offsets and writers used here
//! are generated from it (wire_tables.rs), as is the decoder's side
//! (packages/core/src/wire-tables.ts). The whole buffer can be handed back as
//! `previous` to continue from its state (`state_of`).

use fastnetstat_core::groups::{GroupEvent, GroupsFile, GroupsParseState, GroupsSnapshot};

use crate::wire_buf::Buf;
use crate::wire_tables::groups as layout;

pub fn pack_groups(s: &GroupsSnapshot) -> Vec<u8> {
    let (mut b, [ev_at]) = Buf::with_sections(layout::HEADER_LEN, [(s.events.len(), layout::EVENT_LEN)]);
    layout::write_header(
        &mut b,
        0,
        (&s.igmp_status, 0, 0),
        (&s.igmp6_status, 0, 0),
        s.state.igmp6 as u8,
        s.state.idx as u8,
        &s.state.in6_words,
        &s.state.device,
        &s.state.name,
    );
    for (i, e) in s.events.iter().enumerate() {
        let at = ev_at + i * layout::EVENT_LEN;
        match e {
            GroupEvent::Row { family, device, name, refcnt, address } => {
                layout::write_event(&mut b, at, 0, *family, 0, 0, *refcnt, address, device, name);
            }
            GroupEvent::Bogus { file, parser, line } => {
                let (file, parser) =
                    ((*file == GroupsFile::Igmp6) as u8, (*parser == GroupsFile::Igmp6) as u8);
                layout::write_event(&mut b, at, 1, 0, file, parser, *line as i32, &[0; 16], b"", b"");
            }
        }
    }
    b.finish(layout::header::STRINGS_AT)
}

/// The parse state stored in a buffer `pack_groups` made (fresh if it is not one).
pub fn state_of(buf: &[u8]) -> GroupsParseState {
    use layout::header as h;
    let u32_at =
        |at: usize| -> Option<u32> { Some(u32::from_le_bytes(buf.get(at..at + 4)?.try_into().ok()?)) };
    if buf.len() < layout::HEADER_LEN
        || u32_at(h::MAGIC) != Some(layout::MAGIC)
        || u16::from_le_bytes([buf[h::VERSION], buf[h::VERSION + 1]]) != layout::VERSION
    {
        return GroupsParseState::default();
    }
    let strings_at = u32_at(h::STRINGS_AT).unwrap_or(0) as usize;
    let string = |at: usize| -> Vec<u8> {
        let (Some(off), Some(len)) = (u32_at(at), u32_at(at + 4)) else { return Vec::new() };
        let start = strings_at + off as usize;
        buf.get(start..start + len as usize).map(|s| s.to_vec()).unwrap_or_default()
    };
    GroupsParseState {
        igmp6: buf[h::STATE_IGMP6] != 0,
        idx: buf[h::STATE_IDX] != 0,
        device: {
            let mut d = [0u8; 16];
            let raw = string(h::STATE_DEVICE);
            let n = raw.len().min(16);
            d[..n].copy_from_slice(&raw[..n]);
            d
        },
        name: string(h::STATE_NAME),
        in6_words: [0, 1, 2, 3].map(|k| u32_at(h::STATE_IN6_WORDS + k * 4).unwrap_or(0)),
    }
}
