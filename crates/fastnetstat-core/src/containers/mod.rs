//! Container and pod labels for sockets and processes, from data the kernel and the
//! container runtimes already keep: cgroup paths (which runtime made a cgroup, and for
//! which container and pod, is written in the path's shape) and the runtimes' state
//! files under a host root (names). No runtime API is called.
//!
//! A pure module: it reads text it is given, a cgroup2 directory tree and files under a
//! host root, and knows nothing of netlink, namespaces or how labels are printed.
//! Nothing here fails: what is missing, unreadable or malformed leaves a label empty.
//!
//! - [`container_of_cgroup`] / [`pod_uid_of_cgroup`]: a cgroup path to a container
//!   (runtime and id) and a pod uid ([`cgroup_paths`] lists the shapes).
//! - [`process_cgroup`]: the path to use from a `/proc/PID/cgroup` text (the v2 line, or
//!   the container-shaped v1 line on v1-only and hybrid hosts).
//! - [`cgroup2_mount`] / [`host_cgroup2_mount`] and [`CgroupTree`]: the cgroup id the
//!   kernel reports for a socket (`INET_DIAG_CGROUP_ID`) to a path, by one walk of the
//!   cgroup2 tree; [`CgroupResolver`] opens each id by handle instead (root), which costs
//!   per distinct id rather than per cgroup on the host.
//! - [`RuntimeNames`]: container names and pod namespace/name from state files.
//! - [`docker_proxy_target`]: where a docker-proxy process forwards to.

pub mod cgroup_paths;
pub mod cgroup_resolve;
pub mod cgroup_tree;
pub mod docker_proxy;
mod names;
mod runtimes;
mod state_file;

pub use cgroup_paths::{container_of_cgroup, pod_uid_of_cgroup, process_cgroup};
pub use cgroup_resolve::CgroupResolver;
pub use cgroup_tree::{cgroup2_mount, host_cgroup2_mount, CgroupLabels, CgroupTree};
pub use docker_proxy::docker_proxy_target;
pub use names::RuntimeNames;

/// The runtime that made a container's cgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Runtime {
    Docker,
    Containerd,
    CriO,
    Podman,
    Lxc,
    SystemdNspawn,
}

impl Runtime {
    /// The name used in JSON and text output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Runtime::Docker => "docker",
            Runtime::Containerd => "containerd",
            Runtime::CriO => "cri-o",
            Runtime::Podman => "podman",
            Runtime::Lxc => "lxc",
            Runtime::SystemdNspawn => "systemd-nspawn",
        }
    }
}

/// A container as its cgroup path names it. `id` is the runtime's full id (64 hex
/// digits) for Docker, containerd, CRI-O and Podman, and the container's name for LXC
/// and systemd-nspawn (which name their cgroups by name). `pod_uid` is the Kubernetes
/// pod uid (with `-`, as the API shows it) when the container sits in a pod's cgroup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContainerRef {
    pub runtime: Runtime,
    pub id: String,
    pub pod_uid: Option<String>,
}

/// A Kubernetes pod as the node's state files name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PodInfo {
    pub uid: String,
    pub namespace: String,
    pub name: String,
}
