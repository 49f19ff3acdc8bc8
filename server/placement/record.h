// The published record of a placement run as JSON — the inputs (schools and seats, children with their home
// points, tiers, choices and lottery numbers, the committed seed revealed) and the seats given — and its reading
// back for the verifier (`qingfeng placement verify`). docs/placement.md describes the fields.
#pragma once

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "placement/match.h"

namespace qf::placement {

boost::json::object RecordJson(const Recorded& rec);
// InvalidArgument naming the field when the record is not one.
absl::StatusOr<Recorded> ParseRecord(const boost::json::object& o);
// The record of a run: the inputs and deferred acceptance's seats.
Recorded RecordOf(const Instance& in, const Result& r, std::string commitment, std::string public_value,
                  std::string secret);

}  // namespace qf::placement
