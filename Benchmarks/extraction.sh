#!/usr/bin/env bash
# Extraction benchmark: quality (F1 by the ScrapingHub scorer) and speed (pages/s, MB/s, peak RSS of clean +
# parse on one core), optionally beside peer extractors measured in the same run.
#
#   Benchmarks/extraction.sh [SET_DIR] [--peers "trafilatura-nocomments resiliparse"]
#
# SET_DIR defaults to ../shared/bench/scrapinghub (html/*.html.gz plus ground-truth.json). Peers need a Python
# environment with ../shared/bench/peers/requirements-peers.txt installed; set PEERS_PYTHON to its python.
# SCRATCH_PATH selects the build directory (default .build); BENCH_CORE the CPU to pin to (default 0); ROUNDS
# how many times each extractor runs (default 3). Runs alternate between extractors, so machine noise hits all
# of them alike; the speed ratio is taken between medians.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
set_dir="${1:-$root/../shared/bench/scrapinghub}"
shift || true
peers=""
if [ "${1:-}" = "--peers" ]; then peers="${2:-}"; fi
[ -d "$set_dir/html" ] || { echo "no benchmark set at $set_dir (expected html/ and ground-truth.json)"; exit 0; }
scorer="$set_dir/../score.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
scratch="${SCRATCH_PATH:-.build}"
swift build -c release --scratch-path "$scratch" --product winnow >/dev/null
winnow="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/winnow"
core="${BENCH_CORE:-0}"
rounds="${ROUNDS:-3}"

for round in $(seq 1 "$rounds"); do
  taskset -c "$core" "$winnow" extract --format predictions --stats "$set_dir"/html/*.html* \
    >"$work/winnow.json" 2>"$work/winnow.stats" || true
  grep -o '[0-9.]* pages/s' "$work/winnow.stats" | cut -d' ' -f1 >>"$work/winnow.speeds"
  grep -v '^winnow extract:' "$work/winnow.stats" >>"$work/winnow.log" || true
  for peer in $peers; do
    taskset -c "$core" "${PEERS_PYTHON:-python3}" "$set_dir/../peers/run_peer.py" "$peer" "$set_dir" \
      "$work/$peer.json" "$work/$peer.timing.json" >/dev/null
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pages_per_s"])' "$work/$peer.timing.json" \
      >>"$work/$peer.speeds"
  done
done

median() { sort -g "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "== winnow (clean + parse, one core: cpu $core, $rounds rounds)"
cat "$work/winnow.log"
grep '^winnow extract:' "$work/winnow.stats" | head -5 || true
winnow_median="$(median "$work/winnow.speeds")"
echo "median: $winnow_median pages/s"
[ -f "$scorer" ] && python3 "$scorer" "$set_dir/ground-truth.json" "$work/winnow.json"

for peer in $peers; do
  peer_median="$(median "$work/$peer.speeds")"
  echo "== $peer (one core: cpu $core): $(tr '\n' ' ' <"$work/$peer.speeds")pages/s; median $peer_median"
  awk -v w="$winnow_median" -v p="$peer_median" -v name="$peer" 'BEGIN {printf "speed ratio winnow / %s: %.1fx (medians)\n", name, w / p}'
  [ -f "$scorer" ] && python3 "$scorer" "$set_dir/ground-truth.json" "$work/$peer.json" | head -4
done
