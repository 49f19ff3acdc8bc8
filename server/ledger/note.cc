#include "ledger/note.h"

#include <sodium.h>

#include <cstring>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"

namespace qf::ledger {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94";  // U+2014 EM DASH

std::string B64(const uint8_t* d, size_t n) { return qf::Base64(std::string_view(reinterpret_cast<const char*>(d), n)); }

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == '+') return false;
  return true;
}

absl::Status BadKey(std::string_view why) { return Invalid("ledger.bad_key", std::string("密钥格式错误：") + std::string(why)); }

}  // namespace

uint32_t KeyId(std::string_view name, const std::array<uint8_t, 32>& pub) {
  std::string data(name);
  data += '\n';
  data += '\x01';
  data.append(reinterpret_cast<const char*>(pub.data()), pub.size());
  auto h = Sha256(data);
  return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
}

std::string NoteVerifier::Encode() const {
  uint8_t buf[33];
  buf[0] = 0x01;
  std::memcpy(buf + 1, pub.data(), 32);
  return fmt::format("{}+{:08x}+{}", name, id, B64(buf, 33));
}

absl::StatusOr<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  // name+hex8+base64: names hold no '+', base64 may, so split from the left into three.
  auto parts = SplitN(Trim(vkey), '+', 3);
  if (parts.size() != 3) return BadKey("应为 名称+编号+公钥");
  NoteVerifier v;
  v.name = std::string(parts[0]);
  auto hex = parts[1];
  auto raw = qf::FromBase64(parts[2]);
  if (!ValidName(v.name) || hex.size() != 8) return BadKey("名称或编号无效");
  if (!raw || raw->size() != 33 || (*raw)[0] != '\x01') return BadKey("不是 Ed25519 公钥");
  std::memcpy(v.pub.data(), raw->data() + 1, 32);
  v.id = KeyId(v.name, v.pub);
  if (fmt::format("{:08x}", v.id) != hex) return BadKey("密钥编号与公钥不符");
  return v;
}

std::string NoteSigner::Encode() const {
  uint8_t buf[33];
  buf[0] = 0x01;
  std::memcpy(buf + 1, seed.data(), 32);
  return fmt::format("PRIVATE+KEY+{}+{:08x}+{}", name, id, B64(buf, 33));
}

NoteVerifier NoteSigner::Verifier() const { return {name, id, pub}; }

NoteSigner NoteSigner::FromSeed(std::string_view name, const std::array<uint8_t, 32>& seed) {
  NoteSigner s;
  s.name = std::string(name);
  s.seed = seed;
  crypto_sign_seed_keypair(s.pub.data(), s.secret.data(), seed.data());
  s.id = KeyId(s.name, s.pub);
  return s;
}

NoteSigner NoteSigner::Generate(std::string_view name) {
  std::array<uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  return FromSeed(name, seed);
}

absl::StatusOr<NoteSigner> NoteSigner::Parse(std::string_view skey) {
  skey = Trim(skey);
  if (!skey.starts_with("PRIVATE+KEY+")) return BadKey("不是私钥");
  skey.remove_prefix(12);
  auto parts = SplitN(skey, '+', 3);
  if (parts.size() != 3) return BadKey("应为 PRIVATE+KEY+名称+编号+私钥");
  std::string name(parts[0]);
  auto raw = qf::FromBase64(parts[2]);
  if (!ValidName(name) || !raw || raw->size() != 33 || (*raw)[0] != '\x01') return BadKey("不是 Ed25519 私钥");
  std::array<uint8_t, 32> seed;
  std::memcpy(seed.data(), raw->data() + 1, 32);
  NoteSigner s = FromSeed(name, seed);
  if (fmt::format("{:08x}", s.id) != parts[1]) return BadKey("密钥编号与私钥不符");
  return s;
}

std::string SignatureLine(std::string_view text, const NoteSigner& signer) {
  uint8_t sig[4 + 64];
  sig[0] = signer.id >> 24;
  sig[1] = signer.id >> 16;
  sig[2] = signer.id >> 8;
  sig[3] = signer.id;
  crypto_sign_detached(sig + 4, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       signer.secret.data());
  return std::string(kDash) + " " + signer.name + " " + B64(sig, sizeof sig) + "\n";
}

absl::StatusOr<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n') return Invalid("ledger.note", "签名文本须以换行结尾");
  return std::string(text) + "\n" + SignatureLine(text, signer);
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& keys) {
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos || !note.ends_with("\n"))
    return MakeError(absl::StatusCode::kInvalidArgument, "ledger.note", "签名说明格式错误：缺少正文与签名之间的空行");
  OpenedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  for (std::string_view line : Split(sigs, '\n')) {
    if (line.empty()) continue;
    if (!line.starts_with(kDash)) return MakeError(absl::StatusCode::kInvalidArgument, "ledger.note", "签名行应以 — 开头");
    out.signatures.push_back(std::string(line) + "\n");
    line.remove_prefix(kDash.size());
    auto parts = Split(Trim(line), ' ');
    if (parts.size() != 2) return MakeError(absl::StatusCode::kInvalidArgument, "ledger.note", "签名行格式错误");
    auto raw = qf::FromBase64(parts[1]);
    if (!raw || raw->size() < 4) return MakeError(absl::StatusCode::kInvalidArgument, "ledger.note", "签名不是有效的 Base64");
    uint32_t id = (uint32_t{uint8_t((*raw)[0])} << 24) | (uint32_t{uint8_t((*raw)[1])} << 16) |
                  (uint32_t{uint8_t((*raw)[2])} << 8) | uint8_t((*raw)[3]);
    for (const auto& k : keys) {
      if (k.name != parts[0] || k.id != id || raw->size() != 68) continue;
      if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(raw->data() + 4),
                                      reinterpret_cast<const unsigned char*>(out.text.data()), out.text.size(),
                                      k.pub.data()) == 0)
        out.verified_by.push_back(k.name);
      else
        return MakeError(absl::StatusCode::kUnauthenticated, "ledger.bad_signature",
                         "签名验证失败：" + k.name + " 的签名与内容不符");
    }
  }
  if (out.verified_by.empty())
    return MakeError(absl::StatusCode::kUnauthenticated, "ledger.unknown_signer", "没有可信密钥的签名（检查点可能由其他密钥签署）");
  return out;
}

std::string Checkpoint::Body() const {
  std::string s = origin + "\n" + std::to_string(size) + "\n" + ToBase64(root) + "\n";
  for (const auto& e : extensions) s += e + "\n";
  return s;
}

absl::StatusOr<Checkpoint> Checkpoint::Parse(std::string_view body) {
  auto lines = Split(body, '\n');
  if (lines.size() < 4 || !lines.back().empty())
    return Invalid("ledger.checkpoint", "检查点格式错误：应为来源、大小、根哈希三行");
  Checkpoint c;
  c.origin = std::string(lines[0]);
  auto size = ParseInt<uint64_t>(lines[1]);
  if (c.origin.empty() || !size || (lines[1].size() > 1 && lines[1][0] == '0'))
    return Invalid("ledger.checkpoint", "检查点的来源或大小无效");
  c.size = *size;
  if (!FromBase64(lines[2], &c.root)) return Invalid("ledger.checkpoint", "检查点的根哈希无效");
  for (size_t i = 3; i + 1 < lines.size(); ++i) c.extensions.emplace_back(lines[i]);
  return c;
}

}  // namespace qf::ledger
