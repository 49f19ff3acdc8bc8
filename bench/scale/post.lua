-- wrk script for bench/scale: public complaints with varied categories and texts (common words such as 收费 in
-- many, rare ones in few), each a different submission.
local counter = 0
local items = {
  {"fees", "资料费", "学校收取资料费%d元，未公示收费依据"},
  {"fees", "补课收费", "班主任组织有偿补课，每人收费%d元"},
  {"tutoring", "周末补课", "学校周末集中补课，学生被要求到校，第%d周"},
  {"ethics", "师德问题", "老师在课堂上辱骂学生，家长多次反映，编号%d"},
  {"admission", "招生问题", "学校招生时要求交赞助费%d元"},
  {"safety", "食堂安全", "食堂饭菜不卫生，学生腹痛，第%d次"},
  {"exam", "考试作弊", "期中考试监考不严，编号%d"},
  {"other", "校车问题", "校车超载严重，车牌尾号%d"},
}
request = function()
  counter = counter + 1
  local it = items[(counter % #items) + 1]
  local body = string.format('{"category":"%s","title":"%s","content":"' .. it[3] .. '","anonymous":true}',
                             it[1], it[2], counter)
  return wrk.format("POST", "/api/v1/public/cases?ledger_receipt=deferred", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
