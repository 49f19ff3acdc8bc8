#include "placement/record.h"

#include "common/status.h"

namespace qf::placement {

namespace json = boost::json;

json::object RecordJson(const Recorded& rec) {
  json::array schools, children, exceptions;
  for (const School& s : rec.in.schools) {
    json::object seats;
    for (auto [g, n] : s.seats) seats[std::to_string(g)] = n;
    schools.push_back(json::object{{"code", s.code}, {"name", s.name}, {"district", s.district}, {"lat_e6", s.lat_e6},
                                   {"lon_e6", s.lon_e6}, {"seats", seats}});
  }
  for (size_t i = 0; i < rec.in.children.size(); ++i) {
    const Child& c = rec.in.children[i];
    json::object o{{"ref", c.ref}, {"district", c.district}, {"grade", c.grade}, {"tier", c.tier}, {"lat_e6", c.lat_e6},
                   {"lon_e6", c.lon_e6}, {"choices", json::array(c.choices.begin(), c.choices.end())},
                   {"lottery", c.lottery}};
    const auto& at = i < rec.school_of.size() ? rec.school_of[i] : std::nullopt;
    o["school"] = at ? json::value(*at) : json::value(nullptr);
    children.push_back(std::move(o));
  }
  for (const auto& [ref, d] : rec.decisions)
    exceptions.push_back(json::object{{"ref", ref}, {"from", d.from ? json::value(*d.from) : json::value(nullptr)},
                                      {"reason", d.reason}});
  return json::object{{"commitment", rec.commitment}, {"public_value", rec.public_value}, {"secret", rec.secret},
                      {"schools", schools}, {"children", children}, {"exceptions", exceptions}};
}

namespace {

absl::StatusOr<std::string> Text(const json::object& o, const char* key, const std::string& where) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return Invalid("placement.record", "公开记录格式不对", {{where + key, "应为字符串"}});
  return std::string(v->as_string());
}

absl::StatusOr<int64_t> Integer(const json::object& o, const char* key, const std::string& where) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return Invalid("placement.record", "公开记录格式不对", {{where + key, "应为整数"}});
  return v->as_int64();
}

const json::array* Array(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

}  // namespace

absl::StatusOr<Recorded> ParseRecord(const json::object& o) {
  Recorded rec;
  QF_ASSIGN_OR_RETURN(rec.commitment, Text(o, "commitment", ""));
  QF_ASSIGN_OR_RETURN(rec.public_value, Text(o, "public_value", ""));
  QF_ASSIGN_OR_RETURN(rec.secret, Text(o, "secret", ""));
  const json::array* schools = Array(o, "schools");
  const json::array* children = Array(o, "children");
  if (!schools || !children)
    return Invalid("placement.record", "公开记录格式不对", {{"schools", "应有学校和儿童两个列表"}});
  for (size_t i = 0; i < schools->size(); ++i) {
    std::string at = "schools[" + std::to_string(i) + "].";
    if (!(*schools)[i].is_object()) return Invalid("placement.record", "公开记录格式不对", {{at, "应为对象"}});
    const auto& so = (*schools)[i].as_object();
    School s;
    QF_ASSIGN_OR_RETURN(s.code, Text(so, "code", at));
    QF_ASSIGN_OR_RETURN(s.name, Text(so, "name", at));
    QF_ASSIGN_OR_RETURN(s.district, Text(so, "district", at));
    QF_ASSIGN_OR_RETURN(int64_t lat, Integer(so, "lat_e6", at));
    QF_ASSIGN_OR_RETURN(int64_t lon, Integer(so, "lon_e6", at));
    s.lat_e6 = static_cast<int32_t>(lat), s.lon_e6 = static_cast<int32_t>(lon);
    auto* seats = so.if_contains("seats");
    if (!seats || !seats->is_object()) return Invalid("placement.record", "公开记录格式不对", {{at + "seats", "应为对象"}});
    for (const auto& [g, n] : seats->as_object()) {
      if (!n.is_int64()) return Invalid("placement.record", "公开记录格式不对", {{at + "seats", "学位数应为整数"}});
      s.seats[std::atoi(std::string(g).c_str())] = static_cast<int>(n.as_int64());
    }
    rec.in.schools.push_back(std::move(s));
  }
  for (size_t i = 0; i < children->size(); ++i) {
    std::string at = "children[" + std::to_string(i) + "].";
    if (!(*children)[i].is_object()) return Invalid("placement.record", "公开记录格式不对", {{at, "应为对象"}});
    const auto& co = (*children)[i].as_object();
    Child c;
    QF_ASSIGN_OR_RETURN(c.ref, Text(co, "ref", at));
    QF_ASSIGN_OR_RETURN(c.district, Text(co, "district", at));
    QF_ASSIGN_OR_RETURN(int64_t grade, Integer(co, "grade", at));
    QF_ASSIGN_OR_RETURN(int64_t tier, Integer(co, "tier", at));
    QF_ASSIGN_OR_RETURN(int64_t lat, Integer(co, "lat_e6", at));
    QF_ASSIGN_OR_RETURN(int64_t lon, Integer(co, "lon_e6", at));
    QF_ASSIGN_OR_RETURN(c.lottery, Integer(co, "lottery", at));
    c.grade = static_cast<int>(grade), c.tier = static_cast<int>(tier);
    c.lat_e6 = static_cast<int32_t>(lat), c.lon_e6 = static_cast<int32_t>(lon);
    if (const json::array* ch = Array(co, "choices"))
      for (const auto& v : *ch)
        if (v.is_string()) c.choices.emplace_back(v.as_string());
    auto* school = co.if_contains("school");
    rec.school_of.push_back(school && school->is_string() ? std::optional(std::string(school->as_string())) : std::nullopt);
    rec.in.children.push_back(std::move(c));
  }
  if (const json::array* ex = Array(o, "exceptions"))
    for (size_t i = 0; i < ex->size(); ++i) {
      std::string at = "exceptions[" + std::to_string(i) + "].";
      if (!(*ex)[i].is_object()) return Invalid("placement.record", "公开记录格式不对", {{at, "应为对象"}});
      const auto& eo = (*ex)[i].as_object();
      QF_ASSIGN_OR_RETURN(std::string ref, Text(eo, "ref", at));
      Decision d;
      QF_ASSIGN_OR_RETURN(d.reason, Text(eo, "reason", at));
      if (auto* from = eo.if_contains("from"); from && from->is_string()) d.from = std::string(from->as_string());
      rec.decisions[ref] = std::move(d);
    }
  return rec;
}

Recorded RecordOf(const Instance& in, const Result& r, std::string commitment, std::string public_value,
                  std::string secret) {
  Recorded rec{std::move(commitment), std::move(public_value), std::move(secret), in, {}, {}};
  for (const Seat& s : r.seats)
    rec.school_of.push_back(s.school < 0 ? std::nullopt : std::optional(in.schools[s.school].code));
  return rec;
}

}  // namespace qf::placement
