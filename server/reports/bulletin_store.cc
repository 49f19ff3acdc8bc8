// The quarterly bulletin (季度通报) as a frozen snapshot: drafted from the data per district and unit, the narrative
// edited, approved by a leader with its hash and the ledger checkpoint (after which a trigger refuses any change
// to it), published on the portal and exported to XLSX from the snapshot, never from live data.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "auth/auth_store.h"
#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/vocab.h"
#include "common/xlsx_out.h"
#include "fmt/format.h"
#include "reports/bulletin.h"
#include "reports/documents.h"

namespace qf::reports {
namespace json = boost::json;
namespace {

constexpr const char* kColumns[][2] = {
    {"received", "受理件数"}, {"on_time", "按期办结"}, {"overdue", "超期"}, {"findings", "检查发现问题"},
    {"rect_open", "整改中"}, {"rect_closed", "已整改"}, {"refund_yuan", "清退金额（元）"}, {"refund_pupils", "清退人数"},
    {"sanctions", "问责处理"}, {"yellow_cards", "黄牌"}, {"red_cards", "红牌"}};

struct Metrics {
  std::string name, district;
  std::map<std::string, double> v;
};

std::string Subject(int64_t id) { return "bulletin:" + std::to_string(id); }

absl::StatusOr<json::object> BuildSnapshot(Db& db, const std::string& data_dir, const Period& p, absl::Time now) {
  std::string from = FormatUtc(CstStart(*ParseDay(p.from))), to = FormatUtc(CstStart(*ParseDay(p.to) + 1));
  std::string today = FormatDay(CstDay(now));
  std::map<int64_t, Metrics> units;
  auto add = [&](const std::string& sql, const std::vector<std::string>& metrics,
                 const std::vector<std::string>& binds) -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
    for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i) + 1, binds[i]);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Metrics& m = units[st.Int(0)];
      m.name = st.Text(1);
      m.district = st.Text(2).empty() ? "市直" : st.Text(2);
      for (size_t i = 0; i < metrics.size(); ++i) m.v[metrics[i]] += st.Double(3 + static_cast<int>(i));
    }
    return absl::OkStatus();
  };
  // Cases received in the quarter, by the unit they concern: on time, late or still open past the deadline.
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),COUNT(*),SUM(d.status='met'),"
      "SUM(d.status='missed' OR (d.status='open' AND d.due_on < ?3)) FROM cases c JOIN org_units u ON u.id=c.concerned_unit_id "
      "LEFT JOIN case_deadlines d ON d.case_id=c.id AND d.kind='handling' "
      "WHERE c.received_at >= ?1 AND c.received_at < ?2 AND c.merged_into IS NULL GROUP BY u.id, u.name, u.district",
      {"received", "on_time", "overdue"}, {from, to, today}));
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),COUNT(*),SUM(r.state!='accepted'),SUM(r.state='accepted') "
      "FROM rectifications r JOIN org_units u ON u.id=r.school_id WHERE r.issued_at >= ?1 AND r.issued_at < ?2 GROUP BY u.id, u.name, u.district",
      {"findings", "rect_open", "rect_closed"}, {from, to}));
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),SUM(r.amount_cents)/100.0,SUM(r.pupils) FROM refunds r "
      "JOIN org_units u ON u.id=r.school_id WHERE r.refunded_on >= ?1 AND r.refunded_on <= ?2 GROUP BY u.id, u.name, u.district",
      {"refund_yuan", "refund_pupils"}, {p.from, p.to}));
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),COUNT(*) FROM sanctions s "
      "JOIN org_units u ON u.id=COALESCE(s.unit_id,(SELECT unit_id FROM org_people WHERE id=s.person_id)) "
      "WHERE s.decided_on >= ?1 AND s.decided_on <= ?2 GROUP BY u.id, u.name, u.district",
      {"sanctions"}, {p.from, p.to}));
  // Cards of the quarter: on case deadlines, by the unit handling the case; on rectification orders, by the school.
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),SUM(s.kind='yellow'),SUM(s.kind='red') FROM supervision s "
      "JOIN cases c ON c.id=s.case_id JOIN org_units u ON u.id=c.handling_unit_id "
      "WHERE s.kind IN ('yellow','red') AND s.issued_at >= ?1 AND s.issued_at < ?2 GROUP BY u.id, u.name, u.district",
      {"yellow_cards", "red_cards"}, {from, to}));
  QF_RETURN_IF_ERROR(add(
      "SELECT u.id,u.name,COALESCE(u.district,''),SUM(k.kind='yellow'),SUM(k.kind='red') FROM rectification_cards k "
      "JOIN rectifications r ON r.id=k.rectification_id JOIN org_units u ON u.id=r.school_id "
      "WHERE k.issued_at >= ?1 AND k.issued_at < ?2 GROUP BY u.id, u.name, u.district",
      {"yellow_cards", "red_cards"}, {from, to}));
  std::map<std::string, std::map<std::string, double>> districts;
  std::map<std::string, double> totals;
  json::array unit_rows;
  for (auto& [id, m] : units) {
    json::object row{{"unit", m.name}, {"district", m.district}};
    for (auto& c : kColumns) {
      double v = m.v[c[0]];
      row[c[0]] = v;
      districts[m.district][c[0]] += v;
      totals[c[0]] += v;
    }
    unit_rows.push_back(std::move(row));
  }
  std::sort(unit_rows.begin(), unit_rows.end(), [](const json::value& a, const json::value& b) {
    auto& x = a.as_object();
    auto& y = b.as_object();
    return std::make_tuple(x.at("district").as_string(), -x.at("received").as_double(), x.at("unit").as_string()) <
           std::make_tuple(y.at("district").as_string(), -y.at("received").as_double(), y.at("unit").as_string());
  });
  json::array district_rows;
  for (auto& [d, vals] : districts) {
    json::object row{{"district", d}};
    for (auto& c : kColumns) row[c[0]] = vals[c[0]];
    district_rows.push_back(std::move(row));
  }
  json::object total;
  for (auto& c : kColumns) total[c[0]] = totals[c[0]];
  json::array columns;
  for (auto& c : kColumns) columns.push_back(json::object{{"key", c[0]}, {"label", c[1]}});
  QF_ASSIGN_OR_RETURN(json::array oversight, OversightParagraphs(db, data_dir, p, now));
  return json::object{{"quarter", p.name}, {"year", p.year}, {"from", p.from}, {"to", p.to}, {"as_of", FormatUtc(now)},
                      {"columns", columns}, {"totals", total}, {"districts", district_rows}, {"units", unit_rows},
                      {"oversight", oversight}};
}

