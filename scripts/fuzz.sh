#!/usr/bin/env bash
# Bounded libFuzzer run of every fastnetstat-core fuzz target (docs/fuzzing.md).
#
#   ./scripts/fuzz.sh                  every target, FUZZ_SECONDS each
#   ./scripts/fuzz.sh routes groups    only those
#
# Environment: FUZZ_SECONDS (default 60) per target, FUZZ_JOBS (default 2)
# targets at a time, FUZZ_TIMEOUT (default 10) seconds one input may take,
# FUZZ_TOOLCHAIN (nightly or stable; default nightly when rustup has it).
#
# Installs cargo-fuzz if missing, builds the targets (nightly when rustup has
# it, else stable with RUSTC_BOOTSTRAP=1), and runs each from a copy of its
# seeds in fixtures/fuzz/<target>/ (fixtures/ is never written). Prints one
# line per target; exits non-zero if any target crashed, and keeps that run's
# directory (logs, crashing inputs) for a look.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-2}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_DIR=crates/fastnetstat-core/fuzz
SEEDS=fixtures/fuzz
start=$SECONDS

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install --quiet --locked "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi

# cargo fuzz needs nightly flags (-Zsanitizer=address).
if [ -z "${FUZZ_TOOLCHAIN:-}" ]; then
  FUZZ_TOOLCHAIN=stable
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then FUZZ_TOOLCHAIN=nightly; fi
fi
if [ "$FUZZ_TOOLCHAIN" = nightly ]; then
  fuzz=(cargo +nightly fuzz)
  toolchain=nightly
else
  # Works with stable 1.95: its rust-std ships the ASan runtime.
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo "+$FUZZ_TOOLCHAIN" fuzz)
  toolchain="$FUZZ_TOOLCHAIN with RUSTC_BOOTSTRAP=1"
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$FUZZ_DIR" && "${fuzz[@]}" list)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fastnetstat-fuzz.XXXXXX")
echo "fuzz: $(cargo fuzz --version 2>/dev/null), $toolchain; ${#targets[@]} targets x ${FUZZ_SECONDS}s, $FUZZ_JOBS at a time; work dir $work"

if ! (cd "$FUZZ_DIR" && "${fuzz[@]}" build >"$work/build.log" 2>&1); then
  tail -n 30 "$work/build.log"
  echo "fuzz: build failed (log: $work/build.log)"
  exit 1
fi
bin_dir="$FUZZ_DIR/target/$(rustc -vV | sed -n 's/^host: //p')/release"
echo "fuzz: built in $((SECONDS - start))s"

# Escaped preview of a file's first bytes.
preview() {
  if command -v python3 >/dev/null; then
    python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(repr(d[:160])[1:] + (" ... (%d bytes)" % len(d) if len(d) > 160 else ""))' "$1"
  else
    head -c 160 "$1" | od -An -c | head -n 6
  fi
}

# Runs one target; leaves its summary line in $work/<target>.summary and, on
# a crash, the report in $work/<target>.crash. Always succeeds.
run_target() {
  local t=$1 corpus="$work/corpus/$t" artifacts="$work/artifacts/$t/" log="$work/$t.log"
  mkdir -p "$corpus" "$artifacts"
  local seeds=0
  if [ -d "$SEEDS/$t" ]; then
    # Seeds and saved crashes, flattened (names are unique within a target).
    while IFS= read -r -d '' f; do
      cp "$f" "$corpus/$(basename "$f")"
      seeds=$((seeds + 1))
    done < <(find "$SEEDS/$t" -type f -print0)
  fi
  local status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0} "$bin_dir/$t" "$corpus" \
    -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1 || status=$?
  local runs cov ft last
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  local result=ok
  if [ "$status" -ne 0 ]; then
    local input
    input=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | head -n 1 || true)
    result="CRASH (exit $status)"
    {
      echo "fuzz: $t crashed; input: ${input:-none saved}; log: $log"
      grep -m 1 -A 1 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)" "$log" | sed 's/^/  /' || true
      if [ -n "$input" ]; then
        echo "  input: $(preview "$input")"
        echo "  to keep it as a fixture: mkdir -p $SEEDS/$t/crashes && cp $input $SEEDS/$t/crashes/<what-it-is>, fix the parser, then cargo test -p fastnetstat-core --test fuzz_corpus"
      fi
    } >"$work/$t.crash"
  fi
  printf '%-13s %-16s runs %-9s cov %-5s ft %-6s corpus %s (from %s seeds)\n' \
    "$t" "$result" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$(find "$corpus" -type f | wc -l)" "$seeds" >"$work/$t.summary"
}

running=0
for t in "${targets[@]}"; do
  if [ ! -x "$bin_dir/$t" ]; then
    echo "fuzz: no target $t (have: $(cd "$FUZZ_DIR" && "${fuzz[@]}" list | tr '\n' ' '))"
    exit 2
  fi
  if [ "$running" -ge "$FUZZ_JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  (run_target "$t"; cat "$work/$t.summary") &
  running=$((running + 1))
done
wait || true

failed=0
for t in "${targets[@]}"; do
  if [ -f "$work/$t.crash" ]; then
    cat "$work/$t.crash"
    failed=$((failed + 1))
  fi
done
echo "fuzz: ${#targets[@]} targets, $failed crashed, $((SECONDS - start))s in all"
if [ "$failed" -gt 0 ]; then
  echo "fuzz: logs and inputs kept in $work"
  exit 1
fi
rm -rf "$work"
