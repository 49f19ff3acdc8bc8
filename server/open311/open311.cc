#include "open311/open311.h"

#include <pugixml.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "absl/strings/numbers.h"
#include "cases/deadlines.h"
#include "cases/lifecycle.h"
#include "cases/model.h"
#include "common/json_input.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"

namespace qf::open311 {
namespace {

namespace json = boost::json;

// What a form sends under a name (the last value when repeated), or empty.
std::string FormValue(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name) {
  std::string out;
  for (const auto& [k, v] : form)
    if (k == name) out = v;
  return std::string(Trim(out));
}

// The first `n` characters of UTF-8 text (a title made from the description).
std::string Utf8Prefix(std::string_view s, size_t n) {
  std::string out;
  auto chars = Utf8Chars(s);
  for (size_t i = 0; i < std::min(n, chars.size()); ++i) out += chars[i];
  return out;
}

// The attributes every service takes (GET services/{code}): the case's fields a platform can fill beyond the
// spec's own parameters.
struct Attribute {
  const char* code;
  const char* datatype;
  const char* description;
};
constexpr Attribute kAttributes[] = {
    {"title", "string", "标题（不填则取反映内容的开头）"},
    {"kind", "singlevaluelist", "诉求类型"},
    {"unit", "string", "被反映的学校或单位（全称、简称或别名均可）"},
    {"occurred_on", "datetime", "事情发生的日期"},
    {"leadership_accused", "singlevaluelist", "反映对象是否为该单位领导（是则按回避规则由纪检部门办理）"},
    {"work_order_no", "string", "平台工单编号（同一平台同一工单只登记一次）"},
};

// The Open311 parameter a case field's problem belongs to.
std::string ParamOf(std::string_view field) {
  static const std::map<std::string_view, std::string_view> kParams{
      {"category", "service_code"},       {"content", "description"},
      {"title", "attribute[title]"},      {"kind", "attribute[kind]"},
      {"occurred_on", "attribute[occurred_on]"},
      {"reporter.name", "last_name"},     {"reporter.phone", "phone"},
      {"reporter.address", "email"},      {"reporter", "phone"}};
  auto it = kParams.find(field);
  return std::string(it == kParams.end() ? field : it->second);
}

}  // namespace

absl::StatusOr<Settings> LoadSettings(const std::string& policies_dir) {
  Settings s;
  std::string file = policies_dir + "/open311.toml";
  try {
    auto t = toml::parse_file(file);
    s.jurisdiction_id = t["jurisdiction_id"].value_or(std::string());
    s.contact = t["contact"].value_or(std::string());
    s.key_service = t["key_service"].value_or(std::string());
    s.changeset = t["changeset"].value_or(std::string());
    s.submit_burst = t["submit_burst"].value_or(s.submit_burst);
    s.submit_per_minute = t["submit_per_minute"].value_or(s.submit_per_minute);
    if (auto* services = t["services"].as_table()) {
      for (const auto& [code, node] : *services) {
        std::string c(code.str());
        if (!cases::LabelOf(cases::kCategories, c))
          return Invalid("policy.open311", "open311.toml：[services." + c + "] 不是案件分类");
        const auto* e = node.as_table();
        if (!e) return Invalid("policy.open311", "open311.toml：[services." + c + "] 应为表");
        s.services[c] = {(*e)["description"].value_or(std::string()), (*e)["keywords"].value_or(std::string()),
                         (*e)["group"].value_or(std::string())};
      }
    }
  } catch (const toml::parse_error& e) {
    return Invalid("policy.open311", "open311.toml：" + std::string(e.description()));
  }
  if (s.jurisdiction_id.empty() || !ParseUtc(s.changeset))
    return Invalid("policy.open311", "open311.toml：须有 jurisdiction_id 和 RFC 3339 格式的 changeset");
  if (s.submit_burst < 1 || s.submit_per_minute <= 0)
    return Invalid("policy.open311", "open311.toml：submit_burst 和 submit_per_minute 应为正数");
  return s;
}

std::string Iso8601(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, Cst()); }

json::object Discovery(const Settings& s, std::string_view base_url) {
  std::string changeset = Iso8601(*ParseUtc(s.changeset));
  json::object endpoint{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                        {"url", std::string(base_url)},
                        {"changeset", changeset},
                        {"type", "production"},
                        {"formats", json::array{"text/xml", "application/json"}}};
  return json::object{{"changeset", changeset},
                      {"contact", s.contact},
                      {"key_service", s.key_service},
                      {"endpoints", json::array{endpoint}}};
}

