// Checked Timeloop exports on disk (report/timeloop_folder.h) and Accelergy's action counts
// (report/timeloop_export.h, AccelergyActionCounts):
//  - the action counts priced with the exported ERT give loopfront's energy (1e-9 relative), on the
//    gemmini W_Q mapping and on every non-conv reference folder of
//    ../shared/validation/timeloop-inputs;
//  - export → import is the identity on the Pareto fronts of seeded searches on three presets
//    (gemmini, simba-like, eyeriss-like): same architecture, op and mapping, same figures, and the
//    read-back exports to the same bytes;
//  - `search --export-timeloop DIR` writes one folder per front point and front.csv, and writes
//    nothing when a point cannot be exported, the folder is not empty, or the cost model is not
//    Timeloop-exact.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/report/timeloop_folder.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/timeloop_inputs.h"

namespace {

using loopfront::report::CheckedTimeloopExport;
using loopfront::testing::ReadWholeFile;
using loopfront::testing::YamlFiles;

std::filesystem::path Scratch(const std::string& name) {
  return loopfront::testing::ScratchFolder("export_search_" + name);
}

loopfront::io::YamlValue Key(const loopfront::io::YamlValue& value, const std::string& key) {
  const auto map = value.AsOpenMap();
  REQUIRE(map);
  const auto found = map->Get(key);
  INFO(key);
  REQUIRE(found);
  return *found;
}

std::vector<loopfront::io::YamlValue> List(const loopfront::io::YamlValue& value) {
  const auto list = value.AsList();
  REQUIRE(list);
  return *list;
}

// Σ counts × energy: action_counts.yaml priced with ERT.yaml, the way Accelergy prices it (each
// entry's count times its component's ERT energy for the action, nothing scaled by instances).
double PricedEnergyPj(const CheckedTimeloopExport& exported) {
  loopfront::util::Diagnostics diagnostics;
  const auto ert = loopfront::io::YamlDocument::LoadString(exported.files.ert_yaml, "ERT.yaml", diagnostics);
  const auto counts =
      loopfront::io::YamlDocument::LoadString(exported.action_counts_yaml, "action_counts.yaml", diagnostics);
  REQUIRE(diagnostics.empty());
  std::map<std::string, double> energy_pj;  // "component/action"
  for (const auto& table : List(Key(Key(ert.root(), "ERT"), "tables"))) {
    const std::string component = *Key(table, "name").AsString();
    for (const auto& action : List(Key(table, "actions"))) {
      energy_pj[component + "/" + *Key(action, "name").AsString()] = *Key(action, "energy").AsDouble();
    }
  }
  const auto action_counts = Key(counts.root(), "action_counts");
  CHECK(Key(action_counts, "version").AsDouble() == 0.4);
  double total_pj = 0.0;
  for (const auto& component : List(Key(action_counts, "local"))) {
    const std::string name = *Key(component, "name").AsString();
    for (const auto& action : List(Key(component, "action_counts"))) {
      const std::string key = name + "/" + *Key(action, "name").AsString();
      INFO(key);
      REQUIRE(energy_pj.count(key) == 1);
      const auto count = Key(action, "counts").AsNonNegativeInt();
      REQUIRE(count);
      total_pj += static_cast<double>(*count) * energy_pj[key];
    }
  }
  return total_pj;
}

bool WithinRelative(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

// The architecture as Timeloop sees it: what the export writes of each level and of the MACs.
void CheckSameTimeloopArchitecture(const loopfront::arch::Architecture& read_back,
                                   const loopfront::arch::Architecture& original) {
  REQUIRE(read_back.num_levels() == original.num_levels());
  for (int level_idx = 0; level_idx < original.num_levels(); ++level_idx) {
    const auto& a = read_back.levels[level_idx];
    const auto& b = original.levels[level_idx];
    INFO(b.name);
    CHECK(a.name == b.name);
    CHECK(a.capacity_words == b.capacity_words);
    CHECK(a.vector_words == b.vector_words);
    CHECK(a.instances == b.instances);
    CHECK(a.mesh_x == b.mesh_x);
    CHECK(a.mesh_y == b.mesh_y);
    CHECK(a.read_bandwidth_words_per_cycle == b.read_bandwidth_words_per_cycle);
    CHECK(a.write_bandwidth_words_per_cycle == b.write_bandwidth_words_per_cycle);
    CHECK(a.shared_bandwidth_words_per_cycle == b.shared_bandwidth_words_per_cycle);
    CHECK(a.energy_per_access == b.energy_per_access);
  }
  CHECK(read_back.mac.instances == original.mac.instances);
  CHECK(read_back.mac.mesh_x == original.mac.mesh_x);
  CHECK(read_back.mac.mesh_y == original.mac.mesh_y);
  CHECK(read_back.mac.energy_pj_per_mac == original.mac.energy_pj_per_mac);
}

// The same loop nest: per level the same keeps, the same temporal loops (outermost first) and the
// same spatial loops, loops of factor 1 aside (they change nothing and are not exported); and
// honest double buffering read back as Timeloop's multiple_buffering: 2.
void CheckSameMapping(const loopfront::timeloop::ImportedDesign& read_back, const loopfront::mapping::Problem& problem,
                      const loopfront::mapping::Mapping& original) {
  using Loop = std::tuple<int, std::int64_t, int>;  // dim, factor, axis (temporal: -1)
  const auto loops = [](const loopfront::mapping::LevelMapping& level) {
    std::vector<Loop> temporal;
    std::vector<Loop> spatial;
    for (const auto& loop : level.temporal()) {
      if (loop.factor > 1) temporal.emplace_back(loop.dim, loop.factor, -1);
    }
    for (const auto& loop : level.spatial()) {
      if (loop.factor > 1) spatial.emplace_back(loop.dim, loop.factor, static_cast<int>(loop.axis));
    }
    std::sort(spatial.begin(), spatial.end());
    return std::pair{temporal, spatial};
  };
  REQUIRE(read_back.mapping.num_levels() == original.num_levels());
  for (int level_idx = 0; level_idx < original.num_levels(); ++level_idx) {
    INFO("level " << level_idx);
    const auto& a = read_back.mapping.level(level_idx);
    const auto& b = original.level(level_idx);
    CHECK(a.keeps() == b.keeps());
    CHECK(loops(a) == loops(b));
    if (problem.level(level_idx).buffering != 0) {
      CHECK(read_back.architecture.levels[level_idx].multiple_buffering == (b.double_buffered() ? 2.0 : 1.0));
    } else {
      CHECK(read_back.architecture.levels[level_idx].multiple_buffering ==
            problem.arch().levels[level_idx].multiple_buffering);
    }
  }
}

// A seeded genetic search of `op_spec` on `preset`, restricted to what Timeloop can express: no
// padding, and double buffering on levels with honest buffering.
loopfront::search::SearchResult SearchExportable(const loopfront::mapping::Problem& problem) {
  loopfront::mapping::Constraints constraints;
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    if (problem.level(level_idx).buffering != 0) constraints.levels[level_idx].double_buffered = true;
  }
  const auto mapspace = loopfront::search::Mapspace::Build(problem, constraints, {.max_padding_waste = 0.0});
  loopfront::search::SearchOptions options;
  options.budget.max_evaluations = 4000;
  options.seed = 7;
  options.threads = 2;
  const loopfront::cost::DataflowModel model;
  return loopfront::search::BuiltinSearchers().Create("genetic")->Search(mapspace, model, options);
}

const std::string kOp = "'matmul m=512 n=768 k=768'";
const std::string kWqDoubleBuffered =
    "'DRAM{A,B,Z}[m4 n48] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]'";

}  // namespace

