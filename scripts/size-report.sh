#!/usr/bin/env bash
# Prints the size of the built wasm bundle, raw and gzipped (-9), as shipped in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(dist/*.wasm)
if [ ${#files[@]} -eq 0 ]; then echo "no wasm in dist/: run 'trunk build --release' first" >&2; exit 1; fi
for wasm in "${files[@]}" dist/*.js; do
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  printf 'size: %-40s %8d bytes raw  %8d bytes gzipped\n' "$(basename "$wasm")" "$raw" "$gz"
done
