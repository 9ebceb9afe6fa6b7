-- Used by bench/run.py: counts responses whose status is not 200 and prints one
-- machine-readable line with the request count and latency percentiles (microseconds).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local not_200 = 0
  for _, thread in ipairs(threads) do
    not_200 = not_200 + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "KAJET-WRK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d " ..
    "errors=%d not_200=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, not_200
  ))
end
