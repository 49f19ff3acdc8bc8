// The deliverer: a thread that sends the outbox's due messages — e-mail over SMTP (STARTTLS when asked) and text
// messages through the gateway's HTTP endpoint, both by libcurl — and records each outcome through the writer (sent;
// or failed, retried with back-off, dead after the last attempt). At least once: a message is marked sent after the
// server that took it said so, so a crash between the two sends it again. A gateway that is down loses nothing; its
// messages wait in the outbox. Thread-safe (its own thread; Stop or the destructor joins it).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notify/notify.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::notify {

// The server's [notify] section.
struct DeliveryConfig {
  std::string smtp_url;           // smtp://host:port (or smtps://); empty: no e-mail
  bool starttls = false;          // require STARTTLS on smtp://
  std::string smtp_user, smtp_password;
  std::string ca_file;            // a CA to trust beyond the system's (a bureau's own mail server)
  std::string from;               // the sender's address
  std::string sms_url;            // the text-message gateway; empty: no text messages
  absl::Duration every = absl::Seconds(10);
  int max_attempts = 8;
  absl::Duration retry_base = absl::Minutes(1);  // the first retry's wait; each later one waits twice as long
  absl::Duration timeout = absl::Seconds(15);
};

// Sends one e-mail (plain text, UTF-8).
absl::Status SendMail(const DeliveryConfig& cfg, const std::string& to, const std::string& subject,
                      const std::string& body, const std::string& message_id);
// POSTs a JSON body; OK on a 2xx answer.
absl::Status PostJson(const DeliveryConfig& cfg, const std::string& url, const std::string& body);

class Deliverer {
 public:
  using ReaderFn = std::function<absl::StatusOr<Db*>()>;
  Deliverer(DeliveryConfig cfg, Templates templates, Writer& writer, ReaderFn reader, const vault::Vault* vault);
  ~Deliverer();
  void Start();
  void Stop();
  // One pass: sends what is due now and records the outcomes; how many were attempted.
  absl::StatusOr<int> RunOnce();

 private:
  // The address or phone of a row's recipient and the locale to write in.
  struct Target {
    std::string address, locale = "zh-CN";
    boost::json::object params;  // values the message needs that only the recipient's record has
  };
  absl::StatusOr<Target> Resolve(Db& db, const Due& due);
  absl::Status Send(Db& db, const Due& due);
  void Loop();

  DeliveryConfig cfg_;
  Templates templates_;
  Writer& writer_;
  ReaderFn reader_;
  const vault::Vault* vault_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qf::notify
