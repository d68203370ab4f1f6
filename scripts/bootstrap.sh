#!/usr/bin/env bash
# Installs what fastnetstat needs and builds it, on a fresh Debian machine with
# Node.js and cargo. With --test it also installs what the tests compare
# against and use: net-tools (the oracle netstat), iproute2 (namespaces),
# util-linux (setpriv, to run as an unprivileged user).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v netstat >/dev/null || missing+=(net-tools)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v setpriv >/dev/null || missing+=(util-linux)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "9.15.9" ]; then
  npm install -g --silent pnpm@9.15.9
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
