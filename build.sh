#!/usr/bin/env bash
# IncidentBridge build entry point.
#   ./build.sh test   install what the tests need (if missing), build the solution (the bench's driver too, so it
#                     cannot rot; benchmarks run only from bench/run.sh), run every test, print "tests: N passed, N failed"
#   ./build.sh deps   only install the Debian packages the tests start (prometheus-alertmanager, python3-aiosmtpd, postgresql)
#   ./build.sh run    run the worker with embedded defaults on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")"

# Servers the tests start themselves: Debian package -> a command that succeeds once it is installed.
declare -A PACKAGES=(
  [prometheus-alertmanager]="test -x /usr/bin/prometheus-alertmanager"
  [python3-aiosmtpd]="/usr/bin/python3 -c 'import aiosmtpd'"
  [postgresql]="ls /usr/lib/postgresql/*/bin/initdb"
)

deps() {
  local missing=()
  for package in "${!PACKAGES[@]}"; do
    bash -c "${PACKAGES[$package]}" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "missing Debian packages: ${missing[*]} (install them as root)" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts the system service where systemd runs; the tests start their own instances.
  $sudo systemctl disable --now prometheus-alertmanager >/dev/null 2>&1 || true
  $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true
}

summary() {
  # Sum the counters of every TRX file of this run: one line that CI reads.
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    counters = root.find(".//{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # The console log is long; name each failure again here, where the tail of the output shows it.
    for result in root.findall(".//{*}UnitTestResult"):
        if result.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            message = result.find(".//{*}ErrorInfo/{*}Message")
            stack = result.find(".//{*}ErrorInfo/{*}StackTrace")
            print(f"FAILED {result.get('testName')} ({result.get('duration')})")
            for text in (message, stack):
                if text is not None and text.text:
                    for line in text.text.strip().splitlines()[:12]:
                        print(f"    {line}")
print(f"tests: {passed} passed, {failed} failed")
PY
}

test_all() {
  deps
  local results
  results="$(pwd)/TestResults/$(date +%Y%m%d-%H%M%S)"
  local status=0
  dotnet test IncidentBridge.sln --configuration Release --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?
  local line
  line=$(summary "$results")
  if [ "$status" -ne 0 ] && [[ "$line" == *" 0 failed" ]]; then
    # The build or a test host failed before any test could report: that is a failure too.
    line="${line% 0 failed} 1 failed"
  fi
  echo "$line"
  return "$status"
}

case "${1:-test}" in
  test) test_all ;;
  deps) deps ;;
  run) exec dotnet run --project src/IncidentBridge -- --urls http://127.0.0.1:8080 ;;
  *) echo "usage: $0 [test|deps|run]" >&2; exit 2 ;;
esac
