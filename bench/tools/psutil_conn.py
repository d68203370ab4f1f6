# psutil.net_connections('inet') in process, reading a couple of fields per row.
# Prints {"ms","warmMs","rows"} as JSON: ms is the first call after the import,
# warmMs a second call in the same process.
import json
import time

import psutil


def once():
    t0 = time.perf_counter()
    rows = 0
    check = 0
    for c in psutil.net_connections('inet'):
        rows += 1
        check += c.laddr.port + (c.pid or 0)
    return (time.perf_counter() - t0) * 1000, rows


ms, rows = once()
warm, _ = once()
print(json.dumps({'ms': ms, 'warmMs': warm, 'rows': rows}))