TEST_CASE("Accelergy action counts priced with the exported ERT give loopfront's energy", "[timeloop][export]") {
  const loopfront::cost::DataflowModel model;
  SECTION("the gemmini W_Q mapping, double-buffered") {
    const auto problem = loopfront::mapping::Problem::Build(
        loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768"), loopfront::arch::LoadArchitecture("gemmini"));
    const auto mapping = loopfront::mapping::ParseMapping(
        "DRAM{A,B,Z}[m4 n48] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]", problem);
    const CheckedTimeloopExport exported = loopfront::report::ExportTimeloopChecked(problem, mapping, model, "W_Q");
    CHECK(WithinRelative(PricedEnergyPj(exported), exported.cost.energy_pj));
    // The MACs executed: 512 × 768 × 768 on mac[1..256].
    CHECK(exported.action_counts_yaml.find("  - name: system_top_level.mac[1..256]\n    action_counts:\n"
                                           "    - name: compute\n      counts: 301989888\n") != std::string::npos);
    // The scratchpad (16-word blocks) reads A and B: counts in blocks, not words.
    CHECK(exported.action_counts_yaml.find("  - name: system_top_level.scratchpad[1..1]\n    action_counts:\n"
                                           "    - name: read\n      counts: 1327104\n") != std::string::npos);
  }
  SECTION("every non-conv reference folder") {
    for (const std::filesystem::path& folder : loopfront::testing::TimeloopCaseFolders(false)) {
      INFO(folder.filename().string());
      const auto design = loopfront::timeloop::ImportTimeloop(YamlFiles(folder));
      CheckedTimeloopExport exported{.files = loopfront::report::ExportTimeloop(design.problem, design.mapping),
                                     .action_counts_yaml = {},
                                     .cost = model.Evaluate(design.problem, design.mapping)};
      REQUIRE(exported.cost.feasible);
      exported.action_counts_yaml = loopfront::report::AccelergyActionCounts(design.problem, exported.cost);
      CHECK(WithinRelative(PricedEnergyPj(exported), exported.cost.energy_pj));
    }
  }
}

TEST_CASE("export then import is the identity on the search fronts of three presets", "[timeloop][export][search]") {
  const loopfront::cost::DataflowModel model;
  std::size_t total_points = 0;
  for (const char* preset : {"gemmini", "simba-like", "eyeriss-like"}) {
    INFO(preset);
    const auto problem = loopfront::mapping::Problem::Build(
        loopfront::workload::ParseOpSpec("matmul m=256 n=768 k=512"), loopfront::arch::LoadArchitecture(preset));
    const auto result = SearchExportable(problem);
    REQUIRE(!result.front.empty());
    const std::filesystem::path dir = Scratch(preset) / "front";
    const auto folders = loopfront::report::ExportFrontToTimeloop(dir, problem, result.front, model, "the front\n");
    REQUIRE(folders.size() == result.front.size());
    total_points += folders.size();
    CHECK(ReadWholeFile(dir / "front.csv") == "the front\n");
    for (std::size_t point = 0; point < folders.size(); ++point) {
      INFO("point " << point);
      CHECK(folders[point] == dir / loopfront::report::FrontPointFolderName(point, folders.size()));
      const auto& expected = result.front.points()[point];
      // Every .yaml file of the folder, action_counts.yaml included (the importer ignores it).
      const std::vector<std::filesystem::path> files = YamlFiles(folders[point]);
      CHECK(files.size() == 6);
      const auto design = loopfront::timeloop::ImportTimeloop(files);
      CheckSameTimeloopArchitecture(design.architecture, problem.arch());
      CHECK(design.op.dims == problem.op().dims);
      CHECK(design.op.tensors.size() == problem.op().tensors.size());
      CheckSameMapping(design, problem, expected.payload);
      const auto cost = model.Evaluate(design.problem, design.mapping);
      REQUIRE(cost.feasible);
      CHECK(static_cast<double>(cost.cycles) == expected.objectives.latency_cycles);
      CHECK(WithinRelative(cost.energy_pj, expected.objectives.energy_pj));
      // Exporting what was read back writes the same bytes.
      const CheckedTimeloopExport again =
          loopfront::report::ExportTimeloopChecked(design.problem, design.mapping, model, "read back");
      for (const auto& [name, content] : loopfront::report::TimeloopFolderFiles(again)) {
        INFO(name);
        CHECK(ReadWholeFile(folders[point] / name) == content);
      }
      CHECK(WithinRelative(PricedEnergyPj(again), expected.objectives.energy_pj));
    }
  }
  CHECK(total_points > 3);  // some front has several points
}

TEST_CASE("a front export writes nothing unless every point exports", "[timeloop][export][search]") {
  const loopfront::cost::DataflowModel model;
  const auto problem = loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768"),
                                                          loopfront::arch::LoadArchitecture("gemmini"));
  loopfront::pareto::Front<loopfront::mapping::Mapping> front;
  const auto add = [&](const std::string& line) {
    const auto mapping = loopfront::mapping::ParseMapping(line, problem);
    const auto cost = model.Evaluate(problem, mapping);
    REQUIRE(cost.feasible);
    front.Insert({static_cast<double>(cost.cycles), cost.energy_pj}, mapping);
  };
  add("DRAM{A,B,Z}[m4 n48] scratchpad*2{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m128]");
  // Single-buffered scratchpad: whole A row blocks, fewer DRAM reads, stalls.
  add("DRAM{A,B,Z}[m2 n48] scratchpad*1{A,B}[k48 | x:n16] accumulator*2{Z}[| y:k16] weight_reg{B}[m256]");
  REQUIRE(front.size() == 2);
  const std::filesystem::path dir = Scratch("partial") / "front";
  try {
    loopfront::report::ExportFrontToTimeloop(dir, problem, front, model, "");
    FAIL("expected the single-buffered point to be refused");
  } catch (const loopfront::util::ConfigError& error) {
    const std::string text = error.what();
    CHECK(text.find("front point ") != std::string::npos);
    CHECK(text.find("level 'scratchpad' is single-buffered") != std::string::npos);
  }
  CHECK(!std::filesystem::exists(dir));
  CHECK(std::filesystem::is_empty(dir.parent_path()));  // no temporary folder left behind either
}

