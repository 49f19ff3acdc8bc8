// GeoReport v2 (Open311) over the cases, for the platforms that forward complaints (12345, the provincial
// platforms): the discovery document, the case categories as services with their attributes, a platform's
// submission made into a new case on that platform's channel, and the public's view of requests — a case's
// category, state, dates and handling unit only: never its text, its reporter or a case behind the wall. Documents
// are JSON values; XML is written from the same values (ToXml). Pure, except FindRequests (reads on the caller's
// connection).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "cases/cases.h"
#include "storage/db.h"

namespace qf::open311 {

// What data/policies/open311.toml says: the discovery texts, the per-platform limit, and what Open311 adds to each
// case category (description, keywords, group).
struct Settings {
  std::string jurisdiction_id, contact, key_service, changeset;
  double submit_burst = 120, submit_per_minute = 60;
  struct Service {
    std::string description, keywords, group;
  };
  std::map<std::string, Service> services;  // by category code
};
absl::StatusOr<Settings> LoadSettings(const std::string& policies_dir);

// The spec's limits on GET requests: 90 days of requests, at most 1,000 of them.
inline constexpr int kMaxDays = 90;
inline constexpr int kMaxResults = 1000;

boost::json::object Discovery(const Settings& s, std::string_view base_url);
boost::json::array Services(const Settings& s);
// NotFound (open311.service) for a code that is no category.
absl::StatusOr<boost::json::object> ServiceDefinition(std::string_view service_code);

// A submission (POST requests, form-encoded) as a new case. Named when the platform gives the reporter's name and
// phone; the location, the address and a media URL are kept in the case's text so that nothing sent is lost.
struct Submission {
  std::string api_key;
  cases::NewCase new_case;      // its channel is the client platform's, set when the key is checked
  std::string unit_text;        // attribute[unit]: the school or unit as the platform wrote it
  std::string account_id;       // echoed back, as the spec asks
};
// Invalid (open311.invalid) naming the Open311 parameters at fault (service_code, description, attribute[kind] …).
absl::StatusOr<Submission> ParseSubmission(const std::vector<std::pair<std::string, std::string>>& form);

// GET requests: by ids, or by service, status and a window of at most kMaxDays (the last 90 days by default).
struct RequestQuery {
  std::vector<int64_t> ids;  // service_request_id=1,2,3: the other parameters are then ignored
  std::string service_code;
  std::optional<bool> closed;
  absl::Time start, end;
};
absl::StatusOr<RequestQuery> ParseRequestQuery(const std::vector<std::pair<std::string, std::string>>& query,
                                               absl::Time now);
// The requests the public may see, newest first, at most kMaxResults.
absl::StatusOr<boost::json::array> FindRequests(Db& db, const RequestQuery& q);
// The statement FindRequests runs over a window (for the plan test): ?1 start, ?2 end, optional ?3 category.
std::string WindowSql(bool by_category);

// "2026-12-03T09:30:00+08:00": times as the spec writes them, in China Standard Time.
std::string Iso8601(absl::Time t);

// The response formats: "json" or "xml"; anything else is NotFound.
absl::Status CheckFormat(std::string_view format);
// The document as XML, its root element named `root`; the elements of an array are named by their container
// (services → service, service_requests → request, errors → error, attributes → attribute, values → value …).
std::string ToXml(std::string_view root, const boost::json::value& doc);
// Open311's error document: [{code, description}], one per field at fault.
boost::json::array Errors(const absl::Status& status, int http_status);

}  // namespace qf::open311
