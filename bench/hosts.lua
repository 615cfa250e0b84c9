-- wrk script: every request carries one of 10,000 distinct Host values, in turn.
local hosts = {}
for i = 1, 10000 do
  hosts[i] = "site-" .. i .. ".example.com"
end
local n = 0

request = function()
  n = n % #hosts + 1
  return wrk.format("GET", "/small.bin", { ["Host"] = hosts[n] })
end
