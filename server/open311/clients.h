// The platforms allowed to submit through Open311, each with its api_key and the case channel its submissions
// arrive on: issued and revoked by the administrator, each change a ledger event that never carries the key. Only
// the key's SHA-256 is stored; the key itself is shown once, when it is issued. Functions taking a Tx run inside a
// writer command; ListClients reads on the caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::open311 {

struct Client {
  int64_t id = 0;
  std::string name, channel;
};

struct NewClient {
  std::string name, channel;
};
// Validates the administrator's body {name, channel}: the channel is one of the case channels.
absl::StatusOr<NewClient> ParseNewClient(const boost::json::object& body);
// {id, name, channel, api_key}: the key in clear, this once.
absl::StatusOr<boost::json::object> IssueClient(Tx& tx, const NewClient& c);
// Conflict when already revoked; NotFound when there is no such client.
absl::Status RevokeClient(Tx& tx, int64_t id, const std::string& reason);
// The live client `api_key` belongs to; PermissionDenied (open311.api_key) for an unknown or revoked key.
absl::StatusOr<Client> ClientByKey(Db& db, std::string_view api_key);
// {items: [{id, name, channel, channel_label, key_hint, issued_at, revoked_at, revoke_reason, requests}]}.
absl::StatusOr<boost::json::object> ListClients(Db& db);

}  // namespace qf::open311
