// Notices in the database: drafts, publication with the list's hash in the ledger, objections as cases,
// corrections, finality, and the public and staff views.
#include <set>

#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "notices/notices.h"
#include "org/org.h"

namespace qf::notices {
namespace json = boost::json;
namespace {

std::string Subject(int64_t id) { return "notice:" + std::to_string(id); }

struct Row {
  int64_t id = 0;
  std::string type, title;
  NoticeState state = NoticeState::kDraft;
  int64_t issuing_unit_id = 0;
  json::array warnings;
  std::optional<absl::Time> publish_at, closes_at;
  std::string last_day, final_day, list_hash, created_at;
  int64_t list_seq = 0;
};

absl::StatusOr<std::optional<Row>> Load(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,type,title,state,issuing_unit_id,warnings,COALESCE(publish_at,''),COALESCE(closes_at,''),"
      "COALESCE(last_day,''),COALESCE(final_day,''),COALESCE(list_hash,''),COALESCE(list_seq,0),created_at "
      "FROM notices WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::nullopt;
  Row r;
  r.id = st.Int(0);
  r.type = st.Text(1);
  r.title = st.Text(2);
  QF_ASSIGN_OR_RETURN(r.state, StoredNoticeState(st.Text(3)));
  r.issuing_unit_id = st.Int(4);
  QF_ASSIGN_OR_RETURN(r.warnings, StoredArray(st.Text(5), "notices.warnings"));
  r.publish_at = ParseUtc(st.Text(6));
  r.closes_at = ParseUtc(st.Text(7));
  r.last_day = st.Text(8);
  r.final_day = st.Text(9);
  r.list_hash = st.Text(10);
  r.list_seq = st.Int(11);
  r.created_at = st.Text(12);
  return r;
}

absl::StatusOr<Row> Must(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto r, Load(db, id));
  if (!r) return NotFound("notice.not_found", "公示不存在");
  return *r;
}

NoticeStatus StatusOf(const Row& r, absl::Time now) { return StatusAt(r.state, r.publish_at, r.closes_at, now); }

// Staff of the issuing unit or a unit above it, and the discipline office, manage a notice.
absl::StatusOr<bool> Manages(Db& db, const Row& r, const Principal& who) {
  if (who.Has(kSupervisor)) return true;
  return org::IsWithin(db, r.issuing_unit_id, who.unit_id);
}

// The facts the notice rules need; counting the unanswered objections only when asked (finalising, the view).
absl::StatusOr<NoticeFacts> FactsFor(Db& db, const Row& r, const Principal& who, absl::Time now, bool objections) {
  NoticeFacts f{StatusOf(r, now), false, 0};
  QF_ASSIGN_OR_RETURN(f.manages, Manages(db, r, who));
  if (objections) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT case_id FROM notice_objections WHERE notice_id=?"));
    st.Bind(1, r.id);
    QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
    QF_ASSIGN_OR_RETURN(f.unanswered_objections, cases::CountUnanswered(db, ids));
  }
  return f;
}

absl::StatusOr<std::vector<Entry>> Entries(Db& db, int64_t id, std::vector<std::string>* statuses = nullptr) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT seq,row_number,data,counted,status,note FROM notice_entries WHERE notice_id=? ORDER BY seq"));
  st.Bind(1, id);
  std::vector<Entry> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Entry e;
    e.seq = static_cast<int>(st.Int(0));
    e.row_number = static_cast<int>(st.Int(1));
    QF_ASSIGN_OR_RETURN(e.data, StoredObject(st.Text(2), "notice_entries.data"));
    e.counted = st.Int(3) != 0;
    e.note = st.Text(5);
    if (statuses) statuses->push_back(st.Text(4));
    out.push_back(std::move(e));
  }
  return out;
}

// The public list: counted entries only (a lower item of the same candidate is not published), removed
// entries as their number and correction note.
absl::StatusOr<json::array> PublicEntries(Db& db, const NoticeType& type, int64_t id) {
  std::vector<std::string> statuses;
  QF_ASSIGN_OR_RETURN(auto entries, Entries(db, id, &statuses));
  json::array out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].counted) continue;
    if (statuses[i] == "removed") {
      out.push_back(json::object{{"seq", entries[i].seq}, {"removed", true}, {"note", entries[i].note}});
      continue;
    }
    json::object o = PublicEntry(type, entries[i]);
    o.erase("counted");
    if (statuses[i] == "corrected") o["corrected"] = true;
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<const NoticeType*> TypeOf(const NoticeEnv& env, const Row& r) {
  const NoticeType* t = env.types->Find(r.type);
  if (!t) return absl::InternalError("公示类型已不在配置中：" + r.type);
  return t;
}

