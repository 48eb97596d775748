-- POST /webhooks/alertmanager with a realistic notification: 10 firing alerts, about 6 KB, shaped like
-- Alertmanager's webhook v4 payload (labels, annotations, generatorURL, group/common labels).
--   wrk ... -s alertmanager.lua URL -- <run> <mode>
--   run:  a number (1-255) mixed into group keys, services and fingerprints, so runs never collide
--   mode: unique (default) - every notification is a new group with 10 new fingerprints and its own
--                            service, so each one opens an incident (the real correlation path)
--         repeat           - every notification of a thread is the same one (Alertmanager's
--                            repeat_interval): stored, then deduplicated; used to warm up without
--                            adding open alerts to the store
-- The bearer token comes from BENCH_AM_TOKEN; BENCH_TARGETS spreads the threads over several workers (summary.lua).
dofile("summary.lua")
done = bench_summary

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  bench_spread(thread, threads)
end

local names = { "HighErrorRate", "HighLatencyP99", "PodCrashLooping", "DiskWillFillIn4h", "MemoryPressure",
                "KafkaConsumerLag", "CertificateExpiring", "TargetDown", "CPUThrottlingHigh", "SLOBurnRateFast" }
local severities = { "critical", "warning", "warning", "critical", "warning", "error", "info", "critical", "warning", "critical" }
local run, unique, counter, headers = 0, true, 0, nil

function init(args)
  run = tonumber(args[1] or "0")
  unique = (args[2] or "unique") ~= "repeat"
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. (os.getenv("BENCH_AM_TOKEN") or "") }
end

local function alert(i, svc, fp, starts)
  local name = names[i]
  return table.concat({
    '{"status":"firing","labels":{"alertname":"', name, '","cluster":"prod-eu-west-1","instance":"10.42.', i, '.17:9100",',
    '"job":"', svc, '","namespace":"payments","pod":"', svc, '-7d9f8b6c5-x', i, 'k2p","service":"', svc,
    '","severity":"', severities[i], '","team":"payments"},"annotations":{"summary":"', name, ' on ', svc,
    '","runbook_url":"https://runbooks.example.com/', name, '"},"startsAt":"', starts, '","endsAt":"0001-01-01T00:00:00Z",',
    '"generatorURL":"http://prometheus-0:9090/graph?g0.expr=rate%28http_errors_total%7Bservice%3D%22', svc,
    '%22%7D%5B5m%5D%29+%3E+0.05&g0.tab=1","fingerprint":"', fp, '"}' })
end

function request()
  if unique then counter = counter + 1 end
  local group = string.format("r%d-%d-%d", run, tid, counter)
  local svc = "svc-" .. group
  local starts = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local alerts = {}
  for i = 1, 10 do
    alerts[i] = alert(i, svc, string.format("%02x%02x%010x%02x", run, tid, counter, i), starts)
  end
  local body = table.concat({
    '{"receiver":"incidentbridge","status":"firing","alerts":[', table.concat(alerts, ","), '],',
    '"groupLabels":{"service":"', svc, '"},"commonLabels":{"cluster":"prod-eu-west-1","service":"', svc,
    '","team":"payments"},"commonAnnotations":{},"externalURL":"http://alertmanager-0:9093",',
    '"version":"4","groupKey":"{}/{team=\\"payments\\"}:{service=\\"', svc, '\\"}","truncatedAlerts":0}' })
  return wrk.format("POST", "/webhooks/alertmanager", headers, body)
end
