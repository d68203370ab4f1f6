//! Multicast group memberships: /proc/net/igmp (IPv4) then /proc/net/igmp6,
//! read line by line as net-tools 2.10's `igmp_do_one` reads them.
//!
//! That function keeps state in statics and in stack memory that outlives a
//! call, and its output depends on it:
//! - the IPv4 file has a device line ("1\tlo        :     1      V3") and
//!   then one tab-indented line per group; the device text is the 15 bytes
//!   after the index (`%15c`) cut at their last ':' (so "lo" keeps the
//!   blanks the kernel padded it with to 10);
//! - the first line of igmp6 (which has no header) switches the function to
//!   IPv6 parsing for good: on the next `netstat -g -c` round the IPv4 file
//!   is parsed as IPv6, its lines are "bogus" or give odd rows, and the
//!   address words a line lacks are those left by the line before.
//!
//! [`GroupsParseState`] carries that state from one read to the next; a
//! fresh one gives the plain reading.

use crate::proc_root::ProcRoot;
use crate::table_status::{read_small_table, TableStatus};
use crate::text::{self, c_str, Cursor};

/// What `igmp_do_one` remembers between lines (and between rounds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupsParseState {
    /// `igmp6_flag`: set by the first line of igmp6, never cleared.
    pub igmp6: bool,
    /// `idx_flag`: the IPv4 file's header starts with "Idx".
    pub idx: bool,
    /// `static char device[16]`, all 16 bytes: sscanf's `%15c` may write
    /// fewer than 15 and leave the rest as it was.
    pub device: [u8; 16],
    /// The interface name as the kernel wrote it (for the plain, uncut view).
    pub name: Vec<u8>,
    /// `in6`: the four 32-bit words of the last IPv6 group, as stored.
    pub in6_words: [u32; 4],
}

/// Which file a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupsFile {
    Igmp,
    Igmp6,
}

/// One thing netstat prints, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupEvent {
    Row {
        /// 4 or 6.
        family: u8,
        /// The interface text netstat prints (before padding).
        device: Vec<u8>,
        /// The interface name, uncut and without padding.
        name: Vec<u8>,
        refcnt: i32,
        /// Network order; IPv4 in the first 4 bytes.
        address: [u8; 16],
    },
    /// "warning, got bogus igmp line N." / "... igmp6 line N.": `file` is the
    /// file the line came from, `parser` the reader that failed on it (they
    /// differ when a later -c round reads igmp with the IPv6 reader).
    Bogus { file: GroupsFile, parser: GroupsFile, line: u32 },
}

#[derive(Debug, Clone, Default)]
pub struct GroupsQuery {
    pub root: ProcRoot,
    pub inet: bool,
    pub inet6: bool,
    /// The state a previous read left (netstat -c); default: fresh.
    pub state: GroupsParseState,
}

#[derive(Debug, Default)]
pub struct GroupsSnapshot {
    pub events: Vec<GroupEvent>,
    pub igmp_status: TableStatus,
    pub igmp6_status: TableStatus,
    pub state: GroupsParseState,
}

/// netstat reads the group files with `fgets(buf, 8192)` (newline kept).
const LINE_BUF: usize = 8192;

fn trimmed(device: &[u8]) -> Vec<u8> {
    let end = device.iter().rposition(|&b| !text::is_space(b)).map_or(0, |i| i + 1);
    device[..end].to_vec()
}

impl GroupsParseState {
    /// `igmp_do_one(lnr, line, prot)`.
    fn line(&mut self, lnr: u32, line: &[u8], file: GroupsFile, out: &mut Vec<GroupEvent>) {
        if lnr == 0 {
            if !text::contains(line, b"Device") {
                self.igmp6 = true;
            } else {
                self.idx = line.starts_with(b"Idx");
                return;
            }
        }
        if self.igmp6 {
            self.line6(lnr, line, file, out);
        } else {
            self.line4(lnr, line, file, out);
        }
    }

