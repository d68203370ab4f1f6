//! Names for containers and pods, from the runtimes' state files under a host root.
//!
//! Everything is lazy and read at most once per [`RuntimeNames`]: a runtime's state
//! directory is listed the first time one of its containers is asked about, a
//! container's state file the first time it is needed, and the full scans (every CRI
//! spec for [`RuntimeNames::pod`], every Docker config for
//! [`RuntimeNames::docker_container_by_ip`]) only when those are called. Results are
//! kept, so a listing that asks about the same container for each of its sockets reads
//! its file once. Files are size-capped; missing, unreadable or malformed ones give no
//! name. A `RuntimeNames` can be shared between threads.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::cgroup_paths::is_id;
use super::runtimes::cri::{self, CriState};
use super::runtimes::docker::{self, DockerState};
use super::runtimes::{pod_logs, podman};
use super::state_file::{dir_names, read_bounded, LIST_FILE_MAX, STATE_FILE_MAX};
use super::{ContainerRef, PodInfo, Runtime};

/// Names from the runtimes' state files under one host root (see the module docs).
pub struct RuntimeNames {
    root: PathBuf,
    docker: StateDir<DockerState>,
    containerd: StateDir<CriState>,
    crio: StateDir<CriState>,
    podman: OnceLock<FxHashMap<String, String>>,
    /// Pods from the CRI runtimes' specs (containerd, then CRI-O).
    spec_pods: OnceLock<FxHashMap<String, PodInfo>>,
    /// Pods from /var/log/pods.
    log_pods: OnceLock<FxHashMap<String, PodInfo>>,
    /// Running Docker containers by address; None for an address two of them claim.
    docker_addresses: OnceLock<FxHashMap<IpAddr, Option<ContainerRef>>>,
}

impl std::fmt::Debug for RuntimeNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeNames").field("root", &self.root).finish_non_exhaustive()
    }
}

impl RuntimeNames {
    /// Names under `host_root` (`/`, or where the host's root is mounted). Reads nothing
    /// yet.
    pub fn load(host_root: &Path) -> RuntimeNames {
        RuntimeNames {
            root: host_root.to_path_buf(),
            docker: StateDir::default(),
            containerd: StateDir::default(),
            crio: StateDir::default(),
            podman: OnceLock::new(),
            spec_pods: OnceLock::new(),
            log_pods: OnceLock::new(),
            docker_addresses: OnceLock::new(),
        }
    }

    /// The container's name: Docker's (without its `/`), the name in the pod spec for
    /// containerd and CRI-O containers (None for a pod's sandbox), Podman's, and the
    /// id itself for LXC and systemd-nspawn (whose cgroups carry the name).
    pub fn container_name<'a>(&'a self, c: &'a ContainerRef) -> Option<&'a str> {
        match self.runtime(c) {
            Runtime::Docker => self.docker(&c.id)?.name.as_deref(),
            Runtime::Containerd => self.containerd(&c.id)?.name.as_deref(),
            Runtime::CriO => self.crio(&c.id)?.name.as_deref(),
            Runtime::Podman => self.podman_names().get(&c.id).map(String::as_str),
            Runtime::Lxc | Runtime::SystemdNspawn => Some(&c.id),
        }
    }

    /// Whether the container is a pod's sandbox (pause/infra) container, by the CRI
    /// runtime's spec.
    pub fn is_sandbox(&self, c: &ContainerRef) -> bool {
        let state = match c.runtime {
            Runtime::Containerd => self.containerd(&c.id),
            Runtime::CriO => self.crio(&c.id),
            _ => None,
        };
        state.is_some_and(|state| state.sandbox)
    }

    /// The container's runtime as its state files tell it. The cgroupfs driver writes
    /// the same path (`kubepods/…/podUID/ID`) for containerd and for Docker behind
    /// cri-dockerd; a path shaped so is taken for containerd's unless only Docker has
    /// the id.
    pub fn runtime(&self, c: &ContainerRef) -> Runtime {
        if c.runtime == Runtime::Containerd
            && self.containerd(&c.id).is_none()
            && self.docker(&c.id).is_some()
        {
            return Runtime::Docker;
        }
        c.runtime
    }

    /// The pod with this uid: from the CRI runtimes' specs (containerd's annotations,
    /// then CRI-O's), then from /var/log/pods (which needs no root on most nodes).
    pub fn pod(&self, uid: &str) -> Option<&PodInfo> {
        self.spec_pods().get(uid).or_else(|| self.log_pods().get(uid))
    }

    /// The pod of a container: from the container's own spec when it names the pod (one
    /// file, likely read already for its name), else [`RuntimeNames::pod`] of its uid.
    pub fn pod_of(&self, c: &ContainerRef) -> Option<&PodInfo> {
        let uid = c.pod_uid.as_deref()?;
        let state = match self.runtime(c) {
            Runtime::Containerd => self.containerd(&c.id),
            Runtime::CriO => self.crio(&c.id),
            _ => None,
        };
        state.and_then(|state| state.pod.as_ref()).filter(|pod| pod.uid == uid).or_else(|| self.pod(uid))
    }

