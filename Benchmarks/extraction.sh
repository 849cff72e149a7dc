#!/usr/bin/env bash
# Extraction benchmark: quality (F1 by the ScrapingHub scorer) and speed (pages/s, MB/s, peak RSS of clean +
# parse on one core), optionally beside peer extractors measured in the same run.
#
#   Benchmarks/extraction.sh [SET_DIR] [--peers "trafilatura-nocomments resiliparse"]
#
# SET_DIR defaults to ../shared/bench/scrapinghub (html/*.html.gz plus ground-truth.json). Peers need a Python
# environment with ../shared/bench/peers/requirements-peers.txt installed; set PEERS_PYTHON to its python.
# SCRATCH_PATH selects the build directory (default .build); BENCH_CORE the CPU to pin to (default 0).
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

echo "== winnow (clean + parse, one core: cpu $core)"
taskset -c "$core" "$winnow" extract --format predictions --stats "$set_dir"/html/*.html* >"$work/winnow.json" 2>"$work/winnow.stats" || true
grep -v '^winnow extract:' "$work/winnow.stats" || true
grep '^winnow extract:' "$work/winnow.stats" | head -5 || true
[ -f "$scorer" ] && python3 "$scorer" "$set_dir/ground-truth.json" "$work/winnow.json"

for peer in $peers; do
  echo "== $peer (one core: cpu $core)"
  taskset -c "$core" "${PEERS_PYTHON:-python3}" "$set_dir/../peers/run_peer.py" "$peer" "$set_dir" "$work/$peer.json" "$work/$peer.timing.json" >/dev/null
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print({k: t[k] for k in t if not isinstance(t[k], (list, dict))})' "$work/$peer.timing.json"
  [ -f "$scorer" ] && python3 "$scorer" "$set_dir/ground-truth.json" "$work/$peer.json"
done
