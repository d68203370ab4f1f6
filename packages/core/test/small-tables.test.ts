/**
 * The lists of routes, interfaces and group memberships (one packed buffer
 * each, read through PackedList) print as their decoded data.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { groupsSync, interfacesSync, routesSync } from '@fastnetstat/core';

const PROC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/proc');

describe('small-table lists', () => {
  it('print as data, not as the packed buffer', () => {
    const routes = inspect(routesSync({ procRoot: join(PROC, 'routes/live') }), { depth: 4 });
    expect(routes).toMatch(/^RouteList \{/);
    expect(routes).toContain("destination: '0.0.0.0'");
    const groups = inspect(groupsSync({ procRoot: join(PROC, 'groups/live') }), { depth: 4 });
    expect(groups).toMatch(/^GroupList \{/);
    expect(groups).toContain("family: 'inet'");
    const interfaces = inspect(interfacesSync({ procRoot: join(PROC, 'interfaces/live') }), { depth: 4 });
    expect(interfaces).toMatch(/^InterfaceList \{/);
    expect(interfaces).toContain("name: 'eth0'");
    for (const text of [routes, groups, interfaces]) expect(text).not.toMatch(/Buffer|Uint8Array|DataView/);
  });
});
