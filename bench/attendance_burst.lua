-- Used by bench/attendance_burst.py: POSTs prepared take-attendance forms, each request a
-- different teacher and lesson. Thread N (0-based) reads its requests from "<prefix>N.tsv":
-- one line per request, "path<TAB>cookie header<TAB>urlencoded body". A thread that runs out
-- of requests starts its list again (those are re-saves; counted as "reused").
-- A save succeeded when the answer is a redirect back to a lesson page (302, Location
-- /frekwencja/lekcja/...); anything else (a 200 re-rendering the form with errors, a redirect
-- to the sign-in page, 403, a 409 stale-edit refusal, 5xx) counts as bad. Prints the line
-- bench/run.py parses, plus "sent", "reused" and the requests sent by each thread (so that
-- the next run starts with the requests no thread has sent yet).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local prefix = args[1]
  items = {}
  for line in io.lines(prefix .. tid .. ".tsv") do
    local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    table.insert(items, wrk.format("POST", path, {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body))
  end
  if #items == 0 then
    error("no prepared requests for thread " .. tid)
  end
  nxt = 1
  sent = 0
  reused = 0
  bad = 0
end

function request()
  if nxt > #items then
    nxt = 1
  end
  local item = items[nxt]
  nxt = nxt + 1
  sent = sent + 1
  if sent > #items then
    reused = reused + 1
  end
  return item
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or not location:find("^/frekwencja/lekcja/") then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local not_ok, total_sent, total_reused = 0, 0, 0
  local per_thread = {}
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("bad")
    total_sent = total_sent + thread:get("sent")
    total_reused = total_reused + thread:get("reused")
    per_thread[thread:get("tid") + 1] = thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    "KAJET-WRK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d " ..
    "errors=%d not_200=%d sent=%d reused=%d per_thread=%s\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, not_ok, total_sent, total_reused,
    table.concat(per_thread, ",")
  ))
end
