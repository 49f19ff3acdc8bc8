// Field work: the groups and forms of a campaign, an inspector's own forms, saving drafts and submitting with
// optimistic versions (tablets go offline), evidence files, and the leader's confirmation that turns findings
// into rectification orders.
#include <algorithm>
#include <map>

#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mime.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "inspect/record.h"
#include "inspect/store_util.h"
#include "org/org.h"
#include "storage/evidence_files.h"

namespace qf::inspect {
namespace json = boost::json;

absl::StatusOr<json::array> GroupsJson(Db& db, int64_t campaign_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT g.id,g.name,g.leader_person_id,g.members,(SELECT json_group_array(u.name) FROM inspection_forms f "
      "JOIN org_units u ON u.id=f.school_id WHERE f.group_id=g.id) FROM inspection_groups g WHERE g.campaign_id=? ORDER BY g.id"));
  st.Bind(1, campaign_id);
  std::vector<std::tuple<int64_t, std::string, int64_t, std::string, std::string>> rows;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    rows.emplace_back(st.Int(0), st.Text(1), st.Int(2), st.Text(3), st.Text(4));
  }
  json::array out;
  for (auto& [id, name, leader, members, schools] : rows) {
    json::array names;
    QF_ASSIGN_OR_RETURN(auto ids, StoredArray(members, "inspection_groups.members"));
    for (auto& m : ids)
      if (m.is_int64()) names.push_back(json::string(PersonName(db, m.as_int64())));
    QF_ASSIGN_OR_RETURN(auto sv, StoredArray(schools, "campaigns.sample (groups)"));
    size_t load = sv.size();
    out.push_back(json::object{{"id", id}, {"name", name}, {"leader", PersonName(db, leader)}, {"members", names},
                               {"schools", std::move(sv)}, {"load", load}});
  }
  return out;
}

absl::StatusOr<json::array> FormsSummary(Db& db, int64_t campaign_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT f.id,u.name,u.district,f.state,json_array_length(f.findings),g.name,"
      "(SELECT COUNT(*) FROM rectifications r WHERE r.form_id=f.id AND r.state NOT IN " +
      Sql({RectificationState::kAccepted}) + ") "
      "FROM inspection_forms f JOIN org_units u ON u.id=f.school_id JOIN inspection_groups g ON g.id=f.group_id "
      "WHERE f.campaign_id=? ORDER BY g.id, u.code"));
  st.Bind(1, campaign_id);
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(FormState state, StoredFormState(st.Text(3)));
    out.push_back(json::object{{"form_id", st.Int(0)}, {"school", st.Text(1)}, {"district", st.Text(2)},
                               {"state", Code(state)}, {"state_label", Label(state)},
                               {"findings", st.Int(4)}, {"group", st.Text(5)}, {"rectifications_open", st.Int(6)}});
  }
  return out;
}

