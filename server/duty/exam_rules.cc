// The rules tests' pure parts: questions read from the office's sheet, answers normalised, a paper drawn from its
// seed, and the speed flags.
#include <algorithm>
#include <set>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "draws/draw.h"
#include "duty/duty.h"
#include "fmt/format.h"

namespace qf::duty {

std::string_view Code(QuestionKind k) {
  switch (k) {
    case QuestionKind::kSingle: return "single";
    case QuestionKind::kMultiple: return "multiple";
    case QuestionKind::kJudge: return "judge";
  }
  return "single";
}

std::optional<std::string> NormaliseChoice(const Question& q, std::string_view typed) {
  std::string t(Trim(typed));
  if (q.kind == QuestionKind::kJudge) {
    for (const char* yes : {"T", "t", "对", "正确", "√", "是", "Y", "y"})
      if (t == yes) return std::string("T");
    for (const char* no : {"F", "f", "错", "错误", "×", "否", "N", "n"})
      if (t == no) return std::string("F");
    return std::nullopt;
  }
  std::set<char> letters;
  for (char c : t) {
    if (c == ',' || c == ' ' || c == ';' || c == '/') continue;
    char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up < 'A' || up >= static_cast<char>('A' + q.options.size())) return std::nullopt;
    letters.insert(up);
  }
  if (letters.empty()) return std::nullopt;
  if (q.kind == QuestionKind::kSingle && letters.size() != 1) return std::nullopt;
  return std::string(letters.begin(), letters.end());
}

std::vector<std::string_view> QuestionImportFields() {
  return {"kind", "stem", "option_A", "option_B", "option_C", "option_D", "option_E", "option_F", "answer", "rule"};
}

absl::StatusOr<std::vector<Question>> ReadQuestionTable(const ImportColumns& cols, const Table& t) {
  auto col = [&](std::string_view field) { return ColumnOf(t, cols, field); };
  int kind = col("kind"), stem = col("stem"), answer = col("answer"), rule = col("rule");
  std::vector<int> options;
  for (const char* letter : {"A", "B", "C", "D", "E", "F"}) {
    int c = col(std::string("option_") + letter);
    if (c >= 0) options.push_back(c);
  }
  std::vector<FieldError> errors;
  for (auto missing : MissingColumns(t, cols))
    errors.push_back({std::string(missing), fmt::format("表头缺少“{}”列", missing), "column_missing", {std::string(missing)}});
  if (!errors.empty()) return Invalid("duty.question_columns", "题库表缺少必需的列", std::move(errors));
  std::vector<Question> out;
  std::set<std::string> stems;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    int n = t.row_numbers[r];
    auto cell = [&](int col) { return std::string(Trim(row[col])); };
    if (cell(stem).empty() && cell(answer).empty()) continue;
    Question q;
    std::string k = cell(kind);
    if (k == "单选" || k == "单选题" || k == "single") q.kind = QuestionKind::kSingle;
    else if (k == "多选" || k == "多选题" || k == "multiple") q.kind = QuestionKind::kMultiple;
    else if (k == "判断" || k == "判断题" || k == "judge") q.kind = QuestionKind::kJudge;
    else errors.push_back(AtCell(n, kind, t.header[kind], "question_kind", {}, "题型应为单选、多选或判断"));
    q.stem = cell(stem), q.rule = cell(rule);
    if (q.stem.empty()) errors.push_back(AtCell(n, stem, t.header[stem], "required", {}, "题干不能为空"));
    else if (!stems.insert(q.stem).second) errors.push_back(AtCell(n, stem, t.header[stem], "duplicate_question", {}, "与前面的题目重复"));
    if (q.rule.empty()) errors.push_back(AtCell(n, rule, t.header[rule], "required", {}, "应写明题目依据的规定"));
    if (q.kind != QuestionKind::kJudge) {
      for (int c : options)
        if (!cell(c).empty()) q.options.push_back(cell(c));
      if (q.options.size() < 2) errors.push_back(AtRow(n, "two_options", {}, "选择题至少两个选项", "选项"));
    }
    auto a = NormaliseChoice(q, cell(answer));
    if (!a)
      errors.push_back(q.kind == QuestionKind::kJudge
                           ? AtCell(n, answer, t.header[answer], "judge_answer", {}, "判断题答案应为“对”或“错”")
                           : AtCell(n, answer, t.header[answer], "choice_answer", {}, "答案应为选项字母（多选题可写多个）"));
    else q.answer = *a;
    out.push_back(std::move(q));
  }
  if (out.empty()) errors.push_back({"rows", "表中没有题目"});
  if (!errors.empty()) return Invalid("duty.question_rows", "题库表有误，未导入任何题目", std::move(errors));
  return out;
}

namespace {

// A seed from 64 hex digits (missing or bad digits count as zero: seeds are written by the server).
draws::Seed SeedFromHex(const std::string& hex) {
  draws::Seed s{};
  auto nibble = [](char c) -> int { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0; };
  for (size_t i = 0; i < s.size() && 2 * i + 1 < hex.size(); ++i)
    s[i] = static_cast<uint8_t>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
  return s;
}

}  // namespace

std::string AttemptSeedHex(const std::string& test_seed_hex, int64_t taker_id, int attempt) {
  draws::Seed s = draws::Derive(SeedFromHex(test_seed_hex), fmt::format("taker:{}:{}", taker_id, attempt));
  return Hex(s.data(), s.size());
}

std::vector<int64_t> DrawPaper(std::vector<int64_t> bank_ids, const std::string& attempt_seed_hex, int n) {
  std::sort(bank_ids.begin(), bank_ids.end());
  std::vector<std::string> ids;
  for (int64_t id : bank_ids) ids.push_back(fmt::format("{:012d}", id));  // canonical order is the sorted order
  std::vector<std::string> shuffled = draws::Shuffle(std::move(ids), SeedFromHex(attempt_seed_hex));
  std::vector<int64_t> out;
  for (size_t i = 0; i < shuffled.size() && static_cast<int>(out.size()) < n; ++i) out.push_back(std::stoll(shuffled[i]));
  return out;
}

std::vector<std::string> SpeedFlags(absl::Time started, const std::vector<absl::Time>& answered, absl::Time submitted,
                                    int questions) {
  std::vector<absl::Time> times = answered;
  std::sort(times.begin(), times.end());
  int fast = 0;
  absl::Time prev = started;
  for (absl::Time t : times) {
    if (t - prev < absl::Seconds(kFastAnswerSeconds)) ++fast;
    prev = t;
  }
  std::vector<std::string> flags;
  if (fast >= 3) flags.push_back(fmt::format("{}道题的作答间隔不足{}秒", fast, kFastAnswerSeconds));
  // A paper handed in almost blank is not fast, only empty: the whole-paper time counts once half is answered.
  if (questions > 0 && static_cast<int>(times.size()) * 2 >= questions &&
      submitted - started < absl::Seconds(kFastPaperSecondsPerQuestion * questions))
    flags.push_back(fmt::format("全卷用时{}秒，少于每题{}秒", absl::ToInt64Seconds(submitted - started), kFastPaperSecondsPerQuestion));
  return flags;
}

}  // namespace qf::duty
