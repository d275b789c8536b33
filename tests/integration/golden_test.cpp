// Golden outputs: the README tour commands (and every --format of them) at fixed seeds, budgets and
// thread counts must print exactly what tests/golden/ holds, byte for byte, once timings and
// paths are masked. They were produced by main before the report-layer refactor (issue 10), so a
// refactor that changes any digit, column or space of a user-visible output fails here.
//
// The searchers are deterministic for a fixed seed and evaluation budget (DESIGN §2.6), and the
// binary is built with the same compiler and flags everywhere it runs (no -ffast-math, no FMA
// contraction under -std=c++20), so these bytes are stable.
//
// To regenerate after an intended change of output: LOOPFRONT_UPDATE_GOLDEN=1
// build/tests/loopfront_tests "[golden]", then review `git diff tests/golden`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "loopfront/version.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/experiment_fixtures.h"

namespace loopfront::testing {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string name;       // folder under tests/golden/
  std::string arguments;  // shell words after the binary; `{out}` is a fresh scratch folder
  // Files the command writes under {out}, compared too; a name ending in '/' is a folder, whose
  // files must be exactly the golden folder's.
  std::vector<std::string> files{};
};

std::vector<std::string> FilesIn(const fs::path& folder) {
  std::vector<std::string> names;
  if (fs::is_directory(folder)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

const fs::path kGoldenDir = fs::path(LOOPFRONT_TESTS_DIR) / "golden";

// Every occurrence of `from` in `text` (none when `from` is empty) becomes `to`.
void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t position = text.find(from); position != std::string::npos;
       position = text.find(from, position + to.size())) {
    text.replace(position, from.size(), to);
  }
}

// What differs from run to run without being a result: wall times, rates, dates, the commit and
// the scratch folder's path; and the version (project(VERSION) in CMakeLists.txt), which must be
// the one this build carries (loopfront/version.h) but must not make every release rewrite them —
// with the output folders' binding hashes, which hash the version (experiment/output_folder.h).
std::string Normalize(std::string text, const std::string& output_dir) {
  ReplaceAll(text, output_dir, "<out>");
  ReplaceAll(text, std::string("\"version\": \"") + kVersion + "\"", "\"version\": \"<version>\"");
  static const std::vector<std::pair<std::regex, std::string>> kMasks = {
      {std::regex(
           R"re(("(?:wall_seconds|search_seconds|evaluations_per_second|started|finished|start_time|end_time|git_commit|command_line|point_hash|experiment_digest|loopfront_version)": )("[^"]*"|[-+.eE0-9]+))re"),
       "$1\"<masked>\""},
      {std::regex(R"(wall time [.0-9]+ s, [.0-9]+ evaluations/s)"), "wall time <t> s, <n> evaluations/s"},
      {std::regex(R"(searches [.0-9]+ s, total [.0-9]+ s)"), "searches <t> s, total <t> s"},
  };
  for (const auto& [pattern, replacement] : kMasks) text = std::regex_replace(text, pattern, replacement);
  return text;
}

// CSV files drop their timing column (summary.csv's wall_seconds) before comparison.
std::string NormalizeFile(const std::string& file, const std::string& text, const std::string& output_dir) {
  std::string normalized = text;
  if (file.ends_with(".csv")) normalized = WithoutColumn(normalized, "wall_seconds");
  return Normalize(normalized, output_dir);
}

