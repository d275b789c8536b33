// The golden text files of the search tests (tests/golden/fronts/): a test builds its text, and
// CheckGoldenText compares it with the file — or, under LOOPFRONT_UPDATE_GOLDEN=1, writes the file
// first (then review `git diff tests/golden/fronts`).
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace loopfront::testing {

inline void CheckGoldenText(const std::string& file, const std::string& text) {
  const std::filesystem::path golden = std::filesystem::path(LOOPFRONT_TESTS_DIR) / "golden" / "fronts" / file;
  if (const char* update = std::getenv("LOOPFRONT_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(golden.parent_path());
    std::ofstream(golden) << text;
  }
  INFO(golden.string());
  REQUIRE(std::filesystem::exists(golden));
  std::ifstream in(golden);
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(expected.str() == text);
}

}  // namespace loopfront::testing
