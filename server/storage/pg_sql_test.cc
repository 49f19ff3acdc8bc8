#include "storage/pg_sql.h"

#include <gtest/gtest.h>

namespace qf {
namespace {

TEST(PgSql, NumbersParametersAsSqliteDoes) {
  EXPECT_EQ(ToPostgres("SELECT a FROM t WHERE b=? AND c=?").text, "SELECT a FROM t WHERE b=$1 AND c=$2");
  EXPECT_EQ(ToPostgres("SELECT a FROM t WHERE b=?").params, 1);
  // A numbered parameter keeps its number; a bare one after it takes the next after the largest so far.
  auto s = ToPostgres("WHERE a=?2 AND b=?1 AND c=?");
  EXPECT_EQ(s.text, "WHERE a=$2 AND b=$1 AND c=$3");
  EXPECT_EQ(s.params, 3);
  EXPECT_EQ(ToPostgres("x IN (?12)").params, 12);
}

TEST(PgSql, LeavesQuotedTextAndCommentsAlone) {
  EXPECT_EQ(ToPostgres("SELECT '?', \"a?b\", ? -- what?\n/* ?1 */ FROM t").text,
            "SELECT '?', \"a?b\", $1 -- what?\n/* ?1 */ FROM t");
  // A doubled quote stays inside the string.
  EXPECT_EQ(ToPostgres("SELECT 'it''s ?', ?").text, "SELECT 'it''s ?', $1");
  EXPECT_EQ(ToPostgres("SELECT 1").params, 0);
}

}  // namespace
}  // namespace qf