constexpr Word<BulletinState> kStates[] = {
    {BulletinState::kDraft, "draft", "草稿"},
    {BulletinState::kApproved, "approved", "已审定"},
    {BulletinState::kPublished, "published", "已发布"},
};

absl::StatusOr<BulletinState> StoredState(std::string_view code) {
  auto s = ParseWord(kStates, code);
  if (!s) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_enum", "数据库中的 bulletins.state 取值无效：" + std::string(code));
  return *s;
}
std::string_view Code(BulletinState s) { return WordCode(kStates, s); }

struct BulletinRow {
  int64_t id = 0;
  BulletinState state = BulletinState::kDraft;
  std::string quarter, narrative, hash, checkpoint, approved_at, published_at, drafted_at;
  json::value snapshot;
  int64_t approved_by = 0;
};

absl::StatusOr<BulletinRow> LoadBulletin(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,quarter,state,snapshot,narrative,COALESCE(hash,''),COALESCE(checkpoint,''),COALESCE(approved_by,0),"
      "COALESCE(approved_at,''),COALESCE(published_at,''),drafted_at FROM bulletins WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("bulletin.not_found", "通报不存在");
  BulletinRow b;
  b.id = st.Int(0);
  b.quarter = st.Text(1);
  QF_ASSIGN_OR_RETURN(b.state, StoredState(st.Text(2)));
  QF_ASSIGN_OR_RETURN(b.snapshot, StoredJson(st.Text(3), "bulletins.snapshot"));
  b.narrative = st.Text(4);
  b.hash = st.Text(5);
  b.checkpoint = st.Text(6);
  b.approved_by = st.Int(7);
  b.approved_at = st.Text(8);
  b.published_at = st.Text(9);
  b.drafted_at = st.Text(10);
  return b;
}

}  // namespace