void CompareOrUpdate(const fs::path& expected_path, const std::string& actual) {
  if (std::getenv("LOOPFRONT_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(expected_path.parent_path());
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  INFO("golden file " << expected_path.string());
  REQUIRE(fs::exists(expected_path));
  const std::string expected = ReadWholeFile(expected_path);
  if (expected != actual) {
    // Point at the first differing line, which is what a reader needs.
    std::istringstream expected_lines(expected);
    std::istringstream actual_lines(actual);
    std::string expected_line;
    std::string actual_line;
    int line_number = 0;
    while (true) {
      ++line_number;
      const bool more_expected = static_cast<bool>(std::getline(expected_lines, expected_line));
      const bool more_actual = static_cast<bool>(std::getline(actual_lines, actual_line));
      if (!more_expected && !more_actual) break;
      if (!more_expected || !more_actual || expected_line != actual_line) {
        INFO("first difference at line " << line_number);
        CHECK(expected_line == actual_line);
        break;
      }
    }
  }
  CHECK(expected == actual);
}

void RunGoldenCase(const GoldenCase& golden) {
  const fs::path scratch =
      fs::temp_directory_path() / ("loopfront_golden_" + std::to_string(::getpid()) + "_" + golden.name);
  fs::remove_all(scratch);
  std::string arguments = golden.arguments;
  ReplaceAll(arguments, "{out}", scratch.string());
  const CommandResult result = RunLoopfront(arguments);
  INFO(golden.name << ": loopfront " << arguments << "\nstderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  const fs::path case_dir = kGoldenDir / golden.name;
  CompareOrUpdate(case_dir / "stdout", Normalize(result.out, scratch.string()));
  std::vector<std::string> files;
  for (const std::string& file : golden.files) {
    if (!file.ends_with('/')) {
      files.push_back(file);
      continue;
    }
    const std::vector<std::string> written = FilesIn(scratch / file);
    if (std::getenv("LOOPFRONT_UPDATE_GOLDEN") == nullptr) {
      INFO("files in " << file);
      CHECK(written == FilesIn(case_dir / "files" / file));
    }
    for (const std::string& name : written) files.push_back(file + name);
  }
  for (const std::string& file : files) {
    REQUIRE(fs::exists(scratch / file));
    CompareOrUpdate(case_dir / "files" / file, NormalizeFile(file, ReadWholeFile(scratch / file), scratch.string()));
  }
  fs::remove_all(scratch);
}

const std::string kWq = "--op 'matmul m=512 n=768 k=768'";
const std::string kWqMapping = "--mapping experiments/mappings/gemmini_bert_wq.yaml";

const std::vector<GoldenCase> kCases = {
    {"list", "list"},
    {"analyze_class_table", "analyze --model bert-base --seq 128,512,4096 --by class"},
    {"analyze_op_csv", "analyze --model bert-base --seq 128 --format csv"},
    {"analyze_decode_json", "analyze --model gpt2 --seq 256 --phase decode --format json"},
    {"import_hf", "import hf tests/data/hf/mixtral-8x7b.json"},
    {"eval_table", "eval --arch gemmini " + kWq + " " + kWqMapping},
    {"eval_json", "eval --arch gemmini " + kWq + " " + kWqMapping + " --format json"},
    {"eval_roofline", "eval --arch gemmini " + kWq + " " + kWqMapping + " --cost-model roofline"},
    {"eval_vector_op",
     "eval --arch gemmini-ibert --op 'softmax m=512 n=512' "
     "--mapping 'DRAM[m64] scratchpad*2{}[m4 pass3 | x:m2 x:n8] accumulator*2[n64] weight_reg[]'"},
    {"search_op_table",
     "search --arch gemmini " + kWq + " --searcher genetic --seed 1 --budget-evals 4000 --threads 2"},
    {"search_op_csv", "search --arch gemmini " + kWq +
                          " --searcher genetic --seed 1 --budget-evals 4000 --threads 2 "
                          "--format csv"},
    {"search_op_json", "search --arch gemmini " + kWq +
                           " --searcher genetic --seed 1 --budget-evals 4000 --threads 2 "
                           "--format json"},
    {"search_op_reference", "search --arch gemmini " + kWq +
                                " --searcher random --seed 3 --budget-evals 2000 "
                                "--threads 2 --reference-front tests/golden/search_op_csv/stdout"},
    {"search_op_annealing",
     "search --arch eyeriss-like --op 'matmul m=197 n=768 k=768' --searcher annealing --seed 1 "
     "--budget-evals 3000 --threads 2"},
    {"search_model_table",
     "search --model bert-base --seq 512 --arch gemmini-ibert --fusion auto --budget-evals 3000 "
     "--threads 2"},
    {"search_model_csv",
     "search --model bert-base --seq 512 --arch gemmini-ibert --fusion auto --budget-evals 3000 "
     "--threads 2 --format csv"},
    {"search_model_json",
     "search --model bert-base --seq 512 --arch gemmini-ibert --fusion auto --budget-evals 3000 "
     "--threads 2 --format json"},
    {"search_model_decode",
     "search --model gpt2 --seq 64 --phase decode --arch gemmini --fusion none "
     "--budget-evals 1000 --threads 2"},
    // With fusion: equal groups of different kv_len buckets are built once (src/planner/model_planner.h).
    {"search_model_decode_fusion",
     "search --model gpt2 --seq 64 --phase decode --arch gemmini-ibert --fusion auto "
     "--budget-evals 1000 --threads 2"},
    {"crosscheck", "crosscheck " LOOPFRONT_SHARED_DIR "/validation/timeloop"},
    {"crosscheck_more",
     "crosscheck " LOOPFRONT_SHARED_DIR "/validation/timeloop " LOOPFRONT_SHARED_DIR "/validation/timeloop-more"},
    {"crosscheck_timeloop_inputs", "crosscheck " LOOPFRONT_SHARED_DIR "/validation/timeloop-inputs"},
    {"run_dry", "run tests/golden/tiny_experiment.yaml --output {out} --dry-run"},
    {"run_tiny",
     "run tests/golden/tiny_experiment.yaml --output {out} --threads 2",
     {"summary.csv", "fronts.csv", "ops.csv", "groups.csv", "baseline_ops.csv", "edp_samples.csv", "manifest.json",
      "points/", "figures/pareto_fronts.dat", "figures/pareto_fronts.gp", "figures/op_breakdown.dat",
      "figures/op_breakdown.gp", "figures/roofline.dat", "figures/roofline.gp", "figures/roofline_labels.dat",
      "figures/roofline_roofs.dat", "figures/edp_cdf.dat", "figures/edp_cdf.gp"}},
};

}  // namespace

TEST_CASE("Golden outputs: the README tour commands print what they printed before", "[golden]") {
  for (const GoldenCase& golden : kCases) {
    DYNAMIC_SECTION(golden.name) { RunGoldenCase(golden); }
  }
}

}  // namespace loopfront::testing
