#!/usr/bin/env bash
# Runs every peer benchmark in sequence and writes one JSON file per run plus the load before each
# run (uptime) into OUT (default /work/peers-results). Usage:
#   PY=/work/venv-peers/bin/python scripts/bench/run_all.sh [OUT] [THREADS...]
# Default threads: "2 1" (the brief's 2 threads, then 1 thread for comparison on a loaded machine).
set -u
cd "$(dirname "$0")/../.."
PY=${PY:-/work/venv-peers/bin/python}
OUT=${1:-/work/peers-results}
shift || true
THREADS=${*:-"2 1"}
mkdir -p "$OUT"
run() {  # name, command...
  local name=$1; shift
  echo "== $name: $* ; $(uptime)" | tee -a "$OUT/log.txt"
  "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
  echo "   rc=$? ; $(uptime)" | tee -a "$OUT/log.txt"
}
for th in $THREADS; do
  run "node64_t$th" "$PY" scripts/bench/node64_peers.py --framework both --reference --threads "$th"
  run "surrogate_t$th" "$PY" scripts/bench/surrogate_rk4_peers.py --samples 20000 --threads "$th"
  run "fit_t$th" "$PY" scripts/bench/fit_paper_peers.py --threads "$th"
done
