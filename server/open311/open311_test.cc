// Open311's documents, its submission mapping and the public's view of requests, on the cases store fixture.
#include "open311/open311.h"

#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "common/json_input.h"
#include "common/timefmt.h"
#include "http/http.h"

namespace qf::open311 {
namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& f : FieldErrors(s)) out.push_back(f.field);
  return out;
}

TEST(Open311Submission, MapsTheSpecsParametersOntoACase) {
  auto s = ParseSubmission({{"api_key", "k"}, {"service_code", "fees"}, {"description", "学校统一收取资料费每人300元"},
                            {"attribute[unit]", "瑶海区实验中学"}, {"attribute[work_order_no]", "GD-1"},
                            {"attribute[occurred_on]", "2026-04-01T08:00:00+08:00"}, {"address_string", "南门"},
                            {"lat", "31.8"}, {"long", "117.2"}, {"media_url", "http://x/1.jpg"},
                            {"last_name", "王"}, {"first_name", "芳"}, {"phone", "13900001111"}, {"email", "w@x.cn"},
                            {"account_id", "a1"}, {"device_id", "d1"}});
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& c = s->new_case;
  EXPECT_EQ(s->api_key, "k");
  EXPECT_EQ(s->account_id, "a1");
  EXPECT_EQ(s->unit_text, "瑶海区实验中学");
  EXPECT_EQ(c.category, "fees");
  EXPECT_EQ(c.title, "学校统一收取资料费每人300元");  // from the description: no title given
  EXPECT_EQ(c.content, "学校统一收取资料费每人300元\n地点：南门 （31.8, 117.2）\n图片链接：http://x/1.jpg");
  EXPECT_EQ(c.occurred_on, "2026-04-01");
  EXPECT_EQ(c.external_ref, "GD-1");
  EXPECT_FALSE(c.anonymous);
  EXPECT_EQ(c.reporter_name, "王芳");
  EXPECT_EQ(c.reporter_phone, "13900001111");
  EXPECT_EQ(c.reporter_address, "电子邮箱：w@x.cn");
}

TEST(Open311Submission, ATitleCutFromALongDescription) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "字";
  auto s = ParseSubmission({{"service_code", "other"}, {"description", text}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Utf8Length(s->new_case.title), 30);
  EXPECT_TRUE(s->new_case.anonymous);
}

TEST(Open311Submission, ProblemsNameTheOpen311Parameters) {
  auto s = ParseSubmission({{"service_code", "pigeons"}, {"attribute[colour]", "red"}, {"attribute[kind]", "rumour"},
                            {"phone", "13900001111"}, {"lat", "91"}, {"long", "117"}});
  ASSERT_FALSE(s.ok());
  auto fields = Fields(s.status());
  for (const char* f : {"service_code", "description", "attribute[colour]", "attribute[kind]", "last_name", "lat"})
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  EXPECT_EQ(std::find(fields.begin(), fields.end(), "content"), fields.end()) << "the case's own names stay inside";
}

TEST(Open311Query, TheSpecsLimits) {
  absl::Time now = *ParseUtc("2026-04-30T02:00:00Z");
  auto q = ParseRequestQuery({}, now);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->end, now);
  EXPECT_EQ(q->start, now - absl::Hours(24 * 90));
  EXPECT_FALSE(q->closed);
  q = ParseRequestQuery({{"start_date", "2026-01-01T00:00:00+08:00"}, {"end_date", "2026-04-01T00:00:00+08:00"}}, now);
  EXPECT_TRUE(q.ok()) << "90 days exactly";
  q = ParseRequestQuery({{"start_date", "2026-01-01T00:00:00+08:00"}, {"end_date", "2026-04-01T00:00:01+08:00"}}, now);
  EXPECT_EQ(Fields(q.status()), std::vector<std::string>{"end_date"});
  q = ParseRequestQuery({{"status", "open,closed"}}, now);
  EXPECT_FALSE(q->closed) << "both statuses: no filter";
  q = ParseRequestQuery({{"status", "closed"}}, now);
  EXPECT_EQ(q->closed, true);
  q = ParseRequestQuery({{"service_request_id", "3, 5,8"}, {"status", "bogus"}}, now);
  ASSERT_TRUE(q.ok()) << "ids: the other parameters are ignored";
  EXPECT_EQ(q->ids, (std::vector<int64_t>{3, 5, 8}));
  EXPECT_FALSE(ParseRequestQuery({{"service_request_id", "3,x"}}, now).ok());
}

