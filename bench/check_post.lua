-- wrk script for bench/check_bench.py: POST a one-subject credit check with a random USCC
-- from $BENCH_USCC_FILE, with the bearer token $BENCH_TOKEN when set.
local codes = {}
for line in io.lines(os.getenv("BENCH_USCC_FILE")) do
  codes[#codes + 1] = line
end
local token = os.getenv("BENCH_TOKEN") or ""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

request = function()
  local code = codes[math.random(#codes)]
  return wrk.format(nil, nil, nil,
    '{"scenario":"bidding","purpose":"bench","subjects":[{"uscc":"' .. code .. '"}]}')
end