    fn line6(&mut self, lnr: u32, line: &[u8], file: GroupsFile, out: &mut Vec<GroupEvent>) {
        // "%d %15s %64[0-9A-Fa-f] %d"
        let mut c = Cursor::new(line);
        let mut n = 0;
        let mut hex: &[u8] = &[];
        let mut refcnt = 0;
        'scan: {
            if c.dec_int().is_none() {
                break 'scan;
            }
            n += 1;
            match c.string(15) {
                Some(s) => {
                    self.device[..s.len()].copy_from_slice(s);
                    self.device[s.len()] = 0;
                    self.name = s.to_vec();
                    n += 1;
                }
                None => break 'scan,
            }
            c.skip_ws();
            match c.hex_run(64) {
                Some(h) => {
                    hex = h;
                    n += 1;
                }
                None => break 'scan,
            }
            match c.dec_int() {
                Some(v) => {
                    refcnt = v;
                    n += 1;
                }
                None => break 'scan,
            }
        }
        if n != 4 {
            out.push(GroupEvent::Bogus { file, parser: GroupsFile::Igmp6, line: lnr });
            return;
        }
        // sscanf(mcast_addr, "%08X%08X%08X%08X"): the words it reaches, then
        // htonl on all four (those it did not reach are swapped again).
        let mut hc = Cursor::new(hex);
        for word in self.in6_words.iter_mut() {
            match hc.hex_run(8) {
                Some(d) => *word = text::hex_digits_u64(d) as u32,
                None => break,
            }
        }
        let mut address = [0u8; 16];
        for (i, word) in self.in6_words.iter_mut().enumerate() {
            *word = word.to_be();
            address[i * 4..i * 4 + 4].copy_from_slice(&word.to_ne_bytes());
        }
        out.push(GroupEvent::Row {
            family: 6,
            device: c_str(&self.device).to_vec(),
            name: self.name.clone(),
            refcnt,
            address,
        });
    }

    fn line4(&mut self, lnr: u32, line: &[u8], file: GroupsFile, out: &mut Vec<GroupEvent>) {
        if line.first() != Some(&b'\t') {
            let mut c = Cursor::new(line);
            if self.idx {
                // "%d\t%10c"
                if c.dec_int().is_none() {
                    out.push(GroupEvent::Bogus { file, parser: GroupsFile::Igmp, line: lnr });
                    return;
                }
                c.skip_ws();
            }
            // "%15c": up to 15 bytes (glibc stores what there is, at least one;
            // no NUL of its own: the rest of the buffer stays as it was), then
            // the string is cut at its last ':' (the kernel writes "%-10s:").
            let rest = c.rest();
            if rest.is_empty() {
                out.push(GroupEvent::Bogus { file, parser: GroupsFile::Igmp, line: lnr });
                return;
            }
            let k = rest.len().min(15);
            self.device[..k].copy_from_slice(&rest[..k]);
            let len = c_str(&self.device).len();
            if let Some(colon) = self.device[..len].iter().rposition(|&b| b == b':') {
                self.device[colon] = 0;
            }
            self.name = trimmed(c_str(&self.device));
            return;
        }
        // "\t%8[0-9A-Fa-f] %d"
        let mut c = Cursor::new(line);
        c.skip_ws();
        let Some(hex) = c.hex_run(8) else {
            out.push(GroupEvent::Bogus { file, parser: GroupsFile::Igmp, line: lnr });
            return;
        };
        let Some(refcnt) = c.dec_int() else {
            out.push(GroupEvent::Bogus { file, parser: GroupsFile::Igmp, line: lnr });
            return;
        };
        let v = text::hex_digits_u64(hex) as u32;
        let mut address = [0u8; 16];
        address[..4].copy_from_slice(&v.to_ne_bytes());
        let device = c_str(&self.device).to_vec();
        let name = if self.name.is_empty() { trimmed(&device) } else { self.name.clone() };
        out.push(GroupEvent::Row { family: 4, device, name, refcnt, address });
    }
}

impl GroupsParseState {
    /// Every line of one file, in order.
    fn file(&mut self, text: &[u8], file: GroupsFile, out: &mut Vec<GroupEvent>) {
        for (lnr, line) in (0u32..).zip(text::fgets_lines(text, LINE_BUF)) {
            self.line(lnr, line, file, out);
        }
    }
}

fn read_file(
    root: &ProcRoot,
    file: GroupsFile,
    state: &mut GroupsParseState,
    out: &mut Vec<GroupEvent>,
) -> TableStatus {
    let path = root.net(match file {
        GroupsFile::Igmp => "igmp",
        GroupsFile::Igmp6 => "igmp6",
    });
    read_small_table(&path, |text| state.file(text, file, out))
}

