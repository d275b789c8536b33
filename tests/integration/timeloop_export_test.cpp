// Exporting to Timeloop (report/timeloop_export.h, `export timeloop`): on every folder of
// ../shared/validation/timeloop-inputs, the 11 convolutions included, import → export → import is the identity (architecture,
// op, mapping, figures) and a second export is byte-identical; the gemmini preset's W_Q mapping is
// refused while single-buffered and reads back to its figures once double-buffered; what Timeloop
// cannot express (a vector op, padding) is refused with a message naming it.
#include "loopfront/report/timeloop_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/timeloop_inputs.h"

namespace {

using loopfront::report::TimeloopFiles;

using loopfront::testing::YamlFiles;

std::filesystem::path Scratch(const std::string& name) { return loopfront::testing::ScratchFolder("export_" + name); }

std::vector<std::filesystem::path> WriteFiles(const TimeloopFiles& files, const std::filesystem::path& dir) {
  const std::pair<const char*, const std::string*> outputs[] = {
      {loopfront::report::kTimeloopArchFile, &files.arch_yaml},
      {loopfront::report::kTimeloopProblemFile, &files.problem_yaml},
      {loopfront::report::kTimeloopMapFile, &files.map_yaml},
      {loopfront::report::kTimeloopErtFile, &files.ert_yaml},
      {loopfront::report::kTimeloopArtFile, &files.art_yaml}};
  std::vector<std::filesystem::path> paths;
  for (const auto& [name, content] : outputs) {
    std::ofstream(dir / name) << *content;
    paths.push_back(dir / name);
  }
  return paths;
}

std::string ExportError(const loopfront::mapping::Problem& problem, const loopfront::mapping::Mapping& mapping) {
  try {
    loopfront::report::ExportTimeloop(problem, mapping);
  } catch (const loopfront::util::ConfigError& error) {
    return error.what();
  }
  return "";
}

const std::string kOp = "'matmul m=512 n=768 k=768'";
const std::string kWqDoubleBuffered =
    "'DRAM{A,B,Z}[m4 n48] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]'";

}  // namespace

TEST_CASE("Timeloop export then import is the identity on every reference folder", "[timeloop][export]") {
  const loopfront::cost::DataflowModel model;
  std::vector<std::filesystem::path> folders = loopfront::testing::TimeloopCaseFolders(false);
  CHECK(folders.size() == 36);
  const std::vector<std::filesystem::path> conv_folders = loopfront::testing::TimeloopCaseFolders(true);
  CHECK(conv_folders.size() == 11);
  folders.insert(folders.end(), conv_folders.begin(), conv_folders.end());
  for (const std::filesystem::path& folder : folders) {
    const std::string name = folder.filename().string();
    INFO(name);
    const auto original = loopfront::timeloop::ImportTimeloop(YamlFiles(folder));
    const TimeloopFiles exported = loopfront::report::ExportTimeloop(original.problem, original.mapping);
    const auto read_back = loopfront::timeloop::ImportTimeloop(WriteFiles(exported, Scratch(name)));
    CHECK(read_back.architecture == original.architecture);
    CHECK(read_back.op == original.op);
    CHECK(read_back.mapping == original.mapping);
    const auto before = model.Evaluate(original.problem, original.mapping);
    const auto after = model.Evaluate(read_back.problem, read_back.mapping);
    REQUIRE(before.feasible);
    REQUIRE(after.feasible);
    CHECK(after.cycles == before.cycles);
    CHECK(after.energy_pj == before.energy_pj);
    for (int level_idx = 0; level_idx < original.problem.num_levels(); ++level_idx) {
      CHECK(after.levels[level_idx].cycles == before.levels[level_idx].cycles);
      CHECK(after.levels[level_idx].energy_pj == before.levels[level_idx].energy_pj);
    }
    // Byte-stable: exporting what was read back writes the same files.
    const TimeloopFiles again = loopfront::report::ExportTimeloop(read_back.problem, read_back.mapping);
    CHECK(again.arch_yaml == exported.arch_yaml);
    CHECK(again.problem_yaml == exported.problem_yaml);
    CHECK(again.map_yaml == exported.map_yaml);
    CHECK(again.ert_yaml == exported.ert_yaml);
    CHECK(again.art_yaml == exported.art_yaml);
  }
}

