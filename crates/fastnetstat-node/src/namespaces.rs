//! Listings of several network namespaces (`--all-netns`, or one named with
//! labels): each namespace's rows as one packed buffer like a plain
//! listing's, beside what is known of the namespace, and the labels of the
//! rows (cgroup, container, pod) as a small table of plain objects: rows
//! refer to it through their cgroup id and their owner's pid. The core finds,
//! enters and reads the namespaces; this only converts.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use fastnetstat_core::labels::{ContainerLabel, Label, Labeller, PodLabel};
use fastnetstat_core::netns::{self, Namespace, NamespaceAccess};
use fastnetstat_core::{list_sockets_in, HostSnapshot, SocketQuery};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::{core_error, guarded, query_of, wire, SocketOptions};

/// Which namespaces a host listing covers.
#[napi(object)]
#[derive(Clone)]
pub struct HostOptions {
    /// Every namespace of the host (then `sockets.netns` is ignored).
    pub all: bool,
    /// Gather the labels of rows and namespaces (cgroups, containers, pods).
    pub labels: bool,
}

#[napi(object)]
pub struct ContainerObject {
    pub runtime: String,
    pub id: String,
    pub name: Option<String>,
}

#[napi(object)]
pub struct PodObject {
    pub uid: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// What a cgroup path says (rows point here by index).
#[napi(object)]
pub struct LabelObject {
    pub cgroup: Option<String>,
    pub container: Option<ContainerObject>,
    pub pod: Option<PodObject>,
}

#[napi(object)]
pub struct NamespaceListing {
    /// The nsfs inode (0: unknown).
    pub inode: f64,
    /// Its /run/netns name.
    pub name: Option<String>,
    /// Its nsfs bind mounts.
    pub mounts: Vec<String>,
    pub own: bool,
    /// "own", "entered", "proc" (through /proc/PID/net) or "unreadable".
    pub access: String,
    /// The process whose /proc/PID/net was read ("proc").
    pub via_pid: Option<u32>,
    /// Processes seen in it.
    pub process_count: u32,
    pub pod: Option<PodObject>,
    pub containers: Vec<ContainerObject>,
    /// The packed listing (as `listSockets` returns), owners included.
    pub buffer: Buffer,
}

#[napi(object)]
pub struct HostListing {
    pub namespaces: Vec<NamespaceListing>,
    /// Processes whose namespace could not be read (not root): their namespaces may be missing.
    pub hidden_processes: u32,
    pub labels: Vec<LabelObject>,
    /// Distinct cgroup ids of the rows, and the label of each (NONE: unknown).
    pub cgroup_ids: Vec<f64>,
    pub cgroup_labels: Vec<u32>,
    /// Distinct owner pids of the rows, and the label of each.
    pub pids: Vec<u32>,
    pub pid_labels: Vec<u32>,
}

/// The listing before it becomes JS values (computed off the main thread).
pub struct HostResult {
    host: HostSnapshot,
    hidden_processes: u32,
    buffers: Vec<Vec<u8>>,
    labels: Vec<Label>,
    namespace_labels: Vec<(Option<PodLabel>, Vec<ContainerLabel>)>,
    cgroups: Vec<(u64, u32)>,
    pids: Vec<(u32, u32)>,
}

fn container_object(c: ContainerLabel) -> ContainerObject {
    ContainerObject { runtime: c.runtime.to_owned(), id: c.id, name: c.name }
}

fn pod_object(p: PodLabel) -> PodObject {
    PodObject { uid: p.uid, namespace: p.namespace, name: p.name }
}

const NONE: u32 = u32::MAX;

fn compute(
    query: &SocketQuery,
    namespaces: Vec<Namespace>,
    hidden: u32,
    labels: bool,
    host_root: &Path,
) -> HostResult {
    let host = list_sockets_in(query, &namespaces);
    let buffers = host
        .namespaces
        .iter()
        .map(|ns| wire::pack_with_owners(&ns.snapshot, &host.owners, host.owner_access))
        .collect();
    let mut result = HostResult {
        host,
        hidden_processes: hidden,
        buffers,
        labels: Vec::new(),
        namespace_labels: Vec::new(),
        cgroups: Vec::new(),
        pids: Vec::new(),
    };
    if labels {
        let mut labeller = Labeller::new(&query.root, host_root);
        let ids: BTreeSet<u64> =
            result.host.namespaces.iter().flat_map(|n| n.snapshot.inet.iter().map(|r| r.cgroup_id)).collect();
        result.cgroups =
            ids.into_iter().map(|id| (id, labeller.of_cgroup_id(id).map_or(NONE, |i| i as u32))).collect();
        let mut by_pid: HashMap<u32, &[u8]> = HashMap::new();
        for owner in result.host.owners.values() {
            by_pid.entry(owner.pid).or_insert(&owner.name);
        }
        let mut pids: Vec<(u32, &[u8])> = by_pid.into_iter().collect();
        pids.sort_unstable();
        result.pids = pids
            .into_iter()
            .map(|(pid, name)| (pid, labeller.of_pid(pid, name).map_or(NONE, |i| i as u32)))
            .collect();
        result.namespace_labels =
            result.host.namespaces.iter().map(|n| labeller.of_namespace(&n.namespace.pids)).collect();
        result.labels = labeller.labels;
    }
    result
}

fn to_js(result: HostResult) -> HostListing {
    let mut namespace_labels = result.namespace_labels.into_iter();
    let namespaces = result
        .host
        .namespaces
        .into_iter()
        .zip(result.buffers)
        .map(|(ns, buffer)| {
            let (pod, containers) = namespace_labels.next().unwrap_or_default();
            let (access, via_pid) = match ns.access {
                NamespaceAccess::Own => ("own", None),
                NamespaceAccess::Entered => ("entered", None),
                NamespaceAccess::ProcOf(pid) => ("proc", Some(pid)),
                NamespaceAccess::Unreadable => ("unreadable", None),
            };
            NamespaceListing {
                inode: ns.namespace.inode as f64,
                name: ns.namespace.name,
                mounts: ns.namespace.mounts.iter().map(|m| m.to_string_lossy().into_owned()).collect(),
                own: ns.namespace.own,
                access: access.to_owned(),
                via_pid,
                process_count: ns.namespace.pids.len() as u32,
                pod: pod.map(pod_object),
                containers: containers.into_iter().map(container_object).collect(),
                buffer: Buffer::from(buffer),
            }
        })
        .collect();
    HostListing {
        namespaces,
        hidden_processes: result.hidden_processes,
        labels: result
            .labels
            .into_iter()
            .map(|l| LabelObject {
                cgroup: l.cgroup,
                container: l.container.map(container_object),
                pod: l.pod.map(pod_object),
            })
            .collect(),
        cgroup_ids: result.cgroups.iter().map(|&(id, _)| id as f64).collect(),
        cgroup_labels: result.cgroups.iter().map(|&(_, l)| l).collect(),
        pids: result.pids.iter().map(|&(p, _)| p).collect(),
        pid_labels: result.pids.iter().map(|&(_, l)| l).collect(),
    }
}

/// The query and the namespaces it covers: every one, the one named, or ours.
fn plan(options: &SocketOptions, host: &HostOptions) -> Result<(SocketQuery, Vec<Namespace>, u32)> {
    let query = query_of(options)?;
    if host.all {
        let found = guarded(|| netns::discover(&query.root))?;
        return Ok((query, found.namespaces, found.hidden_processes));
    }
    let ns = match &options.netns {
        Some(spec) => guarded(|| netns::resolve(&query.root, spec))?.map_err(core_error)?,
        None => {
            let inode = netns::own_inode(&query.root);
            let mut ns = guarded(|| netns::discover(&query.root))?
                .namespaces
                .into_iter()
                .find(|n| n.own)
                .unwrap_or(Namespace { inode, own: true, ..Namespace::default() });
            ns.own = true;
            ns
        }
    };
    Ok((query, vec![ns], 0))
}

fn host_root_of(options: &SocketOptions) -> PathBuf {
    PathBuf::from(options.host_root.as_deref().unwrap_or("/"))
}

/// Lists the namespaces `host` asks for, each as its own packed listing, on the calling thread.
#[napi]
pub fn list_host_sockets_sync(options: SocketOptions, host: HostOptions) -> Result<HostListing> {
    let (query, namespaces, hidden) = plan(&options, &host)?;
    let root = host_root_of(&options);
    guarded(|| compute(&query, namespaces, hidden, host.labels, &root)).map(to_js)
}

pub struct HostTask {
    query: SocketQuery,
    namespaces: Option<Vec<Namespace>>,
    hidden: u32,
    labels: bool,
    host_root: PathBuf,
}

impl Task for HostTask {
    type Output = HostResult;
    type JsValue = HostListing;

    fn compute(&mut self) -> Result<Self::Output> {
        let namespaces = self.namespaces.take().unwrap_or_default();
        guarded(|| compute(&self.query, namespaces, self.hidden, self.labels, &self.host_root))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(to_js(output))
    }
}

/// {@link listHostSocketsSync} on the libuv thread pool.
#[napi(ts_return_type = "Promise<HostListing>")]
pub fn list_host_sockets(options: SocketOptions, host: HostOptions) -> Result<AsyncTask<HostTask>> {
    let (query, namespaces, hidden) = plan(&options, &host)?;
    Ok(AsyncTask::new(HostTask {
        query,
        namespaces: Some(namespaces),
        hidden,
        labels: host.labels,
        host_root: host_root_of(&options),
    }))
}
