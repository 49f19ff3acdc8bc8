#include <gtest/gtest.h>

#include <string>

#include "placement/placement.h"
#include "runtime/store_fixture.h"

namespace qf::placement {
namespace {

class PlacementStore : public StoreTest {};

// The console's applications of one state (the office's of every district, a district bureau's of its own) read an
// index in id order: never the year's every application, never a sort.
TEST_F(PlacementStore, TheApplicationsOfAStateAreReadFromAnIndexNewestFirst) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (bool by_district : {false, true}) {
    auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + ApplicationsSql(by_district, true));
    ASSERT_TRUE(st.ok()) << st.status();
    int k = 1;
    st->Bind(k++, int64_t{2026});
    if (by_district) st->Bind(k++, std::string("瑶海区"));
    st->Bind(k++, std::string("submitted"));
    std::string all;
    while (*st->Step()) all += st->Text(3) + "\n";
    EXPECT_NE(all.find(by_district ? "INDEX placement_applications_district" : "INDEX placement_applications_state"),
              std::string::npos) << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace qf::placement
