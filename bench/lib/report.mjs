// Markdown and SVG from a bench/run.mjs result. No dependencies.

export const RATIOS = [
  { name: 'fastnetstat -tan / ss -tan', a: 'fns-tan', b: 'ss-tan', target: 1.0 },
  { name: 'fastnetstat -tan / netstat -tan', a: 'fns-tan', b: 'netstat-tan' },
  { name: 'fastnetstat -tan --source proc / netstat -tan', a: 'fns-tan-proc', b: 'netstat-tan' },
  { name: 'fastnetstat -tanp / ss -tanp', a: 'fns-tanp', b: 'ss-tanp', target: 0.35 },
  { name: 'fastnetstat -tanp / netstat -tanp', a: 'fns-tanp', b: 'netstat-tanp' },
  { name: 'fastnetstat --prometheus -t / fastnetstat -tanp', a: 'fns-prom', b: 'fns-tanp', target: 1.2 },
  { name: 'fastnetstat --tcp-info -tn / ss -tin', a: 'fns-tn-info', b: 'ss-tin', target: 1.0 },
  { name: 'fastnetstat -tlnp / ss -tlnp', a: 'fns-tlnp', b: 'ss-tlnp', target: 0.5 },
  { name: 'fastnetstat -tlnp / netstat -tlnp', a: 'fns-tlnp', b: 'netstat-tlnp' },
  { name: 'fastnetstat -tln / ss -tln', a: 'fns-tln', b: 'ss-tln' },
  { name: 'fastnetstat -tln / node -e 0', a: 'fns-tln', b: 'node-e0', target: 1.4 },
  { name: "fastnetstat -tn 'dport = :PORT' / node -e 0", a: 'fns-tn-dport', b: 'node-e0', target: 1.5 },
  { name: "fastnetstat -tn 'dport = :PORT' / ss -tn 'dport = :PORT'", a: 'fns-tn-dport', b: 'ss-tn-dport' },
  { name: 'API / psutil, in process, first call', a: 'api', b: 'psutil', field: 'innerMs', target: 0.2 },
  { name: 'API / psutil, in process, second call', a: 'api', b: 'psutil', field: 'innerWarmMs' },
  { name: 'API / psutil, whole process', a: 'api', b: 'psutil' },
];
/** The container-host case: 96 namespaces against the same sockets in one, and the nsenter loop. */
export const CT_RATIOS = [
  { name: '--all-netns -tan (96 namespaces) / -tan (one namespace)', a: 'ct-all-tan', b: 'ct-one-tan', target: 1.3 },
  { name: '--all-netns -tanp (96 namespaces) / -tanp (one namespace)', a: 'ct-all-tanp', b: 'ct-one-tanp', target: 1.3 },
  { name: '--all-netns -tan / a loop of nsenter ss -tan', a: 'ct-all-tan', b: 'ct-ss-loop', target: 0.1 },
];

/** The container-host case as markdown. */
export function markdownContainers(ct) {
  const L = [];
  L.push(`## Container host: ${ct.namespaces} namespaces x ${ct.perNamespace} established sockets (${k(ct.size)})`, '');
  L.push(`Each namespace is held by one process (bench/c/holder.c) in its own container-shaped cgroup ` +
    `(${ct.shapes.map((x) => `\`${x}\``).join(', ')}, in turn), below a directory of the run in the cgroup2 hierarchy; ` +
    `--all-netns runs in the host's namespace (which also holds whatever else runs on the machine). Then, in the same run, ` +
    `the same ${k(ct.size)} sockets in one namespace (${ct.singleNamespaceHolders} holders), as in the size table. ` +
    `Whole-process wall time, median (min) of ${ct.rounds} interleaved rounds after a warm-up; ${ct.noisySamples} samples taken on a busy machine.`, '');
  L.push('| command | wall ms | peak RSS MiB | output lines |', '|---|---:|---:|---:|');
  for (const t of Object.values(ct.tools)) {
    const w = t.wallMs ? `${fmt(t.wallMs.median)} (${fmt(t.wallMs.min)})` : 'failed';
    L.push(`| ${t.label} | ${w} | ${t.rssKiB ? (t.rssKiB.max / 1024).toFixed(1) : '–'} | ${t.lines ?? '–'}${t.failed ? ` FAILED: ${t.failed.replace(/\|/g, '/')}` : ''} |`);
  }
  L.push('', '| ratio (of medians) | target | value |', '|---|---:|---:|');
  for (const r of CT_RATIOS) {
    const x = ratio(ct, r);
    const v = verdict(x, r.target);
    L.push(`| ${r.name} | ≤ ${r.target} | ${x == null ? '–' : `${x.toFixed(2)}${v ? ` ${v}` : ''}`} |`);
  }
  L.push('');
  return L.join('\n');
}

