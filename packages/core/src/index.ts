/**
 * @fastnetstat/core: Linux socket tables and their owning processes, fast.
 *
 * ```ts
 * import { sockets } from '@fastnetstat/core';
 * const list = await sockets({ protocols: ['tcp'], processes: true });
 * for (const s of list.inet) if (s.state === 'LISTEN') console.log(s.localPort, s.pid, s.processName);
 * ```
 */
export { FastnetstatError } from './errors.js';
export * from './names/index.js';
export {
  sockets,
  socketsSync,
  selectTables,
  SocketList,
  InetSockets,
  InetSocket,
  UnixSockets,
  UnixSocket,
  INET_TABLES,
  TCP_STATES,
  UNIX_TYPES,
  UNIX_STATES,
  UNIX_FLAG_ACCEPTCON,
  UNIX_FLAG_WAITDATA,
  UNIX_FLAG_NOSPACE,
} from './sockets.js';
export type {
  SocketsOptions,
  TableName,
  InetTableName,
  Protocol,
  Family,
  TableReport,
  TableStatus,
  OwnerAccess,
  TcpState,
} from './sockets.js';
export { SUPPORTED_PLATFORMS } from './native.js';
export { statistics, statisticsSync, STATISTICS_FILES } from './statistics.js';
export type {
  Statistics,
  StatisticsOptions,
  StatisticsFamily,
  StatisticsFileName,
  StatisticsFileStatus,
  StatisticsField,
  StatisticsSection,
  StatisticsFileReport,
} from './statistics.js';
export { portOwners, portOwnersSync, listeners, listenersSync, watch } from './queries.js';
export type { PortOwnersOptions, Listeners, WatchEvent, WatchOptions, InetProtocol } from './queries.js';
export { kernelHasFamily } from './families.js';
export type { OtherFamily } from './families.js';
