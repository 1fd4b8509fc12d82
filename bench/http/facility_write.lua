-- Write-heavy mix on the registry: 60 % POST /api/v1/facilities (a new facility, unique code),
-- 25 % PATCH /api/v1/facilities/{id} (If-Match: *, a new name_en: a population change can
-- break a grading rule of some demo facilities, 422) on random demo ids,
-- 15 % GET /api/v1/facilities/{id}. Every request is expected to answer 2xx.
--   wrk -t2 -c10 -d30s -s bench/http/facility_write.lua http://127.0.0.1:PORT -- RATE_PER_CONN MAX_ID
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local rate, max_id
local counter = 0
local prefix
local threads = {}
local json_headers = {["Content-Type"] = "application/json"}
local patch_headers = {["Content-Type"] = "application/merge-patch+json", ["If-Match"] = "*"}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

function init(args)
  rate = tonumber(args[1]) or 50
  max_id = tonumber(args[2]) or 3000
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tid or 0))
  prefix = string.format("WB%d-%d-", os.time() % 100000, tid or 0)
  -- The Authorization header given with -H (scripts/bench-http.sh) on the writes too.
  for k, v in pairs(wrk.headers) do
    if k ~= "Host" then json_headers[k] = v; patch_headers[k] = v end
  end
end

function delay() return common.delay_ms(rate) end

function request()
  local r = math.random()
  if r < 0.60 then
    counter = counter + 1
    local code = prefix .. counter
    local body = string.format(
      '{"code":"%s","name":"壓測設施 %s","name_en":"Load test %s","sector":"energy","subsector":"electricity",' ..
      '"type":"power_plant","county_code":"63000","lat":25.04,"lon":121.51,"population":%d,"cii":false,' ..
      '"status":"active"}', code, code, code, math.random(0, 100000))
    return wrk.format("POST", "/api/v1/facilities", json_headers, body)
  elseif r < 0.85 then
    return wrk.format("PATCH", "/api/v1/facilities/" .. math.random(1, max_id), patch_headers,
                      string.format('{"name_en":"Patched %d"}', math.random(0, 100000)))
  else
    return wrk.format("GET", "/api/v1/facilities/" .. math.random(1, max_id))
  end
end

function done(summary, latency, requests) common.summary("facility_write_mix", summary, latency) end
