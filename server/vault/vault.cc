#include "vault/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/status.h"
#include "common/strings.h"

namespace qf::vault {

absl::StatusOr<std::unique_ptr<Vault>> Vault::Open(const std::string& key_path) {
  namespace fs = std::filesystem;
  auto v = std::make_unique<Vault>();
  if (fs::exists(key_path)) {
    std::ifstream in(key_path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string b64(Trim(ss.str()));
    size_t len = 0;
    if (sodium_base642bin(v->sk_.data(), v->sk_.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || len != 32)
      return Invalid("vault.key", "身份保险库密钥文件格式错误：" + key_path);
    crypto_scalarmult_base(v->pk_.data(), v->sk_.data());
  } else {
    crypto_box_keypair(v->pk_.data(), v->sk_.data());
    if (auto parent = fs::path(key_path).parent_path(); !parent.empty()) fs::create_directories(parent);
    int fd = ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return absl::InternalError("无法创建身份保险库密钥文件 " + key_path);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, v->sk_.data(), v->sk_.size(), sodium_base64_VARIANT_ORIGINAL);
    std::string text = std::string(b64) + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return absl::InternalError("无法写入身份保险库密钥文件 " + key_path);
  }
  return v;
}

std::string Vault::Seal(std::string_view plaintext) const {
  std::string out(crypto_box_SEALBYTES + plaintext.size(), '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(plaintext.data()),
                  plaintext.size(), pk_.data());
  return out;
}

std::string Vault::Tag(std::string_view purpose, std::string_view value) const {
  std::string msg(purpose);
  msg.push_back('\0');
  msg.append(value);
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), sk_.data(),
                     sk_.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

absl::StatusOr<std::string> Vault::Unseal(std::string_view sealed) const {
  if (sealed.size() < crypto_box_SEALBYTES) return absl::DataLossError("密封数据过短");
  std::string out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(sealed.data()),
                           sealed.size(), pk_.data(), sk_.data()) != 0)
    return absl::DataLossError("无法解开密封的身份信息（密钥不符或数据被改动）");
  return out;
}

std::string Vault::PublicKeyBase64() const {
  char b64[64];
  sodium_bin2base64(b64, sizeof b64, pk_.data(), pk_.size(), sodium_base64_VARIANT_ORIGINAL);
  return b64;
}

}  // namespace qf::vault
