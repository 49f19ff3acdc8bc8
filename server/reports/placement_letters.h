// Placement letters (入学通知书): one DOCX per school with a letter per child the published run seats there, in the
// GB/T 9704 layout of the bureau's other documents (docx.h), names opened from the vault after the opening is
// recorded (placement::OpenSeated).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "placement/placement.h"

namespace qf::reports {

absl::StatusOr<std::string> PlacementLettersDocx(const placement::SeatedSchool& school, const vault::Vault& vault,
                                                 absl::Time now);

}  // namespace qf::reports