json::array Columns(const NoticeType& type, bool staff) {
  json::array cols;
  for (const auto& f : type.fields)
    if (staff || (f.is_public && f.mask != Mask::kHidden))
      cols.push_back(json::object{{"key", f.key}, {"label", f.label}, {"public", f.is_public && f.mask != Mask::kHidden}});
  return cols;
}

// The list hash the ledger recorded at the notice's last publication or correction event.
absl::StatusOr<std::string> LedgerHash(Db& db, int64_t seq) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT payload FROM events WHERE seq=?"));
  st.Bind(1, seq);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::string();
  QF_ASSIGN_OR_RETURN(auto v, StoredObject(st.Text(0), "events.payload"));
  if (auto* h = v.if_contains("list_hash"); h && h->is_string()) return std::string(h->as_string());
  return std::string();
}

absl::StatusOr<json::object> Header(Db& db, const NoticeEnv& env, const Row& r, absl::Time now) {
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, r));
  NoticeStatus status = StatusOf(r, now);
  json::object o{{"id", r.id}, {"type", r.type}, {"type_name", type->name}, {"title", r.title},
                 {"basis", type->basis}, {"issuing_unit", json::object{{"id", r.issuing_unit_id}, {"name", org::UnitName(db, r.issuing_unit_id)}}},
                 {"status", Code(status)}, {"status_label", Label(status)},
                 {"duration", type->duration.ToString()}};
  if (r.publish_at) o["publish_at"] = FormatUtc(*r.publish_at);
  if (r.closes_at) o["closes_at"] = FormatUtc(*r.closes_at);
  if (!r.last_day.empty()) o["last_day"] = r.last_day;
  if (!r.final_day.empty()) o["final_day"] = r.final_day;
  if (!r.list_hash.empty()) o["list_hash"] = r.list_hash;
  if (r.list_seq) o["ledger_seq"] = r.list_seq;
  return o;
}

// Recomputes the public list and records its hash as a ledger event of `kind`.
absl::StatusOr<std::pair<std::string, int64_t>> RecordList(Tx& tx, const NoticeType& type, int64_t id,
                                                           std::string_view kind, json::object payload) {
  QF_ASSIGN_OR_RETURN(auto entries, PublicEntries(tx.db(), type, id));
  std::string hash = PublicListHash(entries);
  payload["list_hash"] = hash;
  payload["entries"] = entries.size();
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append(kind, Subject(id), payload));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE notices SET list_hash=?, list_seq=? WHERE id=?"));
  st.Bind(1, hash).Bind(2, seq).Bind(3, id);
  QF_RETURN_IF_ERROR(st.Run());
  return std::make_pair(hash, seq);
}

// The lookup the list check uses: an active school of that name.
std::function<bool(const std::string&)> SchoolExists(Db& db) {
  return [&db](const std::string& name) {
    auto st = db.Prepare("SELECT 1 FROM org_units WHERE kind='school' AND active=1 AND name=?");
    if (!st.ok()) return false;
    st->Bind(1, name);
    auto row = st->Step();
    return row.ok() && *row;
  };
}

json::array ErrorsJson(const std::vector<FieldError>& errs) {
  json::array a;
  for (const auto& e : errs) a.push_back(FieldJson(e));
  return a;
}

}  // namespace

