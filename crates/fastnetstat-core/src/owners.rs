//! The walk over /proc/*/fd that maps socket inodes to processes.
use std::collections::{HashMap, HashSet};

use crate::model::{Owner, OwnerAccess};
use crate::proc_root::ProcRoot;

#[derive(Debug, Default)]
pub struct OwnerScan {
    pub owners: HashMap<u64, Owner>,
    pub access: OwnerAccess,
}

/// Walks `<root>/[0-9]*/fd`. When `wanted` is given, stops as soon as every
/// wanted inode has been found.
pub fn scan(root: &ProcRoot, wanted: Option<&HashSet<u64>>) -> OwnerScan {
    let _ = (root, wanted);
    todo!("fd walk")
}
