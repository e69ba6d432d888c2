#!/usr/bin/env bash
# Run by `make test` between its layers: `scripts/prune-if-low-disk.sh DIR...` deletes the build
# outputs DIR... of the layer that just passed when the disk holding target/ has less than
# STREAMLAB_MIN_FREE_MB (default 4000) free. Each layer builds its own profile or target
# (native debug, the `tool` profile, wasm debug, wasm release), so the next layer never reads
# them; on a machine with room they stay, and the next `make test` builds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

min_free_mb=${STREAMLAB_MIN_FREE_MB:-4000}
mkdir -p target
free_mb=$(df -Pm target | awk 'NR == 2 { print $4 }')
if [ "${free_mb:-0}" -ge "$min_free_mb" ]; then
  exit 0
fi
for dir in "$@"; do
  case "$dir" in
    target/*) ;;
    *) echo "prune-if-low-disk: refusing to delete $dir (only under target/)" >&2; exit 2 ;;
  esac
  if [ -e "$dir" ]; then
    size=$(du -sm "$dir" | cut -f1)
    rm -rf -- "$dir"
    echo "prune-if-low-disk: ${free_mb} MB free (< ${min_free_mb} MB): deleted $dir (${size} MB)"
  fi
done
