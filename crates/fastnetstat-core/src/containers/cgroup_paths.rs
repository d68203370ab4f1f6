//! Cgroup path shapes: which runtime made a cgroup, for which container and pod.
//!
//! A path is read one component at a time, deepest first, so a shape may sit below any
//! prefix (a kind or Docker-in-Docker node, a cgroup namespace's `/../..`, a test's
//! directory) and the innermost container wins (a pod inside a kind node is labelled
//! with the pod's container, not the node's). The shapes, as the runtimes write them
//! (ID = 64 hex digits):
//!
//! | runtime | systemd driver | cgroupfs driver |
//! |---|---|---|
//! | Docker | `docker-ID.scope` | `docker/ID` |
//! | containerd (CRI) | `cri-containerd-ID.scope` (or `SLICE:cri-containerd:ID` when only kubelet uses systemd) | `kubepods/…/podUID/ID` |
//! | CRI-O | `crio-ID.scope`; a dropped infra container's `crio-ID` | `…/crio-ID` |
//! | Podman | `libpod-ID.scope` (rootful in machine.slice, rootless in `user@UID.service`) | `libpod_parent/libpod-ID`; `--cgroups=split`: `UNIT/libpod-payload-ID` |
//! | LXC | `lxc.payload.NAME` (4.0+), `lxc.payload/NAME` (3.x), `lxc/NAME` (older, Proxmox) | |
//! | systemd-nspawn | `machine-NAME.scope`, `systemd-nspawn@NAME.service` (NAME systemd-escaped) | |
//!
//! Pods: systemd `…-pod<UID with _ for ->.slice` inside a slice whose name holds
//! `kubepods`; cgroupfs `pod<UID>` below a `kubepods` component. Guaranteed pods have no
//! QoS level, and `--cgroup-root` adds a prefix (`kubelet-kubepods-…` on kind): neither
//! matters here. UIDs are 8-4-4-4-12 hex, or 32 hex for static pods.
//!
//! Runtime monitors are no container: CRI-O's and Podman's conmon (`crio-conmon-ID`,
//! `libpod-conmon-ID.scope`), LXC's `lxc.monitor.NAME`, and systemd-nspawn's
//! `supervisor` child. They run in the host's network namespace, not the container's,
//! so their sockets are the host's: a path through one names neither a container nor a
//! pod (a monitor inside a nested node belongs to that node's container). Pause and
//! sandbox containers are ordinary containers here: they carry their pod's uid, and
//! [`super::RuntimeNames::is_sandbox`] tells them apart.

use super::{ContainerRef, Runtime};

/// The container a cgroup path belongs to: the innermost container-shaped component,
/// with the uid of the pod around it, if any. `path` is as in `/proc/PID/cgroup` or a
/// path in the cgroup2 tree; a mount point prefix is harmless.
pub fn container_of_cgroup(path: &str) -> Option<ContainerRef> {
    let parts = components(path);
    for i in (0..parts.len()).rev() {
        match classify(&parts, i) {
            Some(Found::Container(runtime, id)) => {
                // (0..=i: runc's `SLICE:PREFIX:ID` directory holds its pod slice's name)
                let pod_uid = (0..=i).rev().find_map(|j| pod_component(&parts, j));
                return Some(ContainerRef { runtime, id, pod_uid });
            }
            // A monitor's own sockets are its host's: look further out.
            Some(Found::Monitor) | None => continue,
        }
    }
    None
}

/// The pod uid of a path inside a pod's cgroup (the pod slice itself, its sandbox, or
/// one of its containers), with `-` as the API writes it. None through a runtime
/// monitor (conmon runs in the host's network namespace).
pub fn pod_uid_of_cgroup(path: &str) -> Option<String> {
    let parts = components(path);
    for i in (0..parts.len()).rev() {
        if let Some(Found::Monitor) = classify(&parts, i) {
            return None;
        }
        if let Some(uid) = pod_component(&parts, i) {
            return Some(uid);
        }
    }
    None
}

/// The cgroup path to label a process with, from its `/proc/PID/cgroup` text.
///
/// The v2 line (`0::PATH`) when it names a container or pod, else the first v1 line that
/// does, trying `name=systemd`, then `cpu`, then `memory` (hybrid hosts whose runtimes
/// use the cgroupfs driver place containers in v1 hierarchies only, and leave the v2
/// path at the runtime's service); else the v2 path, else the `name=systemd` path.
pub fn process_cgroup(text: &str) -> Option<&str> {
    let (mut v2, mut systemd, mut cpu, mut memory) = (None, None, None, None);
    for line in text.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(hierarchy), Some(controllers), Some(path)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if hierarchy == "0" && controllers.is_empty() {
            v2.get_or_insert(path);
            continue;
        }
        for controller in controllers.split(',') {
            let slot = match controller {
                "name=systemd" => &mut systemd,
                "cpu" => &mut cpu,
                "memory" => &mut memory,
                _ => continue,
            };
            slot.get_or_insert(path);
        }
    }
    let candidates = [v2, systemd, cpu, memory];
    let labelled = candidates
        .iter()
        .flatten()
        .find(|path| container_of_cgroup(path).is_some() || pod_uid_of_cgroup(path).is_some());
    labelled.copied().or(v2).or(systemd)
}

enum Found {
    Container(Runtime, String),
    /// A runtime's monitor process (conmon, lxc monitor, nspawn supervisor).
    Monitor,
}

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|part| !part.is_empty()).collect()
}

