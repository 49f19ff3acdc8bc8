// The content type of uploaded bytes, judged from their content by libmagic (never from the name or the
// client's claim). Thread-safe: one magic cookie per thread.
#pragma once

#include <string>
#include <string_view>

namespace qf {

// "image/jpeg", "application/pdf", … or "" if libmagic cannot tell.
std::string MimeOf(std::string_view bytes);

}  // namespace qf
