/**
 * The public API is what docs/api.md documents: every runtime export of
 * @fastnetstat/core has a reference entry there, and the internals stay out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '@fastnetstat/core';

const docs = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/api.md'), 'utf8');

describe('@fastnetstat/core exports', () => {
  it('every export is documented in docs/api.md', () => {
    const undocumented = Object.keys(core).filter((name) => !new RegExp(`\`${name}\\b`).test(docs));
    expect(undocumented).toEqual([]);
  });

  it('internals are not exported', () => {
    for (const name of ['parseServices', 'parsePasswd', 'parseProtocols', 'parseNetworks', 'strtoul', 'inetNetwork', 'WireView', 'decodeStatistics', 'StatsWire']) {
      expect(core).not.toHaveProperty(name);
    }
  });
});
