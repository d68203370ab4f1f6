//! /proc/net/dev: the interface names and their counters, read as
//! lib/interface.c reads them.

use super::{DevLine, DevStats};
use crate::text::{self, Cursor};

/// lib/interface.c `get_name`: the interface name at the start of a
/// /proc/net/dev line, and where its counters begin.
fn get_name(line: &[u8]) -> (Vec<u8>, usize) {
    let mut p = 0;
    while p < line.len() && text::is_space(line[p]) {
        p += 1;
    }
    let mut name = Vec::new();
    while p < line.len() {
        let c = line[p];
        if text::is_space(c) {
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
    // fgets(buf, 512): longer lines come in pieces.
    let lines: Vec<&[u8]> = text::fgets_lines(text, 512).map(text::without_newline).collect();
    if lines.len() < 2 {
        return Vec::new();
    }
    let second = lines[1];
    let version = if text::contains(second, b"compressed") {
        3
    } else if text::contains(second, b"bytes") {
        2
    } else {
        1
    };
    // Where each counter of a line goes, as indices of DevStats::to_array.
    let fields: &[usize] = match version {
        3 => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        2 => &[0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14],
        _ => &[1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14],
    };
    let mut out = Vec::new();
    for line in &lines[2..] {
        let (name, at) = get_name(line);
        let mut c = Cursor::new(&line[at..]);
        let mut counters = [0u64; 16];
        for &field in fields {
            match c.dec_ulong() {
                Some(v) => counters[field] = v,
                None => break,
            }
        }
        out.push(DevLine { name, stats: DevStats::from_array(counters) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