json::array Services(const Settings& s) {
  json::array out;
  for (const auto& c : cases::kCategories) {
    auto it = s.services.find(c.code);
    Settings::Service extra = it == s.services.end() ? Settings::Service{} : it->second;
    out.push_back(json::object{{"service_code", c.code},
                               {"service_name", c.label},
                               {"description", extra.description},
                               {"metadata", true},
                               {"type", "realtime"},
                               {"keywords", extra.keywords},
                               {"group", extra.group}});
  }
  return out;
}

absl::StatusOr<json::object> ServiceDefinition(std::string_view service_code) {
  if (!cases::LabelOf(cases::kCategories, service_code))
    return NotFound("open311.service", "没有这个服务（service_code）：" + std::string(service_code));
  json::array attributes;
  int order = 0;
  for (const auto& a : kAttributes) {
    json::object o{{"variable", true},
                   {"code", a.code},
                   {"datatype", a.datatype},
                   {"required", false},
                   {"datatype_description", ""},
                   {"order", ++order},
                   {"description", a.description}};
    if (std::string_view(a.code) == "kind") {
      json::array values;
      for (const auto& k : cases::kKinds) values.push_back(json::object{{"key", k.code}, {"name", k.label}});
      o["values"] = std::move(values);
    } else if (std::string_view(a.code) == "leadership_accused") {
      o["values"] = json::array{json::object{{"key", "false"}, {"name", "否"}}, json::object{{"key", "true"}, {"name", "是"}}};
    }
    attributes.push_back(std::move(o));
  }
  return json::object{{"service_code", std::string(service_code)}, {"attributes", std::move(attributes)}};
}

absl::StatusOr<Submission> ParseSubmission(const std::vector<std::pair<std::string, std::string>>& form) {
  Submission s;
  std::vector<FieldError> errors;
  s.api_key = FormValue(form, "api_key");
  s.account_id = FormValue(form, "account_id");
  std::map<std::string, std::string> attrs;
  for (const auto& [k, v] : form) {
    if (!k.starts_with("attribute[") || !k.ends_with("]")) continue;
    std::string code = k.substr(10, k.size() - 11);
    bool known = false;
    for (const auto& a : kAttributes) known = known || code == a.code;
    if (!known) errors.push_back({k, "未知属性（见 GET services/{service_code}）"});
    else attrs[code] = std::string(Trim(v));
  }
  std::string description = FormValue(form, "description");
  if (description.empty()) errors.push_back({"description", "必填：反映的内容"});
  // Where and what the platform points at, kept with the text (Qingfeng has no map of its own).
  std::string content = description;
  std::string address = FormValue(form, "address_string"), lat = FormValue(form, "lat"), lon = FormValue(form, "long");
  std::string address_id = FormValue(form, "address_id"), media = FormValue(form, "media_url");
  // A coordinate given is a number within its range.
  auto degrees = [](const std::string& text, double limit) {
    double v = 0;
    return text.empty() || (absl::SimpleAtod(text, &v) && std::abs(v) <= limit);
  };
  if (!degrees(lat, 90)) errors.push_back({"lat", "应为纬度（WGS84）"});
  if (!degrees(lon, 180)) errors.push_back({"long", "应为经度（WGS84）"});
  if (lat.empty() != lon.empty()) errors.push_back({lat.empty() ? "lat" : "long", "经纬度须同时提供"});
  if (!address.empty() || !lat.empty() || !address_id.empty()) {
    std::string where = address;
    if (!lat.empty()) where += (where.empty() ? "" : " ") + ("（" + lat + ", " + lon + "）");
    if (!address_id.empty()) where += (where.empty() ? "" : " ") + ("地址编号 " + address_id);
    content += "\n地点：" + where;
  }
  if (!media.empty()) content += "\n图片链接：" + media;

  json::object body{{"category", FormValue(form, "service_code")}, {"content", content}};
  body["title"] = attrs.count("title") && !attrs["title"].empty() ? attrs["title"] : Utf8Prefix(description, 30);
  if (!attrs["kind"].empty()) body["kind"] = attrs["kind"];
  if (auto when = attrs["occurred_on"]; !when.empty()) {
    auto day = ParseDayText(when);
    if (!day) errors.push_back({"attribute[occurred_on]", "日期格式应为 YYYY-MM-DD 或 RFC 3339"});
    else body["occurred_on"] = FormatDay(*day);
  }
  if (auto lead = attrs["leadership_accused"]; !lead.empty()) {
    if (lead != "true" && lead != "false") errors.push_back({"attribute[leadership_accused]", "应为 true 或 false"});
    body["leadership_accused"] = lead == "true";
  }
  std::string name = FormValue(form, "last_name") + FormValue(form, "first_name");
  std::string phone = FormValue(form, "phone"), email = FormValue(form, "email");
  if (name.empty() != phone.empty()) {
    errors.push_back({name.empty() ? "last_name" : "phone", "实名反映须同时提供姓名（last_name、first_name）和电话（phone）；匿名则都不填"});
  }
  body["anonymous"] = name.empty() || phone.empty();
  if (!name.empty() && !phone.empty()) {
    json::object reporter{{"name", name}, {"phone", phone}};
    if (!email.empty()) reporter["address"] = "电子邮箱：" + email;
    body["reporter"] = std::move(reporter);
  }
  s.unit_text = attrs["unit"];
  if (Utf8Length(s.unit_text) > 100) errors.push_back({"attribute[unit]", "不超过100字"});
  std::string ref = attrs["work_order_no"];
  if (Utf8Length(ref) > 64) errors.push_back({"attribute[work_order_no]", "不超过64字"});
  auto parsed = cases::ParseNewCase(body, false);
  if (!parsed.ok()) {
    for (const auto& f : FieldErrors(parsed.status())) {
      // A title cut from the description fails with the description.
      if ((f.field == "title" && !attrs.count("title")) || (f.field == "content" && description.empty())) continue;
      errors.push_back({ParamOf(f.field), f.message});
    }
    if (FieldErrors(parsed.status()).empty()) return parsed.status();
  }
  if (!errors.empty()) return Invalid("open311.invalid", "提交的请求有误", errors);
  s.new_case = std::move(*parsed);
  s.new_case.external_ref = ref;
  return s;
}

