// `loopfront validate FILE` accepts only what the commands that load FILE accept (issue 15, item 2):
// the checks live in the loaders, so validate and `search`/`analyze` report the same positioned
// diagnostic for the same bad input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

namespace {

// The first `file:line:col: ...` line of a command's stderr.
std::string FirstDiagnostic(const std::string& err, const std::string& file) {
  for (const std::string& line : loopfront::util::Split(err, '\n')) {
    if (line.starts_with(file + ":")) return line;
  }
  return "";
}

}  // namespace

TEST_CASE("validate and the commands that load a workload report the same positioned error",
          "[integration][bad][validate]") {
  const std::filesystem::path folder = std::filesystem::path(LOOPFRONT_TESTS_DIR) / "bad_inputs";
  // Each case: a bad input and a command that loads it (the file's path is appended).
  const std::pair<const char*, const char*> cases[] = {
      {"oplist_too_many_dims.yaml", "search --arch eyeriss-like --op-name big --budget-evals 5 --workload"},
      {"oplist_dim_named_pass.yaml", "search --arch eyeriss-like --op-name sm --budget-evals 5 --workload"},
      {"oplist_macs_2_to_52.yaml", "search --arch eyeriss-like --op-name proj --budget-evals 5 --workload"},
      {"oplist_too_many_tensors.yaml", "search --arch eyeriss-like --op-name proj --budget-evals 5 --workload"},
      {"workload_layers_2_to_63.yaml", "analyze --model"},
      {"workload_layers_total_work.yaml", "analyze --model"},
  };
  for (const auto& [name, command] : cases) {
    const std::string file = (folder / name).string();
    INFO(file);
    const loopfront::testing::CommandResult validate = loopfront::testing::RunLoopfront("validate '" + file + "'");
    const loopfront::testing::CommandResult loaded =
        loopfront::testing::RunLoopfront(std::string(command) + " '" + file + "'");
    INFO(validate.err);
    INFO(loaded.err);
    CHECK(validate.exit_code == 2);
    CHECK(loaded.exit_code == 2);
    const std::string diagnostic = FirstDiagnostic(validate.err, file);
    CHECK_FALSE(diagnostic.empty());
    CHECK(diagnostic == FirstDiagnostic(loaded.err, file));
  }
}
