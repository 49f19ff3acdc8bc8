-- wrk script: durable public submissions, each a different complaint text.
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"category":"fees","title":"资料费","content":"学校收取资料费180元，未公示收费依据，编号' ..
               counter .. '","anonymous":true}'
  return wrk.format("POST", "/api/v1/public/cases?ledger_receipt=deferred", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
