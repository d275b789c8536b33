// Importing Timeloop's constraints (timeloop/constraints.h): the hand-written files of
// tests/data/timeloop/ become the loopfront constraints they mean, with positions into the files;
// every searcher honours them; `search --timeloop` and `import timeloop` + `search --constraints`
// find the same front.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/check.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/timeloop/constraints.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/timeloop_inputs.h"

using loopfront::mapping::Constraints;
using loopfront::mapping::DimMask;
using loopfront::mapping::FactorKind;
using loopfront::mapping::Mapping;
using loopfront::mapping::TensorMask;
using loopfront::timeloop::ImportedDesign;
using loopfront::timeloop::ImportTimeloop;

namespace {

const std::filesystem::path kData = std::filesystem::path(LOOPFRONT_TESTS_DIR) / "data" / "timeloop";

ImportedDesign Import(const std::string& folder) {
  return ImportTimeloop(loopfront::testing::YamlFiles(kData / folder), {.mapping_required = false});
}

int Kind(FactorKind kind) { return static_cast<int>(kind); }

DimMask Bit(int index) { return static_cast<DimMask>(1u << index); }

std::string FileArgs(const std::vector<std::filesystem::path>& files) {
  std::string out;
  for (const auto& file : files) out += " '" + file.string() + "'";
  return out;
}

// Whether a mapping satisfies resolved constraints, read off the mapping itself (not the mapspace).
bool Satisfies(const Mapping& mapping, const Constraints& constraints, const loopfront::mapping::Problem& problem) {
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const auto& level = mapping.level(level_idx);
    const auto& constraint = constraints.levels[level_idx];
    for (int dim = 0; dim < problem.num_dims(); ++dim) {
      std::int64_t temporal = 1;
      for (const auto& loop : level.temporal()) temporal *= loop.dim == dim ? loop.factor : 1;
      std::array<std::int64_t, 2> spatial{1, 1};
      for (const auto& loop : level.spatial())
        spatial[static_cast<int>(loop.axis)] *= loop.dim == dim ? loop.factor : 1;
      const std::array<std::int64_t, 4> by_kind{temporal, spatial[0], spatial[1], spatial[0] * spatial[1]};
      for (int kind = 0; kind < 4; ++kind) {
        if (!constraint.bounds[kind][dim].Contains(by_kind[kind])) return false;
      }
      if (constraint.temporal_factor[dim] > 0 && temporal != constraint.temporal_factor[dim]) return false;
      for (int axis = 0; axis < 2; ++axis) {
        if (constraint.spatial_factor[axis][dim] > 0 && spatial[axis] != constraint.spatial_factor[axis][dim])
          return false;
        if (((constraint.spatial_forbidden[axis] >> dim) & 1u) != 0 && spatial[axis] > 1) return false;
      }
    }
    // order_inner: the level's innermost loops are the suffix's dims that loop there, in order.
    std::vector<int> looping_suffix;
    for (const int dim : constraint.order_suffix) {
      for (const auto& loop : level.temporal()) {
        if (loop.dim == dim) looping_suffix.push_back(dim);
      }
    }
    const auto& loops = level.temporal();
    if (looping_suffix.size() > loops.size()) return false;
    for (std::size_t index = 0; index < looping_suffix.size(); ++index) {
      if (loops[loops.size() - looping_suffix.size() + index].dim != looping_suffix[index]) return false;
    }
    if ((level.keeps() & constraint.must_keep) != constraint.must_keep) return false;
    if ((level.keeps() & constraint.bypass) != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("Timeloop constraints with <=, >=, =0, partial permutations, keep and bypass", "[timeloop][constraints]") {
  const ImportedDesign design = Import("constraints_pe4x4");
  CHECK_FALSE(design.has_mapping);
  const auto& problem = design.problem;
  const int m = problem.DimIndex("M");
  const int n = problem.DimIndex("N");
  const int k = problem.DimIndex("K");
  const int dram = problem.LevelIndex("DRAM");
  const int glb = problem.LevelIndex("shared_glb");
  const int rf = problem.LevelIndex("pe_rf");
  const Constraints& resolved = design.resolved_constraints;

  // DRAM: K=1, permutation M (M innermost).
  CHECK(resolved.levels[dram].temporal_factor[k] == 1);
  CHECK(resolved.levels[dram].order_suffix == std::vector<int>{m});
  // shared_glb temporal: K=0 (the rest), M>=2, permutation NM: N innermost, then M.
  CHECK(resolved.levels[glb].remainder[Kind(FactorKind::kTemporal)] == Bit(k));
  CHECK(resolved.levels[glb].bounds[Kind(FactorKind::kTemporal)][m] == loopfront::mapping::FactorBound{2, 0});
  CHECK(resolved.levels[glb].order_suffix == std::vector<int>{m, n});
  // shared_glb spatial, split 1 of NKM: N<=4 along x, K>=2 down y, M=1 (on y, and so no axis to keep to).
  CHECK(resolved.levels[glb].bounds[Kind(FactorKind::kSpatialX)][n] == loopfront::mapping::FactorBound{1, 4});
  CHECK(resolved.levels[glb].bounds[Kind(FactorKind::kSpatialY)][k] == loopfront::mapping::FactorBound{2, 0});
  CHECK(resolved.levels[glb].spatial_factor[1][m] == 1);
  CHECK(resolved.levels[glb].spatial_forbidden[1] == Bit(n));  // N may not go down y
  CHECK(resolved.levels[glb].spatial_forbidden[0] == Bit(k));  // K may not go across x
  // pe_rf: M=1 N=1 K<=4; keep B, bypass A and Z.
  CHECK(resolved.levels[rf].temporal_factor[m] == 1);
  CHECK(resolved.levels[rf].temporal_factor[n] == 1);
  CHECK(resolved.levels[rf].bounds[Kind(FactorKind::kTemporal)][k] == loopfront::mapping::FactorBound{1, 4});
  CHECK(resolved.levels[rf].must_keep == TensorMask(1u << problem.TensorIndex("B")));
  CHECK(resolved.levels[rf].bypass == TensorMask((1u << problem.TensorIndex("A")) | (1u << problem.TensorIndex("Z"))));

  // The spec points into the Timeloop file.
  REQUIRE(design.constraints.levels.size() == 3);
  const auto& glb_spec = design.constraints.levels[1];
  CHECK(glb_spec.level.value == "shared_glb");
  CHECK(glb_spec.level.where.file.ends_with("constraints_pe4x4/constraints.yaml"));
  CHECK(glb_spec.level.where.line == 10);
  REQUIRE(glb_spec.remainder[Kind(FactorKind::kTemporal)].size() == 1);
  CHECK(glb_spec.remainder[Kind(FactorKind::kTemporal)][0].where.line == 12);
  CHECK(glb_spec.remainder[Kind(FactorKind::kTemporal)][0].where.path == "constraints.targets[1].factors");
}

TEST_CASE("architecture_constraints and mapspace_constraints in two files merge", "[timeloop][constraints]") {
  const ImportedDesign design = Import("constraints_split");
  const auto& problem = design.problem;
  const int m = problem.DimIndex("M");
  const int n = problem.DimIndex("N");
  const int k = problem.DimIndex("K");
  const int dram = problem.LevelIndex("DRAM");
  const int glb = problem.LevelIndex("shared_glb");
  const int rf = problem.LevelIndex("pe_rf");
  const Constraints& resolved = design.resolved_constraints;
  // The architecture's split and the mapspace's bounds on the same spatial level.
  CHECK(resolved.levels[glb].spatial_factor[1][m] == 1);
  CHECK(resolved.levels[glb].spatial_forbidden[1] == Bit(n));
  CHECK(resolved.levels[glb].spatial_forbidden[0] == Bit(k));
  CHECK(resolved.levels[glb].bounds[Kind(FactorKind::kSpatial)][n] == loopfront::mapping::FactorBound{2, 0});
  CHECK(resolved.levels[glb].bounds[Kind(FactorKind::kSpatial)][k] == loopfront::mapping::FactorBound{1, 4});
  CHECK(resolved.levels[rf].must_keep == TensorMask(1u << problem.TensorIndex("B")));
  CHECK(resolved.levels[rf].bypass == TensorMask(1u << problem.TensorIndex("A")));
  CHECK(resolved.levels[rf].bounds[Kind(FactorKind::kTemporal)][k] == loopfront::mapping::FactorBound{2, 8});
  CHECK(resolved.levels[dram].bounds[Kind(FactorKind::kTemporal)][m] == loopfront::mapping::FactorBound{1, 4});
  CHECK(resolved.levels[dram].remainder[Kind(FactorKind::kTemporal)] == Bit(k));
  CHECK(resolved.levels[dram].order_suffix == std::vector<int>{n, k});  // "K N": K innermost

  // The same thing constrained in both files is an error naming the first.
  const std::filesystem::path dir = loopfront::testing::ScratchFolder("constraints_twice");
  std::ofstream(dir / "more.yaml") << "constraints:\n  targets:\n  - {target: pe_rf, type: temporal, factors: K<=4}\n";
  std::vector<std::filesystem::path> files = loopfront::testing::YamlFiles(kData / "constraints_split");
  files.push_back(dir / "more.yaml");
  try {
    ImportTimeloop(files, {.mapping_required = false});
    FAIL("expected a ConfigError");
  } catch (const loopfront::util::ConfigError& error) {
    CHECK_THAT(error.what(), Catch::Contains("more.yaml:3:46: constraints.targets[0].factors: expected the temporal "
                                             "factor of 'K' of target 'pe_rf' constrained once, got it again (first "
                                             "at "));
    CHECK_THAT(error.what(), Catch::Contains("mapspace_constraints.yaml:13:14)"));
  }
}

TEST_CASE("Every searcher honours imported Timeloop constraints", "[timeloop][constraints][searchers]") {
  const loopfront::cost::DataflowModel model;
  for (const char* folder : {"constraints_pe4x4", "constraints_split"}) {
    INFO(folder);
    const ImportedDesign design = Import(folder);
    const auto space = loopfront::search::Mapspace::Build(design.problem, design.resolved_constraints);
    const auto free_space = loopfront::search::Mapspace::Build(design.problem);
    CHECK(space.size().log10 < free_space.size().log10 - 1.0);
    loopfront::search::SearchOptions options;
    options.threads = 2;
    options.budget.max_evaluations = 20000;
    for (const std::string name : {"random", "genetic", "annealing", "exhaustive"}) {
      INFO(name);
      const auto result = loopfront::search::BuiltinSearchers().Create(name, {})->Search(space, model, options);
      REQUIRE_FALSE(result.front.empty());
      for (const auto& point : result.front.points()) {
        INFO(loopfront::mapping::ToString(point.payload, design.problem));
        CHECK(Satisfies(point.payload, design.resolved_constraints, design.problem));
      }
    }
    // The check is not vacuous: the unconstrained space's best mappings break the constraints.
    const auto free_result =
        loopfront::search::BuiltinSearchers().Create("genetic", {})->Search(free_space, model, options);
    bool some_outside = false;
    for (const auto& point : free_result.front.points()) {
      some_outside |= !Satisfies(point.payload, design.resolved_constraints, design.problem);
    }
    CHECK(some_outside);
  }
}

TEST_CASE("search --timeloop and search on the files import timeloop writes find the same front",
          "[timeloop][constraints][cli]") {
  for (const char* folder : {"constraints_pe4x4", "constraints_split"}) {
    INFO(folder);
    const std::string files = FileArgs(loopfront::testing::YamlFiles(kData / folder));
    const std::string options = " --searcher genetic --budget-evals 4000 --seed 3 --threads 2 --format csv";
    const auto direct = loopfront::testing::RunLoopfront("search --timeloop" + files + options);
    INFO(direct.err);
    REQUIRE(direct.exit_code == 0);
    const std::filesystem::path dir = loopfront::testing::ScratchFolder(std::string("search_") + folder);
    const auto written =
        loopfront::testing::RunLoopfront("import timeloop" + files + " --output '" + dir.string() + "'");
    INFO(written.err);
    REQUIRE(written.exit_code == 0);
    CHECK(written.out.find("constraints.yaml") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "mapping.yaml"));  // the files hold no mapping
    const std::string constraints = loopfront::testing::ReadWholeFile(dir / "constraints.yaml");
    CHECK(constraints.find("K: rest  # ") != std::string::npos);
    CHECK(constraints.find("constraints.yaml:") != std::string::npos);  // where each value came from
    const auto replayed = loopfront::testing::RunLoopfront(
        "search --arch '" + (dir / "arch.yaml").string() + "' --workload '" + (dir / "workload.yaml").string() +
        "' --op-name mm --constraints '" + (dir / "constraints.yaml").string() + "'" + options);
    INFO(replayed.err);
    REQUIRE(replayed.exit_code == 0);
    // The same rows but for the op column (`mm` vs the workload's label).
    auto rows = [](const std::string& csv) {
      std::vector<std::string> out;
      std::size_t start = 0;
      while (start < csv.size()) {
        const std::size_t end = csv.find('\n', start);
        const std::string line = csv.substr(start, end - start);
        out.push_back(line.substr(line.find(',')));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return out;
    };
    CHECK(rows(replayed.out) == rows(direct.out));
    CHECK(rows(direct.out).size() >= 3);  // a front of two points at least, and the header
  }
}

TEST_CASE("search --timeloop: --constraints comes from one place, the op from the files", "[timeloop][cli]") {
  const std::string files = FileArgs(loopfront::testing::YamlFiles(kData / "constraints_pe4x4"));
  const std::filesystem::path dir = loopfront::testing::ScratchFolder("one_place");
  std::ofstream(dir / "c.yaml") << "levels: {pe_rf: {temporal: {K: 1}}}\n";
  const auto both = loopfront::testing::RunLoopfront("search --timeloop" + files + " --constraints '" +
                                                     (dir / "c.yaml").string() + "' --budget-evals 100");
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("expected constraints in one place") != std::string::npos);
  const auto with_arch = loopfront::testing::RunLoopfront("search --arch gemmini --timeloop" + files);
  CHECK(with_arch.exit_code == 2);
  CHECK(with_arch.err.find("expected either --timeloop FILE... or --arch") != std::string::npos);
  // Without Timeloop constraints, a loopfront constraints file over the Timeloop names applies.
  const std::filesystem::path folder = loopfront::testing::kTimeloopInputs / "single_pe_m4n8k4_order_kmn";
  const auto loopfront_constraints = loopfront::testing::RunLoopfront(
      "search --timeloop '" + (folder / "arch.yaml").string() + "' '" + (folder / "problem.yaml").string() + "' '" +
      (folder / "ERT.yaml").string() + "' --constraints '" + (dir / "c.yaml").string() +
      "' --budget-evals 2000 --threads 2 --format csv");
  CHECK(loopfront_constraints.exit_code == 2);  // pe_rf is not a level of that architecture
  CHECK(loopfront_constraints.err.find("expected a level of architecture timeloop") != std::string::npos);
  std::ofstream(dir / "rf.yaml") << "levels: {RF: {temporal: {K: {max: 2}}}}\n";
  const auto applied = loopfront::testing::RunLoopfront(
      "search --timeloop '" + (folder / "arch.yaml").string() + "' '" + (folder / "problem.yaml").string() + "' '" +
      (folder / "ERT.yaml").string() + "' --constraints '" + (dir / "rf.yaml").string() +
      "' --budget-evals 2000 --threads 2 --format csv");
  INFO(applied.err);
  CHECK(applied.exit_code == 0);
  // eval --timeloop still needs a mapping.
  const auto eval = loopfront::testing::RunLoopfront("eval --timeloop" + files);
  CHECK(eval.exit_code == 2);
  CHECK(eval.err.find("expected the top-level key 'mapping'") != std::string::npos);
}

TEST_CASE("A v0.4 tree-form node's constraints read for a named level", "[timeloop][constraints]") {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(R"(
constraints:
  temporal: {factors: M=1 N=1 K<=4, permutation: K}
  spatial: {factors: N<=4 K=0, permutation: NK, split: 1}
  dataspace: {keep: [B], bypass: [A]}
)",
                                                                "node.yaml", diagnostics);
  loopfront::mapping::ConstraintsSpec spec;
  loopfront::timeloop::ReadNodeConstraints("pe_rf", *document.root().AsMap({"constraints"})->Get("constraints"), spec);
  REQUIRE(diagnostics.empty());
  REQUIRE(spec.levels.size() == 1);
  const auto& level = spec.levels[0];
  CHECK(level.level.value == "pe_rf");
  CHECK(level.temporal.size() == 2);
  REQUIRE(level.bounds[Kind(FactorKind::kTemporal)].size() == 1);
  CHECK(level.bounds[Kind(FactorKind::kTemporal)][0].bound == loopfront::mapping::FactorBound{1, 4});
  REQUIRE(level.order_inner.size() == 1);
  CHECK(level.order_inner[0].value == "K");
  REQUIRE(level.bounds[Kind(FactorKind::kSpatialX)].size() == 1);
  CHECK(level.bounds[Kind(FactorKind::kSpatialX)][0].dim.value == "N");
  REQUIRE(level.remainder[Kind(FactorKind::kSpatialY)].size() == 1);
  CHECK(level.remainder[Kind(FactorKind::kSpatialY)][0].value == "K");
  CHECK(level.spatial_axes.size() == 2);
  REQUIRE(level.must_keep.has_value());
  CHECK(level.must_keep->at(0).value == "B");
  REQUIRE(level.bypass.has_value());
  CHECK(level.bypass->at(0).value == "A");
  // A type in a node's constraints is an error: the key is the type.
  loopfront::util::Diagnostics more;
  const auto bad = loopfront::io::YamlDocument::LoadString("{temporal: {type: spatial, factors: M=1}}", "n.yaml", more);
  loopfront::mapping::ConstraintsSpec other;
  loopfront::timeloop::ReadNodeConstraints("pe_rf", bad.root(), other);
  std::string messages;
  for (const auto& item : more.items()) messages += item.ToString() + "\n";
  INFO(messages);
  REQUIRE(more.size() == 1);
  CHECK_THAT(more.items()[0].message, Catch::Contains("expected no `type` in a node's constraints"));
}

TEST_CASE("A mapping among the files must satisfy the constraints, as in timeloop-model", "[timeloop][constraints]") {
  const std::filesystem::path dir = loopfront::testing::ScratchFolder("mapping_vs_constraints");
  auto write_map = [&](const std::string& dram, const std::string& glb_factors) {
    std::ofstream(dir / "map.yaml") << "mapping:\n"
                                    << "- {target: DRAM, type: temporal, " << dram << "}\n"
                                    << "- {target: shared_glb, type: temporal, factors: " << glb_factors
                                    << ", permutation: NMK}\n"
                                    << "- {target: shared_glb, type: spatial, factors: N=4 K=4 M=1, permutation: NKM, "
                                       "split: 1}\n"
                                    << "- {target: pe_rf, type: temporal, factors: M=1 N=1 K=2, permutation: KMN}\n"
                                    << "- {target: pe_rf, type: datatype, keep: [B], bypass: [A, Z]}\n";
  };
  std::vector<std::filesystem::path> files = loopfront::testing::YamlFiles(kData / "constraints_pe4x4");
  files.push_back(dir / "map.yaml");
  // The genetic search's fastest point: DRAM[N4] shared_glb[K6 M32 | x:N4 y:K4] pe_rf{B}[K2].
  write_map("factors: M=1 N=4 K=1, permutation: MNK", "M=32 N=1 K=6");
  const auto satisfied = loopfront::testing::RunLoopfront("eval --format json --timeloop" + FileArgs(files));
  INFO(satisfied.err);
  CHECK(satisfied.exit_code == 0);
  // M2 N4 at DRAM with N innermost breaks `permutation: M` (M innermost there).
  write_map("factors: M=2 N=4 K=1, permutation: NMK", "M=16 N=1 K=6");
  const auto broken = loopfront::testing::RunLoopfront("eval --format json --timeloop" + FileArgs(files));
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("map.yaml:2:3: mapping: expected a mapping that satisfies the constraints of target 'DRAM' "
                        "(") != std::string::npos);
  CHECK(broken.err.find("constraints.yaml:6:13), got one where level DRAM has temporal loops that do not end with [M] "
                        "(order_inner)") != std::string::npos);
}