/// Parses group files given as text (tests, fixtures): igmp then igmp6.
pub fn parse_groups(
    igmp: Option<&[u8]>,
    igmp6: Option<&[u8]>,
    state: &mut GroupsParseState,
) -> Vec<GroupEvent> {
    let mut out = Vec::new();
    for (file, text) in [(GroupsFile::Igmp, igmp), (GroupsFile::Igmp6, igmp6)] {
        if let Some(text) = text {
            state.file(text, file, &mut out);
        }
    }
    out
}

/// Reads the requested files in netstat's order (igmp, then igmp6).
pub fn read_groups(query: &GroupsQuery) -> GroupsSnapshot {
    let mut snap = GroupsSnapshot { state: query.state.clone(), ..Default::default() };
    if query.inet {
        snap.igmp_status = read_file(&query.root, GroupsFile::Igmp, &mut snap.state, &mut snap.events);
    }
    if query.inet6 {
        snap.igmp6_status = read_file(&query.root, GroupsFile::Igmp6, &mut snap.state, &mut snap.events);
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    const IGMP: &[u8] = b"Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n4\tveryverylongname:     2      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n\t\t\t\t0A0000EF     3 0:00000000\t\t0\n";
    const IGMP6: &[u8] = b"1    lo              ff020000000000000000000000000001     1 0000000C 0\n4    eth0            ff010000000000000000000000000001     1 00000008 0\n";

    fn rows(events: &[GroupEvent]) -> Vec<(String, i32, Vec<u8>)> {
        events
            .iter()
            .filter_map(|e| match e {
                GroupEvent::Row { device, refcnt, address, family, .. } => Some((
                    String::from_utf8_lossy(device).into_owned(),
                    *refcnt,
                    address[..if *family == 4 { 4 } else { 16 }].to_vec(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn plain_reading() {
        let mut st = GroupsParseState::default();
        let ev = parse_groups(Some(IGMP), Some(IGMP6), &mut st);
        let r = rows(&ev);
        assert_eq!(r.len(), 5);
        assert_eq!(r[0], ("lo        ".into(), 1, vec![224, 0, 0, 1]));
        assert_eq!(r[1].0, "veryverylongnam", "%15c: 15 bytes, no ':' among them");
        assert_eq!(r[2], ("veryverylongnam".into(), 3, vec![239, 0, 0, 10]));
        assert_eq!(r[3].0, "lo");
        assert_eq!(r[3].2[..2], [0xff, 0x02]);
        assert_eq!(r[4].2[15], 1);
        match &ev[1] {
            GroupEvent::Row { name, .. } => assert_eq!(name, b"veryverylongnam"),
            _ => panic!(),
        }
        assert!(st.igmp6);
    }

    #[test]
    fn second_round_reads_igmp_as_ipv6() {
        let mut st = GroupsParseState::default();
        parse_groups(Some(IGMP), Some(IGMP6), &mut st);
        let ev = parse_groups(Some(IGMP), None, &mut st);
        assert_eq!(ev[0], GroupEvent::Bogus { file: GroupsFile::Igmp, parser: GroupsFile::Igmp6, line: 1 });
        let r = rows(&ev);
        // "\t\t\t\t010000E0     1 ..." as "%d %15s %64[hex] %d": 10000, "E0", "1", 0.
        assert_eq!(r[0].0, "E0");
        assert_eq!(r[0].1, 0);
        // Word 0 is 1; the others are the last address's, swapped once more.
        let want: [u8; 16] = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
        assert_eq!(r[0].2, want.to_vec());
    }

    #[test]
    fn bogus_lines() {
        let mut st = GroupsParseState::default();
        let ev = parse_groups(
            Some(b"Idx\tDevice\nx\n\tzz 1\n7\tshort\n\t\t010000E0 1\n"),
            Some(b"1 lo\n"),
            &mut st,
        );
        assert_eq!(
            ev,
            vec![
                GroupEvent::Bogus { file: GroupsFile::Igmp, parser: GroupsFile::Igmp, line: 1 },
                GroupEvent::Bogus { file: GroupsFile::Igmp, parser: GroupsFile::Igmp, line: 2 },
                GroupEvent::Row {
                    family: 4,
                    device: b"short\n".to_vec(),
                    name: b"short".to_vec(),
                    refcnt: 1,
                    address: [224, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                },
                GroupEvent::Bogus { file: GroupsFile::Igmp6, parser: GroupsFile::Igmp6, line: 0 },
            ]
        );
    }
}
