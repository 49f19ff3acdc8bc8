#include "common/problem.h"

#include <boost/json.hpp>

#include "common/status.h"
#include "common/strings.h"

namespace qf {
namespace {

struct Mapping {
  absl::StatusCode code;
  int http;
  const char* title;
};

// The one table: absl code -> HTTP status and Chinese title. When you use a new code, add the mapping too.
constexpr Mapping kMappings[] = {
    {absl::StatusCode::kInvalidArgument, 400, "请求内容有误"},
    {absl::StatusCode::kUnauthenticated, 401, "需要登录"},
    {absl::StatusCode::kPermissionDenied, 403, "无权进行此操作"},
    {absl::StatusCode::kNotFound, 404, "未找到"},
    {absl::StatusCode::kAlreadyExists, 409, "记录已存在"},
    {absl::StatusCode::kFailedPrecondition, 409, "当前状态不允许此操作"},
    {absl::StatusCode::kAborted, 409, "记录已被他人修改，请刷新后重试"},
    {absl::StatusCode::kOutOfRange, 400, "数值超出范围"},
    {absl::StatusCode::kUnimplemented, 405, "不支持该请求方法"},
    {absl::StatusCode::kResourceExhausted, 429, "请求过于频繁或内容过大"},
    {absl::StatusCode::kUnavailable, 503, "服务暂不可用"},
    {absl::StatusCode::kDeadlineExceeded, 504, "处理超时"},
};

const Mapping* Find(absl::StatusCode code) {
  for (const auto& m : kMappings)
    if (m.code == code) return &m;
  return nullptr;
}

}  // namespace

int HttpStatusFor(absl::StatusCode code) {
  const Mapping* m = Find(code);
  return m ? m->http : 500;
}

Problem ToProblem(const absl::Status& status, const std::string& instance) {
  const Mapping* m = Find(status.code());
  return ToProblemWithHttpStatus(status, instance, m ? m->http : 500);
}

Problem ToProblemWithHttpStatus(const absl::Status& status, const std::string& instance, int http) {
  const Mapping* m = Find(status.code());
  std::string code = StableCode(status);
  boost::json::object doc;
  doc["type"] = "https://qingfeng.example/problems/" + code;
  doc["title"] = m ? m->title : "服务器内部错误";
  doc["status"] = http;
  doc["detail"] = m ? Str(status.message()) : "服务器内部错误，已记录，请稍后重试";
  doc["code"] = code;
  doc["instance"] = instance;
  boost::json::array errors;
  for (const auto& f : FieldErrors(status))
    errors.push_back(FieldJson(f));
  if (!errors.empty()) doc["errors"] = std::move(errors);
  return {http, boost::json::serialize(doc)};
}

}  // namespace qf