    /// The running Docker container with this address on one of its networks (what a
    /// docker-proxy forwards to). None when no running container, or more than one,
    /// has it.
    pub fn docker_container_by_ip(&self, ip: IpAddr) -> Option<&ContainerRef> {
        let addresses = self.docker_addresses.get_or_init(|| {
            let mut addresses: FxHashMap<IpAddr, Option<ContainerRef>> = FxHashMap::default();
            for (id, state) in self.docker.all(|| self.docker_ids(), |id| self.read_docker(id)) {
                if !state.running {
                    continue;
                }
                for address in &state.addresses {
                    let container =
                        ContainerRef { runtime: Runtime::Docker, id: id.to_owned(), pod_uid: None };
                    addresses
                        .entry(*address)
                        .and_modify(|claimed| *claimed = None)
                        .or_insert(Some(container));
                }
            }
            addresses
        });
        addresses.get(&ip)?.as_ref()
    }

    fn docker(&self, id: &str) -> Option<&DockerState> {
        self.docker.get(id, || self.docker_ids(), |id| self.read_docker(id))
    }

    fn containerd(&self, id: &str) -> Option<&CriState> {
        self.containerd.get(id, || self.containerd_ids(), |id| self.read_containerd(id))
    }

    fn crio(&self, id: &str) -> Option<&CriState> {
        self.crio.get(id, || self.crio_ids(), |id| self.read_crio(id))
    }

    fn docker_ids(&self) -> Vec<String> {
        ids_in(&[self.root.join(docker::CONTAINERS_DIR)])
    }

    fn containerd_ids(&self) -> Vec<String> {
        ids_in(&[self.root.join(cri::CONTAINERD_DIR)])
    }

    fn crio_ids(&self) -> Vec<String> {
        ids_in(&cri::CRIO_DIRS.map(|dir| self.root.join(dir)))
    }

    fn read_docker(&self, id: &str) -> Option<DockerState> {
        docker::parse(&read_bounded(&docker::state_file(&self.root, id), STATE_FILE_MAX)?)
    }

    fn read_containerd(&self, id: &str) -> Option<CriState> {
        cri::parse_containerd(&read_bounded(&cri::containerd_state_file(&self.root, id), STATE_FILE_MAX)?)
    }

    fn read_crio(&self, id: &str) -> Option<CriState> {
        // The run directory's copy first, the persistent one when it is gone.
        cri::crio_state_files(&self.root, id)
            .iter()
            .find_map(|file| cri::parse_crio(&read_bounded(file, STATE_FILE_MAX)?))
    }

    fn podman_names(&self) -> &FxHashMap<String, String> {
        self.podman.get_or_init(|| {
            let mut names = FxHashMap::default();
            for file in podman::list_files(&self.root) {
                let Some(bytes) = read_bounded(&file, LIST_FILE_MAX) else { continue };
                for (id, name) in podman::parse_list(&bytes) {
                    names.entry(id).or_insert(name);
                }
            }
            names
        })
    }

    fn spec_pods(&self) -> &FxHashMap<String, PodInfo> {
        self.spec_pods.get_or_init(|| {
            let mut pods = FxHashMap::default();
            let containerd = self.containerd.all(|| self.containerd_ids(), |id| self.read_containerd(id));
            let crio = self.crio.all(|| self.crio_ids(), |id| self.read_crio(id));
            for (_, state) in containerd.chain(crio) {
                if let Some(pod) = &state.pod {
                    pods.entry(pod.uid.clone()).or_insert_with(|| pod.clone());
                }
            }
            pods
        })
    }

    fn log_pods(&self) -> &FxHashMap<String, PodInfo> {
        self.log_pods.get_or_init(|| {
            dir_names(&self.root.join(pod_logs::PODS_DIR))
                .iter()
                .filter_map(|name| pod_logs::parse_dir_name(name))
                .map(|pod| (pod.uid.clone(), pod))
                .collect()
        })
    }
}

/// The container ids (directory names of 64 hex digits) in some state directories.
fn ids_in(dirs: &[PathBuf]) -> Vec<String> {
    let mut ids: Vec<String> =
        dirs.iter().flat_map(|dir| dir_names(dir)).filter(|name| is_id(name)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One runtime's containers: the ids its state directory lists (listed once), each
/// with its state file's contents (read once, when first asked for).
struct StateDir<S> {
    ids: OnceLock<FxHashMap<Box<str>, OnceLock<Option<S>>>>,
}

impl<S> Default for StateDir<S> {
    fn default() -> Self {
        StateDir { ids: OnceLock::new() }
    }
}

impl<S> StateDir<S> {
    fn listed(&self, list: impl FnOnce() -> Vec<String>) -> &FxHashMap<Box<str>, OnceLock<Option<S>>> {
        self.ids.get_or_init(|| list().into_iter().map(|id| (id.into_boxed_str(), OnceLock::new())).collect())
    }

    fn get(
        &self,
        id: &str,
        list: impl FnOnce() -> Vec<String>,
        read: impl FnOnce(&str) -> Option<S>,
    ) -> Option<&S> {
        self.listed(list).get(id)?.get_or_init(|| read(id)).as_ref()
    }

    /// Every listed container whose state could be read, reading what is not yet read.
    fn all<'a>(
        &'a self,
        list: impl FnOnce() -> Vec<String>,
        read: impl Fn(&str) -> Option<S> + 'a,
    ) -> impl Iterator<Item = (&'a str, &'a S)> + 'a {
        self.listed(list)
            .iter()
            .filter_map(move |(id, state)| Some((&**id, state.get_or_init(|| read(id)).as_ref()?)))
    }
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
