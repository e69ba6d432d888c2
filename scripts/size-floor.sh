#!/usr/bin/env bash
# The bundle's floor (issue 6's 600 KB target): builds benches/size_floor — a yew app of one
# input, one button and one list — without and with sqlparser's expression parser, through the
# same wasm-bindgen and `wasm-opt -Oz` as `make dist`, and prints both sizes gzipped (-9).
# Whatever streamlab adds on top (the engine, the views, the lessons) comes on top of these.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="$PWD/target/size-floor"
out="$CARGO_TARGET_DIR/out"
for features in "" parser; do
  (cd benches/size_floor && cargo build --quiet --release --target wasm32-unknown-unknown ${features:+--features $features})
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/size_floor.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    "$out/size_floor_bg.wasm" -o "$out/opt.wasm"
  raw=$(stat -c %s "$out/opt.wasm")
  gz=$(gzip -9 -c "$out/opt.wasm" | wc -c)
  printf 'size floor: %-32s %8d bytes raw  %8d bytes gzipped\n' "yew app${features:+ + sqlparser parse_expr}" "$raw" "$gz"
done
