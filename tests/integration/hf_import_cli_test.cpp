// Hugging Face configs through the CLI as a user runs them: `--model hf:FILE` in analyze, `import hf`
// to stdout and to a file, and an experiment whose model is `hf:` with a path relative to the
// current directory.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/experiment_fixtures.h"

using loopfront::testing::ReadWholeFile;
using loopfront::testing::RunCommand;
using loopfront::testing::RunLoopfront;
using loopfront::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> HfConfigs() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(LOOPFRONT_TESTS_DIR) / "data" / "hf")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("analyze --model hf:FILE --seq 2048 --by class --format csv works for every model_type",
          "[integration][hf]") {
  const std::vector<fs::path> files = HfConfigs();
  REQUIRE(files.size() == 11);
  for (const fs::path& file : files) {
    INFO(file.filename().string());
    // BERT and GPT-2 learned 512 and 1024 positions; 2048 tokens are analysed as if their tables
    // were extended (workload/transformer.h, max_positions), as the survey runs BERT at 4096.
    const auto result =
        RunLoopfront("analyze --model 'hf:" + file.string() + "' --seq 2048 --by class --format csv");
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 0);
    const std::vector<std::string> lines = loopfront::util::Split(result.out, '\n');
    REQUIRE(lines.size() > 2);
    CHECK(lines[0].starts_with("model,"));
    CHECK(result.out.find(",total,") != std::string::npos);
  }
}

TEST_CASE("import hf prints the workload YAML, each value with its source key, or writes it to --output",
          "[integration][hf]") {
  const fs::path config = fs::path(LOOPFRONT_TESTS_DIR) / "data" / "hf" / "llama3-8b.json";
  const auto printed = RunLoopfront("import hf '" + config.string() + "'");
  INFO("stderr:\n" << printed.err);
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.out.starts_with("# Imported by `loopfront import hf` from " + config.string() +
                                " (model_type llama).\n"));
  CHECK(printed.out.find("\nname: llama3-8b\ntransformer:\n  d_model: 4096  # hidden_size\n") != std::string::npos);
  CHECK(printed.out.find("  kv_heads: 8  # num_key_value_heads\n") != std::string::npos);
  CHECK(printed.out.find("  bits: 16  # torch_dtype bfloat16\n") != std::string::npos);

  const fs::path directory = ScratchDir("hf_import");
  const fs::path output = directory / "llama3-8b.yaml";
  const auto written = RunLoopfront("import hf '" + config.string() + "' --output '" + output.string() + "'");
  INFO("stderr:\n" << written.err);
  REQUIRE(written.exit_code == 0);
  CHECK(written.out == output.string() + "\n");
  CHECK(ReadWholeFile(output) == printed.out);
  fs::remove_all(directory);
}

TEST_CASE("An experiment's model may be hf:PATH, relative to the current directory", "[integration][hf]") {
  const fs::path directory = ScratchDir("hf_experiment");
  const fs::path experiment = directory / "hf.yaml";
  std::ofstream(experiment) << "name: hf\n"
                               "workloads:\n"
                               "  - model: hf:tests/data/hf/gpt2.json\n"
                               "    seq_len: 128\n"
                               "architectures:\n"
                               "  - arch: gemmini\n"
                               "search:\n"
                               "  budget: {evaluations: 100}\n"
                               "output: "
                            << (directory / "out").string() << "\n";
  const std::string in_tests_parent = "cd '" + fs::path(LOOPFRONT_TESTS_DIR).parent_path().string() + "' && '" +
                                      LOOPFRONT_BINARY + "' validate '" + experiment.string() + "'";
  const auto valid = RunCommand(in_tests_parent);
  INFO("stderr:\n" << valid.err);
  CHECK(valid.exit_code == 0);

  // From another directory the same relative path names no file: a bad input at the model's value.
  const auto elsewhere = RunCommand("cd '" + directory.string() + "' && '" + LOOPFRONT_BINARY + "' validate '" +
                                    experiment.string() + "'");
  CHECK(elsewhere.exit_code == 2);
  CHECK(
      elsewhere.err.find("hf.yaml:3:12: workloads[0].model: expected a readable JSON file, got none at that path (") !=
      std::string::npos);
  CHECK(elsewhere.err.find("/tests/data/hf/gpt2.json)") != std::string::npos);
  fs::remove_all(directory);
}
