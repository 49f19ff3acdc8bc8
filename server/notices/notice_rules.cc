// The pure half of notices: types, masking, list checks, the public entry and the window.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/crypto_util.h"
#include "common/mask.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "common/vocab.h"
#include "fmt/format.h"
#include "notices/notices.h"

namespace qf::notices {
namespace json = boost::json;
namespace {

constexpr Word<NoticeState> kStates[] = {
    {NoticeState::kDraft, "draft", "草稿"},
    {NoticeState::kPublished, "published", "已发布"},
    {NoticeState::kFinal, "final", "已确定"},
    {NoticeState::kArchived, "archived", "已归档"},
};
constexpr Word<NoticeStatus> kStatuses[] = {
    {NoticeStatus::kDraft, "draft", "草稿"},
    {NoticeStatus::kScheduled, "scheduled", "待发布"},
    {NoticeStatus::kOpen, "open", "公示中"},
    {NoticeStatus::kClosed, "closed", "公示期满，待确定"},
    {NoticeStatus::kFinal, "final", "已确定"},
    {NoticeStatus::kArchived, "archived", "已归档"},
};

// Splits valid UTF-8 into code points (as byte strings).
std::optional<Mask> ParseMask(std::string_view m) {
  if (m == "none") return Mask::kNone;
  if (m == "middle") return Mask::kMiddle;
  if (m == "id_6_4") return Mask::kId64;
  if (m == "hidden") return Mask::kHidden;
  return std::nullopt;
}

std::optional<double> ParsePoints(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 8) return std::nullopt;
  double v = 0;
  bool dot = false;
  double scale = 1;
  for (char c : s) {
    if (c == '.' && !dot) dot = true;
    else if (c >= '0' && c <= '9') {
      if (dot) v += (c - '0') * (scale /= 10);
      else v = v * 10 + (c - '0');
    } else return std::nullopt;
  }
  return v;
}

bool ValidPhone(std::string_view p) {
  if (p.size() < 7 || p.size() > 20) return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+'; });
}

}  // namespace

const FieldSpec* NoticeType::Field(std::string_view k) const {
  for (const auto& f : fields)
    if (f.key == k) return &f;
  return nullptr;
}

