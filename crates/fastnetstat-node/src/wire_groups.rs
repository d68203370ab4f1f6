//! The packed form of a group-membership read (packages/core/src/groups.ts
//! mirrors every offset). Little-endian; one buffer per call:
//!
//! ```text
//! header (80 bytes)
//!   0 u32 magic "FNGR"   4 u16 version
//!   8 u32 events   12 u32 events at   16 u32 strings at
//!  20 report /proc/net/igmp   28 report /proc/net/igmp6
//!  36 parse state netstat keeps for its next -c round: 36 u8 igmp6 mode, 37 u8 idx header,
//!     40 u32 x4 in6 words, 56 u32+u32 device buffer (16 raw bytes), 64 u32+u32 name
//! event (40): 0 u8 kind (0 row, 1 bogus line)  1 u8 family (4, 6)  2 u8 file (0 igmp, 1 igmp6)
//!   3 u8 reader that failed on a bogus line (0 the IPv4 one, 1 the IPv6 one: the warning's word)
//!   4 i32 refcnt (row) or u32 line number (bogus)  8 address[16]
//!   24 u32+u32 device text as netstat prints it   32 u32+u32 interface name
//! strings: device texts and names
//! ```
//! The whole buffer can be handed back as `previous` to continue from its state.

use fastnetstat_core::groups::{GroupEvent, GroupsFile, GroupsParseState, GroupsSnapshot};

use crate::wire_buf::{report, Buf};

pub const MAGIC: u32 = 0x5247_4E46; // "FNGR"
pub const VERSION: u16 = 1;
const HEADER: usize = 80;
const EVENT: usize = 40;

pub fn pack_groups(s: &GroupsSnapshot) -> Vec<u8> {
    let ev_at = HEADER;
    let mut b = Buf::with_header(ev_at + s.events.len() * EVENT, MAGIC, VERSION, &[s.events.len(), ev_at]);
    report(&mut b, 20, &s.igmp_status, 0, 0);
    report(&mut b, 28, &s.igmp6_status, 0, 0);
    b.u8(36, s.state.igmp6 as u8);
    b.u8(37, s.state.idx as u8);
    for (k, w) in s.state.in6_words.iter().enumerate() {
        b.u32(40 + k * 4, *w);
    }
    b.string(56, &s.state.device);
    b.string(64, &s.state.name);
    for (i, e) in s.events.iter().enumerate() {
        let at = ev_at + i * EVENT;
        match e {
            GroupEvent::Row { family, device, name, refcnt, address } => {
                b.u8(at, 0);
                b.u8(at + 1, *family);
                b.i32(at + 4, *refcnt);
                b.bytes(at + 8, address);
                b.string(at + 24, device);
                b.string(at + 32, name);
            }
            GroupEvent::Bogus { file, parser, line } => {
                b.u8(at, 1);
                b.u8(at + 2, (*file == GroupsFile::Igmp6) as u8);
                b.u8(at + 3, (*parser == GroupsFile::Igmp6) as u8);
                b.u32(at + 4, *line);
            }
        }
    }
    b.finish(16)
}

/// The parse state stored in a buffer `pack_groups` made (fresh if it is not one).
pub fn state_of(buf: &[u8]) -> GroupsParseState {
    let u32_at =
        |at: usize| -> Option<u32> { Some(u32::from_le_bytes(buf.get(at..at + 4)?.try_into().ok()?)) };
    if buf.len() < HEADER || u32_at(0) != Some(MAGIC) || u16::from_le_bytes([buf[4], buf[5]]) != VERSION {
        return GroupsParseState::default();
    }
    let strings_at = u32_at(16).unwrap_or(0) as usize;
    let string = |at: usize| -> Vec<u8> {
        let (Some(off), Some(len)) = (u32_at(at), u32_at(at + 4)) else { return Vec::new() };
        let start = strings_at + off as usize;
        buf.get(start..start + len as usize).map(|s| s.to_vec()).unwrap_or_default()
    };
    GroupsParseState {
        igmp6: buf[36] != 0,
        idx: buf[37] != 0,
        device: {
            let mut d = [0u8; 16];
            let raw = string(56);
            let n = raw.len().min(16);
            d[..n].copy_from_slice(&raw[..n]);
            d
        },
        name: string(64),
        in6_words: [0, 1, 2, 3].map(|k| u32_at(40 + k * 4).unwrap_or(0)),
    }
}
