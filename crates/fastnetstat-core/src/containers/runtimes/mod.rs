//! What each runtime's state files say, parsed from bytes (reading them is
//! [`super::names`]' job). Each parser takes only the fields it needs, ignores the
//! rest, and gives None for anything malformed.

pub(crate) mod cri;
pub(crate) mod docker;
pub(crate) mod pod_logs;
pub(crate) mod podman;
