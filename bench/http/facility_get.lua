-- GET /api/v1/facilities/{id} for random ids in 1..MAX_ID.
--   wrk -t2 -c10 -d30s -s bench/http/facility_get.lua http://127.0.0.1:PORT -- RATE_PER_CONN MAX_ID
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")
local rate, max_id

function init(args)
  rate = tonumber(args[1]) or 50
  max_id = tonumber(args[2]) or 3000
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function delay() return common.delay_ms(rate) end

function request()
  return wrk.format("GET", "/api/v1/facilities/" .. math.random(1, max_id))
end

function done(summary, latency, requests) common.summary("facility_get", summary, latency) end