std::string BulletinHash(const json::value& snapshot, const std::string& narrative) {
  return Sha256Hex(json::serialize(json::object{{"snapshot", snapshot}, {"narrative", narrative}}));
}

absl::StatusOr<json::object> DraftBulletin(Tx& tx, const std::string& data_dir, const std::string& quarter, absl::Time now) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto p, ParseQuarter(quarter));
  QF_ASSIGN_OR_RETURN(auto snapshot, BuildSnapshot(db, data_dir, p, now));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, state FROM bulletins WHERE quarter=?"));
  st.Bind(1, quarter);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  int64_t id = 0;
  if (row) {
    QF_ASSIGN_OR_RETURN(BulletinState state, StoredState(st.Text(1)));
    if (state != BulletinState::kDraft) return Conflict("bulletin.frozen", "该季度通报已审定，不能重新生成");
    id = st.Int(0);
    QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE bulletins SET snapshot=?, drafted_at=? WHERE id=?"));
    up.Bind(1, json::serialize(snapshot)).Bind(2, FormatUtc(now)).Bind(3, id);
    QF_RETURN_IF_ERROR(up.Run());
  } else {
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT INTO bulletins(quarter,state,snapshot,drafted_at) VALUES(?,?,?,?)"));
    ins.Bind(1, quarter).Bind(2, Code(BulletinState::kDraft)).Bind(3, json::serialize(snapshot)).Bind(4, FormatUtc(now));
    QF_RETURN_IF_ERROR(ins.Run());
    id = db.LastInsertId();
  }
  QF_RETURN_IF_ERROR(tx.Append("bulletin.drafted", Subject(id),
                               {{"quarter", quarter}, {"snapshot_sha256", Sha256Hex(json::serialize(snapshot))}})
                         .status());
  return json::object{{"id", id}, {"quarter", quarter}, {"state", Code(BulletinState::kDraft)}};
}