absl::StatusOr<NoticeTypes> NoticeTypes::Load(const std::string& path) {
  try {
    auto tbl = toml::parse_file(path);
    std::ostringstream os;
    os << tbl;
    return Parse(os.str(), path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", path, e.description()));
  }
}

absl::StatusOr<NoticeTypes> NoticeTypes::Parse(std::string_view text, std::string_view source) {
  toml::table tbl;
  try {
    tbl = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", source, e.description()));
  }
  NoticeTypes out;
  auto* arr = tbl["type"].as_array();
  if (!arr) return absl::InvalidArgumentError(fmt::format("{}: no [[type]]", source));
  for (auto& node : *arr) {
    auto* t = node.as_table();
    if (!t) continue;
    NoticeType nt;
    nt.code = (*t)["code"].value_or(std::string());
    nt.name = (*t)["name"].value_or(std::string());
    nt.basis = (*t)["basis"].value_or(std::string());
    nt.duration.count = static_cast<int>((*t)["duration"].value_or(int64_t{0}));
    std::string unit = (*t)["duration_unit"].value_or(std::string("calendar"));
    nt.duration.unit = unit == "working" ? TermUnit::kWorkingDays : TermUnit::kCalendarDays;
    nt.review_working_days = static_cast<int>((*t)["review_working_days"].value_or(int64_t{5}));
    nt.max_points = (*t)["max_points"].value_or(0.0);
    nt.highest_only = (*t)["highest_only"].value_or(false);
    nt.key = (*t)["key"].value_or(std::string());
    auto where = fmt::format("{}: type {}", source, nt.code);
    if (nt.code.empty() || nt.name.empty() || nt.duration.count <= 0 || (unit != "calendar" && unit != "working"))
      return absl::InvalidArgumentError(where + ": code, name, duration and duration_unit are required");
    if (auto* fields = (*t)["fields"].as_array()) {
      for (auto& fn : *fields) {
        auto* f = fn.as_table();
        if (!f) continue;
        FieldSpec fs;
        fs.key = (*f)["key"].value_or(std::string());
        fs.label = (*f)["label"].value_or(std::string());
        fs.kind = (*f)["kind"].value_or(std::string("text"));
        fs.required = (*f)["required"].value_or(false);
        fs.is_public = (*f)["public"].value_or(false);
        auto mask = ParseMask((*f)["mask"].value_or(std::string("hidden")));
        if (fs.key.empty() || fs.label.empty() || !mask)
          return absl::InvalidArgumentError(where + ": every field needs key, label and a known mask");
        fs.mask = *mask;
        // The rules of DOMAIN.md section 4, whatever the file says.
        if ((fs.kind == "phone" || fs.kind == "address") && fs.is_public)
          return absl::InvalidArgumentError(fmt::format("{}: field {} ({}) may never be public", where, fs.key, fs.kind));
        if (fs.kind == "id_number" && fs.is_public && fs.mask != Mask::kId64 && fs.mask != Mask::kHidden)
          return absl::InvalidArgumentError(fmt::format("{}: an ID number is shown only as id_6_4 or hidden", where));
        if (fs.kind == "name" && fs.is_public && fs.mask != Mask::kNone && fs.mask != Mask::kMiddle)
          return absl::InvalidArgumentError(fmt::format("{}: a name is shown whole or masked in the middle", where));
        if (!fs.is_public) fs.mask = Mask::kHidden;
        nt.fields.push_back(std::move(fs));
      }
    }
    if (nt.highest_only && (!nt.Field(nt.key) || !nt.Field("points")))
      return absl::InvalidArgumentError(where + ": highest_only needs a key field and a points field");
    out.types_.push_back(std::move(nt));
  }
  return out;
}

const NoticeType* NoticeTypes::Find(std::string_view code) const {
  for (const auto& t : types_)
    if (t.code == code) return &t;
  return nullptr;
}

std::string ApplyMask(Mask mask, std::string_view value) {
  switch (mask) {
    case Mask::kNone: return std::string(value);
    case Mask::kMiddle: return MaskName(value);
    case Mask::kId64: return MaskIdNumber(value);
    case Mask::kHidden: return "";
  }
  return "";
}

ImportResult CheckList(const NoticeType& type, const Table& table,
                       const std::function<bool(const std::string&)>& school_exists) {
  ImportResult r;
  std::vector<int> col(type.fields.size(), -1);
  for (size_t i = 0; i < type.fields.size(); ++i) {
    col[i] = ColumnIndex(table, {type.fields[i].key, type.fields[i].label});
    if (col[i] < 0 && type.fields[i].required)
      r.errors.push_back(AtRow(table.header_row, "column_missing", {type.fields[i].label}, fmt::format("缺少“{}”列", type.fields[i].label)));
  }
  if (!r.errors.empty()) return r;
  if (table.rows.empty()) {
    r.errors.push_back({"file", "名单没有任何数据行", "no_rows"});
    return r;
  }
  // Per candidate: the entry whose points count.
  std::map<std::string, size_t> best;
  for (size_t ri = 0; ri < table.rows.size(); ++ri) {
    const auto& row = table.rows[ri];
    int rn = table.row_numbers[ri];
    Entry e;
    e.row_number = rn;
    bool row_ok = true;
    for (size_t i = 0; i < type.fields.size(); ++i) {
      const FieldSpec& f = type.fields[i];
      std::string v = col[i] >= 0 ? std::string(Trim(row[col[i]])) : "";
      auto fail = [&](std::string msg, std::string rule, std::vector<std::string> args = {}) {
        r.errors.push_back(AtCell(rn, col[i] >= 0 ? col[i] : 0, f.label, std::move(rule), std::move(args), std::move(msg)));
        row_ok = false;
      };
      if (v.empty()) {
        if (f.required) fail("不能为空", "required");
        continue;
      }
      long len = Utf8Length(v);
      if (len < 0) { fail("不是有效的文字", "utf8"); continue; }
      if (len > 100) { fail("过长（最多100字）", "max_chars", {"100"}); continue; }
      if (f.kind == "id_number") {
        if (v.back() == 'x') v.back() = 'X';
        if (!ValidIdNumber(v)) { fail("身份证号码应为18位且校验码正确", "id_number"); continue; }
      } else if (f.kind == "points") {
        auto p = ParsePoints(v);
        if (!p) { fail("分值应为数字", "number"); continue; }
        if (*p <= 0 && f.key == "points") { fail("分值应大于0", "positive"); continue; }
        if (type.max_points > 0 && f.key == "points" && *p > type.max_points) {
          fail(fmt::format("分值 {} 超过上限 {} 分", v, type.max_points), "points_cap", {v, fmt::format("{}", type.max_points)});
          continue;
        }
        e.data[f.key] = *p;
        continue;
      } else if (f.kind == "phone") {
        if (!ValidPhone(v)) { fail("电话号码格式不正确", "phone"); continue; }
      } else if (f.kind == "school") {
        if (!school_exists(v)) { fail("系统中没有这所学校：" + v, "school_unknown", {v}); continue; }
      } else if (f.kind == "name") {
        if (len > 20) { fail("姓名过长", "max_chars", {"20"}); continue; }
      }
      e.data[f.key] = v;
    }
    if (!row_ok) continue;
    e.seq = static_cast<int>(r.entries.size()) + 1;
    r.entries.push_back(std::move(e));
    if (type.highest_only) {
      const Entry& cur = r.entries.back();
      std::string key = json::value_to<std::string>(cur.data.at(type.key));
      auto it = best.find(key);
      if (it == best.end()) {
        best[key] = r.entries.size() - 1;
      } else {
        Entry& prev = r.entries[it->second];
        Entry& now = r.entries.back();
        bool now_higher = now.data.at("points").as_double() > prev.data.at("points").as_double();
        Entry& loser = now_higher ? prev : now;
        Entry& winner = now_higher ? now : prev;
        loser.counted = false;
        loser.note = fmt::format("同一考生在第{}行有更高的加分项目（{}分），只计最高一项，本行不计", winner.row_number,
                                 winner.data.at("points").as_double());
        r.warnings.push_back(AtRow(loser.row_number, "highest_only",
                                   {std::to_string(winner.row_number), fmt::format("{}", winner.data.at("points").as_double())},
                                   loser.note));
        if (now_higher) it->second = r.entries.size() - 1;
      }
    }
  }
  // A total column that adds items up breaks the rule: it must equal the highest item.
  if (type.highest_only && type.Field("total")) {
    for (const auto& e : r.entries) {
      auto t = e.data.find("total");
      if (t == e.data.end()) continue;
      std::string key = json::value_to<std::string>(e.data.at(type.key));
      const Entry& w = r.entries[best[key]];
      double highest = w.data.at("points").as_double();
      if (std::fabs(t->value().as_double() - highest) > 1e-9)
        r.errors.push_back({fmt::format("第{}行（合计）", e.row_number),
                            fmt::format("合计 {} 分与规则不符：同一考生只计最高一项，应为 {} 分，不累加",
                                        t->value().as_double(), highest),
                            "total_not_highest",
                            {fmt::format("{}", t->value().as_double()), fmt::format("{}", highest)},
                            e.row_number,
                            type.Field("total")->label});
    }
  }
  return r;
}

json::object PublicEntry(const NoticeType& type, const Entry& e) {
  json::object o{{"seq", e.seq}};
  for (const auto& f : type.fields) {
    if (!f.is_public || f.mask == Mask::kHidden) continue;
    auto it = e.data.find(f.key);
    if (it == e.data.end()) continue;
    if (it->value().is_double()) o[f.key] = it->value();
    else o[f.key] = ApplyMask(f.mask, it->value().as_string());
  }
  if (!e.counted) o["counted"] = false;
  if (!e.note.empty()) o["note"] = e.note;
  return o;
}

std::string PublicListHash(const json::array& entries) { return Sha256Hex(json::serialize(entries)); }

Window WindowFor(const NoticeType& type, const Calendar& cal, absl::Time publish_at) {
  Window w;
  w.opens_at = publish_at;
  // The publication day is the start and is not counted (民法典 第二百零一条): the term runs from the next day.
  w.last_day = cal.Add(CstDay(publish_at), type.duration).due;
  w.closes_at = CstStart(w.last_day + 1);
  w.final_day = cal.Add(w.last_day, Term{type.review_working_days, TermUnit::kWorkingDays}).due;
  return w;
}

std::string_view Code(NoticeState s) { return WordCode(kStates, s); }
absl::StatusOr<NoticeState> StoredNoticeState(std::string_view code) {
  auto s = ParseWord(kStates, code);
  if (!s) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_enum", "数据库中的 notices.state 取值无效：" + std::string(code));
  return *s;
}
std::string Sql(std::initializer_list<NoticeState> states) { return SqlList(kStates, states); }
std::string_view Code(NoticeStatus s) { return WordCode(kStatuses, s); }
std::string_view Label(NoticeStatus s) { return WordLabel(kStatuses, s); }

NoticeStatus StatusAt(NoticeState state, std::optional<absl::Time> publish_at, std::optional<absl::Time> closes_at,
                      absl::Time now) {
  switch (state) {
    case NoticeState::kDraft: return NoticeStatus::kDraft;
    case NoticeState::kFinal: return NoticeStatus::kFinal;
    case NoticeState::kArchived: return NoticeStatus::kArchived;
    case NoticeState::kPublished: break;
  }
  if (publish_at && now < *publish_at) return NoticeStatus::kScheduled;
  if (closes_at && now < *closes_at) return NoticeStatus::kOpen;
  return NoticeStatus::kClosed;
}

absl::Status MayTake(NoticeAction action, const NoticeFacts& f) {
  if (!f.manages) return Forbidden("notice.scope", "只有发布公示的单位可以办理此公示");
  const NoticeStatus s = f.status;
  switch (action) {
    case NoticeAction::kPublish:
      if (s != NoticeStatus::kDraft) return Conflict("notice.state", "只有草稿可以发布");
      return absl::OkStatus();
    case NoticeAction::kCorrect:
      if (s != NoticeStatus::kScheduled && s != NoticeStatus::kOpen && s != NoticeStatus::kClosed)
        return Conflict("notice.state", "只有已发布、尚未确定的公示可以更正");
      return absl::OkStatus();
    case NoticeAction::kFinalize:
      if (s != NoticeStatus::kClosed)
        return Conflict("notice.state", s == NoticeStatus::kOpen || s == NoticeStatus::kScheduled
                                            ? "公示期尚未结束，名单不能确定"
                                            : "只有公示期满的公示可以确定");
      if (f.unanswered_objections > 0)
        return Conflict("notice.objections_open",
                        fmt::format("还有 {} 件异议尚未答复，名单不能确定", f.unanswered_objections));
      return absl::OkStatus();
    case NoticeAction::kArchive:
      if (s != NoticeStatus::kFinal) return Conflict("notice.state", "只有已确定的公示可以归档");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown notice action");
}

std::vector<std::string> Actions(const NoticeFacts& facts) {
  std::vector<std::string> out;
  for (auto [a, code] : {std::pair{NoticeAction::kPublish, "publish"}, std::pair{NoticeAction::kCorrect, "correct"},
                         std::pair{NoticeAction::kFinalize, "finalize"}, std::pair{NoticeAction::kArchive, "archive"}})
    if (MayTake(a, facts).ok()) out.emplace_back(code);
  return out;
}

}  // namespace qf::notices