absl::StatusOr<json::object> CreateDraft(Tx& tx, const NoticeEnv& env, const std::string& type_code,
                                         const std::string& title, int64_t issuing_unit_id, const Table& table) {
  const NoticeType* type = env.types->Find(type_code);
  if (!type) return Invalid("notice.type", "没有这种公示类型：" + type_code, {{"type", "取值无效"}});
  Db& db = tx.db();
  ImportResult r = CheckList(*type, table, SchoolExists(db));
  if (!r.errors.empty())
    return Invalid("notice.list_invalid", fmt::format("名单有 {} 处问题，未保存，请改正后重新导入", r.errors.size()),
                   r.errors);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO notices(type,title,issuing_unit_id,state,warnings,created_by,created_at) VALUES(?,?,?,'draft',?,?,?)"));
  int64_t account = tx.actor().AccountId();
  st.Bind(1, type_code).Bind(2, title).Bind(3, issuing_unit_id).Bind(4, json::serialize(ErrorsJson(r.warnings)));
  if (account) st.Bind(5, account); else st.BindNull(5);
  st.Bind(6, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  std::string digest_input;
  for (const auto& e : r.entries) {
    QF_ASSIGN_OR_RETURN(auto es, db.Prepare(
        "INSERT INTO notice_entries(notice_id,seq,row_number,data,counted,note) VALUES(?,?,?,?,?,?)"));
    std::string data = json::serialize(e.data);
    digest_input += data + "\n";
    es.Bind(1, id).Bind(2, e.seq).Bind(3, e.row_number).Bind(4, data).Bind(5, int64_t{e.counted}).Bind(6, e.note);
    QF_RETURN_IF_ERROR(es.Run());
  }
  // The ledger holds a digest of the full list, never the personal data itself.
  QF_RETURN_IF_ERROR(tx.Append("notice.drafted", Subject(id),
                               {{"type", type_code}, {"title", title}, {"issuing_unit_id", issuing_unit_id},
                                {"rows", r.entries.size()}, {"data_sha256", Sha256Hex(digest_input)}})
                         .status());
  size_t counted = std::count_if(r.entries.begin(), r.entries.end(), [](const Entry& e) { return e.counted; });
  return json::object{{"id", id}, {"rows", r.entries.size()}, {"entries", counted}, {"warnings", ErrorsJson(r.warnings)}};
}

absl::StatusOr<json::object> Publish(Tx& tx, const NoticeEnv& env, int64_t id, absl::Time publish_at,
                                     const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row r, Must(tx.db(), id));
  QF_ASSIGN_OR_RETURN(NoticeFacts facts, FactsFor(tx.db(), r, who, tx.now(), false));
  QF_RETURN_IF_ERROR(MayTake(NoticeAction::kPublish, facts));
  if (publish_at < tx.now() - absl::Minutes(5))
    return Invalid("notice.publish_at", "发布时间不能早于现在", {{"publish_at", "不能早于现在"}});
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, r));
  Window w = WindowFor(*type, *env.calendar, publish_at);
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE notices SET state=?, publish_at=?, closes_at=?, last_day=?, final_day=? WHERE id=?"));
  st.Bind(1, Code(NoticeState::kPublished)).Bind(2, FormatUtc(w.opens_at)).Bind(3, FormatUtc(w.closes_at))
      .Bind(4, FormatDay(w.last_day)).Bind(5, FormatDay(w.final_day)).Bind(6, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_ASSIGN_OR_RETURN(auto rec, RecordList(tx, *type, id, "notice.published",
                                           {{"publish_at", FormatUtc(w.opens_at)}, {"closes_at", FormatUtc(w.closes_at)},
                                            {"final_day", FormatDay(w.final_day)}}));
  return json::object{{"id", id}, {"publish_at", FormatUtc(w.opens_at)}, {"closes_at", FormatUtc(w.closes_at)},
                      {"last_day", FormatDay(w.last_day)}, {"final_day", FormatDay(w.final_day)},
                      {"list_hash", rec.first}, {"ledger_seq", rec.second}};
}

absl::StatusOr<DraftRequest> ParseDraft(std::string_view type, std::string_view title) {
  DraftRequest r{std::string(Trim(type)), std::string(Trim(title))};
  std::vector<FieldError> errs;
  if (r.type.empty()) errs.push_back({"type", "请选择公示类型"});
  if (r.title.empty() || Utf8Length(r.title) > 100) errs.push_back({"title", "请填写标题（不超过100字）"});
  if (!errs.empty()) return Invalid("notice.invalid", "请补全公示信息", errs);
  return r;
}

absl::Status MayManage(Db& db, int64_t notice_id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row r, Must(db, notice_id));
  QF_ASSIGN_OR_RETURN(bool manages, Manages(db, r, who));
  if (!manages) return Forbidden("notice.scope", "只有发布公示的单位可以办理此公示");
  return absl::OkStatus();
}

