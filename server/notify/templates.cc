// The message templates (notify/notify.h): data/notify/templates.toml and sms.toml.
#include <toml++/toml.h>

#include "common/status.h"
#include "notify/notify.h"

namespace qf::notify {
namespace {

namespace json = boost::json;

std::string Text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

}  // namespace

std::string Fill(std::string_view text, const json::object& params, bool json_strings) {
  std::string out;
  size_t i = 0;
  // Each '}' closes the nearest '{' before it: a JSON template's own braces stay as they are.
  while (i < text.size()) {
    size_t close = text.find('}', i);
    size_t open = close == std::string_view::npos ? close : text.rfind('{', close);
    if (close == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    if (open == std::string_view::npos || open < i) {
      out.append(text.substr(i, close + 1 - i));
      i = close + 1;
      continue;
    }
    out.append(text.substr(i, open - i));
    std::string name(text.substr(open + 1, close - open - 1));
    const json::value* v = params.if_contains(name);
    bool word = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
    if (!v && json_strings && word) out += "null";  // a JSON body's value the message does not have
    else if (!v) out.append(text.substr(open, close - open + 1));
    else out += json_strings ? json::serialize(json::string(Text(*v))) : Text(*v);
    i = close + 1;
  }
  return out;
}

absl::StatusOr<Templates> Templates::Load(const std::string& dir) {
  Templates t;
  try {
    auto doc = toml::parse_file(dir + "/templates.toml");
    std::string portal = doc["portal"].value_or(std::string());
    for (const char* channel : {"sms", "email"}) {
      const auto* kinds = doc[channel].as_table();
      if (!kinds) continue;
      for (const auto& [kind, node] : *kinds) {
        const auto* e = node.as_table();
        if (!e) return Invalid("notify.templates", "templates.toml：" + std::string(kind.str()) + " 应为表");
        for (const char* locale : {"zh-CN", "en"}) {
          Message m;
          if (std::string(channel) == "sms") {
            m.body = (*e)[locale].value_or(std::string());
          } else {
            m.subject = (*e)["subject"][locale].value_or(std::string());
            m.body = (*e)["body"][locale].value_or(std::string());
          }
          if (m.body.empty()) {
            if (std::string(locale) == "zh-CN")
              return Invalid("notify.templates", "templates.toml：" + std::string(channel) + "." + std::string(kind.str()) + " 缺少中文文本");
            continue;
          }
          // The portal's address is the file's, the same in every message.
          m.body = Fill(m.body, json::object{{"portal", portal}});
          t.texts_[channel][std::string(kind.str())][locale] = std::move(m);
        }
      }
    }
    auto sms = toml::parse_file(dir + "/sms.toml");
    t.sms_payload_ = sms["payload"].value_or(std::string());
  } catch (const toml::parse_error& e) {
    return Invalid("notify.templates", "通知模板解析失败：" + std::string(e.description()));
  }
  if (t.sms_payload_.empty()) return Invalid("notify.templates", "sms.toml：缺少 payload");
  return t;
}

absl::StatusOr<Templates::Message> Templates::Render(std::string_view channel, std::string_view kind,
                                                     std::string_view locale, const json::object& params) const {
  auto c = texts_.find(std::string(channel));
  if (c == texts_.end()) return NotFound("notify.template", "没有该渠道的模板：" + std::string(channel));
  auto k = c->second.find(std::string(kind));
  if (k == c->second.end()) return NotFound("notify.template", "没有该事件的模板：" + std::string(kind));
  auto l = k->second.find(std::string(locale));
  if (l == k->second.end()) l = k->second.find("zh-CN");
  json::object values = params;
  if (const auto* card = params.if_contains("card"); card && card->is_string()) {
    bool red = card->as_string() == "red";
    values["card_label"] = locale == "en" ? (red ? "red" : "yellow") : (red ? "红牌" : "黄牌");
  }
  return Message{Fill(l->second.subject, values), Fill(l->second.body, values)};
}

std::string Templates::SmsPayload(const std::string& phone, const std::string& text, const json::object& params) const {
  json::object values = params;
  values["phone"] = phone;
  values["text"] = text;
  return Fill(sms_payload_, values, true);
}

}  // namespace qf::notify
