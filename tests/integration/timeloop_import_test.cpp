// Importing Timeloop's own input files (timeloop/importer.h): every folder of
// ../shared/validation/timeloop-inputs, the convolutions included, evaluates to its case's expected
// figures (counts and cycles exactly, energy to 1e-9 relative); conv folders import their affine
// projections with the instance's coefficients; the files
// merge in any order and split however; `import timeloop` writes files that `eval` reads back to
// the same figures.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/cost/crosscheck.h"
#include "loopfront/cost/reference_case.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/timeloop_inputs.h"

namespace {

const std::filesystem::path kValidation = std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation";
const std::filesystem::path kInputs = loopfront::testing::kTimeloopInputs;

std::vector<std::filesystem::path> CaseFolders(bool conv) { return loopfront::testing::TimeloopCaseFolders(conv); }

using loopfront::testing::YamlFiles;

std::filesystem::path ExpectedFile(const std::string& name) {
  const std::filesystem::path first = kValidation / "timeloop" / (name + ".json");
  return std::filesystem::exists(first) ? first : kValidation / "timeloop-more" / (name + ".json");
}

std::string FileArgs(const std::vector<std::filesystem::path>& files) {
  std::string out;
  for (const auto& file : files) out += " '" + file.string() + "'";
  return out;
}

std::string ConfigErrorText(const std::vector<std::filesystem::path>& files) {
  try {
    loopfront::timeloop::ImportTimeloop(files);
  } catch (const loopfront::util::ConfigError& error) {
    return error.what();
  }
  return "";
}

std::filesystem::path Scratch(const std::string& name) { return loopfront::testing::ScratchFolder(name); }

// Equal loops and keeps; spatial loops in any order (Timeloop's permutation orders them, while the
// JSON cases list x before y).
bool SameMapping(const loopfront::mapping::Mapping& a, const loopfront::mapping::Mapping& b) {
  if (a.num_levels() != b.num_levels()) return false;
  for (int level_idx = 0; level_idx < a.num_levels(); ++level_idx) {
    const auto& left = a.level(level_idx);
    const auto& right = b.level(level_idx);
    if (left.keeps() != right.keeps() || !std::ranges::equal(left.temporal(), right.temporal()) ||
        left.spatial().size() != right.spatial().size()) {
      return false;
    }
    for (const auto& loop : left.spatial()) {
      if (std::ranges::find(right.spatial(), loop) == right.spatial().end()) return false;
    }
  }
  return true;
}

void Write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("Every Timeloop input folder imports to its case's figures", "[timeloop][crosscheck]") {
  std::vector<std::filesystem::path> folders = CaseFolders(false);
  CHECK(folders.size() == 36);
  const std::vector<std::filesystem::path> conv_folders = CaseFolders(true);
  CHECK(conv_folders.size() == 11);
  folders.insert(folders.end(), conv_folders.begin(), conv_folders.end());
  const loopfront::cost::DataflowModel model;
  const loopfront::cost::CrosscheckOptions options{.energy_relative_tolerance = 1e-9};
  for (const std::filesystem::path& folder : folders) {
    const std::string name = folder.filename().string();
    INFO(name);
    std::vector<std::filesystem::path> files = YamlFiles(folder);
    // Any order: the reverse of the sorted order.
    std::reverse(files.begin(), files.end());
    const loopfront::timeloop::ImportedDesign design = loopfront::timeloop::ImportTimeloop(files);
    loopfront::cost::ReferenceCase reference = loopfront::cost::LoadReferenceCase(ExpectedFile(name));
    // The same architecture, op and mapping as the JSON case carries.
    loopfront::arch::Architecture architecture = design.architecture;
    architecture.name = reference.arch.name;
    CHECK(architecture == reference.arch);
    CHECK(SameMapping(design.mapping, reference.mapping));
    reference.problem = design.problem;
    const loopfront::cost::Cost cost = model.Evaluate(design.problem, design.mapping);
    REQUIRE(cost.feasible);
    const loopfront::cost::CrosscheckResult result = loopfront::cost::Crosscheck(reference, cost, options);
    CHECK(result.quantities > 50);
    // Exact, the double-precision cycles of gemmini_ws_fp_rounding included (rule 9).
    for (const auto& mismatch : result.mismatches) FAIL_CHECK(mismatch.ToString());
  }
}

TEST_CASE("Conv Timeloop folders import affine projections with the instance's coefficients", "[timeloop]") {
  for (const std::filesystem::path& folder : CaseFolders(true)) {
    const std::string name = folder.filename().string();
    INFO(name);
    const loopfront::timeloop::ImportedDesign design = loopfront::timeloop::ImportTimeloop(YamlFiles(folder));
    const loopfront::cost::ReferenceCase reference = loopfront::cost::LoadReferenceCase(ExpectedFile(name));
    // The same tensors, affine indices and coefficient values as the JSON case.
    REQUIRE(design.op.tensors.size() == reference.op.tensors.size());
    for (std::size_t tensor = 0; tensor < design.op.tensors.size(); ++tensor) {
      CHECK(design.op.tensors[tensor].dims == reference.op.tensors[tensor].dims);
      CHECK(design.op.tensors[tensor].affine_indices == reference.op.tensors[tensor].affine_indices);
    }
    CHECK(design.op.tensors[0].IsAffine());
  }
  // Wdilation = 2 from `instance` overrides the coefficient's default 1: W = R·2 + P·1.
  const loopfront::timeloop::ImportedDesign dilated =
      loopfront::timeloop::ImportTimeloop(YamlFiles(kInputs / "conv_single_pe_3x3_dilation2"));
  const auto& width = dilated.op.tensors[0].affine_indices[2];
  REQUIRE(width.size() == 2);
  CHECK(width[0].coefficient_name == "Wdilation");
  CHECK(width[0].coefficient == 2);
  CHECK(width[1].coefficient_name == "Wstride");
  CHECK(width[1].coefficient == 1);
  // A (N1 C4 W12 H12): 8 + 2·2 = 12 positions along each of W and H.
  CHECK(dilated.op.TensorElements(dilated.op.tensors[0]) == 4 * 12 * 12);
}

TEST_CASE("Timeloop files merge their top-level keys across files", "[timeloop]") {
  const std::filesystem::path folder = kInputs / "single_pe_m4n8k4_order_kmn";
  const std::vector<std::filesystem::path> files = YamlFiles(folder);
  const loopfront::timeloop::ImportedDesign reference = loopfront::timeloop::ImportTimeloop(files);

  SECTION("all keys in one file, and split across two") {
    const std::filesystem::path dir = Scratch("merge");
    std::string all;
    for (const auto& file : files) all += loopfront::testing::ReadWholeFile(file) + "\n";
    Write(dir / "all.yaml", all);
    const auto one = loopfront::timeloop::ImportTimeloop({dir / "all.yaml"});
    CHECK(one.architecture == reference.architecture);
    CHECK(one.mapping == reference.mapping);
    CHECK(one.op == reference.op);
    Write(dir / "a.yaml", loopfront::testing::ReadWholeFile(folder / "map.yaml") +
                              loopfront::testing::ReadWholeFile(folder / "arch.yaml"));
    Write(dir / "b.yaml", loopfront::testing::ReadWholeFile(folder / "ERT.yaml") +
                              loopfront::testing::ReadWholeFile(folder / "problem.yaml"));
    const auto two = loopfront::timeloop::ImportTimeloop({dir / "b.yaml", dir / "a.yaml"});
    CHECK(two.architecture == reference.architecture);
    CHECK(two.mapping == reference.mapping);
  }
  SECTION("a key given twice names both files") {
    const std::string text = ConfigErrorText({folder / "arch.yaml", folder / "problem.yaml", folder / "map.yaml",
                                              folder / "ERT.yaml", folder / "arch.yaml"});
    CHECK(text.find("'architecture' in both") != std::string::npos);
  }
  SECTION("a missing key is named") {
    const std::string text = ConfigErrorText({folder / "arch.yaml", folder / "problem.yaml", folder / "ERT.yaml"});
    CHECK(text.find("expected the top-level key 'mapping'") != std::string::npos);
  }
}

TEST_CASE("Mapping factors read in both forms", "[timeloop]") {
  const std::filesystem::path folder = kInputs / "gemmini_ws_bert_heads_h12m512n512k64";
  const auto reference = loopfront::timeloop::ImportTimeloop(YamlFiles(folder));
  std::string map = loopfront::testing::ReadWholeFile(folder / "map.yaml");
  // The mapper's "H12 M1 N32 K1" form.
  for (std::size_t at = map.find('='); at != std::string::npos; at = map.find('=')) map.erase(at, 1);
  const std::filesystem::path dir = Scratch("factors");
  Write(dir / "map.yaml", map);
  const auto imported = loopfront::timeloop::ImportTimeloop(
      {folder / "arch.yaml", folder / "problem.yaml", dir / "map.yaml", folder / "ERT.yaml"});
  CHECK(imported.mapping == reference.mapping);
}

TEST_CASE("eval --timeloop and the files of import timeloop give the same figures", "[timeloop][cli]") {
  const std::filesystem::path folder = kInputs / "gemmini_ws_bert_heads_h12m512n512k64";
  const std::string files = FileArgs(YamlFiles(folder));
  const auto direct = loopfront::testing::RunLoopfront("eval --format json --timeloop" + files);
  REQUIRE(direct.exit_code == 0);
  CHECK(direct.out.find("\"cycles\": 786432") != std::string::npos);

  const std::filesystem::path dir = Scratch("import");
  const auto written = loopfront::testing::RunLoopfront("import timeloop" + files + " --output '" + dir.string() + "'");
  INFO(written.err);
  REQUIRE(written.exit_code == 0);
  const std::string arch = loopfront::testing::ReadWholeFile(dir / "arch.yaml");
  CHECK(arch.find("arch.yaml:") != std::string::npos);  // where each level came from
  CHECK(arch.find("ERT.yaml:") != std::string::npos);
  const auto replayed = loopfront::testing::RunLoopfront(
      "eval --format json --arch '" + (dir / "arch.yaml").string() + "' --workload '" +
      (dir / "workload.yaml").string() + "' --op-name einsum --mapping '" + (dir / "mapping.yaml").string() + "'");
  INFO(replayed.err);
  REQUIRE(replayed.exit_code == 0);
  // Identical apart from how the op and architecture are labelled.
  auto figures = [](const std::string& json) {
    const std::size_t at = json.find("\"cycles\"");
    return at == std::string::npos ? std::string() : json.substr(at);
  };
  CHECK(figures(replayed.out) == figures(direct.out));
  const auto from_mapping_only =
      loopfront::testing::RunLoopfront("eval --format json --mapping '" + (dir / "mapping.yaml").string() + "'");
  CHECK(figures(from_mapping_only.out) == figures(direct.out));
}
