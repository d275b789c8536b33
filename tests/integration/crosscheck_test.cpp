// The Timeloop reference cases of ../shared/validation/timeloop (35) and timeloop-more (12, of
// which 11 convolutions that loopfront does not model yet), read in place (only the tests that
// change a Timeloop folder work on a scratch copy of it): through the library at a 1e-9 relative energy tolerance, and through the
// `loopfront crosscheck` command, on the JSON cases and on Timeloop's own input folders
// (../shared/validation/timeloop-inputs).
#include "loopfront/cost/crosscheck.h"

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/cost/reference_case.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/util/error.h"
#include "tests/integration/cli_runner.h"

namespace {

const std::filesystem::path kCasesDir = std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" / "timeloop";
const std::filesystem::path kMoreCasesDir =
    std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" / "timeloop-more";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& arguments) {
  const std::string command = std::string(LOOPFRONT_BINARY) + " " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), read);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace

TEST_CASE("Every Timeloop reference case matches exactly", "[crosscheck]") {
  const auto files = loopfront::cost::ExpandReferenceCasePaths({kCasesDir, kMoreCasesDir});
  CHECK(files.size() == 47);
  const loopfront::cost::DataflowModel model;
  const loopfront::cost::CrosscheckOptions options{.energy_relative_tolerance = 1e-9};
  int evaluated = 0;
  for (const std::filesystem::path& file : files) {
    const loopfront::cost::ReferenceCase reference = loopfront::cost::LoadReferenceCase(file);
    INFO(reference.name);
    ++evaluated;
    const loopfront::cost::Cost cost = model.Evaluate(reference.problem, reference.mapping);
    const loopfront::cost::CrosscheckResult result = loopfront::cost::Crosscheck(reference, cost, options);
    for (const auto& mismatch : result.mismatches) FAIL_CHECK(mismatch.ToString());
    CHECK(result.quantities > 50);
    // The one-line form of every reference mapping parses back to the same mapping.
    const std::string text = loopfront::mapping::ToString(reference.mapping, reference.problem);
    CHECK(loopfront::mapping::ParseMapping(text, reference.problem) == reference.mapping);
  }
  CHECK(evaluated == 47);
}

TEST_CASE("Timeloop's double-precision cycles: the scratchpad takes one cycle more than the exact value",
          "[crosscheck]") {
  // Rule 9 of the validation README: R = 112852992 reads at 32 words/cycle with T = 2359296 is
  // exactly 3526656 cycles; Timeloop's doubles give 3526656.0000000005, so 3526657.
  const loopfront::cost::ReferenceCase reference =
      loopfront::cost::LoadReferenceCase(kMoreCasesDir / "gemmini_ws_fp_rounding_m512n768k768.json");
  const loopfront::cost::Cost cost = loopfront::cost::DataflowModel().Evaluate(reference.problem, reference.mapping);
  const int scratchpad = reference.problem.LevelIndex("scratchpad");
  REQUIRE(scratchpad >= 0);
  CHECK(cost.compute_cycles == 2359296);
  CHECK(cost.levels[scratchpad].read_words == 112852992);
  CHECK(cost.levels[scratchpad].cycles == 3526657);
  CHECK(cost.cycles == 3526657);
}

TEST_CASE("Crosscheck notices a wrong count, a wrong energy and a missing record", "[crosscheck]") {
  loopfront::cost::ReferenceCase reference =
      loopfront::cost::LoadReferenceCase(kCasesDir / "single_pe_m4n8k4_order_nkm.json");
  const loopfront::cost::Cost cost = loopfront::cost::DataflowModel().Evaluate(reference.problem, reference.mapping);
  REQUIRE(loopfront::cost::Crosscheck(reference, cost).mismatches.empty());

  reference.expected.records[0].reads += 1;
  reference.expected.energy_pj *= 1.01;
  reference.expected.records.pop_back();  // RF Z: we keep it, the reference would not
  const auto result = loopfront::cost::Crosscheck(reference, cost);
  REQUIRE(result.mismatches.size() == 3);
  CHECK(result.mismatches[0].ToString() == "single_pe_m4n8k4_order_nkm - - energy_pj: expected 11152.42, got 11042");
  CHECK(result.mismatches[1].ToString() == "single_pe_m4n8k4_order_nkm DRAM A reads: expected 17, got 16");
  CHECK(result.mismatches[2].ToString() == "single_pe_m4n8k4_order_nkm RF Z record: expected none, got kept");
}

TEST_CASE("loopfront crosscheck reports 0 mismatches on the reference folder", "[crosscheck][cli]") {
  const CommandResult result = RunCommand("crosscheck " + kCasesDir.string());
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("crosscheck: 35 cases, ") != std::string::npos);
  CHECK(result.output.find(" 0 mismatches") != std::string::npos);
}

TEST_CASE("loopfront crosscheck evaluates the convolution cases too", "[crosscheck][cli]") {
  const CommandResult result = RunCommand("crosscheck " + kCasesDir.string() + " " + kMoreCasesDir.string());
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("crosscheck: 47 cases, ") != std::string::npos);
  CHECK(result.output.find(", 0 mismatches\n") != std::string::npos);
  CHECK(result.output.find("not evaluated") == std::string::npos);
  CHECK(result.output.find("conv_") == std::string::npos);  // matched: no line
}