absl::StatusOr<json::object> EditBulletin(Tx& tx, int64_t id, const std::string& narrative, const Principal& who) {
  QF_ASSIGN_OR_RETURN(BulletinRow b, LoadBulletin(tx.db(), id));
  QF_RETURN_IF_ERROR(MayTake(BulletinAction::kEdit, b.state, who));
  if (Utf8Length(narrative) < 0 || Utf8Length(narrative) > 10000)
    return Invalid("bulletin.narrative", "通报正文不超过10000字", {{"narrative", "过长"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE bulletins SET narrative=? WHERE id=?"));
  st.Bind(1, narrative).Bind(2, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("bulletin.edited", Subject(id), {{"narrative_sha256", Sha256Hex(narrative)}}).status());
  return json::object{{"id", id}, {"state", Code(BulletinState::kDraft)}};
}

absl::StatusOr<json::object> ApproveBulletin(Tx& tx, int64_t id, const std::string& checkpoint, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(BulletinRow b, LoadBulletin(db, id));
  QF_RETURN_IF_ERROR(MayTake(BulletinAction::kApprove, b.state, who));
  std::string hash = BulletinHash(b.snapshot, b.narrative);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE bulletins SET state=?, hash=?, checkpoint=?, approved_by=?, approved_at=? WHERE id=?"));
  st.Bind(1, Code(BulletinState::kApproved)).Bind(2, hash).Bind(3, checkpoint).Bind(4, who.account_id)
      .Bind(5, FormatUtc(tx.now())).Bind(6, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("bulletin.approved", Subject(id), {{"quarter", b.quarter}, {"hash", hash}}));
  return json::object{{"id", id}, {"state", Code(BulletinState::kApproved)}, {"hash", hash}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> PublishBulletin(Tx& tx, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(BulletinRow b, LoadBulletin(tx.db(), id));
  QF_RETURN_IF_ERROR(MayTake(BulletinAction::kPublish, b.state, who));
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE bulletins SET state=?, published_at=? WHERE id=?"));
  st.Bind(1, Code(BulletinState::kPublished)).Bind(2, FormatUtc(tx.now())).Bind(3, id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("bulletin.published", Subject(id), {{"quarter", b.quarter}, {"hash", b.hash}}).status());
  return json::object{{"id", id}, {"state", Code(BulletinState::kPublished)}};
}

absl::StatusOr<json::object> BulletinView(Db& db, int64_t id, bool public_only) {
  QF_ASSIGN_OR_RETURN(BulletinRow b, LoadBulletin(db, id));
  if (public_only && b.state != BulletinState::kPublished) return NotFound("bulletin.not_found", "通报不存在");
  json::object o{{"id", b.id}, {"quarter", b.quarter}, {"state", Code(b.state)}, {"snapshot", b.snapshot},
                 {"narrative", b.narrative}, {"drafted_at", b.drafted_at}};
  if (!b.hash.empty()) {
    o["hash"] = b.hash;
    o["checkpoint"] = b.checkpoint;
    o["approved_at"] = b.approved_at;
    // What is served must hash to what was approved.
    o["intact"] = BulletinHash(b.snapshot, b.narrative) == b.hash;
  }
  if (!public_only && b.approved_by) o["approved_by"] = auth::DisplayName(db, b.approved_by);
  if (!b.published_at.empty()) o["published_at"] = b.published_at;
  return o;
}

absl::StatusOr<json::object> BulletinStaffView(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(BulletinRow b, LoadBulletin(db, id));
  QF_ASSIGN_OR_RETURN(json::object o, BulletinView(db, id, false));
  auto actions = Actions(b.state, who);
  o["actions"] = json::array(actions.begin(), actions.end());
  return o;
}

absl::Status MayTake(BulletinAction action, BulletinState state, const Principal& who) {
  constexpr RoleSet kPlanners = kSupervisor | kLeader;
  switch (action) {
    case BulletinAction::kRedraft:
    case BulletinAction::kEdit:
      if ((who.roles & kPlanners) == 0) return Forbidden("bulletin.role", "只有纪检监察室和局领导可以编辑通报");
      if (state != BulletinState::kDraft) return Conflict("bulletin.frozen", "通报已审定，不能修改");
      return absl::OkStatus();
    case BulletinAction::kApprove:
      if (!who.Has(kLeader)) return Forbidden("bulletin.role", "通报须由局领导审定");
      if (state != BulletinState::kDraft) return Conflict("bulletin.state", "通报已审定");
      return absl::OkStatus();
    case BulletinAction::kPublish:
      if ((who.roles & kPlanners) == 0) return Forbidden("bulletin.role", "只有纪检监察室和局领导可以发布通报");
      if (state != BulletinState::kApproved)
        return Conflict("bulletin.state", state == BulletinState::kDraft ? "通报须先经领导审定" : "通报已发布");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown bulletin action");
}

std::vector<std::string> Actions(BulletinState state, const Principal& who) {
  std::vector<std::string> out;
  for (auto [a, code] : {std::pair{BulletinAction::kRedraft, "redraft"}, std::pair{BulletinAction::kEdit, "edit"},
                         std::pair{BulletinAction::kApprove, "approve"}, std::pair{BulletinAction::kPublish, "publish"}})
    if (MayTake(a, state, who).ok()) out.emplace_back(code);
  return out;
}

absl::StatusOr<json::object> BulletinList(Db& db, bool public_only) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,quarter,state,COALESCE(hash,''),COALESCE(published_at,''),drafted_at FROM bulletins "
      "WHERE ?1=0 OR state=?2 ORDER BY quarter DESC"));
  st.Bind(1, int64_t{public_only}).Bind(2, Code(BulletinState::kPublished));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"quarter", st.Text(1)}, {"state", st.Text(2)}, {"hash", st.Text(3)},
                                 {"published_at", st.Text(4)}, {"drafted_at", st.Text(5)}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> QuarterBulletin(Db& db, const std::string& data_dir, const std::string& quarter, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto p, ParseQuarter(quarter));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, state FROM bulletins WHERE quarter=?"));
  st.Bind(1, quarter);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row && st.Text(1) != "draft") {
    int64_t id = st.Int(0);
    QF_ASSIGN_OR_RETURN(auto v, BulletinView(db, id, false));
    v["frozen"] = true;
    return v;
  }
  QF_ASSIGN_OR_RETURN(auto snapshot, BuildSnapshot(db, data_dir, p, now));
  return json::object{{"quarter", quarter}, {"state", "live"}, {"snapshot", snapshot}, {"narrative", ""},
                      {"frozen", false}};
}

absl::StatusOr<std::string> BulletinTablesXlsx(const json::object& v) {
  const auto* snap = v.at("snapshot").if_object();
  if (!snap || !snap->contains("columns") || !snap->contains("districts") || !snap->contains("units"))
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", "通报快照格式不符");
  auto number = [](const json::object& o, const json::value& key) {
    auto* x = o.if_contains(key.as_string());
    return x && x->is_number() ? x->to_number<double>() : 0.0;
  };
  std::vector<std::string> header;
  for (auto& c : snap->at("columns").as_array()) header.push_back(std::string(c.at("label").as_string()));
  auto sheet = [&](const char* name, const char* first, const json::array& rows, bool with_district) {
    XlsxSheet s{name, {first}, {}, {24}};
    if (with_district) s.header.push_back("县区"), s.widths.push_back(10);
    for (auto& h : header) s.header.push_back(h), s.widths.push_back(12);
    for (auto& r : rows) {
      auto& o = r.as_object();
      std::vector<XlsxCell> row{std::string(o.at(with_district ? "unit" : "district").as_string())};
      if (with_district) row.push_back(std::string(o.at("district").as_string()));
      for (auto& c : snap->at("columns").as_array()) row.push_back(number(o, c.at("key")));
      s.rows.push_back(std::move(row));
    }
    return s;
  };
  XlsxSheet d = sheet("按县区", "县区", snap->at("districts").as_array(), false);
  std::vector<XlsxCell> total{std::string("合计")};
  for (auto& c : snap->at("columns").as_array()) total.push_back(number(snap->at("totals").as_object(), c.at("key")));
  d.rows.push_back(total);
  XlsxSheet u = sheet("按单位", "单位", snap->at("units").as_array(), true);
  XlsxSheet note{"说明", {"项目", "内容"}, {}, {16, 100}};
  note.rows.push_back({std::string("季度"), std::string(v.at("quarter").as_string())});
  note.rows.push_back({std::string("数据截至"), std::string(snap->at("as_of").as_string())});
  if (auto* h = v.if_contains("hash")) {
    note.rows.push_back({std::string("通报指纹（SHA-256）"), std::string(h->as_string())});
    note.rows.push_back({std::string("审定时账本检查点"), std::string(v.at("checkpoint").as_string())});
  } else {
    note.rows.push_back({std::string("状态"), std::string("未审定：实时数据，非正式通报")});
  }
  note.rows.push_back({std::string("正文"), std::string(v.at("narrative").as_string())});
  return WriteXlsx({d, u, note});
}

std::vector<const json::object*> NamedUnits(const json::object& snapshot) {
  auto n = [](const json::object& o, const char* key) -> int64_t {
    auto* x = o.if_contains(key);
    return x && x->is_number() ? std::llround(x->to_number<double>()) : 0;
  };
  std::vector<const json::object*> units;
  if (const auto* all = snapshot.if_contains("units"); all && all->is_array())
    for (auto& u : all->as_array())
      if (n(u.as_object(), "received") >= 2 || n(u.as_object(), "findings") > 0 || n(u.as_object(), "red_cards") > 0)
        units.push_back(&u.as_object());
  std::sort(units.begin(), units.end(), [&](auto* a, auto* b) {
    return std::make_tuple(n(*a, "red_cards") + n(*a, "findings") + n(*a, "received"), std::string(b->at("unit").as_string())) >
           std::make_tuple(n(*b, "red_cards") + n(*b, "findings") + n(*b, "received"), std::string(a->at("unit").as_string()));
  });
  return units;
}

absl::StatusOr<std::vector<PublishedBulletin>> BulletinsPublishedBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT quarter, snapshot FROM bulletins WHERE state = ? AND published_at >= ? AND published_at < ? ORDER BY quarter"));
  st.Bind(1, std::string(Code(BulletinState::kPublished))).Bind(2, FormatUtc(CstStart(from))).Bind(3, FormatUtc(CstStart(to + 1)));
  std::vector<PublishedBulletin> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(json::object snapshot, StoredObject(st.Text(1), "bulletins.snapshot"));
    PublishedBulletin b{st.Text(0), {}};
    for (const auto* u : NamedUnits(snapshot)) b.named.emplace_back(u->at("unit").as_string());
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace qf::reports