const FNS_CLI = ['fns-tan', 'fns-tan-proc', 'fns-tanp', 'fns-prom', 'fns-tlnp', 'fns-tln', 'fns-tn-dport', 'fns-tn-info'];
const RSS_LIMIT_MIB = 100;

const fmt = (x, d = 1) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const k = (n) => (n >= 1000 ? `${+(n / 1000).toFixed(1)}k` : String(n));
const ids = (result) => Object.keys(result.sizes[0]?.tools ?? {});

export function ratio(sizeResult, r) {
  const a = sizeResult.tools[r.a]?.[r.field ?? 'wallMs']?.median;
  const b = sizeResult.tools[r.b]?.[r.field ?? 'wallMs']?.median;
  return a != null && b ? a / b : null;
}

export function fnsPeakRssMiB(sizeResult) {
  const peaks = FNS_CLI.map((id) => sizeResult.tools[id]?.rssKiB?.max).filter((x) => x != null);
  return peaks.length ? Math.max(...peaks) / 1024 : null;
}

function verdict(x, target, lessThan = false) {
  if (x == null || target == null) return '';
  return (lessThan ? x < target : x <= target) ? 'met' : '**missed**';
}

export function markdown(result, { brief = false } = {}) {
  const L = [];
  const sizes = result.sizes;
  const head = (first) => `| ${first} | ${sizes.map((s) => k(s.size)).join(' | ')} |\n|---|${sizes.map(() => '---:').join('|')}|`;
  if (!brief) {
    const m = result.machine;
    L.push('# fastnetstat benchmark: latest run', '');
    L.push(`Date: ${result.date}. Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB} GiB, Linux ${m.kernel}; ` +
      `node ${m.node}, ${m.ss}, ${m.netstat}, ${m.python}; load average at start: ${m.loadavg}.`, '');
    L.push(`Size = ${result.sizeMeaning}. Each size is a fresh network namespace (bench/lib/netns.mjs). ` +
      `Times are whole-process wall time (fork to wait4, stdout to /dev/null) unless marked "in process"; ` +
      `one interleaved run per size: a warm-up round, then ${result.rounds} rounds over all tools in rotating order; ` +
      `the median, and in parentheses the minimum, in milliseconds. Before each sample the runner waits (up to ` +
      `${result.quiet?.maxWaitSeconds ?? '?'} s) until the CPUs were at most ${Math.round((result.quiet?.threshold ?? 0) * 100)}% busy over 100 ms; ` +
      `"busy" samples are those taken when that wait ran out. Re-run with \`pnpm bench\` (as root).`, '');
    L.push('## Socket tables', '');
    L.push('| size | established TCP sockets (pairs) | listeners | UDP | unix | holder processes | built in | ss -tan rows | samples taken on a busy machine |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of sizes) {
      const t = s.table;
      L.push(`| ${k(s.size)} | ${t.established} (${t.established / 2}) | ${t.listeners} | ${t.udp} | ${t.unix} | ${t.holders} | ${t.seconds.toFixed(2)} s | ${t.census.all} | ${t.noisySamples ?? '–'} |`);
    }
    L.push('');
  }
  L.push(brief ? '' : '## Wall time, median (min), ms', '');
  L.push(head('tool'));
  for (const id of ids(result)) {
    const cells = sizes.map((s) => {
      const t = s.tools[id];
      if (!t) return '–';
      if (t.failed && !t.wallMs) return `failed`;
      return `${fmt(t.wallMs?.median)} (${fmt(t.wallMs?.min)})`;
    });
    L.push(`| ${sizes[0].tools[id].label} | ${cells.join(' | ')} |`);
  }
  for (const id of ids(result).filter((i) => sizes[0].tools[i].inner)) {
    const cells = sizes.map((s) => {
      const t = s.tools[id];
      return t?.innerMs ? `${fmt(t.innerMs.median)} (${fmt(t.innerMs.min)})` : '–';
    });
    L.push(`| ${sizes[0].tools[id].inner}, in process, first call | ${cells.join(' | ')} |`);
    if (sizes.some((s) => s.tools[id]?.innerWarmMs)) {
      const warm = sizes.map((s) => {
        const t = s.tools[id];
        return t?.innerWarmMs ? `${fmt(t.innerWarmMs.median)} (${fmt(t.innerWarmMs.min)})` : '–';
      });
      L.push(`| ${sizes[0].tools[id].inner}, in process, second call | ${warm.join(' | ')} |`);
    }
  }
  L.push('');
  L.push(brief ? '' : '## Ratios (of medians) and the targets', '');
  L.push(`| ratio | target | ${sizes.map((s) => k(s.size)).join(' | ')} |\n|---|---:|${sizes.map(() => '---:').join('|')}|`);
  for (const r of RATIOS) {
    const cells = sizes.map((s) => {
      const x = ratio(s, r);
      const v = verdict(x, r.target);
      return x == null ? '–' : `${x.toFixed(2)}${v ? ` ${v}` : ''}`;
    });
    L.push(`| ${r.name} | ${r.target != null ? `≤ ${r.target}` : ''} | ${cells.join(' | ')} |`);
  }
  const rssCells = sizes.map((s) => {
    const x = fnsPeakRssMiB(s);
    return x == null ? '–' : `${x.toFixed(1)} MiB${s.size >= 100000 ? ` ${verdict(x, RSS_LIMIT_MIB, true)}` : ''}`;
  });
  L.push(`| fastnetstat CLI peak RSS (max over its runs) | < ${RSS_LIMIT_MIB} MiB at 100k | ${rssCells.join(' | ')} |`);
  L.push('');
  if (brief) return L.join('\n');

  L.push('## Peak RSS (ru_maxrss), median (max) over the runs, MiB', '');
  L.push(head('tool'));
  for (const id of ids(result)) {
    const cells = sizes.map((s) => {
      const r = s.tools[id]?.rssKiB;
      return r ? `${(r.median / 1024).toFixed(1)} (${(r.max / 1024).toFixed(1)})` : '–';
    });
    L.push(`| ${sizes[0].tools[id].label} | ${cells.join(' | ')} |`);
  }
  L.push('');
  L.push('## Output lines (warm-up round) and failures', '');
  L.push(head('tool'));
  for (const id of ids(result)) {
    const cells = sizes.map((s) => {
      const t = s.tools[id];
      if (!t) return '–';
      const what = t.sample?.rows != null ? `${t.sample.rows} rows` : t.sample?.pid !== undefined ? `pid ${t.sample.pid}` : t.lines;
      return `${what}${t.failed ? ` FAILED: ${t.failed.replace(/\|/g, '/')}` : ''}`;
    });
    L.push(`| ${sizes[0].tools[id].label} | ${cells.join(' | ')} |`);
  }
  L.push('');
  if (result.containers) L.push(markdownContainers(result.containers));
  return L.join('\n');
}

