#!/usr/bin/env bash
# Every speed, size and memory figure in one command (`make bench`): native benchmarks
# (benches/*.rs print tables), the same SQL workloads in wasm in headless Chromium
# (tests/web_bench.rs), the two-hour talk's wasm memory (tests/web_memory.rs), the release bundle
# size; then ONE summary table. Benchmarks print figures and check outputs; they never fail on
# timing, and a section that fails leaves its rows "not measured" instead of stopping the run.
#
# Summary rows: any section may print lines `SUMMARY | <row> | <value> |` (anywhere in a line, so
# console_log! output from the browser counts). Rows named in SUMMARY_ROWS below come first in
# that order (missing ones say "not measured"); any other SUMMARY row is listed after them. The
# SQL benches' own tables (benches/sql.rs, tests/web_bench.rs) are lifted by row name (LIFT).
# A new section appended to this script just prints its SUMMARY lines into "$out" (see `section`):
# the table is printed on exit, after every section.
#
#   BENCH_PROFILE   cargo profile of the native benches (default: tool, opt-level 3, as the
#                   native binaries; `bench` gives the size-tuned release settings)
#   WASM_PROFILE    cargo profile of the wasm benches (default: release, as the shipped bundle)
#   SKIP_WASM=1     native only
#   TALK_MINUTES    shortens the memory runs (default: the two hours)
#   SKIP_PAGE=1     no page benchmark (it needs the release dist the bundle size section builds)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
bench_profile="${BENCH_PROFILE:-tool}"
wasm_profile="${WASM_PROFILE:-release}"
out=$(mktemp -t streamlab-bench.XXXXXX)

# The summary's rows, in order.
SUMMARY_ROWS=(
  "filter+projection, native"
  "filter+projection, wasm"
  "tumbling COUNT, native"
  "tumbling COUNT, wasm"
  "stream-table join, native"
  "stream-table join, wasm"
  "24 h fast-forward, native"
  "24 h fast-forward, wasm"
  "p95 frame time"
  "append → DOM p95"
  "first interactive"
  "bundle size, gzipped"
  "two-hour talk peak heap, native"
  "two-hour talk peak memory, wasm"
)
# Summary row <- the first table row whose name starts with the pattern, in the native (`| `) or
# wasm (`| wasm | `) table of the SQL benches.
LIFT=(
  "filter+projection|filter+projection over JSON"
  "tumbling COUNT|tumbling COUNT over 1,000 keys"
  "stream-table join|stream-table join"
  "24 h fast-forward|24 h of a 5 ev/s clickstream"
)

summary() {
  echo
  echo "## Summary ($(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  local rows
  rows=$(grep -o 'SUMMARY | .*' "$out" | sed -E 's/^SUMMARY \| //; s/ *\| *$//')
  for lift in "${LIFT[@]}"; do
    local name=${lift%%|*} pattern=${lift#*|} value
    # Native tables: `| name | value |`; wasm tables: `| wasm | name | value |`.
    value=$(awk -F'|' -v p="$pattern" '$1 == "" && index($2, " " p) == 1 && $2 !~ /^ wasm / { gsub(/^ +| +$/, "", $3); print $3; exit }' "$out")
    [ -n "$value" ] && rows+=$'\n'"$name, native | $value"
    value=$(awk -F'|' -v p="$pattern" '$2 == " wasm " && index($3, " " p) == 1 { gsub(/^ +| +$/, "", $4); print $4; exit }' "$out")
    [ -n "$value" ] && rows+=$'\n'"$name, wasm | $value"
  done
  printf '| %s | %s |\n|---|---:|\n' "figure" "value"
  for name in "${SUMMARY_ROWS[@]}"; do
    local value
    value=$(awk -F' [|] ' -v name="$name" '$1 == name { print $2; exit }' <<<"$rows")
    printf '| %s | %s |\n' "$name" "${value:-not measured}"
  done
  while IFS= read -r row; do
    [ -z "$row" ] && continue
    local name=${row%% |*} known=0
    for wanted in "${SUMMARY_ROWS[@]}"; do [ "$name" = "$wanted" ] && known=1; done
    [ $known = 0 ] && printf '| %s | %s |\n' "$name" "${row#* | }"
  done <<<"$(sort -u <<<"$rows")"
  rm -f "$out"
}
trap summary EXIT

# Runs a section, its output shown and kept for the summary; a failure is reported, not fatal.
section() {
  local title=$1
  shift
  echo "## $title"
  "$@" 2>&1 | tee -a "$out"
  local status=${PIPESTATUS[0]}
  [ "$status" = 0 ] || echo "## $title: failed (exit $status); its figures are not measured" | tee -a "$out"
}

for bench in benches/*.rs; do
  name=$(basename "$bench" .rs)
  section "cargo bench --profile $bench_profile --bench $name" cargo bench --quiet --profile "$bench_profile" --bench "$name"
done

if [ "${SKIP_WASM:-0}" != 1 ]; then
  # The test runner prints its own lines too; keep the figures (console_log! rows).
  wasm_figures() {
    cargo test --profile "$wasm_profile" --target wasm32-unknown-unknown --test "$1" -- --nocapture 2>&1 \
      | grep -E '^\| wasm|SUMMARY|test result|panicked|error'
    return "${PIPESTATUS[0]}"
  }
  section "wasm in headless Chromium: cargo test --profile $wasm_profile --target wasm32-unknown-unknown --test web_bench" wasm_figures web_bench
  WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-1800} \
    section "two-hour talk in wasm: cargo test --profile $wasm_profile --target wasm32-unknown-unknown --test web_memory" wasm_figures web_memory
fi

bundle() {
  trunk build --release >/dev/null 2>&1 || { echo "trunk build --release failed"; return 1; }
  scripts/size-report.sh
  local gz
  gz=$(for wasm in dist/*.wasm dist/*.js; do gzip -9 -c "$wasm" | wc -c; done | awk '{s += $1} END {print s}')
  echo "SUMMARY | bundle size, gzipped | $((gz / 1024)) KiB (wasm + js, gzip -9) |"
}
section "bundle size" bundle

# The page itself (tests/bench/page.bench.mjs): frame time under load, append → DOM, first
# interactive, on the dist the bundle section just built.
if [ "${SKIP_WASM:-0}" != 1 ] && [ "${SKIP_PAGE:-0}" != 1 ]; then
  section "the page in headless Chromium: node tests/bench/page.bench.mjs" node tests/bench/page.bench.mjs
fi
