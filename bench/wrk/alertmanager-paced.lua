-- alertmanager.lua at a set rate instead of as fast as the worker answers: a storm the processor can keep up with.
--   wrk ... -s alertmanager-paced.lua URL -- <run> <mode> <requests per second> <connections>
-- Each connection waits connections/rate seconds after an answer before its next request, so the rate is a little
-- under the one asked for (by the answer time); the measured rate is reported.
dofile("alertmanager.lua")

local base_init, pause = init, 0

function init(args)
  base_init(args)
  pause = tonumber(args[4]) * 1000 / tonumber(args[3])
end

function delay()
  return pause
end
