//! Kubernetes runtimes' OCI specs (`config.json`): the annotations that name a
//! container and its pod.
//!
//! containerd (its CRI plugin, `internal/cri/annotations`) writes every task's spec to
//! `run/containerd/io.containerd.runtime.v2.task/k8s.io/ID/config.json`, annotated with
//! `io.kubernetes.cri.container-type` (`sandbox` | `container`),
//! `io.kubernetes.cri.container-name` (containers only) and
//! `io.kubernetes.cri.sandbox-{uid,name,namespace}` (both).
//!
//! CRI-O saves each spec to its storage's run directory
//! (`run/containers/storage/overlay-containers/ID/userdata/config.json`) and to the
//! persistent one (`var/lib/containers/storage/…`, same tail), with
//! `io.kubernetes.cri-o.ContainerType` and the kubelet's labels copied in as
//! annotations: `io.kubernetes.container.name` (containers only) and
//! `io.kubernetes.pod.{uid,name,namespace}`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::containers::PodInfo;

pub(crate) const CONTAINERD_DIR: &str = "run/containerd/io.containerd.runtime.v2.task/k8s.io";
pub(crate) const CRIO_DIRS: [&str; 2] =
    ["run/containers/storage/overlay-containers", "var/lib/containers/storage/overlay-containers"];

pub(crate) fn containerd_state_file(host_root: &Path, id: &str) -> PathBuf {
    host_root.join(CONTAINERD_DIR).join(id).join("config.json")
}

pub(crate) fn crio_state_files(host_root: &Path, id: &str) -> [PathBuf; 2] {
    CRIO_DIRS.map(|dir| host_root.join(dir).join(id).join("userdata/config.json"))
}

/// What a CRI runtime's spec says of a container.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CriState {
    /// The pod's sandbox (pause/infra) container.
    pub sandbox: bool,
    /// The container's name in its pod spec (None for a sandbox).
    pub name: Option<String>,
    pub pod: Option<PodInfo>,
}

#[derive(Deserialize)]
struct Spec<A> {
    annotations: Option<A>,
}

#[derive(Deserialize)]
struct ContainerdAnnotations {
    #[serde(rename = "io.kubernetes.cri.container-type")]
    kind: Option<String>,
    #[serde(rename = "io.kubernetes.cri.container-name")]
    name: Option<String>,
    #[serde(rename = "io.kubernetes.cri.sandbox-uid")]
    pod_uid: Option<String>,
    #[serde(rename = "io.kubernetes.cri.sandbox-name")]
    pod_name: Option<String>,
    #[serde(rename = "io.kubernetes.cri.sandbox-namespace")]
    pod_namespace: Option<String>,
}

#[derive(Deserialize)]
struct CrioAnnotations {
    #[serde(rename = "io.kubernetes.cri-o.ContainerType")]
    kind: Option<String>,
    #[serde(rename = "io.kubernetes.container.name")]
    name: Option<String>,
    #[serde(rename = "io.kubernetes.pod.uid")]
    pod_uid: Option<String>,
    #[serde(rename = "io.kubernetes.pod.name")]
    pod_name: Option<String>,
    #[serde(rename = "io.kubernetes.pod.namespace")]
    pod_namespace: Option<String>,
}

pub(crate) fn parse_containerd(bytes: &[u8]) -> Option<CriState> {
    let spec: Spec<ContainerdAnnotations> = serde_json::from_slice(bytes).ok()?;
    let a = spec.annotations?;
    Some(state(a.kind, a.name, a.pod_uid, a.pod_name, a.pod_namespace))
}

pub(crate) fn parse_crio(bytes: &[u8]) -> Option<CriState> {
    let spec: Spec<CrioAnnotations> = serde_json::from_slice(bytes).ok()?;
    let a = spec.annotations?;
    Some(state(a.kind, a.name, a.pod_uid, a.pod_name, a.pod_namespace))
}

fn state(
    kind: Option<String>,
    name: Option<String>,
    uid: Option<String>,
    pod_name: Option<String>,
    namespace: Option<String>,
) -> CriState {
    let sandbox = kind.as_deref() == Some("sandbox");
    let name = name.filter(|name| !sandbox && !name.is_empty());
    let pod = match (uid, pod_name, namespace) {
        (Some(uid), Some(name), Some(namespace)) if !uid.is_empty() && !name.is_empty() => {
            Some(PodInfo { uid, namespace, name })
        }
        _ => None,
    };
    CriState { sandbox, name, pod }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Option<PodInfo> {
        Some(PodInfo { uid: "u-1".into(), namespace: "shop".into(), name: "web-7d9".into() })
    }

    #[test]
    fn container_and_sandbox_of_each_runtime() {
        type Parse = fn(&[u8]) -> Option<CriState>;
        // (runtime, its parser, pod()'s nginx container, pod()'s sandbox)
        let runtimes: [(&str, Parse, &[u8], &[u8]); 2] = [
            (
                "containerd",
                parse_containerd,
                include_bytes!("testdata/containerd-container.json"),
                include_bytes!("testdata/containerd-sandbox.json"),
            ),
            (
                "cri-o",
                parse_crio,
                include_bytes!("testdata/crio-container.json"),
                include_bytes!("testdata/crio-sandbox.json"),
            ),
        ];
        for (runtime, parse, container, sandbox) in runtimes {
            let nginx = CriState { sandbox: false, name: Some("nginx".into()), pod: pod() };
            assert_eq!(parse(container), Some(nginx), "{runtime}");
            assert_eq!(parse(sandbox), Some(CriState { sandbox: true, name: None, pod: pod() }), "{runtime}");
        }
    }

    #[test]
    fn partial_and_malformed() {
        // a Podman or plain OCI spec: no Kubernetes annotations
        assert_eq!(
            parse_crio(br#"{"annotations":{"io.container.manager":"libpod"}}"#),
            Some(CriState::default())
        );
        assert_eq!(parse_containerd(br#"{"ociVersion":"1.1.0"}"#), None);
        // a pod without its namespace is no pod
        let partial =
            br#"{"annotations":{"io.kubernetes.cri.sandbox-uid":"u","io.kubernetes.cri.sandbox-name":"n"}}"#;
        assert_eq!(parse_containerd(partial), Some(CriState::default()));
        assert_eq!(parse_containerd(br#"{"annotations":{"io.kubernetes.cri.container-name":5}}"#), None);
        assert_eq!(parse_containerd(br#"{"annotations":{"io.kubernetes.cri.container-name":"a""#), None);
    }
}
