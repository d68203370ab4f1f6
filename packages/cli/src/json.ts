/**
 * The JSON form of a socket listing (docs/json.md, docs/schema/fastnetstat.schema.json):
 * the same rows the text shows (same -a/-l selection), untruncated, numeric
 * values always, resolved names beside them unless -n says otherwise.
 */
import type { SocketList } from '@fastnetstat/core';
import { isShown as inetShown, type InetLayout } from './format/inet.js';
import { isShown as unixShown } from './format/unix.js';
import type { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Names and paths are bytes, not always UTF-8. The plain field holds them
 * decoded (invalid bytes as U+FFFD); when that loses anything, `<field>Base64`
 * carries the exact bytes too.
 */
function exactBytes(field: string, bytes: Uint8Array | undefined): Record<string, string> {
  if (!bytes) return {};
  try {
    strictUtf8.decode(bytes);
    return {};
  } catch {
    return { [`${field}Base64`]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
}

const SERVICE_PROTO = { tcp: 'tcp', udp: 'udp', udplite: 'udp', raw: 'raw' } as const;

export async function socketsDocument(list: SocketList, flags: NetstatFlags, names: NetstatNames): Promise<unknown> {
  const layout: InetLayout = {
    all: flags.all > 0,
    listening: flags.listening > 0,
    wide: true,
    extended: true,
    programs: flags.programs > 0,
    timers: true,
  };
  const inet = list.inet;
  const shownInet: number[] = [];
  for (let i = 0; i < inet.length; i++) if (inetShown(inet, i, layout)) shownInet.push(i);
  if (!flags.numericHosts) {
    await names.prepare(
      shownInet.flatMap((i) => {
        const family = inet.isIPv6(i) ? 6 : 4;
        return [
          { family, addr: inet.localAddressBytes(i) },
          { family, addr: inet.remoteAddressBytes(i) },
        ] as const;
      }),
    );
  }
  const inetRows = shownInet.map((i) => {
    const row = inet.at(i);
    const family = inet.isIPv6(i) ? 6 : 4;
    const service = SERVICE_PROTO[row.protocol];
    const out: Record<string, unknown> = {
      protocol: row.protocol,
      family: row.family,
      localAddress: row.localAddress,
      localPort: row.localPort,
      remoteAddress: row.remoteAddress,
      remotePort: row.remotePort,
      state: row.protocol === 'tcp' ? row.state : row.stateCode === 1 ? 'ESTABLISHED' : row.stateCode === 7 ? 'CLOSE' : 'UNKNOWN',
      stateCode: row.stateCode,
      receiveQueue: row.receiveQueue,
      sendQueue: row.sendQueue,
      uid: row.uid,
      inode: row.inode,
      timer: row.timer,
      pid: row.pid ?? null,
      program: row.processName ?? null,
      ...exactBytes('program', row.processNameBytes),
    };
    if (!flags.numericHosts) {
      out.localHost = names.host(family, inet.localAddressBytes(i));
      out.remoteHost = names.host(family, inet.remoteAddressBytes(i));
    }
    if (!flags.numericPorts) {
      out.localService = names.port(row.localPort, service);
      out.remoteService = names.port(row.remotePort, service);
    }
    if (!flags.numericUsers) out.user = names.user(row.uid);
    return out;
  });
  const unix = list.unix;
  const unixRows: unknown[] = [];
  for (let i = 0; i < unix.length; i++) {
    if (!unixShown(unix, i, layout)) continue;
    const row = unix.at(i);
    unixRows.push({
      protocol: 'unix',
      refCount: row.refCount,
      flags: row.flags,
      accepting: row.acceptingConnections,
      type: row.type,
      state: row.acceptingConnections && row.stateCode === 1 ? 'LISTENING' : row.state,
      stateCode: row.stateCode,
      inode: row.inode,
      path: row.path ?? null,
      ...exactBytes('path', row.pathBytes),
      pid: row.pid ?? null,
      program: row.processName ?? null,
      ...exactBytes('program', unix.processNameBytes(i)),
    });
  }
  return {
    kind: 'sockets',
    time: new Date().toISOString(),
    inet: inetRows,
    unix: unixRows,
    ownerAccess: list.ownerAccess,
    tables: list.reports,
  };
}
