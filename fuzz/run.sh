#!/usr/bin/env bash
# One logged fuzz run: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
# FUZZ_PREBUILT=1 runs the binary already built (`cargo fuzz build -s none`) without rebuilding.
# Runs the target at the lowest priority for SECONDS, then appends a row to fuzz/RUNS.md with the
# exact execution count libFuzzer reports (stat::number_of_executed_units) and any crash found.
set -uo pipefail
cd "$(dirname "$0")"
target=$1 seconds=$2
shift 2
case $target in
  sql_parse|sql_plan|sql_execute) extra=(-dict=sql.dict) ;;
  *) extra=() ;;
esac
mkdir -p corpus/"$target" artifacts/"$target" logs
log=logs/$target-$(date -u +%Y%m%dT%H%M%S).log
before=$(ls artifacts/"$target" | wc -l)
if [ "${FUZZ_PREBUILT:-0}" = 1 ]; then
  # The binary `cargo fuzz build -s none` left, run as cargo fuzz would (no rebuild: on a loaded
  # machine a rebuild at nice 19 can take longer than the run).
  nice -n 19 target/x86_64-unknown-linux-gnu/release/"$target" -artifact_prefix="$PWD/artifacts/$target/" \
    -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" "$@" corpus/"$target" >"$log" 2>&1
else
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" "$@" >"$log" 2>&1
fi
status=$?
execs=$(grep -oP 'stat::number_of_executed_units:\s*\K\d+' "$log" | tail -1)
secs=$(grep -oP 'Done \d+ runs in \K\d+' "$log" | tail -1)
crashes=$(( $(ls artifacts/"$target" | wc -l) - before ))
new=$(ls -t artifacts/"$target" | head -n "$crashes" | tr '\n' ' ')
printf '| %s | %s | %s | %s s | %s | %s |\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$target" "${execs:-?}" "${secs:-$seconds}" "$crashes" "${new:-}$*" >>RUNS.md
echo "$target: ${execs:-?} executions, $crashes crash(es), exit $status (log: fuzz/$log)"