TEST_CASE("The tree form's node constraints constrain the search", "[timeloop][constraints]") {
  // tests/data/timeloop/pe4_tree: Buffer {temporal: N=1, permutation [K, M]}, the PE container
  // {spatial: M=1 K=1} (the Buffer's fanout), Regs {dataspace: keep [A, B, C]}.
  const ImportedDesign design =
      ImportTimeloop({kData / "pe4_tree" / "arch.yaml", kData / "pe4_tree" / "tables.yaml", kData / "pe4_problem.yaml"},
                     {.mapping_required = false});
  const auto& problem = design.problem;
  const int buffer = problem.LevelIndex("Buffer");
  const int regs = problem.LevelIndex("Regs");
  const Constraints& resolved = design.resolved_constraints;
  CHECK(resolved.levels[buffer].temporal_factor[problem.DimIndex("N")] == 1);
  CHECK(resolved.levels[buffer].order_suffix == std::vector<int>{problem.DimIndex("M"), problem.DimIndex("K")});
  CHECK(resolved.levels[buffer].bounds[Kind(FactorKind::kSpatial)][problem.DimIndex("M")] ==
        loopfront::mapping::FactorBound{1, 1});
  CHECK(resolved.levels[buffer].bounds[Kind(FactorKind::kSpatial)][problem.DimIndex("K")] ==
        loopfront::mapping::FactorBound{1, 1});
  CHECK(resolved.levels[regs].must_keep == TensorMask(0b111));
  // A search under them: N is the only dim the four PEs can take.
  const auto space = loopfront::search::Mapspace::Build(problem, resolved);
  const loopfront::cost::DataflowModel model;
  loopfront::search::SearchOptions options;
  options.threads = 2;
  const auto result = loopfront::search::BuiltinSearchers().Create("exhaustive", {})->Search(space, model, options);
  REQUIRE_FALSE(result.front.empty());
  for (const auto& point : result.front.points()) {
    CHECK(loopfront::mapping::CheckConstraints(point.payload, resolved, problem).empty());
    for (const auto& loop : point.payload.level(buffer).spatial()) CHECK(loop.dim == problem.DimIndex("N"));
  }
  // Temporal constraints on a container are refused: a container has only a fanout.
  const std::filesystem::path dir = loopfront::testing::ScratchFolder("container_temporal");
  std::string arch = loopfront::testing::ReadWholeFile(kData / "pe4_tree" / "arch.yaml");
  const std::string spatial = "      spatial: {factors: M=1 K=1}\n";
  REQUIRE(arch.find(spatial) != std::string::npos);
  arch.replace(arch.find(spatial), spatial.size(), spatial + "      temporal: {factors: M=1}\n");
  std::ofstream(dir / "arch.yaml") << arch;
  try {
    ImportTimeloop({dir / "arch.yaml", kData / "pe4_tree" / "tables.yaml", kData / "pe4_problem.yaml"},
                   {.mapping_required = false});
    FAIL("expected a ConfigError");
  } catch (const loopfront::util::ConfigError& error) {
    CHECK_THAT(error.what(), Catch::Contains("expected only `spatial` constraints on a container (its fanout), got "
                                             "`temporal` on 'PE'"));
  }
}