absl::StatusOr<ObjectionRequest> ParseObjection(const json::object& body) {
  JsonInput in(body);
  ObjectionRequest r;
  if (auto seq = in.Int("entry_seq", false, 1, 100000)) r.entry_seq = static_cast<int>(*seq);
  r.name = in.Str("name", true, 20).value_or("");
  r.phone = in.Str("phone", true, 20).value_or("");
  r.content = in.Str("content", true, 2000).value_or("");
  if (!r.phone.empty() && (r.phone.size() < 7 || r.phone.find_first_not_of("0123456789-+ ") != std::string::npos))
    in.Fail("phone", "请填写正确的联系电话");
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<CorrectionRequest> ParseCorrection(const json::object& body) {
  JsonInput in(body);
  CorrectionRequest r;
  auto action = in.Enum("action", true, {"correct", "remove"});
  r.remove = action && *action == "remove";
  r.note = in.Str("note", true, 200).value_or("");
  r.case_id = in.Int("case_id", false, 1, INT64_MAX);
  if (action && *action == "correct") {
    auto* fields = body.if_contains("fields");
    if (!fields || !fields->is_object() || fields->as_object().empty()) {
      in.Fail("fields", "请填写要更正的内容");
    } else {
      for (const auto& [k, v] : fields->as_object()) {
        if (!v.is_string() && !v.is_number()) in.Fail("fields." + std::string(k), "更正内容应为文字或数字");
        else r.fields.emplace_back(std::string(k), v);
      }
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("notice.fields"));
  return r;
}

absl::StatusOr<json::object> Object(Tx& tx, const NoticeEnv& env, int64_t id, const ObjectionRequest& req) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
  NoticeStatus status = StatusOf(r, tx.now());
  if (status == NoticeStatus::kDraft || status == NoticeStatus::kArchived) return NotFound("notice.not_found", "公示不存在");
  if (status != NoticeStatus::kOpen)
    return Conflict("notice.window_closed",
                    status == NoticeStatus::kScheduled ? "公示尚未开始，暂不受理异议" : "公示期已结束，不再受理异议");
  const std::optional<int>& seq = req.entry_seq;
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, r));
  std::string about = "整个名单";
  if (seq) {
    QF_ASSIGN_OR_RETURN(auto entries, PublicEntries(db, *type, id));
    const json::object* hit = nullptr;
    for (auto& e : entries)
      if (e.as_object().at("seq").as_int64() == *seq) hit = &e.as_object();
    if (!hit || hit->contains("removed"))
      return Invalid("notice.entry", "名单中没有这一序号", {{"entry_seq", "序号不存在"}});
    about = fmt::format("第{}号", *seq);
    for (const auto& f : type->fields)
      if (auto* v = hit->if_contains(f.key); v && v->is_string()) about += fmt::format(" {}：{}", f.label, v->as_string().c_str());
  }
  cases::NewCase nc;
  nc.channel = "web";
  nc.category = type->code == "policy_bonus" ? "exam" : "other";
  nc.kind = "complaint";
  nc.title = fmt::format("对《{}》的异议", r.title);
  if (Utf8Length(nc.title) > 100) nc.title = "对公示名单的异议";
  nc.content = fmt::format("异议对象：{}\n异议内容：{}", about, req.content);
  nc.anonymous = false;
  nc.reporter_name = req.name;
  nc.reporter_phone = req.phone;
  nc.route_to_unit_id = r.issuing_unit_id;
  auto final_day = ParseDay(r.final_day);
  if (!final_day) return absl::InternalError("公示缺少确定日期");
  nc.due_by = cases::NewCase::DueBy{*final_day, "notice.objection",
                                    "公示异议应在名单确定前核查并答复异议人（" + type->basis + "）"};
  QF_ASSIGN_OR_RETURN(auto reg, cases::Register(tx, env.case_env, nc));
  int64_t case_id = reg.id;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO notice_objections(notice_id,entry_seq,case_id,created_at) VALUES(?,?,?,?)"));
  st.Bind(1, id).Bind(2, seq).Bind(3, case_id).Bind(4, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  json::object ev{{"case_id", case_id}};
  if (seq) ev["entry_seq"] = *seq;
  QF_RETURN_IF_ERROR(tx.Append("notice.objection", Subject(id), ev).status());
  return json::object{{"receipt", reg.receipt}, {"due_on", r.final_day},
                      {"ledger", json::object{{"leaf_index", reg.leaf_index}}},
                      {"message", fmt::format("异议已受理，请凭查询码跟踪办理进展；将于 {} 前答复。", r.final_day)}};
}

