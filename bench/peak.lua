-- Used by bench/peak.py: the morning-peak mix. For every request a thread draws a kind from
-- the weights (script argument 2: "kind=weight,kind=weight,..."), then a request of that kind
-- from its own file "<prefix><tid>.tsv" (argument 1), one line per prepared request:
--   kind <TAB> method <TAB> path <TAB> cookie header <TAB> urlencoded body (POST)
-- GET kinds (pages of signed-in users) and the sign-in POSTs (a CSRF cookie and token pair
-- with a login; no session) are drawn at random and may repeat; the kinds listed in
-- ONCE (attendance saves and grade columns: each creates its lesson or column) are sent in
-- file order, each once; a thread that has used all its requests of such a kind sends
-- a request of its fallback kind instead and counts it as "starved".
-- Every request carries what nginx would add (Host, X-Forwarded-Proto: https,
-- X-Forwarded-For) and POSTs the Referer and Origin of the page, as a browser does.
-- An answer is bad when it is 4xx or 5xx, or a redirect to the sign-in page (a lost session).
-- done() prints one line for bench/peak.py: requests, latency percentiles (us), socket
-- errors, bad answers by class, the redirects that mean a sign-in, an attendance save and a
-- grade column succeeded, and how many requests of each kind each thread sent.
local KINDS = {"signin", "home", "grades", "attendance", "inbox", "today", "lesson",
               "attendance_save", "column_save"}
local ONCE = {attendance_save = "lesson", column_save = "today"}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    table.insert(out, part)
  end
  return out
end

function init(args)
  local prefix, weights, host, client = args[1], args[2], args[3], args[4]
  math.randomseed(1000 + tid)
  pool, nxt, cumulative, total = {}, {}, {}, 0
  for _, kind in ipairs(KINDS) do
    pool[kind] = {}
    nxt[kind] = 1
    _G["n_" .. kind] = 0
  end
  starved, bad_4xx, bad_5xx, signed_out = 0, 0, 0, 0
  ok_signin, ok_attendance, ok_column = 0, 0, 0
  for _, pair in ipairs(split(weights, ",")) do
    local kind, weight = pair:match("^([%w_]+)=([%d.]+)$")
    if pool[kind] == nil then
      error("unknown kind " .. tostring(kind))
    end
    total = total + tonumber(weight)
    table.insert(cumulative, {total, kind})
  end
  local base = {
    ["Host"] = host,
    ["X-Forwarded-Proto"] = "https",
    ["X-Forwarded-For"] = client,
    ["Accept-Language"] = "pl",
  }
  for line in io.lines(prefix .. tid .. ".tsv") do
    local kind, method, path, cookie, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    for k, v in pairs(base) do headers[k] = v end
    headers["Cookie"] = cookie
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Referer"] = "https://" .. host .. path
      headers["Origin"] = "https://" .. host
    else
      body = nil
    end
    table.insert(pool[kind], wrk.format(method, path, headers, body))
  end
  for _, entry in ipairs(cumulative) do
    if #pool[entry[2]] == 0 then
      error("thread " .. tid .. " has no requests of kind " .. entry[2])
    end
  end
end

local function draw()
  local r = math.random() * total
  for _, entry in ipairs(cumulative) do
    if r < entry[1] then
      return entry[2]
    end
  end
  return cumulative[#cumulative][2]
end

function request()
  local kind = draw()
  local items = pool[kind]
  if ONCE[kind] ~= nil then
    if nxt[kind] > #items then
      starved = starved + 1
      kind = ONCE[kind]
      items = pool[kind]
    else
      local item = items[nxt[kind]]
      nxt[kind] = nxt[kind] + 1
      _G["n_" .. kind] = _G["n_" .. kind] + 1
      return item
    end
  end
  _G["n_" .. kind] = _G["n_" .. kind] + 1
  return items[math.random(#items)]
end

function response(status, headers, body)
  if status >= 500 then
    bad_5xx = bad_5xx + 1
  elseif status >= 400 then
    bad_4xx = bad_4xx + 1
  elseif status >= 300 then
    local location = headers["Location"] or headers["location"] or ""
    location = location:gsub("^https?://[^/]+", "")
    if location:find("/konto/logowanie", 1, true) then
      signed_out = signed_out + 1
    elseif location == "/" then
      ok_signin = ok_signin + 1
    elseif location:find("^/frekwencja/lekcja/") then
      ok_attendance = ok_attendance + 1
    elseif location:find("^/oceny/kurs/%d+/okres/%d+/$") then
      ok_column = ok_column + 1
    end
  end
end

function done(summary, latency, requests)
  local sums = {bad_4xx = 0, bad_5xx = 0, signed_out = 0, starved = 0, ok_signin = 0,
                ok_attendance = 0, ok_column = 0}
  local kinds = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(sums) do
      sums[name] = sums[name] + thread:get(name)
    end
  end
  for _, kind in ipairs(KINDS) do
    local per_thread = {}
    for _, thread in ipairs(threads) do
      per_thread[thread:get("tid") + 1] = thread:get("n_" .. kind)
    end
    table.insert(kinds, kind .. ":" .. table.concat(per_thread, "/"))
  end
  local e = summary.errors
  io.write(string.format(
    "KAJET-PEAK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d " ..
    "bad_4xx=%d bad_5xx=%d signed_out=%d starved=%d ok_signin=%d ok_attendance=%d " ..
    "ok_column=%d sent=%s\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, sums.bad_4xx, sums.bad_5xx,
    sums.signed_out, sums.starved, sums.ok_signin, sums.ok_attendance, sums.ok_column,
    table.concat(kinds, ",")
  ))
end
