//! Labels of sockets and namespaces: the cgroup a socket was created in (or
//! its owner's), and the container and pod that cgroup belongs to, named from
//! the runtimes' state files under the host root. The path shapes and the
//! state files are the `containers` module's; this one gathers what a listing
//! needs, each distinct cgroup once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

use crate::containers::{self, CgroupResolver, ContainerRef, RuntimeNames};
use crate::netns::cgroup_of_pid;
use crate::proc_root::ProcRoot;

/// A container: its runtime (`docker`, `containerd`, `cri-o`, `podman`,
/// `lxc`, `systemd-nspawn`), id, and name when the runtime's files give one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerLabel {
    pub runtime: &'static str,
    pub id: String,
    pub name: Option<String>,
}

/// A Kubernetes pod: its uid, and its namespace and name when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodLabel {
    pub uid: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// What a cgroup path says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Label {
    /// The path in the cgroup2 hierarchy (or v1's name=systemd), None when unknown.
    pub cgroup: Option<String>,
    pub container: Option<ContainerLabel>,
    pub pod: Option<PodLabel>,
}

/// Gathers labels for one listing: the cgroup tree is walked and the state
/// files read once; each distinct cgroup path becomes one [`Label`], which
/// rows refer to by index.
pub struct Labeller {
    root: ProcRoot,
    cgroups: Option<CgroupResolver>,
    names: RuntimeNames,
    by_path: HashMap<String, usize>,
    by_id: HashMap<u64, Option<usize>>,
    by_pid: HashMap<u32, Option<usize>>,
    pub labels: Vec<Label>,
}

impl Labeller {
    /// `root` is /proc (for /proc/PID/cgroup and the cgroup2 mount), `host_root`
    /// where the runtimes' state files are (/ unless fastnetstat runs in a
    /// container with the host's root mounted elsewhere).
    pub fn new(root: &ProcRoot, host_root: &Path) -> Labeller {
        let mount = containers::host_cgroup2_mount(host_root, root.path());
        Labeller {
            root: root.clone(),
            // ids opened by handle (root), else one walk of the tree when first asked
            cgroups: mount.map(|m| CgroupResolver::new(&m)),
            names: RuntimeNames::load(host_root),
            by_path: HashMap::new(),
            by_id: HashMap::new(),
            by_pid: HashMap::new(),
            labels: Vec::new(),
        }
    }

    fn container(&self, c: &ContainerRef) -> ContainerLabel {
        ContainerLabel {
            runtime: self.names.runtime(c).as_str(),
            id: c.id.clone(),
            name: self.names.container_name(c).map(str::to_owned),
        }
    }

    fn pod(&self, uid: String, of: Option<&ContainerRef>) -> PodLabel {
        let info = of.and_then(|c| self.names.pod_of(c)).or_else(|| self.names.pod(&uid));
        PodLabel {
            namespace: info.map(|p| p.namespace.clone()).filter(|s| !s.is_empty()),
            name: info.map(|p| p.name.clone()).filter(|s| !s.is_empty()),
            uid,
        }
    }

    fn push(&mut self, label: Label) -> usize {
        self.labels.push(label);
        self.labels.len() - 1
    }

    /// The label of a cgroup path.
    pub fn of_path(&mut self, path: &str) -> usize {
        if let Some(&i) = self.by_path.get(path) {
            return i;
        }
        let container = containers::container_of_cgroup(path);
        let pod_uid = container
            .as_ref()
            .and_then(|c| c.pod_uid.clone())
            .or_else(|| containers::pod_uid_of_cgroup(path));
        let label = Label {
            cgroup: Some(path.to_owned()),
            container: container.as_ref().map(|c| self.container(c)),
            pod: pod_uid.map(|uid| self.pod(uid, container.as_ref())),
        };
        let i = self.push(label);
        self.by_path.insert(path.to_owned(), i);
        i
    }

    /// The label of a socket's cgroup id (netlink's), None when the id is 0 or not in the tree.
    pub fn of_cgroup_id(&mut self, id: u64) -> Option<usize> {
        if id == 0 {
            return None;
        }
        if let Some(&known) = self.by_id.get(&id) {
            return known;
        }
        let path = self.cgroups.as_mut().and_then(|c| c.path_of(id)).map(str::to_owned);
        let label = path.map(|p| self.of_path(&p));
        self.by_id.insert(id, label);
        label
    }

    /// The label of a process: its cgroup's, except that docker-proxy (given
    /// its program name) is labelled with the container it forwards to.
    pub fn of_pid(&mut self, pid: u32, program: &[u8]) -> Option<usize> {
        if let Some(&known) = self.by_pid.get(&pid) {
            return known;
        }
        let mut label = cgroup_of_pid(&self.root, pid).map(|p| self.of_path(&p));
        if program == b"docker-proxy" {
            if let Some(target) = self.proxied(pid) {
                label = Some(target);
            }
        }
        self.by_pid.insert(pid, label);
        label
    }

    /// docker-proxy's label: its own cgroup, and the container it forwards
    /// to (by the address in its command line).
    fn proxied(&mut self, pid: u32) -> Option<usize> {
        let cmdline = std::fs::read(self.root.path().join(pid.to_string()).join("cmdline")).ok()?;
        let (ip, _port): (IpAddr, u16) = containers::docker_proxy_target(&cmdline)?;
        let container = self.names.docker_container_by_ip(ip)?.clone();
        let label =
            Label { cgroup: cgroup_of_pid(&self.root, pid), container: Some(self.container(&container)), pod: None };
        Some(self.push(label))
    }

    /// A namespace's pod (the first its processes belong to) and the
    /// distinct containers of its processes, in pid order (a pod's sandbox
    /// container among them: it is a process in the namespace).
    pub fn of_namespace(&mut self, pids: &[u32]) -> (Option<PodLabel>, Vec<ContainerLabel>) {
        let mut pod = None;
        let mut found: Vec<ContainerLabel> = Vec::new();
        for &pid in pids {
            let Some(i) = cgroup_of_pid(&self.root, pid).map(|p| self.of_path(&p)) else { continue };
            let label = &self.labels[i];
            if pod.is_none() {
                pod = label.pod.clone();
            }
            if let Some(c) = &label.container {
                if !found.iter().any(|f| f.runtime == c.runtime && f.id == c.id) {
                    found.push(c.clone());
                }
            }
        }
        (pod, found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cgroup_path_is_labelled_once() {
        let root = ProcRoot::default();
        let mut labeller = Labeller::new(&root, Path::new("/nonexistent/fastnetstat-host"));
        let a = labeller.of_path("/system.slice/a.service");
        assert_eq!(labeller.of_path("/system.slice/a.service"), a);
        assert_ne!(labeller.of_path("/system.slice/b.service"), a);
        assert_eq!(labeller.labels[a].cgroup.as_deref(), Some("/system.slice/a.service"));
        assert_eq!(labeller.of_cgroup_id(0), None);
        // this process's own cgroup
        let me = labeller.of_pid(std::process::id(), b"test").expect("our cgroup");
        assert!(labeller.labels[me].cgroup.as_ref().is_some_and(|p| p.starts_with('/')));
        assert_eq!(labeller.of_pid(u32::MAX, b"gone"), None);
    }
}
