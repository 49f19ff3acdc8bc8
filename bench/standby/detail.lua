-- wrk script: a signed-in supervisor opening case details at random (QF_COOKIE: the session cookies; QF_IDS: the
-- case ids to choose from, comma-separated).
local ids = {}
for id in string.gmatch(os.getenv("QF_IDS") or "", "%d+") do ids[#ids + 1] = id end
local cookie = os.getenv("QF_COOKIE") or ""
math.randomseed(os.time())

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/cases/" .. id, {["Cookie"] = cookie})
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
