#include "draws/witnessed.h"

#include "auth/auth_store.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "vault/vault.h"

namespace qf::draws {
namespace {

std::string Code(std::string_view kind, std::string_view what) { return std::string(kind) + "." + std::string(what); }

}  // namespace

absl::Status CheckWitness(Db& db, std::string_view kind, int64_t witness, const Principal& requester) {
  if (witness == requester.account_id)
    return Invalid(Code(kind, "witness"), "见证人不能是发起人本人", {{"witness_account_id", "不能是本人"}});
  QF_ASSIGN_OR_RETURN(auto account, auth::GetAccount(db, witness));
  if (!account || !account->active || (account->roles & kWitnessRoles) == 0)
    return Invalid(Code(kind, "witness"), "见证人应为纪检监察或局领导账号", {{"witness_account_id", "不是可作见证人的账号"}});
  return absl::OkStatus();
}

absl::StatusOr<Committed> Commit(const vault::Vault* vault, std::string_view kind) {
  if (!vault) return absl::InternalError("保险库未配置，不能保存抽取密钥（" + std::string(kind) + "）");
  std::string secret = RandomToken(32);
  return Committed{Commitment(secret), vault->Seal(secret)};
}

absl::StatusOr<Reveal> RevealSeed(const vault::Vault* vault, std::string_view kind, const std::string& sealed_secret,
                                  int64_t witness, const std::string& public_value, const Principal& who) {
  if (who.account_id != witness)
    return Forbidden(Code(kind, "witness_only"), "只有指定的见证人可以输入公开值并开始抽取");
  std::string pv(Trim(public_value));
  if (pv.empty() || Utf8Length(pv) > 64)
    return Invalid(Code(kind, "public_value"), "请输入见证人公开值（1–64个字符）", {{"public_value", "必填"}});
  if (!vault) return absl::InternalError("保险库未配置，不能打开抽取密钥");
  QF_ASSIGN_OR_RETURN(std::string secret, vault->Unseal(sealed_secret));
  Seed seed = MakeSeed(secret, pv);
  return Reveal{std::move(pv), std::move(secret), seed};
}

}  // namespace qf::draws