absl::StatusOr<RequestQuery> ParseRequestQuery(const std::vector<std::pair<std::string, std::string>>& query,
                                               absl::Time now) {
  RequestQuery q;
  std::vector<FieldError> errors;
  if (auto ids = FormValue(query, "service_request_id"); !ids.empty()) {
    for (std::string_view part : Split(ids, ',')) {
      int64_t id = 0;
      if (!absl::SimpleAtoi(std::string(Trim(part)), &id) || id <= 0) {
        errors.push_back({"service_request_id", "应为以逗号分隔的请求编号"});
        break;
      }
      q.ids.push_back(id);
    }
    if (q.ids.size() > 100) errors.push_back({"service_request_id", "一次最多查询100个编号"});
    if (!errors.empty()) return Invalid("open311.invalid", "查询条件有误", errors);
    return q;
  }
  q.service_code = FormValue(query, "service_code");
  if (!q.service_code.empty() && !cases::LabelOf(cases::kCategories, q.service_code))
    errors.push_back({"service_code", "没有这个服务"});
  if (auto status = FormValue(query, "status"); !status.empty()) {
    bool open = false, closed = false;
    for (std::string_view part : Split(status, ',')) {
      part = Trim(part);
      if (part == "open") open = true;
      else if (part == "closed") closed = true;
      else errors.push_back({"status", "应为 open 或 closed"});
    }
    if (open != closed) q.closed = closed;
  }
  std::optional<absl::Time> start, end;
  for (auto [name, target] : {std::pair{"start_date", &start}, std::pair{"end_date", &end}}) {
    if (auto v = FormValue(query, name); !v.empty()) {
      *target = ParseUtc(v);
      if (!*target) errors.push_back({name, "时间格式应为 ISO 8601（含时区），如 2026-07-01T00:00:00+08:00"});
    }
  }
  q.end = end.value_or(now);
  q.start = start.value_or(q.end - absl::Hours(24 * kMaxDays));
  if (q.start > q.end) errors.push_back({"start_date", "不能晚于 end_date"});
  else if (q.end - q.start > absl::Hours(24 * kMaxDays))
    errors.push_back({"end_date", "一次最多查询90天（规范的上限）"});
  if (!errors.empty()) return Invalid("open311.invalid", "查询条件有误", errors);
  return q;
}

