-- Shared by the wrk scripts: a fixed request rate per connection (wrk has no -R; wrk2 is not
-- in Debian) and a machine-readable summary line.
--   wrk ... -s X.lua URL -- RATE_PER_CONNECTION [more args]
-- wrk measures latency from sending a request to its answer; the delay before sending is
-- not counted, so the percentiles are service latency at the offered rate.
local M = {}

function M.delay_ms(rate_per_connection)
  if rate_per_connection == nil or rate_per_connection <= 0 then return 0 end
  return 1000 / rate_per_connection
end

function M.summary(name, summary, latency)
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"bench":"%s","requests":%d,"seconds":%.2f,"rps":%.1f,"errors":%d,"non_2xx":%d,' ..
    '"latency_ms":{"mean":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f}}\n',
    name, summary.requests, secs, summary.requests / secs,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end

return M
