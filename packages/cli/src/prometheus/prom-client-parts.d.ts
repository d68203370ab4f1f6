/**
 * prom-client's modules one by one, typed by its own declarations. Its index also loads
 * the Pushgateway (https, and so TLS), the cluster aggregator, histograms and summaries,
 * which the exporter never uses: importing only these parts saves a third of
 * `fastnetstat --prometheus`'s start-up.
 */
declare module 'prom-client/lib/registry.js' {
  import { Registry } from 'prom-client';
  export = Registry;
}
declare module 'prom-client/lib/gauge.js' {
  import { Gauge } from 'prom-client';
  export = Gauge;
}
declare module 'prom-client/lib/counter.js' {
  import { Counter } from 'prom-client';
  export = Counter;
}
declare module 'prom-client/lib/defaultMetrics.js' {
  import { collectDefaultMetrics } from 'prom-client';
  export = collectDefaultMetrics;
}
