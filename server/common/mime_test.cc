#include "common/mime.h"

#include <gtest/gtest.h>

namespace qf {
namespace {

TEST(Mime, FromContentNotName) {
  EXPECT_EQ(MimeOf(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 33)), "image/png");
  EXPECT_EQ(MimeOf("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "application/pdf");
  EXPECT_EQ(MimeOf(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20)), "image/jpeg");
  // An executable that starts like nothing we accept, and HTML posing as text.
  std::string exe = MimeOf(std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0", 16));
  EXPECT_TRUE(exe == "application/x-dosexec" || exe == "application/octet-stream") << exe;
  EXPECT_EQ(MimeOf("<html><script>alert(1)</script></html>"), "text/html");
}

}  // namespace
}  // namespace qf
