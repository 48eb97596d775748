-- The ceiling: GET /healthz, a request that touches neither the body parser nor storage.
dofile("summary.lua")
done = bench_summary
