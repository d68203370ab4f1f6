/**
 * `--prometheus --listen`: a small HTTP server for Prometheus.
 *
 * - `GET /metrics` (and `HEAD`): one scrape. Requests that arrive while a
 *   collection is running wait for that one and get its result: a burst of
 *   scrapes reads the kernel's tables once.
 * - Any other path: 404; any other method on /metrics: 405 with `Allow`.
 * - A slow or broken client holds only its own connection: headers must
 *   arrive within HEADERS_TIMEOUT_MS and the whole request within
 *   REQUEST_TIMEOUT_MS (Node then answers 408 and closes), an idle connection
 *   is closed after IDLE_TIMEOUT_MS, and the collection runs off the main
 *   thread, so other connections are served meanwhile.
 * - Bodies are gzipped when the client accepts it (Prometheus does).
 * - SIGTERM and SIGINT close the listener and every connection, status 0.
 * - With --log-requests, one line per request on stderr.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { authority, type ListenAddress } from './listen-address.js';

const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const MAX_CONNECTIONS = 1024;
/** Smaller bodies go out as they are: gzip would not pay. */
const GZIP_MIN_BYTES = 1024;

const gzipAsync = promisify(gzip);

export interface ServeOptions {
  address: ListenAddress;
  logRequests: boolean;
  contentType: string;
  /** One collection, rendered. */
  scrape(): Promise<string>;
  /** A line for stderr (no newline). */
  log(line: string): void;
}

/** One collection's body, shared by the requests that waited for it. */
class Body {
  readonly plain: Buffer;
  private compressed?: Promise<Buffer>;

  constructor(text: string) {
    this.plain = Buffer.from(text, 'utf8');
  }

  gzipped(): Promise<Buffer> {
    this.compressed ??= gzipAsync(this.plain);
    return this.compressed;
  }
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'no such address on this host',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
};

function acceptsGzip(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return name === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** Serves until SIGTERM or SIGINT (status 0), or fails to listen (one line, status 1). */
export function serve(options: ServeOptions): Promise<number> {
  let inflight: Promise<Body> | undefined;
  const collect = (): Promise<Body> => {
    inflight ??= options.scrape().then(
      (text) => {
        inflight = undefined;
        return new Body(text);
      },
      (error: unknown) => {
        inflight = undefined;
        throw error;
      },
    );
    return inflight;
  };

  // headers are set one by one (not through writeHead) so that the request log can read them back
  const send = (request: IncomingMessage, response: ServerResponse, status: number, body: Buffer, headers: Record<string, string>) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.setHeader('Content-Length', String(body.length));
    response.writeHead(status);
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  const answer = (request: IncomingMessage, response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) =>
    send(request, response, status, Buffer.from(text), { 'Content-Type': 'text/plain; charset=utf-8', ...headers });

  const metrics = async (request: IncomingMessage, response: ServerResponse) => {
    let body: Body;
    try {
      body = await collect();
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      options.log(`fastnetstat: scrape failed: ${message}`);
      if (!response.destroyed) answer(request, response, 500, `scrape failed: ${message}\n`);
      return;
    }
    if (response.destroyed) return;
    const headers: Record<string, string> = { 'Content-Type': options.contentType, Vary: 'Accept-Encoding' };
    let bytes = body.plain;
    if (bytes.length >= GZIP_MIN_BYTES && acceptsGzip(request)) {
      bytes = await body.gzipped();
      headers['Content-Encoding'] = 'gzip';
      if (response.destroyed) return;
    }
    send(request, response, 200, bytes, headers);
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // how often the two timeouts above are checked (Node's default is 30 s)
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      const started = process.hrtime.bigint();
      if (options.logRequests) {
        response.once('close', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const sent = response.getHeader('Content-Length') ?? '-';
          const who = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
          const how = response.writableFinished ? response.statusCode : `${response.statusCode} aborted`;
          options.log(`${new Date().toISOString()} ${who} "${request.method} ${request.url} HTTP/${request.httpVersion}" ${how} ${sent} ${ms.toFixed(1)}ms`);
        });
      }
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics') return answer(request, response, 404, 'Not found: the metrics are at /metrics\n');
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return answer(request, response, 405, 'Method not allowed: GET or HEAD\n', { Allow: 'GET, HEAD' });
      }
      metrics(request, response).catch((error: unknown) => {
        options.log(`fastnetstat: ${error instanceof Error ? error.message : String(error)}`);
        response.destroy();
      });
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.setTimeout(IDLE_TIMEOUT_MS); // a socket silent that long is closed

  return new Promise((done) => {
    const where = authority(options.address);
    server.once('error', (error: NodeJS.ErrnoException) => {
      options.log(`fastnetstat: --listen ${where}: ${LISTEN_ERRORS[error.code ?? ''] ?? error.message}`);
      done(1);
    });
    server.listen({ host: options.address.host, port: options.address.port, exclusive: true }, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : options.address.port;
      options.log(`fastnetstat: serving metrics on http://${authority({ host: options.address.host, port })}/metrics`);
      server.on('error', (error) => options.log(`fastnetstat: ${error.message}`));
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        server.close();
        server.closeAllConnections();
        done(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  });
}