TEST_CASE("search --export-timeloop", "[timeloop][export][search][cli]") {
  const std::string search =
      "search --arch eyeriss-like --op 'matmul m=256 n=768 k=512' --budget-evals 4000 "
      "--seed 3 --threads 2 --max-padding-waste 0 --export-timeloop ";
  SECTION("one folder per front point, in the CSV's order, and front.csv as printed") {
    const std::filesystem::path dir = Scratch("cli") / "out";
    const auto result = loopfront::testing::RunLoopfront(search + "'" + dir.string() + "' --format csv");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(ReadWholeFile(dir / "front.csv") == result.out);
    const auto rows = static_cast<std::size_t>(std::count(result.out.begin(), result.out.end(), '\n')) - 1;
    REQUIRE(rows >= 1);
    std::size_t folders = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) folders += entry.is_directory() ? 1 : 0;
    CHECK(folders == rows);
    CHECK(
        std::filesystem::exists(dir / loopfront::report::FrontPointFolderName(rows - 1, rows) / "action_counts.yaml"));
    CHECK(result.err.find("search: exported ") != std::string::npos);
    // Point 0 (the fastest) reads back to the CSV's first row.
    const auto replay =
        loopfront::testing::RunLoopfront("eval --format json --timeloop '" + (dir / "point_000").string() + "'/*.yaml");
    INFO(replay.err);
    REQUIRE(replay.exit_code == 0);
    const std::string first_row = result.out.substr(result.out.find('\n') + 1);
    std::vector<std::string> cells;
    for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
      comma = first_row.find(',', start);
      cells.push_back(first_row.substr(start, comma == std::string::npos ? comma : comma - start));
    }
    REQUIRE(cells.size() > 4);
    CHECK(cells[3] == "0");
    CHECK(replay.out.find("\"cycles\": " + cells[4] + ",") != std::string::npos);
  }
  SECTION("with every searcher that searches a mapspace (an op small enough for exhaustive)") {
    for (const char* searcher : {"random", "genetic", "annealing", "exhaustive"}) {
      INFO(searcher);
      const std::filesystem::path dir = Scratch(std::string("cli_") + searcher) / "out";
      const auto result = loopfront::testing::RunLoopfront(
          fmt::format("search --arch eyeriss-like --op 'matmul m=4 n=2 k=2' --searcher {} --budget-evals 3000 "
                      "--max-padding-waste 0 --format csv --export-timeloop '{}'",
                      searcher, dir.string()));
      INFO(result.err);
      REQUIRE(result.exit_code == 0);
      CHECK(ReadWholeFile(dir / "front.csv") == result.out);
      CHECK(std::filesystem::exists(dir / "point_000" / "map.yaml"));
    }
  }
  SECTION("a non-empty folder is refused before the search") {
    const std::filesystem::path dir = Scratch("cli_busy");
    std::ofstream(dir / "keep.txt") << "mine\n";
    const auto result = loopfront::testing::RunLoopfront(search + "'" + dir.string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--export-timeloop: expected a folder that does not exist yet or is empty") !=
          std::string::npos);
    CHECK(result.out.empty());
    CHECK(ReadWholeFile(dir / "keep.txt") == "mine\n");
  }
  SECTION("a point Timeloop cannot express: exit 2, nothing written, and how to search only exportable ones") {
    const std::filesystem::path dir = Scratch("cli_single") / "out";
    const auto result = loopfront::testing::RunLoopfront(
        "search --arch gemmini --op " + kOp + " --budget-evals 5000 --export-timeloop '" + dir.string() + "'");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("is single-buffered") != std::string::npos);
    CHECK(result.err.find("--max-padding-waste 0") != std::string::npos);
    CHECK(!std::filesystem::exists(dir));
  }
  SECTION("a vector op, a cost model Timeloop does not reproduce, --model") {
    const std::filesystem::path out = Scratch("cli_refused") / "out";
    const std::string dir = fmt::format("'{}'", out.string());
    const auto vector_op =
        loopfront::testing::RunLoopfront("search --arch gemmini --op 'softmax m=64 n=64' --export-timeloop " + dir);
    CHECK(vector_op.exit_code == 2);
    CHECK(vector_op.err.find("got the vector op 'softmax m=64 n=64'") != std::string::npos);
    const auto roofline = loopfront::testing::RunLoopfront("search --arch gemmini --op " + kOp +
                                                           " --cost-model roofline --export-timeloop " + dir);
    CHECK(roofline.exit_code == 2);
    CHECK(roofline.err.find("expected --cost-model dataflow") != std::string::npos);
    const auto model = loopfront::testing::RunLoopfront("search --arch gemmini --model gpt2 --export-timeloop " + dir);
    CHECK(model.exit_code == 2);
    CHECK(model.err.find("expected no --export-timeloop with --model") != std::string::npos);
  }
}
