#include "storage/writer.h"

#include <pthread.h>

#include <algorithm>
#include <future>

#include "fmt/format.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "spdlog/spdlog.h"

namespace qf {

Actor Actor::Account(int64_t id) { return {fmt::format("account:{}", id)}; }

int64_t Actor::AccountId() const {
  return id.rfind("account:", 0) == 0 ? ParseInt<int64_t>(std::string_view(id).substr(8)).value_or(0) : 0;
}

std::string Actor::AccountIdSql(std::string_view column) {
  return fmt::format("(CASE WHEN {0} LIKE 'account:%' THEN CAST(substr({0}, 9) AS INTEGER) END)", column);
}

absl::StatusOr<int64_t> Tx::Append(std::string_view kind, std::string_view subject,
                                   const boost::json::object& payload) {
  EventRecord ev;
  ev.time = FormatUtc(now_);
  ev.actor = actor_.id;
  ev.kind = kind;
  ev.subject = subject;
  ev.payload = boost::json::serialize(payload);
  ev.salt.resize(16);
  RandomBytes(reinterpret_cast<uint8_t*>(ev.salt.data()), ev.salt.size());
  auto c = Sha256(ev.salt + ev.payload);
  ev.commitment.assign(reinterpret_cast<const char*>(c.data()), c.size());
  // The sequence has no gaps (the ledger holds it so): the next number after the last kept event, never a
  // sequence's value, which a rolled-back command would use up on PostgreSQL. The one writer counts it, reading
  // the table's end after a start or a failure; a number taken meanwhile by anything else fails the insert.
  int64_t& next_seq = batch_.next_seq;
  if (next_seq == 0) {
    QF_ASSIGN_OR_RETURN(auto last, db_.Prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM events"));
    QF_ASSIGN_OR_RETURN(bool row, last.Step());
    if (!row) return absl::InternalError("events: no next sequence number");
    next_seq = last.Int(0);
  }
  QF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO events(seq, time, actor, kind, subject, payload, salt, commitment) VALUES(?,?,?,?,?,?,?,?)"));
  ev.seq = next_seq;
  st.Bind(1, ev.seq).Bind(2, ev.time).Bind(3, ev.actor).Bind(4, ev.kind).Bind(5, ev.subject).Bind(6, ev.payload)
      .BindBlob(7, ev.salt).BindBlob(8, ev.commitment);
  QF_RETURN_IF_ERROR(st.Send());
  ++next_seq;
  if (sink_) QF_RETURN_IF_ERROR(sink_->OnEvent(db_, ev));
  return ev.seq;
}

void Totals::AddInto(std::vector<Amount>& into, const std::vector<Amount>& amounts) {
  if (into.empty()) {
    into = amounts;
    return;
  }
  for (size_t i = 0; i < into.size() && i < amounts.size(); ++i) {
    if (auto* n = std::get_if<int64_t>(&into[i]))
      *n += std::get<int64_t>(amounts[i]);
    else
      std::get<double>(into[i]) += std::get<double>(amounts[i]);
  }
}

void Totals::Add(const char* upsert, std::vector<std::string> key, std::vector<Amount> amounts) {
  AddInto(command_[{upsert, std::move(key)}], amounts);
}

void Totals::EndCommand(bool kept) {
  if (kept)
    for (const auto& [key, amounts] : command_) AddInto(batch_[key], amounts);
  command_.clear();
}

absl::Status Totals::Write(Db& db) {
  Sums sums = std::move(batch_);
  batch_.clear();
  for (const auto& [key, amounts] : sums) {
    bool zero = std::all_of(amounts.begin(), amounts.end(), [](const Amount& a) {
      return std::visit([](auto v) { return v == 0; }, a);
    });
    if (zero) continue;  // a case that came and went within the batch, say from one state to another and back
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(key.first));
    int i = 1;
    for (const auto& k : key.second) st.Bind(i++, k);
    for (const auto& a : amounts) std::visit([&](auto v) { st.Bind(i++, v); }, a);
    QF_RETURN_IF_ERROR(st.Send());
  }
  return absl::OkStatus();
}

void Totals::Clear() {
  command_.clear();
  batch_.clear();
}

Writer::Writer(std::unique_ptr<Db> db, const Clock& clock, WriterOptions options)
    : db_(std::move(db)), clock_(clock), options_(options) {
  if (!options_.group_commit) options_.max_batch = 1;
}

Writer::~Writer() { Stop(); }

void Writer::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "qf-writer");
    Loop();
  });
}

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Writer::Refuse(std::string reason) {
  std::lock_guard lock(mu_);
  refusal_ = std::move(reason);
}

