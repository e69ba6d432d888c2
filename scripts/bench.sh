#!/usr/bin/env bash
# Every speed and size figure in one command: native benchmarks (benches/*.rs print tables),
# then the release bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."
for bench in benches/*.rs; do
  name=$(basename "$bench" .rs)
  echo "## cargo bench --bench $name"
  cargo bench --quiet --bench "$name"
done
echo "## bundle size"
trunk build --release >/dev/null 2>&1
scripts/size-report.sh