namespace {

// The case's public facts: category, state, the times it moved, its handling unit, and the earliest open overall
// deadline (the ones the portal shows the reporter).
const std::string& Columns() {
  static const std::string kSql =
      "SELECT c.id, c.category, c.state, c.received_at, c.accepted_at, c.dispatched_at, c.signed_at, c.replied_at, "
      "c.closed_at, u.name, (SELECT MIN(d.due_on) FROM case_deadlines d WHERE d.case_id = c.id AND d.status = 'open' "
      "AND d.kind IN " + cases::SqlKinds(cases::Watch::kOverall) + ") "
      "FROM cases c LEFT JOIN org_units u ON u.id = c.handling_unit_id ";
  return kSql;
}

json::object RequestJson(const Stmt& st) {
  auto state = cases::ParseState(st.Text(2)).value_or(cases::State::kRegistered);
  std::string category = st.Text(1);
  absl::Time requested = ParseUtc(st.Text(3)).value_or(absl::UnixEpoch());
  absl::Time updated = requested;
  for (int col = 4; col <= 8; ++col)
    if (!st.IsNull(col))
      if (auto t = ParseUtc(st.Text(col)); t && *t > updated) updated = *t;
  json::value expected = nullptr;
  if (!st.IsNull(10))
    if (auto day = ParseDay(st.Text(10))) expected = Iso8601(CstStart(*day + 1) - absl::Seconds(1));
  // The spec's fields, in its order; what the public may not see (the text, the place) stays empty.
  return json::object{{"service_request_id", std::to_string(st.Int(0))},
                      {"status", cases::IsTerminal(state) ? "closed" : "open"},
                      {"status_notes", std::string(cases::StateLabel(state))},
                      {"service_name", cases::LabelOf(cases::kCategories, category).value_or(category)},
                      {"service_code", category},
                      {"description", nullptr},
                      {"agency_responsible", st.IsNull(9) ? json::value(nullptr) : json::value(st.Text(9))},
                      {"service_notice", nullptr},
                      {"requested_datetime", Iso8601(requested)},
                      {"updated_datetime", Iso8601(updated)},
                      {"expected_datetime", expected},
                      {"address", nullptr},
                      {"address_id", nullptr},
                      {"zipcode", nullptr},
                      {"lat", nullptr},
                      {"long", nullptr},
                      {"media_url", nullptr}};
}

}  // namespace

std::string WindowSql(bool by_category) {
  std::string sql = Columns() + "WHERE c.received_at >= ?1 AND c.received_at < ?2 AND c.restricted = 0 ";
  if (by_category) sql += "AND c.category = ?3 ";
  return sql;
}

absl::StatusOr<json::array> FindRequests(Db& db, const RequestQuery& q) {
  json::array out;
  std::string sql;
  if (!q.ids.empty()) {
    sql = Columns() + "WHERE c.restricted = 0 AND c.id IN (";
    for (size_t i = 0; i < q.ids.size(); ++i) sql += i ? ",?" : "?";
    sql += ") ORDER BY c.received_at DESC, c.id DESC";
  } else {
    sql = WindowSql(!q.service_code.empty());
    if (q.closed) sql += std::string("AND c.state ") + (*q.closed ? "IN " : "NOT IN ") + cases::TerminalStatesSql() + " ";
    sql += "ORDER BY c.received_at DESC, c.id DESC LIMIT " + std::to_string(kMaxResults);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  if (!q.ids.empty()) {
    for (size_t i = 0; i < q.ids.size(); ++i) st.Bind(static_cast<int>(i + 1), q.ids[i]);
  } else {
    st.Bind(1, FormatUtc(q.start)).Bind(2, FormatUtc(q.end));
    if (!q.service_code.empty()) st.Bind(3, q.service_code);
  }
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(RequestJson(st));
  }
  return out;
}

absl::Status CheckFormat(std::string_view format) {
  if (format == "json" || format == "xml") return absl::OkStatus();
  return NotFound("open311.format", "不支持的格式：" + std::string(format) + "（可用 json、xml）");
}

namespace {

std::string ItemName(std::string_view container) {
  static const std::map<std::string_view, std::string_view> kItems{
      {"services", "service"}, {"service_requests", "request"}, {"errors", "error"}, {"attributes", "attribute"},
      {"values", "value"},     {"endpoints", "endpoint"},      {"formats", "format"}};
  auto it = kItems.find(container);
  return std::string(it == kItems.end() ? "item" : it->second);
}

void AppendXml(pugi::xml_node parent, const std::string& name, const json::value& v) {
  pugi::xml_node node = parent.append_child(name.c_str());
  switch (v.kind()) {
    case json::kind::object:
      for (const auto& [k, x] : v.as_object()) AppendXml(node, std::string(k), x);
      break;
    case json::kind::array:
      for (const auto& x : v.as_array()) AppendXml(node, ItemName(name), x);
      break;
    case json::kind::string:
      if (!v.as_string().empty()) node.text().set(std::string(v.as_string()).c_str());
      break;
    case json::kind::bool_:
      node.text().set(v.as_bool() ? "true" : "false");
      break;
    case json::kind::null:
      break;
    default:
      node.text().set(json::serialize(v).c_str());
  }
}

}  // namespace

std::string ToXml(std::string_view root, const json::value& doc) {
  pugi::xml_document xml;
  auto decl = xml.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  AppendXml(xml, std::string(root), doc);
  std::ostringstream out;
  xml.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

json::array Errors(const absl::Status& status, int http_status) {
  json::array out;
  for (const auto& f : FieldErrors(status))
    out.push_back(json::object{{"code", http_status}, {"description", f.field + "：" + f.message}});
  if (out.empty()) out.push_back(json::object{{"code", http_status}, {"description", Str(status.message())}});
  return out;
}

}  // namespace qf::open311
