-- POST /webhooks/pagerduty with signed V3 events. wrk's Lua cannot compute an HMAC, so the bench tool writes the
-- signed bodies beforehand, one per line: "v1=<hex signature>\t<body>". Each thread takes every Nth line and
-- cycles through its share; past the end an event repeats and the worker answers 202 duplicate:true (the bench
-- writes enough lines for a run and reports any duplicates from the worker's own counter).
--   wrk ... -s pagerduty.lua URL -- <file> <threads>
dofile("summary.lua")
done = bench_summary

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local requests, next_request = {}, 1

function init(args)
  local file, count = args[1], tonumber(args[2] or "1")
  local n = 0
  for line in io.lines(file) do
    if n % count == tid - 1 then
      local tab = string.find(line, "\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", "/webhooks/pagerduty",
        { ["Content-Type"] = "application/json", ["X-PagerDuty-Signature"] = string.sub(line, 1, tab - 1) },
        string.sub(line, tab + 1))
    end
    n = n + 1
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