absl::StatusOr<json::object> Correct(Tx& tx, const NoticeEnv& env, int64_t id, int seq, const CorrectionRequest& req,
                                     const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
  QF_ASSIGN_OR_RETURN(NoticeFacts facts, FactsFor(db, r, who, tx.now(), false));
  QF_RETURN_IF_ERROR(MayTake(NoticeAction::kCorrect, facts));
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, r));
  const std::optional<int64_t>& case_id = req.case_id;
  std::string action = req.remove ? "remove" : "correct";
  std::vector<std::string> statuses;
  QF_ASSIGN_OR_RETURN(auto entries, Entries(db, id, &statuses));
  auto it = std::find_if(entries.begin(), entries.end(), [seq](const Entry& e) { return e.seq == seq; });
  if (it == entries.end()) return NotFound("notice.entry", "名单中没有这一序号");
  if (statuses[it - entries.begin()] == "removed") return Conflict("notice.entry_removed", "该条目已撤销");
  if (case_id) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM notice_objections WHERE notice_id=? AND case_id=?"));
    st.Bind(1, id).Bind(2, *case_id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Invalid("notice.case", "该件不是本公示的异议", {{"case_id", "不是本公示的异议"}});
  }
  Entry e = *it;
  json::object changed;
  if (!req.remove) {
    json::object fields;
    for (const auto& [k, v] : req.fields) fields[k] = v;
    // Re-check the corrected entry exactly as an import would.
    Table t;
    for (const auto& f : type->fields) t.header.push_back(f.key);
    std::vector<std::string> row;
    for (const auto& f : type->fields) {
      const json::value* nv = fields.if_contains(f.key);
      const json::value* ov = e.data.if_contains(f.key);
      const json::value* v = nv ? nv : ov;
      if (nv) changed[f.key] = true;
      if (!v) row.push_back("");
      else if (v->is_string()) row.push_back(std::string(v->as_string()));
      else if (v->is_double()) row.push_back(fmt::format("{}", v->as_double()));
      else if (v->is_int64()) row.push_back(std::to_string(v->as_int64()));
      else return Invalid("notice.fields", "更正内容应为文字或数字", {{"fields." + f.key, "类型不对"}});
    }
    for (const auto& [k, v] : fields)
      if (!type->Field(k)) return Invalid("notice.fields", "没有这一栏：" + std::string(k), {{"fields." + std::string(k), "栏目不存在"}});
    t.rows.push_back(row);
    t.row_numbers.push_back(e.row_number);
    ImportResult check = CheckList(*type, t, SchoolExists(db));
    if (!check.errors.empty()) {
      std::vector<FieldError> errs;
      for (auto& fe : check.errors) errs.push_back({"fields", fe.field + "：" + fe.message});
      return Invalid("notice.fields", "更正后的内容不符合要求", errs);
    }
    e.data = check.entries[0].data;
  }
  std::string visible = (req.remove ? "经核查已撤销：" : "经核查已更正：") + req.note;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE notice_entries SET data=?, status=?, note=? WHERE notice_id=? AND seq=?"));
  st.Bind(1, json::serialize(e.data)).Bind(2, req.remove ? "removed" : "corrected").Bind(3, visible).Bind(4, id).Bind(5, seq);
  QF_RETURN_IF_ERROR(st.Run());
  json::object ev{{"seq", seq}, {"action", action}, {"note", visible}, {"previous_hash", r.list_hash}};
  if (case_id) ev["case_id"] = *case_id;
  if (!changed.empty()) ev["fields"] = changed;
  QF_ASSIGN_OR_RETURN(auto rec, RecordList(tx, *type, id, "notice.corrected", ev));
  return json::object{{"id", id}, {"seq", seq}, {"note", visible}, {"list_hash", rec.first}, {"ledger_seq", rec.second}};
}

