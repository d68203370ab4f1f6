// Scrapes a running `fastnetstat --prometheus --listen` COUNT times, one after the other over one
// keep-alive connection (as Prometheus does), timing each GET /metrics from request to the last
// byte, and reads the serving process's VmRSS every EVERY scrapes (and VmHWM, its peak, at the
// end) from /proc/PID/status. Prints one JSON line. Run it inside the exporter's namespace:
//   ip netns exec NS node bench/tools/prom-scrape.mjs PORT COUNT PID [EVERY]
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [port, count, pid, every = '50'] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function scrape() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => {
      let bytes = 0;
      res.on('data', (b) => (bytes += b.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        else resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const status = () => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)[1]);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
};

const ms = [];
const memory = [];
let bytes = 0;
for (let i = 1; i <= count; i++) {
  const r = await scrape();
  ms.push(r.ms);
  bytes = r.bytes;
  if (i % every === 0 || i === count) memory.push({ scrapes: i, ...status() });
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ ms, bytes, memory })}\n`);