TEST_CASE("export timeloop of the gemmini W_Q mapping", "[timeloop][export][cli]") {
  SECTION("the shipped mapping single-buffers the scratchpad, which Timeloop cannot express") {
    const std::filesystem::path dir = Scratch("wq_single");
    const auto result = loopfront::testing::RunLoopfront(
        "export timeloop --arch gemmini --op " + kOp + " --mapping '" + LOOPFRONT_SOURCE_DIR +
        "/experiments/mappings/gemmini_bert_wq.yaml' --output '" + (dir / "out").string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("level 'scratchpad' is single-buffered") != std::string::npos);
    CHECK(result.err.find("scratchpad*2") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "out" / "arch.yaml"));
  }
  SECTION("the shipped double-buffered example is that mapping, and exports") {
    const std::string shipped = std::string("'") + LOOPFRONT_SOURCE_DIR + "/experiments/mappings/gemmini_bert_wq_double.yaml'";
    const auto from_file = loopfront::testing::RunLoopfront("eval --format json --mapping " + shipped);
    const auto from_line = loopfront::testing::RunLoopfront("eval --format json --arch gemmini --op " + kOp +
                                                            " --mapping " + kWqDoubleBuffered);
    REQUIRE(from_file.exit_code == 0);
    CHECK(from_file.out == from_line.out);
    const std::filesystem::path dir = Scratch("wq_shipped_double");
    const auto written = loopfront::testing::RunLoopfront("export timeloop --arch gemmini --op " + kOp +
                                                          " --mapping " + shipped + " --output '" + dir.string() + "'");
    CHECK(written.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "map.yaml"));
  }
  SECTION("double-buffered, it reads back to the same figures") {
    const std::filesystem::path dir = Scratch("wq_double");
    const auto direct = loopfront::testing::RunLoopfront("eval --format json --arch gemmini --op " + kOp +
                                                         " --mapping " + kWqDoubleBuffered);
    REQUIRE(direct.exit_code == 0);
    const auto written = loopfront::testing::RunLoopfront("export timeloop --arch gemmini --op " + kOp + " --mapping " +
                                                          kWqDoubleBuffered + " --output '" + dir.string() + "'");
    INFO(written.err);
    REQUIRE(written.exit_code == 0);
    CHECK(written.out.find("map.yaml") != std::string::npos);
    const std::string arch = loopfront::testing::ReadWholeFile(dir / "arch.yaml");
    CHECK(arch.find("multiple_buffering: 2") != std::string::npos);
    std::string files;
    for (const char* name : {"arch.yaml", "problem.yaml", "map.yaml", "ERT.yaml", "ART.yaml"}) {
      files += " '" + (dir / name).string() + "'";
    }
    const auto replayed = loopfront::testing::RunLoopfront("eval --format json --timeloop" + files);
    INFO(replayed.err);
    REQUIRE(replayed.exit_code == 0);
    const auto figures = [](const std::string& json) {
      const auto cycles = json.find("\"cycles\"");
      const auto energy = json.find("\"energy_pj\"");
      return json.substr(cycles, json.find('\n', cycles) - cycles) +
             json.substr(energy, json.find('\n', energy) - energy);
    };
    CHECK(figures(replayed.out) == figures(direct.out));
    CHECK(direct.out.find("\"cycles\": 1179648") != std::string::npos);
  }
}

