#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loopfront/io/output.h"
#include "loopfront/util/error.h"

TEST_CASE("CSV quotes only what needs quoting and prints numbers exactly", "[io]") {
  loopfront::io::CsvTable table({"op", "latency_cycles", "energy_pj", "mapping"});
  table.Row().Add("w_q").Add(std::int64_t{393216}).Add(1.5).Add("DRAM[m4, n2] \"SP\"");
  table.Row().Add("qk").Add(12).Add(7247757312.0).Add("plain");
  CHECK(table.ToString() ==
        "op,latency_cycles,energy_pj,mapping\n"
        "w_q,393216,1.5,\"DRAM[m4, n2] \"\"SP\"\"\"\n"
        "qk,12,7247757312,plain\n");
  CHECK(loopfront::io::FormatNumber(0.1) == "0.1");
  CHECK(loopfront::io::FormatNumber(1e300) == "1e+300");
}

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
