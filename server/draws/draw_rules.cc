// The pure half of draws: eligibility with recusal reasons, the call-down and verification of a public record.
#include <algorithm>
#include <set>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/vocab.h"
#include "draws/draw.h"
#include "draws/draws.h"
#include "fmt/format.h"

namespace qf::draws {
namespace json = boost::json;

namespace {
constexpr Word<Pool> kPools[] = {
    {Pool::kExpert, "expert", "评审专家库"},
    {Pool::kInspector, "inspector", "检查人员库"},
    {Pool::kSupervisor, "supervisor", "监考人员库"},
};
constexpr Word<DrawState> kDrawStates[] = {
    {DrawState::kCommitted, "committed", "已承诺，待抽取"},
    {DrawState::kDrawn, "drawn", "已抽取，待公布"},
    {DrawState::kReleased, "released", "已公布"},
};
}  // namespace

std::optional<Pool> ParsePool(std::string_view code) { return ParseWord(kPools, code); }
std::string_view PoolCode(Pool pool) { return WordCode(kPools, pool); }
std::string_view PoolLabel(Pool pool) { return WordLabel(kPools, pool); }
std::vector<std::string_view> PoolCodes() {
  std::vector<std::string_view> out;
  for (const auto& w : kPools) out.push_back(w.code);
  return out;
}
std::optional<DrawState> ParseDrawState(std::string_view code) { return ParseWord(kDrawStates, code); }
std::string_view DrawStateCode(DrawState state) { return WordCode(kDrawStates, state); }
std::string_view DrawStateLabel(DrawState state) { return WordLabel(kDrawStates, state); }

absl::Status MayTake(DrawAction action, const DrawFacts& f) {
  const char* not_yet = f.state == DrawState::kCommitted ? "尚未抽取" : "结果已公布";
  switch (action) {
    case DrawAction::kDraw:
      if (!f.witness) return Forbidden("draw.witness_only", "只有指定的见证人可以输入公开值并开始抽取");
      if (f.state != DrawState::kCommitted) return Conflict("draw.state", "已经抽取过");
      return absl::OkStatus();
    case DrawAction::kDecline:
      if (!f.requester && !f.witness) return Forbidden("draw.sealed", "只有发起人和见证人可以登记谢绝");
      if (f.state != DrawState::kDrawn)
        return Conflict("draw.state", f.state == DrawState::kCommitted ? "尚未抽取" : "结果已公布，不能再登记谢绝");
      return absl::OkStatus();
    case DrawAction::kRelease:
      if (!f.requester && !f.witness) return Forbidden("draw.sealed", "只有发起人和见证人可以公布结果");
      if (f.state != DrawState::kDrawn) return Conflict("draw.state", not_yet);
      return absl::OkStatus();
    case DrawAction::kConclude:
      if (!f.requester) return Forbidden("draw.requester_only", "只有发起抽取的人员可以登记评审结论");
      if (f.state != DrawState::kReleased) return Conflict("draw.state", "结果公布后才能登记评审结论");
      return absl::OkStatus();
    case DrawAction::kRecuse:
      if (!f.requester && !f.witness) return Forbidden("draw.sealed", "只有发起人和见证人可以登记回避");
      if (f.state != DrawState::kReleased) return Conflict("draw.state", "结果公布前的回避按谢绝登记");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown draw action");
}

std::vector<std::string> Actions(const DrawFacts& facts) {
  std::vector<std::string> out;
  for (auto [a, code] : {std::pair{DrawAction::kDraw, "draw"}, std::pair{DrawAction::kDecline, "decline"},
                         std::pair{DrawAction::kRelease, "release"}, std::pair{DrawAction::kConclude, "conclude"},
                         std::pair{DrawAction::kRecuse, "recuse"}})
    if (MayTake(a, facts).ok()) out.emplace_back(code);
  return out;
}

absl::StatusOr<Eligibility> Eligible(const std::vector<Member>& pool, const Conditions& c, const Recusal& r,
                                     const OrgFacts& org, absl::Time now) {
  std::set<int64_t> parties(r.party_person_ids.begin(), r.party_person_ids.end());
  std::set<int64_t> party_relatives;
  for (int64_t p : r.party_person_ids) {
    QF_ASSIGN_OR_RETURN(auto relatives, org.relatives(p));
    party_relatives.insert(relatives.begin(), relatives.end());
  }
  std::set<int64_t> prior(r.prior_person_ids.begin(), r.prior_person_ids.end());
  auto within = [&](int64_t unit, int64_t ancestor) -> absl::StatusOr<bool> {
    if (!unit || !ancestor) return false;
    return org.within(unit, ancestor);
  };
  Eligibility out;
  for (const Member& m : pool) {
    if (!m.active) continue;
    if (!c.specialty.empty() && m.specialty != c.specialty) continue;
    if (!c.title.empty() && m.title != c.title) continue;
    if (!c.region.empty() && m.region != c.region) continue;
    QF_ASSIGN_OR_RETURN(bool at_applicant, within(m.unit_id, r.applicant_unit_id));
    QF_ASSIGN_OR_RETURN(bool at_supervisor, within(m.unit_id, r.supervising_unit_id));
    std::string reason;
    if (parties.count(m.person_id)) reason = "本人是当事人";
    else if (party_relatives.count(m.person_id)) reason = "与当事人有近亲属关系";
    else if (at_applicant) reason = "在申请人所在单位任职";
    else if (r.applicant_unit_id && std::count(m.former_unit_ids.begin(), m.former_unit_ids.end(), r.applicant_unit_id))
      reason = "曾在申请人所在单位任职";
    else if (at_supervisor) reason = "监督单位工作人员";
    else if (prior.count(m.person_id)) reason = "曾参与本事项";
    else if (r.cooldown_days > 0 && m.last_selected && now - *m.last_selected < absl::Hours(24 * r.cooldown_days))
      reason = fmt::format("距上次抽中不足{}天", r.cooldown_days);
    if (!reason.empty()) out.excluded.push_back({m.code, reason});
    else out.candidates.push_back(m.code);
  }
  std::sort(out.candidates.begin(), out.candidates.end());
  std::sort(out.excluded.begin(), out.excluded.end(), [](auto& a, auto& b) { return a.code < b.code; });
  return out;
}

absl::StatusOr<std::vector<Call>> CallDown(const std::vector<std::string>& order, int count, int backups,
                                           const std::vector<Exclusion>& declines) {
  std::vector<Call> calls;
  size_t next = 0;
  auto call = [&](const char* status) {
    if (next < order.size()) calls.push_back({order[next++], status, ""});
  };
  for (int i = 0; i < count; ++i) call("selected");
  for (int i = 0; i < backups; ++i) call("backup");
  for (const auto& d : declines) {
    auto it = std::find_if(calls.begin(), calls.end(), [&](const Call& c) { return c.code == d.code; });
    if (it == calls.end() || it->status == "declined")
      return absl::FailedPreconditionError(fmt::format("{} 不在已抽中名单中", d.code));
    bool was_selected = it->status == "selected";
    it->status = "declined";
    it->reason = d.reason;
    // A selected place is filled by the first backup, or — with none waiting — by the next in the drawn order,
    // whether or not backups were configured; the list runs out only when the order does.
    if (was_selected) {
      auto b = std::find_if(calls.begin(), calls.end(), [](const Call& c) { return c.status == "backup"; });
      if (b != calls.end()) b->status = "selected";
      else call("selected");
    }
    // The backups are kept at their number.
    int waiting = static_cast<int>(std::count_if(calls.begin(), calls.end(), [](const Call& c) { return c.status == "backup"; }));
    if (waiting < backups) call("backup");
  }
  return calls;
}

namespace {

std::vector<std::string> Strings(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& x : v->as_array())
    if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

std::string Get(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

int64_t GetInt(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : -1;
}

}  // namespace

Verification Verify(const json::object& rec) {
  Verification v;
  auto check = [&v](bool ok, std::string what) { (ok ? v.passed : v.failed).push_back(std::move(what)); };
  if (Get(rec, "state") != DrawStateCode(DrawState::kReleased)) {
    v.failed.push_back("抽取结果尚未公布，暂不能验证");
    return v;
  }
  std::string secret = Get(rec, "secret"), commitment = Get(rec, "commitment"), pv = Get(rec, "public_value");
  check(!secret.empty() && Commitment(secret) == commitment,
        fmt::format("公布的密钥与抽取前公布的承诺值一致（SHA-256(密钥) = {}…）", commitment.substr(0, 16)));
  auto candidates = Strings(rec.if_contains("candidates"));
  auto sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  bool unique = std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  check(!candidates.empty() && sorted == candidates && unique, fmt::format("候选名单 {} 人，按编号排序且无重复", candidates.size()));
  Seed seed = MakeSeed(secret, pv);
  std::string seed_hex = Hex(seed.data(), seed.size());
  check(Get(rec, "seed") == seed_hex, "种子 = SHA-256(密钥 ‖ 0x00 ‖ 见证人公开值 “" + pv + "”)");
  auto order = Shuffle(candidates, seed);
  check(order == Strings(rec.if_contains("order")), "按种子洗牌得到的呼叫顺序与公布的顺序一致");
  std::vector<Exclusion> declines;
  if (auto* d = rec.if_contains("declines"); d && d->is_array())
    for (const auto& x : d->as_array())
      if (x.is_object()) declines.push_back({Get(x.as_object(), "code"), Get(x.as_object(), "reason")});
  auto calls = CallDown(order, static_cast<int>(GetInt(rec, "count")), static_cast<int>(GetInt(rec, "backups")), declines);
  if (!calls.ok()) {
    check(false, "谢绝记录与呼叫顺序不符：" + std::string(calls.status().message()));
    return v;
  }
  std::vector<std::string> want_sel, want_bak, got_sel, got_bak;
  for (const auto& c : *calls) {
    if (c.status == "selected") want_sel.push_back(c.code);
    if (c.status == "backup") want_bak.push_back(c.code);
  }
  if (auto* s = rec.if_contains("calls"); s && s->is_array())
    for (const auto& x : s->as_array()) {
      if (!x.is_object()) continue;
      std::string st = Get(x.as_object(), "status");
      if (st == "selected") got_sel.push_back(Get(x.as_object(), "code"));
      if (st == "backup") got_bak.push_back(Get(x.as_object(), "code"));
    }
  check(want_sel == got_sel, fmt::format("按顺序呼叫并计入 {} 次谢绝后，抽中的 {} 人与公布结果一致", declines.size(), want_sel.size()));
  check(want_bak == got_bak, fmt::format("备选 {} 人与公布结果一致", want_bak.size()));
  v.ok = v.failed.empty();
  return v;
}

}  // namespace qf::draws