/// Runtime prefixes that runc's systemd notation `SLICE:PREFIX:ID` carries; when the
/// kubelet uses systemd but the runtime cgroupfs, that notation becomes a directory name.
const COLON_PREFIXES: [(&str, Runtime); 4] = [
    (":cri-containerd:", Runtime::Containerd),
    (":crio:", Runtime::CriO),
    (":docker:", Runtime::Docker),
    (":libpod:", Runtime::Podman),
];

fn classify(parts: &[&str], i: usize) -> Option<Found> {
    let part = parts[i];
    let parent = i.checked_sub(1).map(|p| parts[p]);
    let child = parts.get(i + 1).copied();
    let stem = part.strip_suffix(".scope");
    let is_scope = stem.is_some();
    let stem = stem.unwrap_or(part);
    let container = |runtime, id: &str| Some(Found::Container(runtime, id.to_owned()));

    if let Some(id) = stem.strip_prefix("docker-").filter(|id| is_scope && is_id(id)) {
        return container(Runtime::Docker, id);
    }
    if let Some(id) = stem.strip_prefix("cri-containerd-").filter(|id| is_id(id)) {
        return container(Runtime::Containerd, id);
    }
    for (marker, runtime) in COLON_PREFIXES {
        if let Some(at) = part.rfind(marker) {
            let id = &part[at + marker.len()..];
            if is_id(id) {
                return container(runtime, id);
            }
        }
    }
    if stem.strip_prefix("crio-conmon-").is_some_and(is_id) {
        return Some(Found::Monitor);
    }
    if let Some(id) = stem.strip_prefix("crio-").filter(|id| is_id(id)) {
        return container(Runtime::CriO, id);
    }
    if stem.strip_prefix("libpod-conmon-").is_some_and(is_id) {
        return Some(Found::Monitor);
    }
    if let Some(id) =
        stem.strip_prefix("libpod-payload-").or(stem.strip_prefix("libpod-")).filter(|id| is_id(id))
    {
        return container(Runtime::Podman, id);
    }
    if !is_scope && is_id(part) {
        if parent == Some("docker") {
            return container(Runtime::Docker, part);
        }
        // cgroupfs driver under a pod: containerd (cri-dockerd writes the same shape;
        // RuntimeNames::runtime tells them apart from the state files).
        if i > 0 && pod_component(parts, i - 1).is_some() {
            return container(Runtime::Containerd, part);
        }
    }
    if let Some(name) = part.strip_prefix("lxc.payload.").filter(|name| !name.is_empty()) {
        return container(Runtime::Lxc, name);
    }
    if part.starts_with("lxc.monitor.") || parent == Some("lxc.monitor") {
        return Some(Found::Monitor);
    }
    if matches!(parent, Some("lxc.payload" | "lxc")) && !part.starts_with("lxc.") {
        return container(Runtime::Lxc, part);
    }
    let machine = match stem.strip_prefix("machine-") {
        Some(name) if is_scope => Some(name),
        _ => part.strip_prefix("systemd-nspawn@").and_then(|unit| unit.strip_suffix(".service")),
    };
    if let Some(escaped) = machine.filter(|name| !name.is_empty()) {
        let name = systemd_unescape(escaped);
        if is_libvirt_machine(&name) {
            return None;
        }
        if child == Some("supervisor") {
            return Some(Found::Monitor);
        }
        return Some(Found::Container(Runtime::SystemdNspawn, name));
    }
    None
}

/// The pod uid if component `i` is a pod's cgroup.
fn pod_component(parts: &[&str], i: usize) -> Option<String> {
    let part = parts[i];
    let part = part.split_once(':').map_or(part, |(slice, _)| slice);
    if let Some(slice) = part.strip_suffix(".slice") {
        // kubepods-burstable-pod0a1b_….slice: the uid is the last dash-separated word
        // (the kubelet writes its `-` as `_`), the slice name carries its ancestors'.
        let (ancestors, last) = slice.rsplit_once('-')?;
        let uid = last.strip_prefix("pod")?;
        if !ancestors.contains("kubepods") {
            return None;
        }
        let uid = uid.replace('_', "-");
        return is_pod_uid(&uid).then_some(uid);
    }
    let uid = part.strip_prefix("pod")?;
    if is_pod_uid(uid) && parts[..i].iter().any(|ancestor| ancestor.contains("kubepods")) {
        return Some(uid.to_owned());
    }
    None
}

/// A full container id: 64 lowercase hex digits.
pub(crate) fn is_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A pod uid: 8-4-4-4-12 hex digits, or 32 hex digits (a static pod's uid is the hex
/// of a hash of its manifest).
fn is_pod_uid(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.len() {
        32 => bytes.iter().all(u8::is_ascii_hexdigit),
        36 => bytes.iter().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        }),
        _ => false,
    }
}

/// libvirt registers its guests with systemd-machined too (`machine-qemu\x2d1\x2dvm.scope`,
/// `machine-lxc\x2d4242\x2dct.scope`); those are not systemd-nspawn containers.
fn is_libvirt_machine(name: &str) -> bool {
    ["qemu-", "lxc-"].iter().any(|driver| {
        name.strip_prefix(driver)
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Undoes systemd's unit name escaping (`\x2d` for `-`, `\xNN` for any byte).
pub(crate) fn systemd_unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\\' && bytes.get(at + 1) == Some(&b'x') {
            if let Some(byte) = bytes.get(at + 2..at + 4).and_then(hex_byte) {
                out.push(byte);
                at += 4;
                continue;
            }
        }
        out.push(bytes[at]);
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

#[cfg(test)]
#[path = "cgroup_paths_tests.rs"]
mod tests;