absl::StatusOr<json::object> Finalize(Tx& tx, const NoticeEnv& env, int64_t id, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
  QF_ASSIGN_OR_RETURN(NoticeFacts facts, FactsFor(db, r, who, tx.now(), true));
  QF_RETURN_IF_ERROR(MayTake(NoticeAction::kFinalize, facts));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE notices SET state=? WHERE id=?"));
  up.Bind(1, Code(NoticeState::kFinal)).Bind(2, id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("notice.finalized", Subject(id), {{"list_hash", r.list_hash}}));
  return json::object{{"id", id}, {"status", Code(NoticeStatus::kFinal)}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> Archive(Tx& tx, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row r, Must(tx.db(), id));
  QF_ASSIGN_OR_RETURN(NoticeFacts facts, FactsFor(tx.db(), r, who, tx.now(), false));
  QF_RETURN_IF_ERROR(MayTake(NoticeAction::kArchive, facts));
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE notices SET state=? WHERE id=?"));
  up.Bind(1, Code(NoticeState::kArchived)).Bind(2, id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_RETURN_IF_ERROR(tx.Append("notice.archived", Subject(id), {{"list_hash", r.list_hash}}).status());
  return json::object{{"id", id}, {"status", Code(NoticeStatus::kArchived)}};
}

absl::StatusOr<json::object> PublicList(Db& db, const NoticeEnv& env, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id FROM notices WHERE state IN " + Sql({NoticeState::kPublished, NoticeState::kFinal}) +
      " AND publish_at <= ? ORDER BY publish_at DESC LIMIT 100"));
  st.Bind(1, FormatUtc(now));
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  json::array items;
  for (int64_t id : ids) {
    QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
    QF_ASSIGN_OR_RETURN(auto h, Header(db, env, r, now));
    items.push_back(std::move(h));
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> PublicView(Db& db, const NoticeEnv& env, int64_t id, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto r, Load(db, id));
  if (!r || StatusOf(*r, now) == NoticeStatus::kDraft || StatusOf(*r, now) == NoticeStatus::kScheduled)
    return NotFound("notice.not_found", "公示不存在");
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, *r));
  QF_ASSIGN_OR_RETURN(auto o, Header(db, env, *r, now));
  QF_ASSIGN_OR_RETURN(auto entries, PublicEntries(db, *type, id));
  QF_ASSIGN_OR_RETURN(std::string recorded, LedgerHash(db, r->list_seq));
  std::string computed = PublicListHash(entries);
  o["columns"] = Columns(*type, false);
  o["entries"] = entries;
  o["computed_hash"] = computed;
  // The list as served must be the list the ledger recorded: a silent edit of a row shows here.
  o["intact"] = !recorded.empty() && recorded == computed;
  o["objections_open"] = StatusOf(*r, now) == NoticeStatus::kOpen;
  return o;
}

absl::StatusOr<json::object> StaffList(Db& db, const NoticeEnv& env, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM notices ORDER BY id DESC LIMIT 200"));
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  json::array items;
  for (int64_t id : ids) {
    QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
    QF_ASSIGN_OR_RETURN(auto h, Header(db, env, r, now));
    QF_ASSIGN_OR_RETURN(auto c, db.Prepare(
        "SELECT (SELECT COUNT(*) FROM notice_entries WHERE notice_id=?1 AND counted=1 AND status!='removed'),"
        "(SELECT COUNT(*) FROM notice_objections WHERE notice_id=?1)"));
    c.Bind(1, id);
    QF_ASSIGN_OR_RETURN(bool row, c.Step());
    h["entries"] = row ? c.Int(0) : 0;
    h["objections"] = row ? c.Int(1) : 0;
    items.push_back(std::move(h));
  }
  json::array types;
  for (const auto& t : env.types->all())
    types.push_back(json::object{{"code", t.code}, {"name", t.name}, {"duration", t.duration.ToString()},
                                 {"basis", t.basis}, {"columns", Columns(t, true)}});
  return json::object{{"items", items}, {"types", types}};
}