namespace {

struct FormRow {
  int64_t id = 0, campaign_id = 0, group_id = 0, school_id = 0, leader = 0, version = 0;
  FormState state = FormState::kOpen;
  std::string title, school, period_from, period_to;
  json::object answers;
  json::array findings, checklist;
  std::vector<int64_t> members;
};

absl::StatusOr<FormRow> LoadForm(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT f.id,f.campaign_id,f.group_id,f.school_id,g.leader_person_id,f.version,f.state,c.title,u.name,f.answers,"
      "f.findings,c.checklist,g.members,c.period_from,c.period_to FROM inspection_forms f "
      "JOIN inspection_groups g ON g.id=f.group_id JOIN campaigns c ON c.id=f.campaign_id JOIN org_units u ON u.id=f.school_id "
      "WHERE f.id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("form.not_found", "检查表不存在");
  FormRow f;
  f.id = st.Int(0);
  f.campaign_id = st.Int(1);
  f.group_id = st.Int(2);
  f.school_id = st.Int(3);
  f.leader = st.Int(4);
  f.version = st.Int(5);
  QF_ASSIGN_OR_RETURN(f.state, StoredFormState(st.Text(6)));
  f.title = st.Text(7);
  f.school = st.Text(8);
  QF_ASSIGN_OR_RETURN(f.answers, StoredObject(st.Text(9), "inspection_forms.answers"));
  QF_ASSIGN_OR_RETURN(f.findings, StoredArray(st.Text(10), "inspection_forms.findings"));
  QF_ASSIGN_OR_RETURN(f.checklist, StoredArray(st.Text(11), "campaigns.checklist"));
  QF_ASSIGN_OR_RETURN(auto members, StoredArray(st.Text(12), "inspection_groups.members"));
  for (auto& m : members)
    if (m.is_int64()) f.members.push_back(m.as_int64());
  f.period_from = st.Text(13);
  f.period_to = st.Text(14);
  return f;
}

FormFacts FactsFor(const FormRow& f, const Principal& who) {
  bool member = who.person_id && std::find(f.members.begin(), f.members.end(), who.person_id) != f.members.end();
  return {f.state, member, member && who.person_id == f.leader};
}

json::object FormJson(Db& db, const FormRow& f, const Principal& who) {
  return json::object{{"id", f.id}, {"campaign_id", f.campaign_id}, {"campaign", f.title}, {"school", f.school},
                      {"school_id", f.school_id}, {"state", Code(f.state)}, {"state_label", Label(f.state)},
                      {"actions", ActionsJson(Actions(FactsFor(f, who), who))}, {"version", f.version}, {"checklist", f.checklist},
                      {"answers", f.answers}, {"findings", f.findings}, {"leader", PersonName(db, f.leader)},
                      {"is_leader", who.person_id == f.leader}, {"period_from", f.period_from}, {"period_to", f.period_to}};
}

}  // namespace

