/**
 * Labels of socket rows: the network namespace a row was read in, the cgroup
 * it was created in (or its owner's), and the container and pod of that
 * cgroup. The native listing hands them over as a small table (one entry per
 * distinct cgroup) that rows refer to through their cgroup id and their
 * owner's pid; this module keeps that table and answers per row.
 * Internal to the package except for the types, which the entry exports.
 */
import type { HostListing, LabelObject, NamespaceListing } from '@fastnetstat/native';

/** A network namespace: the inode of its nsfs file (`net:[INODE]`) and its /run/netns name. */
export interface NetnsRef {
  inode: number;
  name: string | null;
}

/** A container: `docker`, `containerd`, `cri-o`, `podman`, `lxc` or `systemd-nspawn`, its id and name. */
export interface ContainerRef {
  runtime: string;
  id: string;
  name: string | null;
}

/** A Kubernetes pod: its uid, and its namespace and name when the node's files say. */
export interface PodRef {
  uid: string;
  namespace: string | null;
  name: string | null;
}

/**
 * How a namespace's tables were read: `own` (the one this process runs in),
 * `entered` (a thread entered it), `proc` (through /proc/PID/net of a
 * process in it, without the privilege to enter), `unreadable` (neither).
 */
export type NamespaceAccess = 'own' | 'entered' | 'proc' | 'unreadable';

/** What is known of one network namespace of the host. */
export interface NamespaceInfo {
  netns: NetnsRef;
  /** The pod its processes belong to, if any. */
  pod: PodRef | null;
  /** The containers of its processes (a pod's containers share one namespace). */
  containers: ContainerRef[];
  /** Its nsfs bind mounts (/run/netns/NAME, /run/docker/netns/ID, ...). */
  mounts: string[];
  /** It is the namespace this process runs in. */
  own: boolean;
  access: NamespaceAccess;
}

/** A row's labels. */
export interface RowLabels {
  netns: NetnsRef | null;
  cgroup: string | null;
  container: ContainerRef | null;
  pod: PodRef | null;
}

const NONE = 0xffffffff;

function container(c: { runtime: string; id: string; name?: string | null } | null | undefined): ContainerRef | null {
  return c ? { runtime: c.runtime, id: c.id, name: c.name ?? null } : null;
}

function pod(p: { uid: string; namespace?: string | null; name?: string | null } | null | undefined): PodRef | null {
  return p ? { uid: p.uid, namespace: p.namespace ?? null, name: p.name ?? null } : null;
}

/** A namespace's description from the native listing. */
export function namespaceInfo(ns: NamespaceListing): NamespaceInfo {
  return {
    netns: { inode: ns.inode, name: ns.name ?? null },
    pod: pod(ns.pod),
    containers: ns.containers.map((c) => container(c)!),
    mounts: ns.mounts,
    own: ns.own,
    access: ns.access as NamespaceAccess,
  };
}

/** The label table of one host listing, shared by its namespaces' rows. */
export class LabelTable {
  private readonly labels: LabelObject[];
  private readonly byCgroup = new Map<number, number>();
  private readonly byPid = new Map<number, number>();

  constructor(listing: HostListing) {
    this.labels = listing.labels;
    for (let i = 0; i < listing.cgroupIds.length; i++) this.byCgroup.set(listing.cgroupIds[i]!, listing.cgroupLabels[i]!);
    for (let i = 0; i < listing.pids.length; i++) this.byPid.set(listing.pids[i]!, listing.pidLabels[i]!);
  }

  private label(index: number | undefined): LabelObject | undefined {
    return index === undefined || index === NONE ? undefined : this.labels[index];
  }

  /**
   * The labels of a row: its own cgroup's (inet, from netlink), what that
   * does not say from its owner's (with -p): a socket docker-proxy made in
   * its own cgroup gets the container it forwards to.
   */
  of(netns: NetnsRef, cgroupId: number, pid: number | undefined): RowLabels {
    const own = this.label(cgroupId ? this.byCgroup.get(cgroupId) : undefined);
    const owner = this.label(pid === undefined ? undefined : this.byPid.get(pid));
    return {
      netns,
      cgroup: own?.cgroup ?? owner?.cgroup ?? null,
      container: container(own?.container ?? owner?.container),
      pod: pod(own?.pod ?? owner?.pod),
    };
  }
}

/** What the rows of one namespace's listing are labelled from. */
export interface LabelContext {
  netns: NetnsRef;
  table: LabelTable;
}
