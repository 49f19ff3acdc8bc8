// Files kept as evidence (an inspection's checklist, a rectification order, a livelihood project's monthly report):
// the one rule for what is accepted — a JPEG or PNG photo or a PDF, 1 byte to 5 MB, its type read from its bytes —
// and the shared table of file contents (blobs) keyed by SHA-256. Who may attach or read a file is its domain's.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "storage/writer.h"

namespace qf {

inline constexpr size_t kMaxEvidenceBytes = 5 * 1024 * 1024;

// Checks the file (evidence.size, evidence.type naming `file`) without writing.
absl::Status CheckEvidenceFile(const std::string& data);
// Checks and keeps the file's bytes; returns its SHA-256 (hex). Kept once however often it is attached.
struct KeptFile {
  std::string sha256, mime;
};
absl::StatusOr<KeptFile> KeepEvidenceFile(Tx& tx, const std::string& data);

}  // namespace qf
