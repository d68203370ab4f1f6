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
export { errnoName, errorMessage } from './report.js';
export type { ReportError } from './report.js';
export * from './names/index.js';
export {
  sockets,
  socketsSync,
  streamSockets,
  streamSocketsSync,
  selectTables,
  SocketList,
  SocketChunk,
  HostSocketList,
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
  StreamOptions,
  TableName,
  InetTableName,
  Protocol,
  Family,
  TableReport,
  TableStatus,
  OwnerAccess,
  TcpState,
} from './sockets.js';
export { emptyTcpInfo } from './details.js';
export type { TcpInfo, TcpOptions, SocketMemory, BbrInfo, DctcpInfo, VegasInfo } from './details.js';
export type { NetnsRef, ContainerRef, PodRef, NamespaceInfo, NamespaceAccess, RowLabels } from './labels.js';
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
export { destroySockets, socketCloses } from './closes.js';
export type { DestroySocketsOptions, DestroyResult, DestroyFailure, SocketClose, SocketCloseBatch, SocketClosesOptions } from './closes.js';
export { checkFilter } from './filter.js';
export type { FilterSummary, FilterContext } from './filter.js';
export type { FilterExpression, FilterFamily } from './filter-request.js';
export { kernelHasFamily } from './families.js';
export type { OtherFamily } from './families.js';
export {
  routes,
  routesSync,
  RouteList,
  ROUTE_TABLES,
  RTF_UP,
  RTF_GATEWAY,
  RTF_HOST,
  RTF_REINSTATE,
  RTF_DYNAMIC,
  RTF_MODIFIED,
  RTF_MTU,
  RTF_WINDOW,
  RTF_IRTT,
  RTF_REJECT,
  RTF_NOTCACHED,
  RTF_DEFAULT,
  RTF_ALLONLINK,
  RTF_ADDRCONF,
  RTF_NONEXTHOP,
  RTF_EXPIRES,
  RTF_CACHE,
  RTF_FLOW,
  RTF_POLICY,
  RTF_LOCAL,
} from './routes.js';
export type { RoutesOptions, RouteTableName, RouteTableReport, RouteCacheFormat, Ipv4Route, Ipv4CacheRoute, Ipv6Route } from './routes.js';
export { interfaces, interfacesSync, InterfaceList, IFF, FLAG_NAMES as INTERFACE_FLAG_NAMES, STATISTICS_FIELDS as INTERFACE_STATISTICS_FIELDS } from './interfaces.js';
export type { InterfacesOptions, NetInterface, InterfaceStatistics, Ipv6InterfaceAddress, InterfacesReport } from './interfaces.js';
export { groups, groupsSync, GroupList } from './groups.js';
export type { GroupsOptions, GroupMembership, GroupsReport } from './groups.js';
export type { FileStatus } from './wire.js';
