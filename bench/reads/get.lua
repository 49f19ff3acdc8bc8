-- wrk script: a signed-in user asking for one path again and again (QF_COOKIE: the session cookies, empty for the
-- public; QF_PATH: the path).
local cookie = os.getenv("QF_COOKIE") or ""
local path = os.getenv("QF_PATH") or "/healthz"

request = function()
  return wrk.format("GET", path, {["Cookie"] = cookie})
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
