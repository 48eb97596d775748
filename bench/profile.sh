#!/usr/bin/env bash
# Where the worker's CPU goes, with Linux perf (10 s of samples at 999 Hz, JIT-compiled frames named through the
# runtime's perf map). Not part of run.sh; the "Where the time goes" notes in RESULTS.md come from these.
#   bench/profile.sh ingest   Alertmanager load with the inbox processor off: the 202 path alone
#   bench/profile.sh drain    a backlog stored with the processor off, then processed: correlation alone
#   bench/profile.sh mixed    Alertmanager load with the processor on, as in production
# Needs root (or perf_event_paranoid <= 1), wrk and perf (Debian: apt-get install linux-perf). Output: bench/out/profile-<mode>.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-ingest}"
out=bench/out
dir="$out/profile-$mode"
command -v perf >/dev/null || { echo "perf is missing (Debian: apt-get install linux-perf)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
[ -f "$out/worker-bin/IncidentBridge.dll" ] || dotnet build src/IncidentBridge -c Release -o "$out/worker-bin" --nologo -v q -clp:ErrorsOnly
port=18181
pid=""
started=""
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap stop EXIT
start() { # $1: processing enabled
  ( cd "$dir" && exec env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
      IncidentBridge__Sources__Alertmanager__BearerTokens__0=bench-token IncidentBridge__Jobs__Enabled=false \
      IncidentBridge__Inbox__ProcessingEnabled="$1" \
      dotnet "$(pwd -P)/../worker-bin/IncidentBridge.dll" --urls "http://127.0.0.1:$port" >>worker.log 2>&1 ) &
  pid=$!
  started="$started $pid"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "the worker did not start; see $dir/worker.log" >&2; exit 1
}
load() { # $1: seconds, $2: run number, $3: mode
  (cd bench/wrk && BENCH_AM_TOKEN=bench-token wrk -t2 -c32 -d"$1"s --timeout 10s -s alertmanager.lua "http://127.0.0.1:$port" -- "$2" "$3" | grep '^BENCH')
}
rm -rf "$dir" && mkdir -p "$dir"
loader=""
case "$mode" in
  ingest) start false; load 10 1 repeat; load 14 2 unique & loader=$!; sleep 2 ;;
  mixed)  start true;  load 10 1 repeat; load 14 2 unique & loader=$!; sleep 2 ;;
  drain)  start false; load 10 1 unique; stop; start true; sleep 8 ;; # past tiered JIT; the backlog lasts a minute
  *) echo "usage: $0 ingest|drain|mixed" >&2; exit 2 ;;
esac
perf record -F 999 -g -p "$pid" -o "$dir/perf.data" -- sleep 10 2>/dev/null
[ -z "$loader" ] || wait "$loader" || true
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^incidentbridge_inbox_(depth|processed_total|commit_batch_size_(sum|count))|^process_cpu_seconds_total|^dotnet_total_memory_bytes' > "$dir/metrics.txt" || true
grep -E '^Vm(HWM|RSS)' "/proc/$pid/status" >> "$dir/metrics.txt" || true
report="$out/profile-$mode.txt"
set +o pipefail # head closes its pipe early on purpose
{
  echo "# bench/profile.sh $mode, $(date -u '+%Y-%m-%d %H:%M') UTC"
  cat "$dir/metrics.txt"
  echo; echo "## CPU by thread"; perf report -i "$dir/perf.data" --no-children --sort comm -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
  echo; echo "## CPU by library"; perf report -i "$dir/perf.data" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
  echo; echo "## Kernel entry points (inclusive)"; perf report -i "$dir/perf.data" --children --sort sym -g none 2>/dev/null | grep -E '\[k\] (__x64_sys_[a-z0-9_]+|ksys_[a-z]+|asm_exc_page_fault)$' | head -15
  echo; echo "## The worker's own methods (inclusive)"; perf report -i "$dir/perf.data" --children --sort sym -g none 2>/dev/null | grep -E '\[IncidentBridge\] IncidentBridge\.' | sed -E 's/\(class [^)]*\)|\(valuetype [^)]*\)//g' | cut -c1-220 | head -40
  echo; echo "## Top functions (exclusive)"; perf report -i "$dir/perf.data" --no-children --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
} > "$report"
stop
rm -rf "$dir/data" # the database of the run; perf.data stays for perf report
for p in $started; do rm -f "/tmp/perf-$p.map" "/tmp/perfinfo-$p.map"; done
echo "wrote $report"