TEST_CASE("loopfront crosscheck rejects malformed cases with exit code 2", "[crosscheck][cli]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "loopfront_crosscheck_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path syntax = dir / "syntax.json";
  std::ofstream(syntax) << "{\n  \"name\": \"x\",\n  \"problem\": [1, 2\n}\n";
  CommandResult result = RunCommand("crosscheck " + syntax.string());
  CHECK(result.exit_code == 2);
  CHECK(result.output.find(syntax.string() + ":4:1: expected valid JSON") != std::string::npos);

  // A valid case with an unknown dim in its mapping and a string where a number belongs.
  std::ifstream original(kCasesDir / "single_pe_m3n5k7_odd.json");
  std::string text((std::istreambuf_iterator<char>(original)), std::istreambuf_iterator<char>());
  const std::filesystem::path wrong = dir / "wrong.json";
  std::string broken = text;
  broken.replace(broken.find("\"vector_words\": 4"), 17, "\"vector_words\": \"4\"");
  std::ofstream(wrong) << broken;
  result = RunCommand("crosscheck " + wrong.string());
  CHECK(result.exit_code == 2);
  CHECK(result.output.find(wrong.string() + ": arch.levels[0].vector_words: expected an integer, got string \"4\"") !=
        std::string::npos);

  result = RunCommand("crosscheck " + (dir / "missing.json").string());
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("does not exist") != std::string::npos);
  std::filesystem::remove_all(dir);
}

// Timeloop's own input folders (issue 12 item 3): each folder of ../shared/validation/timeloop-inputs
// is imported and compared with its case of timeloop/ or timeloop-more/.

namespace {

const std::filesystem::path kInputsDir = std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" / "timeloop-inputs";

std::string SummaryLine(const std::string& output) {
  const std::size_t at = output.rfind("crosscheck: ");
  return at == std::string::npos ? "" : output.substr(at);
}

// A fresh copy of one input folder, named `name`, under a scratch folder of its own.
std::filesystem::path CopyInputFolder(const std::string& case_name, const std::string& name) {
  const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                     ("loopfront_crosscheck_tl_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "inputs");
  std::filesystem::copy(kInputsDir / case_name, root / "inputs" / name);
  return root / "inputs" / name;
}

}  // namespace

TEST_CASE("loopfront crosscheck on Timeloop's input folders gives the JSON cases' summary", "[crosscheck][cli]") {
  const CommandResult result = RunCommand("crosscheck " + kInputsDir.string());
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("crosscheck: 47 cases, ") != std::string::npos);
  CHECK(result.output.find(", 0 mismatches\n") != std::string::npos);
  CHECK(result.output.find("not evaluated") == std::string::npos);
  // The same quantities are compared as for the JSON cases.
  const CommandResult json = RunCommand("crosscheck " + kCasesDir.string() + " " + kMoreCasesDir.string());
  CHECK(SummaryLine(result.output) == SummaryLine(json.output));
  CHECK(!SummaryLine(result.output).empty());
}

TEST_CASE("loopfront crosscheck compares what the Timeloop files say, not the JSON case", "[crosscheck][cli]") {
  const std::filesystem::path folder = CopyInputFolder("single_pe_m4n8k4_order_kmn", "single_pe_m4n8k4_order_kmn");
  // The GLB's loop order M N K instead of N M K: other reads and fills than the reference.
  std::string map = loopfront::testing::ReadWholeFile(folder / "map.yaml");
  const std::size_t at = map.find("permutation: NMK");
  REQUIRE(at != std::string::npos);
  map.replace(at, 16, "permutation: MNK");
  std::ofstream(folder / "map.yaml") << map;
  const std::string expected = " --expected " + kCasesDir.string();
  const CommandResult result = RunCommand("crosscheck " + folder.string() + expected);
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("single_pe_m4n8k4_order_kmn GLB ") != std::string::npos);
  CHECK(result.output.find("crosscheck: 1 cases, ") != std::string::npos);
  std::filesystem::remove_all(folder.parent_path().parent_path());
}

TEST_CASE("loopfront crosscheck: a Timeloop folder without its expected figures is an error naming it",
          "[crosscheck][cli]") {
  const std::filesystem::path folder = CopyInputFolder("single_pe_m3n5k7_odd", "no_such_case");
  const std::filesystem::path copy_of_known = folder.parent_path() / "single_pe_m3n5k7_odd";
  std::filesystem::copy(kInputsDir / "single_pe_m3n5k7_odd", copy_of_known);

  // The default: timeloop/ and timeloop-more/ beside inputs/, which do not exist here.
  CommandResult result = RunCommand("crosscheck " + folder.parent_path().string());
  INFO(result.output);
  CHECK(result.exit_code == 2);
  const std::string root = folder.parent_path().parent_path().string();
  CHECK(result.output.find(folder.string() + ": expected the figures of Timeloop case 'no_such_case' in " + root +
                           "/timeloop/no_such_case.json or " + root + "/timeloop-more/no_such_case.json") !=
        std::string::npos);
  // Every folder is reported at once.
  CHECK(result.output.find("Timeloop case 'single_pe_m3n5k7_odd'") != std::string::npos);

  // With --expected the known case is found, the other one still is not.
  const std::string expected = " --expected " + kMoreCasesDir.string() + " --expected " + kCasesDir.string();
  result = RunCommand("crosscheck " + copy_of_known.string() + expected);
  CHECK(result.exit_code == 0);
  CHECK(result.output == "crosscheck: 1 cases, 112 quantities, 0 mismatches\n");
  result = RunCommand("crosscheck " + folder.parent_path().string() + expected);
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("Timeloop case 'no_such_case' in " + kMoreCasesDir.string() + "/no_such_case.json or " +
                           kCasesDir.string() + "/no_such_case.json") != std::string::npos);
  CHECK(result.output.find("single_pe_m3n5k7_odd") == std::string::npos);
  std::filesystem::remove_all(folder.parent_path().parent_path());
}
