#!/usr/bin/env bash
# Installs what fastnetstat needs and builds it, on a fresh Debian machine with
# Node.js and cargo. With --test it also installs what the tests compare
# against and use: net-tools (the oracle netstat), iproute2 (namespaces),
# util-linux (setpriv, to run as an unprivileged user), prometheus (the real
# Prometheus and promtool that tests/prometheus scrapes the exporter with).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v netstat >/dev/null || missing+=(net-tools)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v setpriv >/dev/null || missing+=(util-linux)
  command -v promtool >/dev/null || missing+=(prometheus)
  if [ "${#missing[@]}" -gt 0 ]; then
    # Debian's prometheus package would start its system service: a policy-rc.d that refuses
    # every start (101) is in place during the install, unless one exists already (then it is
    # the machine's own and left as it is). The tests start their own Prometheus.
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
      trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ -n "$own_policy" ]; then rm -f "$policy" && trap - EXIT; fi
  fi
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "9.15.9" ]; then
  npm install -g --silent pnpm@9.15.9
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
