#!/usr/bin/env bash
# Every speed and size figure in one command: native benchmarks (benches/*.rs print tables),
# the same SQL workloads in wasm in headless Chromium (tests/web_bench.rs), then the release
# bundle size, and the page itself in headless Chromium (tests/bench/page.bench.mjs: frame time
# under load, append → DOM, first interactive, bundle gzipped). Benchmarks print figures and
# check outputs; they never fail on timing.
#
#   BENCH_PROFILE   cargo profile of the native benches (default: tool, opt-level 3, as the
#                   native binaries; `bench` gives the size-tuned release settings)
#   WASM_PROFILE    cargo profile of the wasm benches (default: release, as the shipped bundle)
#   SKIP_WASM=1     native only
#   SKIP_PAGE=1     no page benchmark (it needs the release dist the bundle size section builds)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
bench_profile="${BENCH_PROFILE:-tool}"
wasm_profile="${WASM_PROFILE:-release}"

for bench in benches/*.rs; do
  name=$(basename "$bench" .rs)
  echo "## cargo bench --profile $bench_profile --bench $name"
  cargo bench --quiet --profile "$bench_profile" --bench "$name"
done

if [ "${SKIP_WASM:-0}" != 1 ]; then
  echo "## wasm in headless Chromium: cargo test --profile $wasm_profile --target wasm32-unknown-unknown --test web_bench"
  # The test runner prints its own lines too; keep the figures (console_log! rows).
  cargo test --quiet --profile "$wasm_profile" --target wasm32-unknown-unknown --test web_bench -- --nocapture 2>&1 \
    | grep -E '^\| wasm|test result|panicked|error' || { echo "wasm benchmarks failed" >&2; exit 1; }
fi

echo "## bundle size"
trunk build --release >/dev/null 2>&1
scripts/size-report.sh

if [ "${SKIP_WASM:-0}" != 1 ] && [ "${SKIP_PAGE:-0}" != 1 ]; then
  echo "## the page in headless Chromium: node tests/bench/page.bench.mjs"
  node tests/bench/page.bench.mjs
fi
