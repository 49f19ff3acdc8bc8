// Replays saved inputs through a libFuzzer target without libFuzzer: `<target>_fuzz_replay FILE|DIR...` calls
// LLVMFuzzerTestOneInput once per file (a directory's files in name order). A target that traps or crashes on an
// input ends the run with the input's name on stderr. make test (ctest) replays each target's seed corpus and the
// crashes saved in fuzz/regressions/ this way, built by the server's own compiler against its own libraries; new
// inputs are found by `make fuzz` (clang, libFuzzer, AddressSanitizer and UBSan; see fuzz/run.sh).
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

char current_input[4096];

void OnCrash(int sig) {
  const char* what = "replay: crashed on input ";
  (void)!write(2, what, strlen(what));
  (void)!write(2, current_input, strlen(current_input));
  (void)!write(2, "\n", 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(p)) {
      inputs.push_back(p);
    } else {
      fprintf(stderr, "replay: no such input: %s\n", argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    fprintf(stderr, "replay: no inputs given\n");
    return 2;
  }
  for (int sig : {SIGSEGV, SIGABRT, SIGILL, SIGBUS, SIGFPE, SIGTRAP}) signal(sig, OnCrash);
  for (const auto& p : inputs) {
    snprintf(current_input, sizeof current_input, "%s", p.c_str());
    std::ifstream in(p, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  printf("replay: %zu inputs, none crashed\n", inputs.size());
  return 0;
}
