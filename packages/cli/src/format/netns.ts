/**
 * --all-netns's block heading: `Network namespace net:[INODE]`, then what is
 * known of it (its /run/netns name, or another bind mount; its pod; its
 * containers), and the notice for what could not be read.
 */
import type { NamespaceInfo } from '@fastnetstat/core';

/** Said once on stderr when some namespaces could not be read (worded as netstat's -p notice). */
export const NETNS_NOTICE =
  '(Not all network namespaces could be read, non-owned namespace info\n will not be shown, you would have to be root to see it all.)\n';

/** The first line of a namespace's block. */
export function namespaceHeading(ns: NamespaceInfo): string {
  const known: string[] = [];
  if (ns.netns.name !== null) known.push(`name ${ns.netns.name}`);
  else if (ns.mounts[0] !== undefined) known.push(`mount ${ns.mounts[0]}`);
  if (ns.pod) known.push(`pod ${ns.pod.namespace !== null && ns.pod.name !== null ? `${ns.pod.namespace}/${ns.pod.name}` : ns.pod.uid}`);
  if (ns.containers.length > 0) {
    const containers = ns.containers.map((c) => `${c.runtime}:${c.name ?? c.id.slice(0, 12)}`);
    known.push(`${containers.length > 1 ? 'containers' : 'container'} ${containers.join(' ')}`);
  }
  return `Network namespace net:[${ns.netns.inode}]${known.length ? ` ${known.join(', ')}` : ''}\n`;
}