// ---------------------------------------------------------------- SVG plot

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const MODE_COLOR = { tan: '#d62728', 'tan-proc': '#ff7f0e', tanp: '#1f77b4', tlnp: '#2ca02c', tln: '#9467bd' };
const OTHER_COLOR = {
  'node-e0': '#111111', 'cat-tcp': '#7f7f7f', api: '#e377c2', psutil: '#8c564b', si: '#17becf', pidport: '#bcbd22',
};

function style(id) {
  const m = /^(fns|ss|netstat)-(.*)$/.exec(id);
  if (m) {
    const color = MODE_COLOR[m[2]] ?? '#333';
    if (m[1] === 'fns') return { color, width: 3, dash: '' };
    if (m[1] === 'ss') return { color, width: 1.6, dash: '7 4' };
    return { color, width: 1.6, dash: '2 3' };
  }
  return { color: OTHER_COLOR[id] ?? '#333', width: 2, dash: id === 'node-e0' || id === 'cat-tcp' ? '1 4' : '' };
}

export function svg(result) {
  const sizes = result.sizes.map((s) => s.size);
  const series = [];
  for (const id of ids(result)) {
    const label = result.sizes[0].tools[id].label;
    series.push({ id, label, style: style(id), pts: result.sizes.map((s) => [s.size, s.tools[id]?.wallMs?.median]) });
    if (result.sizes[0].tools[id].inner && (id === 'api' || id === 'psutil')) {
      series.push({
        id: `${id}-inner`, label: `${result.sizes[0].tools[id].inner}, in process`,
        style: { ...style(id), width: 1.6, dash: '6 2 1 2' },
        pts: result.sizes.map((s) => [s.size, s.tools[id]?.innerMs?.median]),
      });
    }
  }
  const ct = result.containers;
  if (ct) {
    // single points at the case's size: the 96-namespace runs as squares, the rest as circles
    const CT_STYLE = {
      'ct-all-tan': { color: MODE_COLOR.tan, width: 1.6, dash: '', square: true, short: `${ct.namespaces} ns: fastnetstat --all-netns -tan` },
      'ct-all-tanp': { color: MODE_COLOR.tanp, width: 1.6, dash: '', square: true, short: `${ct.namespaces} ns: fastnetstat --all-netns -tanp` },
      'ct-ss-loop': { color: '#555', width: 1.6, dash: '', square: true, short: `${ct.namespaces} ns: loop of nsenter ss -tan` },
      'ct-one-tan': { color: MODE_COLOR.tan, width: 1.6, dash: '1 2', short: 'same run, 1 ns: fastnetstat -tan' },
      'ct-one-tanp': { color: MODE_COLOR.tanp, width: 1.6, dash: '1 2', short: 'same run, 1 ns: fastnetstat -tanp' },
    };
    for (const [id, t] of Object.entries(ct.tools)) {
      const st = CT_STYLE[id] ?? { color: '#333', width: 1.6, dash: '', short: t.label };
      if (t.wallMs) series.push({ id, label: st.short, style: st, pts: [[ct.size, t.wallMs.median]] });
    }
    if (!sizes.includes(ct.size)) sizes.push(ct.size);
  }
  const W = 1100, H = Math.max(680, 110 + series.length * 22), L = 78, R = 400, T = 50, B = 62;
  const pw = W - L - R, ph = H - T - B;
  const all = series.flatMap((s) => s.pts.map((p) => p[1])).filter((y) => y > 0);
  const ylo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const yhi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const xlo = Math.min(...sizes) / 1.25;
  const xhi = Math.max(...sizes) * 1.25;
  const X = (x) => L + (Math.log10(x / xlo) / Math.log10(xhi / xlo)) * pw;
  const Y = (y) => T + ph - (Math.log10(y / ylo) / Math.log10(yhi / ylo)) * ph;
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${L}" y="24" font-size="16" font-weight="bold">Wall time against socket table size (log–log)</text>`);
  o.push(`<text x="${L}" y="40" fill="#555">${esc(`${result.machine.nproc} CPUs, Linux ${result.machine.kernel}, ${result.date.slice(0, 10)}; median of ${result.rounds} interleaved runs, whole process unless "in process"`)}</text>`);
  // Grid and ticks: y at 1-2-5 per decade, x at decades and at the measured sizes.
  for (let d = ylo; d <= yhi; d *= 10) {
    for (const m of [1, 2, 5]) {
      const y = d * m;
      if (y > yhi) break;
      o.push(`<line x1="${L}" x2="${L + pw}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      o.push(`<text x="${L - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end" fill="#333">${y >= 1000 ? `${y / 1000} s` : `${y} ms`}</text>`);
    }
  }
  for (let d = 10 ** Math.ceil(Math.log10(xlo)); d <= xhi; d *= 10) {
    o.push(`<line x1="${X(d).toFixed(1)}" x2="${X(d).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="#ccc"/>`);
  }
  for (const x of sizes) {
    o.push(`<line x1="${X(x).toFixed(1)}" x2="${X(x).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="#eee" stroke-dasharray="3 3"/>`);
    o.push(`<text x="${X(x).toFixed(1)}" y="${T + ph + 18}" text-anchor="middle" fill="#333">${k(x)}</text>`);
  }
  o.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  o.push(`<text x="${L + pw / 2}" y="${H - 18}" text-anchor="middle">established TCP sockets in the namespace (both ends counted; log scale)</text>`);
  o.push(`<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">median wall time (log scale)</text>`);
  for (const s of series) {
    const pts = s.pts.filter((p) => p[1] > 0);
    if (!pts.length) continue;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    const { color, width, dash } = s.style;
    o.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${esc(s.label)}</title></path>`);
    for (const p of pts) {
      o.push(s.style.square
        ? `<rect x="${(X(p[0]) - 4).toFixed(1)}" y="${(Y(p[1]) - 4).toFixed(1)}" width="8" height="8" fill="${color}"/>`
        : `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="${width > 2 ? 3.2 : 2.4}" fill="${color}"/>`);
    }
  }
  // Legend
  const lx = L + pw + 18;
  series.forEach((s, i) => {
    const y = T + 8 + i * 22;
    const { color, width, dash } = s.style;
    o.push(`<line x1="${lx}" x2="${lx + 36}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    o.push(`<text x="${lx + 44}" y="${y + 4}">${esc(s.label)}</text>`);
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
