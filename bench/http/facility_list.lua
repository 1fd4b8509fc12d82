-- A filtered list of 100: GET /api/v1/facilities?sector=S&limit=100&offset=O, S over the
-- eight sectors and O in {0, 100}.
--   wrk -t2 -c10 -d30s -s bench/http/facility_list.lua http://127.0.0.1:PORT -- RATE_PER_CONN
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local rate
local sectors = {"energy", "water", "communications", "transportation", "finance",
                 "emergency_hospital", "government", "industrial_parks"}

function init(args)
  rate = tonumber(args[1]) or 50
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function delay() return common.delay_ms(rate) end

function request()
  local s = sectors[math.random(1, #sectors)]
  return wrk.format("GET", "/api/v1/facilities?sector=" .. s .. "&limit=100&offset=" .. (100 * math.random(0, 1)))
end

function done(summary, latency, requests) common.summary("facility_list_100", summary, latency) end