absl::StatusOr<json::object> MyForms(Db& db, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT f.id,c.title,u.name,u.district,f.state,g.name,g.leader_person_id=?1,c.period_from,c.period_to FROM inspection_forms f "
      "JOIN inspection_groups g ON g.id=f.group_id JOIN campaigns c ON c.id=f.campaign_id JOIN org_units u ON u.id=f.school_id "
      "WHERE EXISTS(SELECT 1 FROM json_each(g.members) m WHERE CAST(m.value AS BIGINT)=?1) ORDER BY f.state=?2, c.id DESC, u.code"));
  st.Bind(1, who.person_id).Bind(2, Code(FormState::kConfirmed));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(FormState state, StoredFormState(st.Text(4)));
    items.push_back(json::object{{"id", st.Int(0)}, {"campaign", st.Text(1)}, {"school", st.Text(2)}, {"district", st.Text(3)},
                                 {"state", Code(state)}, {"state_label", Label(state)},
                                 {"group", st.Text(5)}, {"is_leader", st.Int(6) != 0},
                                 {"period_from", st.Text(7)}, {"period_to", st.Text(8)}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> FormView(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(FormRow f, LoadForm(db, id));
  // The planners see every form; an inspector the forms of their own groups.
  if ((who.roles & kPlanners) == 0 && !FactsFor(f, who).member) return NotFound("form.not_found", "检查表不存在");
  return FormJson(db, f, who);
}

absl::StatusOr<FormSave> ParseFormSave(const json::object& body) {
  JsonInput in(body);
  FormSave r;
  r.version = in.Int("version", true, 1, INT64_MAX).value_or(0);
  r.submit = in.Bool("submit", false).value_or(false);
  const json::value* av = body.if_contains("answers");
  if (av && !av->is_object()) in.Fail("answers", "应为对象");
  else if (av) r.answers = av->as_object();
  if (auto* fv = body.if_contains("findings")) {
    if (!fv->is_array() || fv->as_array().size() > 100) {
      in.Fail("findings", "应为问题清单（最多100条）");
    } else {
      int k = 0;
      for (auto& x : fv->as_array()) {
        std::string prefix = fmt::format("findings[{}]", k++);
        if (!x.is_object()) {
          in.Fail(prefix, "应为对象");
          continue;
        }
        JsonInput fi(x.as_object(), prefix);
        auto item = fi.Str("item", true, 32);
        auto desc = fi.Str("description", true, 1000);
        for (auto& e : fi.errors()) in.Fail(e.field, e.message);
        if (item && desc) r.findings.push_back({*item, *desc});
      }
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<json::object> SaveForm(Tx& tx, int64_t id, const FormSave& req, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(FormRow f, LoadForm(db, id));
  QF_RETURN_IF_ERROR(MayTake(req.submit ? FormAction::kSubmit : FormAction::kSave, FactsFor(f, who), who));
  const bool submit = req.submit;
  if (req.version != f.version)
    return MakeError(absl::StatusCode::kAborted, "form.stale", "检查表已被同组其他人员修改，请刷新后再保存", {{"version", "已过期"}});
  // The answers are checked against this checklist's items and their answer types.
  std::vector<FieldError> errors;
  auto fail = [&errors](std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); };
  json::object answers;
  std::map<std::string, std::string> types;
  for (auto& item : f.checklist) types[std::string(item.at("key").as_string())] = std::string(item.at("answer").as_string());
  for (auto& [k, v] : req.answers) {
    std::string key(k), field = "answers." + key;
    auto t = types.find(key);
    if (t == types.end()) { fail(field, "没有这个检查项目"); continue; }
    if (v.is_null()) continue;
    const std::string& type = t->second;
    if (type == "yesno" && !v.is_bool()) fail(field, "应为是或否");
    else if (type == "number" && (!v.is_int64() || v.as_int64() < 0)) fail(field, "应为非负整数");
    else if (type == "amount" && (!v.is_number() || v.to_number<double>() < 0)) fail(field, "应为非负金额（元）");
    else if (type == "text" && (!v.is_string() || Utf8Length(v.as_string()) > 1000)) fail(field, "应为不超过1000字的文字");
    else if (type == "evidence") {
      bool ok = v.is_array() && v.as_array().size() <= 20;
      if (ok)
        for (auto& h : v.as_array()) {
          if (!h.is_string()) { ok = false; break; }
          QF_ASSIGN_OR_RETURN(bool mine, IsEvidenceOf(db, "form", id, std::string(h.as_string())));
          if (!mine) { ok = false; break; }
        }
      if (!ok) fail(field, "应为已上传的证据文件");
    }
    answers[key] = v;
  }
  json::array findings;
  for (size_t k = 0; k < req.findings.size(); ++k) {
    const auto& [item, desc] = req.findings[k];
    if (!types.count(item)) fail(fmt::format("findings[{}].item", k), "没有这个检查项目");
    findings.push_back(json::object{{"item", item}, {"description", desc}});
  }
  if (submit) {
    for (const auto& entry : types) {
      const std::string& key = entry.first;
      const std::string& type = entry.second;
      auto it = answers.find(key);
      if (it == answers.end() || it->value().is_null()) fail("answers." + key, "提交前须填写每一项");
      else if (type == "yesno" && !it->value().as_bool() &&
               std::none_of(findings.begin(), findings.end(), [&](auto& x) { return x.at("item").as_string() == key; }))
        fail("findings", "“" + key + "”不符合要求，须写明发现的问题");
    }
  }
  if (!errors.empty()) return Invalid("validation_failed", fmt::format("有 {} 处输入需要修改", errors.size()), errors);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE inspection_forms SET answers=?, findings=?, state=?, filled_by=?, updated_at=?, submitted_at=?, "
      "version=version+1 WHERE id=? AND version=?"));
  const FormState next = submit ? FormState::kSubmitted : FormState::kDraft;
  st.Bind(1, json::serialize(answers)).Bind(2, json::serialize(findings)).Bind(3, Code(next))
      .Bind(4, who.person_id).Bind(5, FormatUtc(tx.now()));
  if (submit) st.Bind(6, FormatUtc(tx.now())); else st.BindNull(6);
  st.Bind(7, id).Bind(8, req.version);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append(submit ? "form.submitted" : "form.saved", "form:" + std::to_string(id),
                               {{"answers_sha256", Sha256Hex(json::serialize(answers))}, {"findings", findings.size()}})
                         .status());
  return json::object{{"id", id}, {"state", Code(next)}, {"version", req.version + 1}};
}

absl::StatusOr<std::string> StoreEvidence(Tx& tx, std::string_view kind, int64_t subject_id, const std::string& name,
                                          const std::string& data) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(KeptFile kept, KeepEvidenceFile(tx, data));
  const std::string& hash = kept.sha256;
  const std::string& type = kept.mime;
  QF_ASSIGN_OR_RETURN(auto ev, db.Prepare(
      "INSERT INTO evidence(kind,subject_id,hash,name,added_at) VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING"));
  ev.Bind(1, kind).Bind(2, subject_id).Bind(3, hash).Bind(4, name).Bind(5, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(ev.Run());
  QF_RETURN_IF_ERROR(tx.Append("evidence.added", fmt::format("{}:{}", kind, subject_id),
                               {{"sha256", hash}, {"name", name}, {"size", data.size()}, {"mime", type}})
                         .status());
  return hash;
}

absl::StatusOr<bool> IsEvidenceOf(Db& db, std::string_view kind, int64_t subject_id, const std::string& hash) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM evidence WHERE kind=? AND subject_id=? AND hash=?"));
  st.Bind(1, kind).Bind(2, subject_id).Bind(3, hash);
  return st.Step();
}

