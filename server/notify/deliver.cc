#include "notify/deliver.h"

#include <curl/curl.h>

#include "common/crypto_util.h"
#include "common/status.h"
#include "spdlog/spdlog.h"
#include "vault/vault.h"

namespace qf::notify {
namespace {

namespace json = boost::json;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// An RFC 2047 encoded word for a header's UTF-8 text.
std::string EncodedWord(const std::string& text) { return "=?UTF-8?B?" + Base64(text) + "?="; }

std::string Wrapped(const std::string& b64) {
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

struct Upload {
  std::string data;
  size_t at = 0;
};
size_t ReadUpload(char* buf, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t len = std::min(size * n, u->data.size() - u->at);
  std::memcpy(buf, u->data.data() + u->at, len);
  u->at += len;
  return len;
}
size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

absl::Status Perform(CURL* c, const char* what) {
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return absl::OkStatus();
  return MakeError(absl::StatusCode::kUnavailable, "notify.send",
                   std::string(what) + "：" + (err[0] ? err : curl_easy_strerror(rc)));
}

}  // namespace

absl::Status SendMail(const DeliveryConfig& cfg, const std::string& to, const std::string& subject,
                      const std::string& body, const std::string& message_id) {
  GlobalInit();
  CURL* c = curl_easy_init();
  if (!c) return absl::InternalError("curl_easy_init");
  Upload msg;
  msg.data = "Date: " + absl::FormatTime("%a, %d %b %Y %H:%M:%S %z", absl::Now(), absl::UTCTimeZone()) + "\r\n" +
             "From: " + EncodedWord("清风 · 市教育局") + " <" + cfg.from + ">\r\n" + "To: <" + to + ">\r\n" +
             "Subject: " + EncodedWord(subject) + "\r\n" + "Message-ID: <" + message_id + ">\r\n" +
             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             Wrapped(Base64(body));
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  std::string from = "<" + cfg.from + ">";
  curl_easy_setopt(c, CURLOPT_URL, cfg.smtp_url.c_str());
  if (cfg.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!cfg.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg.ca_file.c_str());
  if (!cfg.smtp_user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, cfg.smtp_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, cfg.smtp_password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &msg);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(cfg.timeout)));
  auto s = Perform(c, "邮件发送失败");
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  return s;
}

absl::Status PostJson(const DeliveryConfig& cfg, const std::string& url, const std::string& body) {
  GlobalInit();
  CURL* c = curl_easy_init();
  if (!c) return absl::InternalError("curl_easy_init");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  if (!cfg.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(cfg.timeout)));
  auto s = Perform(c, "短信网关调用失败");
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (s.ok() && (code < 200 || code >= 300))
    return MakeError(absl::StatusCode::kUnavailable, "notify.send", "短信网关答复 HTTP " + std::to_string(code));
  return s;
}

Deliverer::Deliverer(DeliveryConfig cfg, Templates templates, Writer& writer, ReaderFn reader, const vault::Vault* vault)
    : cfg_(std::move(cfg)), templates_(std::move(templates)), writer_(writer), reader_(std::move(reader)), vault_(vault) {}

Deliverer::~Deliverer() { Stop(); }

void Deliverer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Deliverer::Stop() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Deliverer::Loop() {
  std::unique_lock l(mu_);
  while (!stop_) {
    l.unlock();
    auto n = RunOnce();
    if (!n.ok()) spdlog::warn("notify: {}", std::string(n.status().message()));
    l.lock();
    cv_.wait_for(l, absl::ToChronoMilliseconds(cfg_.every), [this] { return stop_; });
  }
}

absl::StatusOr<Deliverer::Target> Deliverer::Resolve(Db& db, const Due& due) {
  Target t;
  if (auto account = IdAfter(due.recipient, "account:")) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT email, locale FROM notify_prefs WHERE account_id = ?"));
    st.Bind(1, *account);
    QF_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found || st.Text(0).empty()) return NotFound("notify.no_address", "收件人已不再接收邮件通知");
    t.address = st.Text(0);
    t.locale = st.Text(1);
    return t;
  }
  // A reporter's or a family's phone, from the identity sealed with their case or application, when they still ask.
  auto phone = [&](const char* sql, int64_t id, const char* field) -> absl::StatusOr<Stmt> {
    if (!vault_) return absl::FailedPreconditionError("没有密钥库，无法读取电话");
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
    st.Bind(1, id);
    QF_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) return NotFound("notify.no_address", "对方已撤回短信通知");
    QF_ASSIGN_OR_RETURN(std::string plain, vault_->Unseal(st.Text(0)));
    boost::system::error_code ec;
    json::value who = json::parse(plain, ec);
    const json::value* number = !ec && who.is_object() ? who.as_object().if_contains(field) : nullptr;
    if (!number || !number->is_string()) return NotFound("notify.no_address", "对方没有电话");
    t.address = std::string(number->as_string());
    return st;
  };
  if (auto case_id = IdAfter(due.recipient, "reporter:")) {
    QF_RETURN_IF_ERROR(phone("SELECT sealed FROM reporters WHERE case_id = ? AND notify = 1", *case_id, "phone").status());
    return t;
  }
  if (auto application = IdAfter(due.recipient, "guardian:")) {
    QF_ASSIGN_OR_RETURN(auto st, phone("SELECT sealed, ref FROM placement_applications WHERE id = ? AND notify = 1",
                                       *application, "guardian_phone"));
    t.params["ref"] = st.Text(1);  // the application's public number, for the message
    return t;
  }
  return Invalid("notify.recipient", "未知的收件人：" + due.recipient);
}

absl::Status Deliverer::Send(Db& db, const Due& due) {
  QF_ASSIGN_OR_RETURN(Target to, Resolve(db, due));
  json::object params = due.params;
  for (const auto& [k, v] : to.params) params[k] = v;
  QF_ASSIGN_OR_RETURN(auto msg, templates_.Render(due.channel, due.kind, to.locale, params));
  if (due.channel == "email") {
    if (cfg_.smtp_url.empty()) return absl::FailedPreconditionError("未配置邮件服务器（[notify] smtp_url）");
    return SendMail(cfg_, to.address, msg.subject, msg.body, "outbox-" + std::to_string(due.id) + "." + RandomToken(6) + "@qingfeng");
  }
  if (cfg_.sms_url.empty()) return absl::FailedPreconditionError("未配置短信网关（[notify] sms_url）");
  return PostJson(cfg_, cfg_.sms_url, templates_.SmsPayload(to.address, msg.body, params));
}

absl::StatusOr<int> Deliverer::RunOnce() {
  QF_ASSIGN_OR_RETURN(Db* db, reader_());
  QF_ASSIGN_OR_RETURN(auto due, DueRows(*db, absl::Now(), 50));
  for (const auto& d : due) {
    absl::Status sent = Send(*db, d);
    int64_t id = d.id;
    std::string error(sent.message());
    int max = cfg_.max_attempts;
    absl::Duration base = cfg_.retry_base;
    auto r = writer_.Run(Actor::System(), [id, ok = sent.ok(), error, max, base](Tx& tx) -> absl::StatusOr<json::value> {
      if (ok) QF_RETURN_IF_ERROR(MarkSent(tx, id));
      else QF_RETURN_IF_ERROR(MarkFailed(tx, id, error, max, base));
      return json::value();
    });
    if (!r.ok()) return r.status();
    if (!sent.ok()) spdlog::warn("notify: message {} not sent: {}", id, error);
  }
  return static_cast<int>(due.size());
}

}  // namespace qf::notify
