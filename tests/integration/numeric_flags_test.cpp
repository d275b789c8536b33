// Every numeric flag refuses NaN, infinities and out-of-range integers with exit 2 and a message
// naming the flag (issue #15, items 1 and 4): no saturation, no CLI11 309-digit range, no output.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/integration/cli_runner.h"

using loopfront::testing::RunLoopfront;

namespace {

struct BadFlag {
  std::string arguments;
  std::string message;  // a part of stderr
};

}  // namespace

TEST_CASE("Numeric flags out of their documented range are usage errors naming the flag", "[cli][ranges]") {
  const std::string op = "--arch gemmini --op 'matmul m=8 n=8 k=8'";
  const std::string exp = std::string(LOOPFRONT_SOURCE_DIR) + "/experiments/default.yaml";
  const BadFlag cases[] = {
      {"search " + op + " --threads 0", "--threads: expected an integer in [1, 65536], got 0"},
      {"search " + op + " --threads 99999", "--threads: expected an integer in [1, 65536], got 99999"},
      {"search " + op + " --budget-seconds nan", "--budget-seconds: expected a number in [0, 1000000000], got nan"},
      {"search " + op + " --budget-seconds inf", "--budget-seconds: expected a number in [0, 1000000000], got inf"},
      {"search " + op + " --budget-evals 99999999999999999999",
       "--budget-evals: expected an integer in [0, 1099511627776], got '99999999999999999999'"},
      {"search " + op + " --budget-stall -5", "--budget-stall: expected an integer in [0, 1099511627776], got -5"},
      {"search " + op + " --seed -1", "--seed: expected an integer ≥ 0, got -1"},
      {"search " + op + " --max-padding-waste nan", "--max-padding-waste: expected a number in [0, 0.99], got nan"},
      {"search " + op + " --hv-reference nan,1", "--hv-reference: expected LATENCY_CYCLES,ENERGY_PJ"},
      {"search " + op + " --hv-reference 1,inf", "--hv-reference: expected LATENCY_CYCLES,ENERGY_PJ"},
      {"search --arch gemmini --model vit-b16 --seq 0", "--seq: expected an integer in [1, 1099511627776], got 0"},
      {"search --arch gemmini --model vit-b16 --tilings 0", "--tilings: expected an integer in [1, 10000], got 0"},
      {"search --arch gemmini --model vit-b16 --kv-buckets 99999999999999999999",
       "--kv-buckets: expected an integer in [1, 4096]"},
      {"analyze --model vit-b16 --seq 128,0", "--seq: expected an integer in [1, 1099511627776], got 0"},
      {"analyze --model vit-b16 --batch -3", "--batch: expected an integer in [1, 1099511627776], got -3"},
      {"crosscheck . --energy-tolerance nan", "--energy-tolerance: expected a number in [0, 1], got nan"},
      {"run '" + exp + "' --threads 0", "--threads: expected an integer in [1, 65536], got 0"},
      {"run '" + exp + "' --budget-seconds nan", "--budget-seconds: expected a number in [0.001, 1000000000], got nan"},
      {"run '" + exp + "' --budget-evals 0", "--budget-evals: expected an integer in [1, 1099511627776], got 0"},
      {"run '" + exp + "' --seed -1", "--seed: expected an integer ≥ 0, got -1"},
      {"reproduce survey --threads -1", "--threads: expected an integer in [0, 65536], got -1"},
      {"reproduce survey --budget-evals 1e3", "--budget-evals: expected an integer in [1, 1099511627776], got '1e3'"},
  };
  const std::filesystem::path output = std::filesystem::temp_directory_path() / "loopfront_numeric_flags_test";
  std::filesystem::remove_all(output);
  for (const BadFlag& bad : cases) {
    // Commands that write a folder get one, which must not appear.
    const bool writes = bad.arguments.starts_with("run ") || bad.arguments.starts_with("reproduce ");
    const std::string arguments = bad.arguments + (writes ? " --output '" + output.string() + "'" : "");
    INFO(arguments);
    const auto result = RunLoopfront(arguments);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(bad.message) != std::string::npos);
    CHECK(result.out.empty());
    CHECK_FALSE(std::filesystem::exists(output));
  }
}
