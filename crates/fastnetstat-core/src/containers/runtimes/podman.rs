//! Podman: names live in containers/storage's container lists, `containers.json` (and
//! `volatile-containers.json` for transient containers) in `<driver>-containers/` under
//! the storage's graph root (`var/lib/containers/storage`) or run root
//! (`run/containers/storage` with a transient store); rootless, under each user's
//! `~/.local/share/containers/storage` and `$XDG_RUNTIME_DIR/containers`. Each entry has
//! `id` and `names` (Podman names its storage container as the container). Podman's own
//! database (bolt_state.db or db.sql) is not read.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::containers::state_file::dir_names;

const DRIVERS: [&str; 4] = ["overlay", "vfs", "btrfs", "zfs"];
const LISTS: [&str; 2] = ["containers.json", "volatile-containers.json"];
/// Users' homes looked at for rootless storage.
const HOMES_MAX: usize = 1000;

/// Every container list that may exist under the host root.
pub(crate) fn list_files(host_root: &Path) -> Vec<PathBuf> {
    let mut roots =
        vec![host_root.join("var/lib/containers/storage"), host_root.join("run/containers/storage")];
    let homes = host_root.join("home");
    for user in dir_names(&homes).into_iter().take(HOMES_MAX) {
        roots.push(homes.join(user).join(".local/share/containers/storage"));
    }
    let runs = host_root.join("run/user");
    for uid in dir_names(&runs).into_iter().take(HOMES_MAX) {
        roots.push(runs.join(uid).join("containers"));
    }
    let mut files = Vec::new();
    for root in roots {
        for driver in DRIVERS {
            let dir = root.join(format!("{driver}-containers"));
            for list in LISTS {
                files.push(dir.join(list));
            }
        }
    }
    files
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    #[serde(default)]
    names: Vec<String>,
}

/// (id, first name) of each container in a list; an empty list when malformed.
pub(crate) fn parse_list(bytes: &[u8]) -> Vec<(String, String)> {
    let Ok(entries) = serde_json::from_slice::<Vec<Entry>>(bytes) else { return Vec::new() };
    entries
        .into_iter()
        .filter_map(|entry| Some((entry.id, entry.names.into_iter().find(|name| !name.is_empty())?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_first_names() {
        let text = br#"[{"id":"a1","names":["web","alias"],"image":"i","layer":"l","metadata":"{\"x\":1}","created":"2026-01-01T00:00:00Z"},
            {"id":"b2","names":[]},{"id":"c3"}]"#;
        assert_eq!(parse_list(text), [("a1".to_owned(), "web".to_owned())]);
        assert!(parse_list(br#"[{"id":"a1","names":["web"]},"#).is_empty());
        assert!(parse_list(b"{}").is_empty());
    }

    #[test]
    fn lists_rootful_and_rootless() {
        let files = list_files(Path::new("/nonexistent-root"));
        assert!(files.contains(&PathBuf::from(
            "/nonexistent-root/var/lib/containers/storage/overlay-containers/containers.json"
        )));
        assert!(files.contains(&PathBuf::from(
            "/nonexistent-root/run/containers/storage/vfs-containers/volatile-containers.json"
        )));
        assert_eq!(files.len(), 2 * DRIVERS.len() * LISTS.len());
    }
}