absl::Status ProbeStorage(Tx& tx) {
  std::string bytes(64 * 1024, '\0');
  RandomBytes(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
  QF_ASSIGN_OR_RETURN(auto put, tx.db().Prepare("INSERT INTO storage_probe(id, data) VALUES(1, ?)"));
  QF_RETURN_IF_ERROR(put.BindBlob(1, bytes).Run());
  QF_ASSIGN_OR_RETURN(auto drop, tx.db().Prepare("DELETE FROM storage_probe WHERE id = 1"));
  return drop.Run();
}

absl::Status Writer::storage_failure() const {
  std::lock_guard lock(mu_);
  return storage_failure_;
}

absl::Time Writer::storage_failure_since() const {
  std::lock_guard lock(mu_);
  return storage_failure_since_;
}

void Writer::NoteStorage(const absl::Status& s) {
  if (!IsStorageFailure(s)) return;
  std::lock_guard lock(mu_);
  if (storage_failure_.ok()) storage_failure_since_ = clock_.Now();
  storage_failure_ = s;
}

void Writer::StorageRecovered() {
  std::lock_guard lock(mu_);
  storage_failure_ = absl::OkStatus();
}

void Writer::FailBatch(std::vector<Item>& batch, const absl::Status& why) {
  (void)db_->Exec("ROLLBACK");
  batch_.next_seq = 0;
  batch_.totals.Clear();
  batch_.memos.clear();
  if (sink_) sink_->OnRollback(*db_);
  NoteStorage(why);
  absl::Status answer = IsStorageFailure(why) || absl::IsUnavailable(why)
                            ? why
                            : MakeError(absl::StatusCode::kUnavailable, "db.commit_failed", "保存失败，请重试");
  for (auto& item : batch) item.done(answer);
}

std::string Writer::refusal() const {
  std::lock_guard lock(mu_);
  return refusal_;
}

void Writer::Submit(Actor actor, Command cmd, CommandDone done) {
  Queue({std::move(actor), std::move(cmd), std::move(done)});
}

void Writer::SubmitAlone(Actor actor, Command cmd, CommandDone done) {
  Queue({std::move(actor), std::move(cmd), std::move(done), true});
}

void Writer::Queue(Item item) {
  std::string refused;
  {
    std::lock_guard lock(mu_);
    if (refusal_.empty() && !stopping_) {
      queue_.push_back(std::move(item));
      cv_.notify_one();
      return;
    }
    refused = refusal_;
  }
  if (!refused.empty())
    item.done(MakeError(absl::StatusCode::kUnavailable, "ledger.integrity", "账本校验未通过，已暂停写入：" + refused));
  else
    item.done(MakeError(absl::StatusCode::kUnavailable, "server.stopping", "服务正在停止，请稍后重试"));
}

absl::StatusOr<boost::json::value> Writer::Run(Actor actor, Command cmd) {
  // Waiting on a writer that was never started would wait forever: a programming error, reported as such.
  if (!thread_.joinable()) return absl::FailedPreconditionError("writer not started");
  std::promise<absl::StatusOr<boost::json::value>> p;
  auto f = p.get_future();
  Submit(std::move(actor), std::move(cmd), [&p](absl::StatusOr<boost::json::value> r) { p.set_value(std::move(r)); });
  return f.get();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t Writer::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Writer::Loop() {
  std::vector<Item> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      // A command that runs alone ends the batch before it, or is the batch.
      while (!queue_.empty() && batch.size() < options_.max_batch && !(queue_.front().alone && !batch.empty())) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (batch.back().alone) break;
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

absl::Status Writer::Savepoint(const char* sql, bool wait) {
  // Prepared once and reused: parsing these for every command showed in profiles.
  auto st = db_->Prepare(sql);
  if (!st.ok()) return st.status();
  return wait ? st->Run() : st->Send();
}

void Writer::RunBatch(std::vector<Item>& batch) {
  std::vector<absl::StatusOr<boost::json::value>> results;
  results.reserve(batch.size());
  absl::Status begin = db_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    NoteStorage(begin);
    for (auto& item : batch) item.done(begin);
    return;
  }
  for (auto& item : batch) {
    absl::Time now = clock_.Now();
    absl::StatusOr<boost::json::value> r;
    absl::Status sp = Savepoint("SAVEPOINT cmd", false);
    if (!sp.ok()) {
      results.push_back(sp);
      continue;
    }
    Tx tx(*db_, now, item.actor, sink_, batch_);
    try {
      r = item.cmd(tx);
    } catch (const std::exception& e) {
      // Commands report expected failures as Status; an exception here is a bug in the command.
      spdlog::error("command threw: {}", e.what());
      r = absl::InternalError(fmt::format("命令执行异常：{}", e.what()));
    }
    // What the command sent without waiting must have worked before it counts as done.
    absl::Status sent = db_->Flush();
    if (r.ok() && !sent.ok()) r = sent;
    if (!r.ok() && !db_->InTransaction()) {
      // The storage rolled the whole transaction back (SQLite does on a full disk): the commands before this one
      // are gone too, so none of the batch may be acknowledged.
      spdlog::error("transaction lost in a batch of {}: {}", batch.size(), r.status().message());
      if (sink_) sink_->OnCommandEnd(false);
      FailBatch(batch, r.status());
      return;
    }
    if (!r.ok()) {
      NoteStorage(r.status());
      // Read again: the command's events are gone, the failure may be a number already taken, and what the
      // command read into a memo may be what it changed.
      batch_.next_seq = 0;
      batch_.memos.clear();
      absl::Status rb = Savepoint("ROLLBACK TO cmd", true);
      if (!rb.ok()) spdlog::error("rollback to savepoint failed: {}", rb.message());
    }
    // Not waited for: a failure here fails the COMMIT, and with it the batch.
    absl::Status rel = Savepoint("RELEASE cmd", false);
    if (!rel.ok()) spdlog::error("release savepoint failed: {}", rel.message());
    batch_.totals.EndCommand(r.ok());
    if (sink_) sink_->OnCommandEnd(r.ok());
    results.push_back(std::move(r));
  }
  batch_.memos.clear();  // other connections' commits may change them between batches
  absl::Status commit = batch_.totals.Write(*db_);
  if (commit.ok() && sink_) commit = sink_->BeforeCommit(*db_);
  if (commit.ok()) commit = db_->Exec("COMMIT");
  if (!commit.ok()) {
    spdlog::error("commit failed, batch of {} rolled back: {}", batch.size(), commit.message());
    FailBatch(batch, commit);
    return;
  }
  if (sink_) sink_->OnCommit();
  if (options_.track_position) {
    auto pos = db_->HistoryPosition();
    if (pos.ok())
      position_ = *pos;
    else
      spdlog::warn("history position after commit unknown: {}", std::string(pos.status().message()));
  }
  {
    std::lock_guard lock(mu_);
    stats_.commands += batch.size();
    stats_.commits += 1;
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

}  // namespace qf
