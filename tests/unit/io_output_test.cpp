#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loopfront/io/output.h"
#include "loopfront/util/error.h"

TEST_CASE("Atomic writes leave the whole file and no temporary behind", "[io]") {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "loopfront_output_test" / "nested";
  std::filesystem::remove_all(folder.parent_path());
  loopfront::io::WriteFileAtomically(folder / "a.csv", "first\n");
  loopfront::io::WriteFileAtomically(folder / "a.csv", "second\n");
  std::ifstream stream(folder / "a.csv");
  std::stringstream text;
  text << stream.rdbuf();
  CHECK(text.str() == "second\n");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++files;
  CHECK(files == 1);
  std::filesystem::remove_all(folder.parent_path());
}

TEST_CASE("An unwritable location is a configuration error", "[io]") {
  CHECK_THROWS_AS(loopfront::io::WriteFileAtomically("/proc/loopfront/cannot/a.csv", "x"),
                  loopfront::util::ConfigError);
}
