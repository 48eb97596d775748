-- Shared by the wrk scripts: done() prints one JSON line that the bench tool reads.
-- Latency is in microseconds as wrk measures it; errors.status counts answers >= 400.
function bench_summary(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end

-- Several workers on one PostgreSQL database: BENCH_TARGETS="127.0.0.1:5001 127.0.0.1:5002" sends thread n (from 1)
-- to target n mod count, so with as many threads as targets (or a multiple) each target gets an equal share of the
-- connections, and one wrk measures every request with one latency histogram. Unset, every thread uses the URL's
-- address. The Host header stays the URL's; the worker accepts any (AllowedHosts=*).
function bench_spread(thread, n)
  local targets = os.getenv("BENCH_TARGETS")
  if not targets or targets == "" then return end
  local list = {}
  for host, port in string.gmatch(targets, "([^%s:]+):(%d+)") do
    list[#list + 1] = { host, port }
  end
  local target = list[((n - 1) % #list) + 1]
  thread.addr = wrk.lookup(target[1], target[2])[1]
end