absl::StatusOr<std::string> AddEvidence(Tx& tx, int64_t form_id, const std::string& name, const std::string& data,
                                        const Principal& who) {
  QF_ASSIGN_OR_RETURN(FormRow f, LoadForm(tx.db(), form_id));
  QF_RETURN_IF_ERROR(MayTake(FormAction::kAddEvidence, FactsFor(f, who), who));
  return StoreEvidence(tx, "form", form_id, name, data);
}

absl::StatusOr<EvidenceFile> GetEvidence(Db& db, const std::string& hash, const Principal& who) {
  // The discipline office, leaders and inspectors see every evidence file; a school only its own orders' files.
  bool may = OverseesInspections(who);
  if (!may) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT r.school_id FROM evidence e JOIN rectifications r ON r.id=e.subject_id "
        "WHERE e.hash=? AND e.kind='rectification'"));
    st.Bind(1, hash);
    while (!may) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      QF_ASSIGN_OR_RETURN(may, org::IsWithin(db, st.Int(0), who.unit_id));
    }
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT b.mime, b.data FROM blobs b WHERE b.hash=?1 AND EXISTS(SELECT 1 FROM evidence e WHERE e.hash=?1)"));
  st.Bind(1, hash);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!may || !row) return NotFound("evidence.not_found", "证据文件不存在");
  return EvidenceFile{st.Text(0), st.Text(1)};
}

absl::StatusOr<json::object> ConfirmForm(Tx& tx, const InspectEnv& env, int64_t id, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(FormRow f, LoadForm(db, id));
  QF_RETURN_IF_ERROR(MayTake(FormAction::kConfirm, FactsFor(f, who), who));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE inspection_forms SET state=?, confirmed_by=?, confirmed_at=? WHERE id=?"));
  st.Bind(1, Code(FormState::kConfirmed)).Bind(2, who.person_id).Bind(3, FormatUtc(tx.now())).Bind(4, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("form.confirmed", "form:" + std::to_string(id), {{"findings", f.findings.size()}}).status());
  // Each finding becomes an order to rectify within its item's term (the policy's term unless the plan says otherwise).
  QF_ASSIGN_OR_RETURN(auto default_term, env.policies->DeadlineFor("rectification", "", "", "", false));
  json::array orders;
  for (auto& x : f.findings) {
    std::string item(x.at("item").as_string()), desc(x.at("description").as_string());
    std::string label = item;
    Term term = default_term.term;
    for (auto& c : f.checklist)
      if (c.at("key").as_string() == item) {
        label = std::string(c.at("label").as_string());
        if (auto* t = c.as_object().if_contains("term"); t && t->is_string())
          if (auto parsed = Term::Parse(t->as_string()); parsed.ok()) term = *parsed;
      }
    QF_ASSIGN_OR_RETURN(Issued order, IssueRectification(tx, *env.calendar,
                                                         {f.campaign_id, id, f.school_id, label, desc, term}));
    orders.push_back(json::object{{"id", order.id}, {"due_on", FormatDay(order.due_on)}});
  }
  return json::object{{"id", id}, {"state", Code(FormState::kConfirmed)}, {"rectifications", orders}};
}

}  // namespace qf::inspect
