//! PLACEHOLDER for the `containers` branch's module (labels from cgroup paths
//! and runtime state files). Only the interface the netns data path codes
//! against; replaced wholesale when that branch is merged.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContainerRef {
    pub runtime: Runtime,
    pub id: String,
    pub pod_uid: Option<String>,
}

pub fn container_of_cgroup(_path: &str) -> Option<ContainerRef> {
    None
}

pub fn pod_uid_of_cgroup(_path: &str) -> Option<String> {
    None
}

pub fn cgroup2_mount(mountinfo: &str) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        if right.split(' ').next() != Some("cgroup2") {
            return None;
        }
        Some(PathBuf::from(left.split(' ').nth(4)?))
    })
}

#[derive(Debug, Default)]
pub struct CgroupTree;

impl CgroupTree {
    pub fn walk(_mount: &Path) -> CgroupTree {
        CgroupTree
    }
    pub fn path_of(&self, _id: u64) -> Option<&str> {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodInfo {
    pub uid: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct RuntimeNames;

impl RuntimeNames {
    pub fn load(_host_root: &Path) -> RuntimeNames {
        RuntimeNames
    }
    pub fn container_name(&self, _c: &ContainerRef) -> Option<&str> {
        None
    }
    pub fn pod(&self, _uid: &str) -> Option<&PodInfo> {
        None
    }
    pub fn docker_container_by_ip(&self, _ip: IpAddr) -> Option<&ContainerRef> {
        None
    }
}

pub fn docker_proxy_target(_cmdline: &[u8]) -> Option<(IpAddr, u16)> {
    None
}
