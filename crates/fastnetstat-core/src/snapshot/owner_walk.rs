//! When the /proc/*/fd walk runs: beside the table reads, or after them
//! when the listing is narrow enough for the walk to stop early.

use std::collections::HashSet;

use crate::model::InetSocket;
use crate::netlink;

use super::SocketQuery;

/// A listing narrowed to listeners or one port is small and quick to dump:
/// then the fd walk goes after it and stops once every socket found has its
/// owner. As root only: netstat's messages about unreadable processes need the
/// whole walk.
pub(crate) fn walks_after_tables(query: &SocketQuery) -> bool {
    // SAFETY: geteuid has no preconditions.
    let root_user = unsafe { libc::geteuid() } == 0;
    let narrow = query.tcp_states == netlink::inet::LISTEN_ONLY || query.local_port.is_some();
    query.owners && root_user && narrow && !query.unix
}

/// The inodes whose owners a narrowed walk looks for.
pub(crate) fn inodes_of<'a>(rows: impl IntoIterator<Item = &'a InetSocket>) -> HashSet<u64> {
    rows.into_iter().map(|s| s.inode).filter(|&i| i != 0).collect()
}