TEST(Open311Documents, XmlNamesListItemsByTheirContainer) {
  auto def = ServiceDefinition("fees");
  ASSERT_TRUE(def.ok());
  std::string xml = ToXml("service_definition", *def);
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")) << xml;
  EXPECT_NE(xml.find("<attributes>\n    <attribute>\n      <variable>true</variable>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<value>\n          <key>complaint</key>\n          <name>投诉</name>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<datatype_description />"), std::string::npos) << xml;
  EXPECT_FALSE(ServiceDefinition("pigeons").ok());
  std::string errors = ToXml("errors", Errors(Invalid("x", "y", {{"service_code", "没有这个服务"}}), 400));
  EXPECT_NE(errors.find("<error>\n    <code>400</code>\n    <description>service_code：没有这个服务</description>"),
            std::string::npos) << errors;
  // Text is escaped, never markup.
  EXPECT_NE(ToXml("x", boost::json::object{{"a", "<b>&"}}).find("<a>&lt;b&gt;&amp;</a>"), std::string::npos);
}

TEST(Open311Documents, SettingsFromTheShippedData) {
  auto s = LoadSettings(std::string(QF_SOURCE_DIR) + "/data/policies");
  ASSERT_TRUE(s.ok()) << s.status();
  auto services = Services(*s);
  ASSERT_EQ(services.size(), 8u);
  for (const auto& v : services)
    EXPECT_FALSE(v.at("description").as_string().empty()) << v.at("service_code").as_string();
  EXPECT_EQ(Discovery(*s, "http://h/open311/v2").at("endpoints").at(0).at("url"), "http://h/open311/v2");
}

TEST(Form, DecodesUrlEncodedBodies) {
  auto f = ParseForm("a=1+2&b=%E6%94%B6%E8%B4%B9&c=&d&attribute%5Bunit%5D=x%26y");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f, (Form{{"a", "1 2"}, {"b", "收费"}, {"c", ""}, {"d", ""}, {"attribute[unit]", "x&y"}}));
  EXPECT_FALSE(ParseForm("a=%E6%9").has_value());
  EXPECT_FALSE(ParseForm("a=%zz").has_value());
}

class Open311Store : public cases::CasesTest {};

TEST_F(Open311Store, ThePublicSeesNoCaseBehindTheWall) {
  cases::NewCase open;
  open.category = "fees";
  open.concerned_unit_id = school_;
  int64_t seen = Register(open).at("id").as_int64();
  cases::NewCase walled = open;
  walled.leadership_accused = true;
  auto w = Register(walled);
  ASSERT_TRUE(w.at("restricted").as_bool());
  int64_t hidden = w.at("id").as_int64();

  RequestQuery window = *ParseRequestQuery({}, clock_.Now() + absl::Minutes(1));
  auto all = FindRequests(Reader(), window);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  const auto& r = all->at(0).as_object();
  EXPECT_EQ(r.at("service_request_id").as_string(), std::to_string(seen));
  EXPECT_EQ(r.at("status"), "open");
  EXPECT_EQ(r.at("service_name"), "教育收费");
  EXPECT_TRUE(r.at("description").is_null());
  EXPECT_TRUE(r.at("requested_datetime").as_string().ends_with("+08:00"));
  EXPECT_TRUE(r.at("expected_datetime").is_string()) << "the acceptance deadline";
  RequestQuery ids;
  ids.ids = {hidden, seen};
  auto by_id = FindRequests(Reader(), ids);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->size(), 1u);
  RequestQuery closed = window;
  closed.closed = true;
  EXPECT_TRUE(FindRequests(Reader(), closed)->empty());
}

// Both window statements read the cases from an index in the asked order: never a scan of cases, never a sort.
TEST_F(Open311Store, TheWindowUsesAnIndex) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (bool by_category : {false, true}) {
    auto st = Reader().Prepare("EXPLAIN QUERY PLAN " + WindowSql(by_category) +
                               "ORDER BY c.received_at DESC, c.id DESC LIMIT 1000");
    ASSERT_TRUE(st.ok()) << st.status();
    st->Bind(1, "2026-01-01").Bind(2, "2026-04-01");
    if (by_category) st->Bind(3, "fees");
    std::string all;
    while (*st->Step()) all += st->Text(3) + "\n";
    EXPECT_NE(all.find(by_category ? "USING INDEX cases_category" : "USING INDEX cases_received"), std::string::npos) << all;
    EXPECT_EQ(all.find("SCAN c\n"), std::string::npos) << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace qf::open311
