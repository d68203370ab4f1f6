//! /proc/net/{tcp,udp,udplite,raw}{,6}: the text tables of inet sockets.
use crate::model::{InetSocket, InetTable};
use crate::proc_root::ProcRoot;

/// Parses a whole table file (header line included); appends rows to `out`
/// and returns the number of bogus lines skipped.
pub fn parse_table(table: InetTable, text: &[u8], out: &mut Vec<InetSocket>) -> u32 {
    let _ = (table, text, out);
    todo!("inet parser")
}

/// Reads `<root>/net/<table>` and parses it.
pub fn read_table(root: &ProcRoot, table: InetTable, out: &mut Vec<InetSocket>) -> crate::Result<u32> {
    let _ = (root, table, out);
    todo!("inet reader")
}
