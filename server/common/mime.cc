#include "common/mime.h"

#include <magic.h>

namespace qf {

std::string MimeOf(std::string_view bytes) {
  struct Cookie {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    bool loaded = m && magic_load(m, nullptr) == 0;
    ~Cookie() {
      if (m) magic_close(m);
    }
  };
  thread_local Cookie cookie;
  if (!cookie.loaded) return "";
  const char* type = magic_buffer(cookie.m, bytes.data(), bytes.size());
  return type ? type : "";
}

}  // namespace qf
