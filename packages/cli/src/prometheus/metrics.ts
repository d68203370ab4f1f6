/**
 * The exporter's metrics (names, help and labels are its contract with dashboards and alert
 * rules; docs/prometheus.md describes each), kept in a prom-client registry and written in
 * Prometheus' text exposition format.
 */
import type { Gauge as GaugeType } from 'prom-client';
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import Registry from 'prom-client/lib/registry.js';
import type { Sample, Snapshot } from './collect.js';

const LISTENER_LABELS = ['protocol', 'address', 'port', 'program'] as const;

export interface Exposition {
  readonly contentType: string;
  /** Writes a snapshot into the registry and renders the whole registry. */
  render(snapshot: Snapshot): Promise<string>;
}

/**
 * A registry with the exporter's metrics. `processMetrics` adds prom-client's
 * process_* and nodejs_* metrics of the serving process (as node_exporter
 * exports its own process_* and go_*); a one-shot run for the textfile
 * collector leaves them out, where they would clash with node_exporter's own.
 */
export function exposition(version: string, { processMetrics }: { processMetrics: boolean }): Exposition {
  const registry = new Registry();
  if (processMetrics) {
    // loaded only for the server: a one-shot run has no process of its own to describe
    const collectDefaultMetrics = require('prom-client/lib/defaultMetrics.js') as typeof import('prom-client/lib/defaultMetrics.js');
    collectDefaultMetrics({ register: registry });
    // gauges whose names end in _total, which promtool (rightly) rejects
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
  }
  const registers = [registry];
  const newGauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const newCounter = (name: string, help: string) => new Counter({ name, help, registers });
  const sockets = newGauge('fastnetstat_sockets', 'Sockets by protocol (netstat\'s Proto: tcp, tcp6, udp, ..., unix) and state.', ['protocol', 'state']);
  const queueLength = newGauge('fastnetstat_listen_queue_length', 'Connections waiting in the accept queue of a listening TCP socket (summed over sockets with the same labels).', LISTENER_LABELS);
  const queueLimit = newGauge('fastnetstat_listen_queue_limit', 'The limit of a listening TCP socket\'s accept queue: its backlog (summed over sockets with the same labels).', LISTENER_LABELS);
  const connections = newGauge('fastnetstat_connections', 'Connections whose local port is a listening port of the host, by protocol, port and state.', ['protocol', 'port', 'state']);
  const processSockets = newGauge('fastnetstat_process_sockets', 'Sockets owned by a process, by protocol.', ['pid', 'program', 'protocol']);
  const overflows = newCounter('fastnetstat_tcp_listen_overflows_total', 'Times a listening socket\'s accept queue was full (the kernel\'s TcpExt ListenOverflows).');
  const drops = newCounter('fastnetstat_tcp_listen_drops_total', 'Connection requests a listening socket dropped, overflows included (the kernel\'s TcpExt ListenDrops).');
  const duration = newGauge('fastnetstat_scrape_duration_seconds', 'How long reading the sockets, their owners and the counters took for this scrape.');
  const buildInfo = newGauge('fastnetstat_build_info', 'The fastnetstat version exporting these metrics (always 1).', ['version']);
  buildInfo.set({ version }, 1);

  const fill = <L extends string>(gauge: GaugeType<L>, samples: Sample<L>[]) => {
    gauge.reset();
    for (const { labels, value } of samples) gauge.set(labels as Partial<Record<L, string>>, value);
  };
  // a counter the kernel does not have (no TcpExt line) is left out, not shown as 0
  const count = (counter: InstanceType<typeof Counter>, name: string, value: number | undefined) => {
    const shown = registry.getSingleMetric(name) !== undefined;
    if (value === undefined) {
      if (shown) registry.removeSingleMetric(name);
      return;
    }
    if (!shown) registry.registerMetric(counter);
    counter.reset();
    counter.inc(value);
  };
  return {
    contentType: registry.contentType,
    async render(snapshot) {
      fill(sockets, snapshot.sockets);
      fill(queueLength, snapshot.listenQueueLength);
      fill(queueLimit, snapshot.listenQueueLimit);
      fill(connections, snapshot.connections);
      fill(processSockets, snapshot.processSockets);
      count(overflows, 'fastnetstat_tcp_listen_overflows_total', snapshot.listenOverflows);
      count(drops, 'fastnetstat_tcp_listen_drops_total', snapshot.listenDrops);
      duration.set(snapshot.seconds);
      return registry.metrics();
    },
  };
}