absl::StatusOr<json::object> StaffView(Db& db, const NoticeEnv& env, int64_t id, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(Row r, Must(db, id));
  QF_ASSIGN_OR_RETURN(const NoticeType* type, TypeOf(env, r));
  QF_ASSIGN_OR_RETURN(auto o, Header(db, env, r, now));
  QF_ASSIGN_OR_RETURN(NoticeFacts facts, FactsFor(db, r, who, now, true));
  auto actions = Actions(facts);
  o["actions"] = json::array(actions.begin(), actions.end());
  o["unanswered_objections"] = facts.unanswered_objections;
  std::vector<std::string> statuses;
  QF_ASSIGN_OR_RETURN(auto entries, Entries(db, id, &statuses));
  json::array rows;
  for (size_t i = 0; i < entries.size(); ++i) {
    json::object e{{"seq", entries[i].seq}, {"row_number", entries[i].row_number}, {"data", entries[i].data},
                   {"counted", entries[i].counted}, {"status", statuses[i]}, {"note", entries[i].note}};
    rows.push_back(std::move(e));
  }
  QF_ASSIGN_OR_RETURN(auto preview, PublicEntries(db, *type, id));
  o["columns"] = Columns(*type, true);
  o["public_columns"] = Columns(*type, false);
  o["rows"] = rows;
  o["preview"] = preview;
  o["warnings"] = r.warnings;
  if (r.list_seq) {
    QF_ASSIGN_OR_RETURN(std::string recorded, LedgerHash(db, r.list_seq));
    o["intact"] = recorded == PublicListHash(preview);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT o.id,o.entry_seq,o.case_id,c.receipt,c.state,o.created_at,COALESCE(c.replied_at,'') FROM notice_objections o "
      "JOIN cases c ON c.id=o.case_id WHERE o.notice_id=? ORDER BY o.id"));
  st.Bind(1, id);
  json::array objections;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object ob{{"id", st.Int(0)}, {"case_id", st.Int(2)}, {"state", st.Text(4)}, {"created_at", st.Text(5)},
                    {"answered", !st.Text(6).empty()}};
    if (auto s = st.OptInt(1)) ob["entry_seq"] = *s;
    objections.push_back(std::move(ob));
  }
  o["objections"] = objections;
  return o;
}

absl::StatusOr<std::vector<NoticeFigures>> PublishedBetween(Db& db, const NoticeTypes& types, absl::CivilDay from,
                                                            absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, type, title, publish_at FROM notices WHERE state IN " +
      Sql({NoticeState::kPublished, NoticeState::kFinal, NoticeState::kArchived}) +
      " AND publish_at >= ? AND publish_at < ? ORDER BY publish_at, id"));
  st.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  std::vector<NoticeFigures> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const NoticeType* type = types.Find(st.Text(1));
    if (!type) return absl::DataLossError("notices: a stored notice has a type no longer defined: " + st.Text(1));
    NoticeFigures f;
    f.title = st.Text(2);
    f.type_name = type->name;
    f.duration = type->duration;
    if (auto at = ParseUtc(st.Text(3))) f.published_on = CstDay(*at);
    const int64_t id = st.Int(0);
    std::vector<std::string> statuses;
    QF_ASSIGN_OR_RETURN(auto entries, Entries(db, id, &statuses));
    std::set<std::string> schools, candidates;
    const FieldSpec* school = nullptr;
    for (const auto& field : type->fields)
      if (field.kind == "school") school = &field;
    for (size_t i = 0; i < entries.size(); ++i) {
      f.corrected += statuses[i] == "corrected";
      f.removed += statuses[i] == "removed";
      if (!entries[i].counted || statuses[i] == "removed") continue;
      auto text = [&](const std::string& key) {
        const auto* v = entries[i].data.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      if (school) schools.insert(text(school->key));
      candidates.insert(type->key.empty() ? std::to_string(entries[i].seq) : text(type->key));
    }
    f.schools = static_cast<int>(schools.size());
    f.candidates = static_cast<int>(candidates.size());
    QF_ASSIGN_OR_RETURN(auto os, db.Prepare("SELECT case_id FROM notice_objections WHERE notice_id = ?"));
    os.Bind(1, id);
    QF_ASSIGN_OR_RETURN(auto case_ids, os.Ints());
    QF_ASSIGN_OR_RETURN(int64_t unanswered, cases::CountUnanswered(db, case_ids));
    f.objections = static_cast<int>(case_ids.size());
    f.answered = f.objections - static_cast<int>(unanswered);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace qf::notices
