// Replays every input kept under fuzz/regressions/<target>/ (crashes the fuzzers found, after
// their fix) and the seed corpus fuzz/corpus/<target>/ through the same fuzz target functions
// (fuzz/targets.h) that `make fuzz` runs under libFuzzer. A target aborts on a broken contract,
// so each input runs in a death-test-free way: reaching the end of the loop is the assertion.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "targets.h"

namespace fs = std::filesystem;

namespace {

int replay(const fs::path& dir, cipms::fuzz::Target fn) {
  int n = 0;
  if (!fs::is_directory(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename().string().front() == '.') continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(e.path().string());
    fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++n;
  }
  return n;
}

}  // namespace

TEST(FuzzRegression, EveryKeptCrashInputAndSeedRunsCleanly) {
  int total = 0;
  for (const auto& t : cipms::fuzz::all_targets()) {
    total += replay(fs::path(CIPMS_FUZZ_DIR) / "regressions" / t.name, t.fn);
    total += replay(fs::path(CIPMS_FUZZ_DIR) / "corpus" / t.name, t.fn);
  }
  EXPECT_GT(total, 0) << "no inputs found under " << CIPMS_FUZZ_DIR;
}

TEST(FuzzRegression, EmptyAndTinyInputsAreHandled) {
  const std::uint8_t bytes[] = {0, '{', '}', 0};
  for (const auto& t : cipms::fuzz::all_targets()) {
    for (std::size_t n = 0; n <= sizeof bytes; ++n) t.fn(bytes, n);
  }
}
