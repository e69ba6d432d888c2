# streamlab: `make serve` sets up, builds and serves the app; `make test` sets up and runs every
# test. Both install what is missing first (scripts/setup.sh), so they work on a fresh machine.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
PORT ?= 8080
QTT_DIR ?= ../shared/ksqldb-qtt

.PHONY: setup serve test test-native test-qtt test-web test-e2e dist size bench

setup:
	@scripts/setup.sh

serve: setup
	@echo "streamlab will be served at http://127.0.0.1:$(PORT)/"
	trunk serve --address 127.0.0.1 --port $(PORT)

# Every test layer, cheapest first.
test: setup test-native test-qtt test-web test-e2e
	@echo "All test layers passed."

# One full build per layer: incremental caches (~1 GB for the native tests) only cost disk here.
test test-native test-qtt test-web test-e2e: export CARGO_INCREMENTAL := 0

test-native:
	cargo test
	cargo clippy --quiet -- -D warnings
	@scripts/prune-if-low-disk.sh target/debug

test-qtt:
	@if [ -d "$(QTT_DIR)" ]; then \
	  cargo run --profile tool --quiet --bin qtt -- --summary-table --ratchet tests/qtt-ratchet.txt "$(QTT_DIR)" | tail -n 32; \
	  status=$${PIPESTATUS[0]}; \
	  [ $$status -ne 0 ] || scripts/prune-if-low-disk.sh target/tool; \
	  exit $$status; \
	else echo "skipping conformance: $(QTT_DIR) not found"; fi

# Component tests: wasm-bindgen-test in headless Chromium (runner set in .cargo/config.toml).
test-web:
	cargo test --target wasm32-unknown-unknown --test web_components --test web_sandbox --test web_lessons --test web_presenter --test web_views --test web_xss
	@scripts/prune-if-low-disk.sh target/wasm32-unknown-unknown/debug target/debug

dist:
	trunk build --release
	@scripts/size-report.sh

# End-to-end: the built dist served on 127.0.0.1, driven by playwright-core in Debian's Chromium.
test-e2e: dist
	node --test --test-reporter=spec tests/e2e/

size: dist

bench: setup
	@scripts/bench.sh