TEST_CASE("export timeloop refuses what Timeloop cannot express", "[timeloop][export]") {
  using loopfront::mapping::ParseMapping;
  using loopfront::mapping::Problem;
  const loopfront::arch::Architecture gemmini = loopfront::arch::LoadArchitecture("gemmini");
  SECTION("a vector op") {
    const Problem problem = Problem::Build(loopfront::workload::ParseOpSpec("softmax m=64 n=64"), gemmini);
    const std::string text = ExportError(problem, loopfront::mapping::EmptyMapping(problem));
    CHECK(text.find("expected a contraction, got the vector op") != std::string::npos);
  }
  SECTION("a padded mapping") {
    const Problem problem = Problem::Build(loopfront::workload::ParseOpSpec("matmul m=500 n=768 k=768"), gemmini);
    const auto mapping = ParseMapping(
        "DRAM{A,B,Z}[m4 n48] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]", problem);
    const std::string text = ExportError(problem, mapping);
    CHECK(text.find("expected the factors of 'm' to multiply to its size 500, got 512 (padding)") != std::string::npos);
  }
  SECTION("two loops of one dim on one level, and static power") {
    loopfront::arch::Architecture powered = gemmini;
    powered.static_power_mw = 5.0;
    const Problem problem = Problem::Build(loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768"), powered);
    const auto mapping = ParseMapping(
        "DRAM{A,B,Z}[m2 n48 m2] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]", problem);
    const std::string text = ExportError(problem, mapping);
    CHECK(text.find("expected one temporal loop of 'm' on level 'DRAM'") != std::string::npos);
    CHECK(text.find("static_power_mw: expected 0, got 5 mW") != std::string::npos);
  }
  SECTION("on the command line: exit 2 and the reason") {
    const auto result =
        loopfront::testing::RunLoopfront("export timeloop --arch gemmini --op 'matmul m=500 n=768 k=768' --mapping " +
                                         kWqDoubleBuffered + " --output '" + Scratch("padded").string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("(padding)") != std::string::npos);
  }
}

TEST_CASE("export timeloop of a conv mapping writes its affine projection and reads back to its figures",
          "[timeloop][export][conv]") {
  // A 3x3 stride-2 conv on the gemmini preset; the coefficients Wstride = Hstride = 2 go to the
  // problem's `instance` and the input's projection keeps Timeloop's [[r, Wdilation], [p, Wstride]].
  const std::string dir = Scratch("conv_cli").string();
  const auto result = loopfront::testing::RunLoopfront(
      "export timeloop --arch gemmini --op 'conv c=16 m=16 p=8 q=8 r=3 s=3 stride=2' --mapping "
      "'DRAM{A,B,Z}[p8 q8 r3 s3] scratchpad*2{A,B}[| x:m16] accumulator*2{Z}[| y:c16] weight_reg{B}[]' "
      "--output " +
      dir);
  INFO(result.out);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::ifstream problem_file(std::filesystem::path(dir) / loopfront::report::kTimeloopProblemFile);
  const std::string problem((std::istreambuf_iterator<char>(problem_file)), std::istreambuf_iterator<char>());
  CHECK(problem.find("      - [[r, Wdilation], [p, Wstride]]\n") != std::string::npos);
  CHECK(problem.find("    - name: Wstride\n      default: 1\n") != std::string::npos);
  CHECK(problem.find("    Wstride: 2\n") != std::string::npos);
  const auto design = loopfront::timeloop::ImportTimeloop(YamlFiles(dir));
  const loopfront::workload::Op op = loopfront::workload::ParseOpSpec("conv c=16 m=16 p=8 q=8 r=3 s=3 stride=2");
  CHECK(design.op.tensors[0].affine_indices == op.tensors[0].affine_indices);
  // W = 2·7 + 2 + 1 = 17: the input is 16 × 17 × 17 words.
  CHECK(design.problem.tensor_size(0) == 16 * 17 * 17);
}

TEST_CASE("export timeloop --timeloop writes other forms as the v0.4 subtree folder", "[timeloop][export][cli]") {
  const std::string data = std::string(LOOPFRONT_TESTS_DIR) + "/data/timeloop/";
  const std::string v03 = "'" + data + "pe4_v03_subtree/arch.yaml' '" + data + "pe4_v03_subtree/tables.yaml' '" + data +
                          "pe4_problem.yaml' '" + data + "pe4_map.yaml'";
  SECTION("a v0.3 design reads back to the same figures") {
    const std::filesystem::path dir = Scratch("from_v03");
    const auto direct = loopfront::testing::RunLoopfront("eval --format json --timeloop " + v03);
    REQUIRE(direct.exit_code == 0);
    const auto written = loopfront::testing::RunLoopfront("export timeloop --timeloop " + v03 + " --output '" +
                                                          dir.string() + "'");
    REQUIRE(written.exit_code == 0);
    const std::string folder = fmt::format("'{}/", dir.string());
    const auto read_back = loopfront::testing::RunLoopfront("eval --format json --timeloop " + folder + "arch.yaml' " +
                                                            folder + "problem.yaml' " + folder + "map.yaml' " + folder +
                                                            "ERT.yaml' " + folder + "ART.yaml'");
    REQUIRE(read_back.exit_code == 0);
    const auto figures = [](const std::string& json) {
      const nlohmann::json parsed = nlohmann::json::parse(json);
      return std::make_pair(parsed.at("cycles").get<std::int64_t>(), parsed.at("energy_pj").get<double>());
    };
    CHECK(figures(read_back.out) == figures(direct.out));
    CHECK(figures(direct.out).first == 16);
  }
  SECTION("constraints are refused, not dropped") {
    const std::filesystem::path dir = Scratch("from_constraints");
    const std::filesystem::path constraints = dir / "constraints.yaml";
    std::ofstream(constraints) << "constraints:\n  targets:\n  - {target: Buffer, type: temporal, factors: M<=4}\n";
    const auto result = loopfront::testing::RunLoopfront("export timeloop --timeloop " + v03 + " '" +
                                                         constraints.string() + "' --output '" +
                                                         (dir / "out").string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("expected Timeloop files without constraints") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "out"));
  }
  SECTION("both --timeloop and --arch is an error") {
    const auto result = loopfront::testing::RunLoopfront("export timeloop --arch gemmini --timeloop " + v03 +
                                                         " --output '" + Scratch("both").string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("expected either --timeloop FILE... or --arch") != std::string::npos);
  }
}
