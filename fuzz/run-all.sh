#!/usr/bin/env bash
# Runs every fuzz target for a set time and prints, per target, what the run did: executions,
# executions per second, coverage (libFuzzer's cov and ft from its last stats line), corpus
# size and crashes (new crash, out-of-memory and timeout files in artifacts/<target>/).
#
#   fuzz/run-all.sh [seconds per target, default 1800] [-j N: targets at once, default 1]
#                   [-t "rules csv"] (only these targets)
#
# Builds the targets first (`cargo fuzz build -s none`, RUSTC_BOOTSTRAP=1 on a stable compiler),
# seeds corpora that are still empty (seed-corpus.sh), then runs each target under `nice -n 19`.
# A run that crashes is restarted on the same corpus for the time left (at most 5 times), so
# one crash does not end the target's run. Logs go to fuzz/fuzz-<target>.log, crashes and
# timeouts to fuzz/artifacts/<target>/; the table is also written to fuzz/fuzz-summary.log.
# Environment: FUZZ_TIMEOUT (wall-clock seconds one input may take, default 60), FUZZ_RSS_MB (memory limit,
# default 2048; one allocation above it is a crash too).
set -euo pipefail
cd "$(dirname "$0")"

seconds=1800
jobs=1
only=""
while [ $# -gt 0 ]; do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -t) only=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) seconds=$1; shift ;;
  esac
done
all="rules submission assess xlsx csv render command"
targets=${only:-$all}
timeout=${FUZZ_TIMEOUT:-60}
rss=${FUZZ_RSS_MB:-2048}

export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none >/dev/null
bin_dir=target/$(rustc -vV | sed -n 's/^host: //p')/release

if [ ! -d corpus ] || [ -z "$(ls -A corpus 2>/dev/null)" ]; then
  ./seed-corpus.sh
fi

# Crashes, out-of-memory and timeouts kept for a target (not the slow-unit-* files, which are
# inputs that were slow but finished).
found() {
  find "artifacts/$1" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l
}

sums=$(mktemp -d)
trap 'rm -rf "$sums"' EXIT

# One target: runs (restarting after a crash) until its time is used; writes its summary line
# to $sums/<target>.
run_one() {
  local t=$1 log=fuzz-$1.log
  mkdir -p "corpus/$t" "artifacts/$t"
  local before
  before=$(found "$t")
  : > "$log"
  local start=$SECONDS left=$seconds restarts=0
  while [ "$left" -gt 0 ] && [ $restarts -le 5 ]; do
    nice -n 19 "$bin_dir/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$left" -timeout="$timeout" -rss_limit_mb="$rss" \
      -print_final_stats=1 >>"$log" 2>&1 || true
    left=$((seconds - (SECONDS - start)))
    restarts=$((restarts + 1))
  done
  # Executions of every run (libFuzzer prints them at the end of each).
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}')
  local used=$((SECONDS - start))
  # The last stats line libFuzzer printed: "#N  DONE  cov: C ft: F corp: K/S ...".
  local last cov ft corp
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(find "corpus/$t" -type f | wc -l)
  local after
  after=$(found "$t")
  printf '%-11s %8s %11s %8s %7s %7s %8s %8s\n' "$t" "$used" "$execs" \
    "$((execs / (used > 0 ? used : 1)))" "${cov:-?}" "${ft:-?}" "$corp" "$((after - before))" \
    > "$sums/$t"
}

header=$(printf '%-11s %8s %11s %8s %7s %7s %8s %8s' target seconds execs exec/s cov ft corpus crashes)
echo "$(date -u '+%Y-%m-%d %H:%M UTC'): $seconds s per target, $jobs at a time: $targets" >&2
running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait
{
  echo "$header"
  for t in $targets; do cat "$sums/$t"; done
  for t in $targets; do
    if [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
      echo "artifacts/$t: $(ls "artifacts/$t" | tr '\n' ' ')"
    fi
  done
} | tee fuzz-summary.log
