/**
 * netstat -s: protocol counters (netstat.c's flag_sta branch and statistics.c).
 * The text rules live in format/statistics.ts, the family and protocols are
 * picked in selection.ts; this file writes the text or the JSON form.
 */
import { statistics, type Statistics } from '@fastnetstat/core';
import { printStatistics, sectionShown, type StatFlags } from './format/statistics.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';
import { addressFamiliesOf, statisticsProtocols } from './selection.js';

/**
 * The JSON form: the sections whose title the text would print, every field
 * (zero or not, known to netstat or not) in file order, values exact and
 * signed (MaxConn -1), and how each file was read.
 */
function statisticsDocument(stats: Statistics, flags: StatFlags): string {
  const merged = new Map<string, Map<string, bigint>>();
  for (const section of stats.sections) {
    if (!sectionShown(section, flags)) continue;
    let fields = merged.get(section.title);
    if (!fields) merged.set(section.title, (fields = new Map()));
    for (const field of section.fields) fields.set(field.name, field.exact);
  }
  // written by hand so that counters above 2^53 stay exact
  const body = [...merged]
    .map(([title, fields]) => `${JSON.stringify(title)}:{${[...fields].map(([n, v]) => `${JSON.stringify(n)}:${v}`).join(',')}}`)
    .join(',');
  const head = JSON.stringify({ kind: 'statistics', time: new Date().toISOString(), family: stats.family });
  return `${head.slice(0, -1)},"statistics":{${body}},"files":${JSON.stringify(stats.files)}}\n`;
}

/** Runs -s (once: netstat's statistics mode ignores -c) and returns the exit status. */
export async function runStatistics(flags: NetstatFlags): Promise<number> {
  const afname = addressFamiliesOf(flags).join(',');
  if (afname !== 'inet' && afname !== 'inet6') {
    stdout.write(`netstat: No statistics support for specified address family: ${afname}\n`);
    return 1;
  }
  const protocols = statisticsProtocols(flags);
  const stats = await statistics({ family: afname, procRoot: flags.procRoot, partial: true });
  if (flags.json) {
    stdout.utf8(statisticsDocument(stats, protocols));
    return 0;
  }
  printStatistics(stats, protocols, { out: (text) => stdout.write(text), err: (text) => warn(text) });
  return 0;
}
