#!/usr/bin/env bash
# IncidentBridge benchmarks: builds Release, starts the worker with its embedded SQLite defaults, measures ingest,
# lag, scale, memory and tracker cost, and rewrites bench/RESULTS.md. About 6 minutes on 2 cores; ./build.sh test
# compiles the driver (it is in IncidentBridge.sln) but never runs it. Leaves logs, wrk output and raw figures in
# bench/out/ (git-ignored).
#   bench/run.sh                       the full run, of the committed HEAD (exported, so edits in progress do not count)
#   BENCH_SOURCE=worktree bench/run.sh the working tree as it is, uncommitted changes included
#   bench/run.sh --measure 5 --warmup 2 --open-alerts 20000 --tracker-incidents 10 --results /tmp/RESULTS.md
#                                      a quick one (options: bench/IncidentBridge.Bench/BenchOptions.cs)
#   bench/run.sh --soak [--soak-minutes 30]
#                                      the soak instead: mixed traffic for 30 min, RSS, open descriptors and database size
#                                      sampled every 30 s, written to its own section of bench/RESULTS.md
#   bench/run.sh --postgres            the full run, then the same Alertmanager storm on a local, durable PostgreSQL (fresh
#                                      cluster each, fsync/synchronous_commit/full_page_writes on) with one worker process,
#                                      then two sharing the database, wrk's threads split between them: ingest, drain,
#                                      each worker's share, RSS; section 8 of bench/RESULTS.md. A few more minutes on 2
#                                      cores (10 in all at b4b53ee), mostly waiting for each backlog to empty (PostgreSQL
#                                      processed ~350-430 deliveries/s); --postgres-drain-timeout <s> (600) caps each wait.
#                                      Needs the Debian package postgresql (initdb, pg_ctl; run as root, it runs them as
#                                      the postgres user), and an even --threads.
#   BENCH_SOURCE=worktree bench/run.sh --only-postgres --measure 5 --warmup 2
#                                      the PostgreSQL runs alone, a quick check while working on them: their section goes
#                                      to bench/out/postgres.md and the raw figures to bench/out/postgres.json (bench/RESULTS.md
#                                      is left alone)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "wrk is missing: install it (Debian/Ubuntu: apt-get install wrk, macOS: brew install wrk) and run again" >&2
    exit 1
  fi
  echo "installing wrk"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

case " $* " in
  *" --postgres "*|*" --only-postgres "*)
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      echo "--postgres needs PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin/initdb): install them" >&2
      echo "(Debian/Ubuntu: apt-get install postgresql, or ./build.sh deps) and run again" >&2
      exit 1
    fi ;;
esac

out=bench/out
mkdir -p "$out"
if [ "${BENCH_SOURCE:-head}" = head ] && revision="$(git rev-parse --short HEAD 2>/dev/null)"; then
  rm -rf "$out/source" && mkdir -p "$out/source"
  git archive HEAD Directory.Build.props Directory.Packages.props src | tar -x -C "$out/source"
  project="$out/source/src/IncidentBridge"
else
  revision="$(git describe --always --dirty 2>/dev/null || echo unknown), working tree"
  project=src/IncidentBridge
fi

echo "building Release ($revision)"
dotnet build "$project" -c Release -o "$out/worker-bin" --nologo -v q -clp:ErrorsOnly
dotnet build bench/IncidentBridge.Bench -c Release -o "$out/bench-bin" --nologo -v q -clp:ErrorsOnly

exec dotnet "$out/bench-bin/IncidentBridge.Bench.dll" \
  --worker "$out/worker-bin/IncidentBridge.dll" --wrk bench/wrk --out "$out" --results bench/RESULTS.md \
  --commit "$revision" "$@"
