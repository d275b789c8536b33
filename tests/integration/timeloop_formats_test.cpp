// The other Timeloop/Accelergy input forms the importer reads (timeloop/importer.h), on
// hand-written files in tests/data/timeloop/ modelled on the public examples: the v0.3
// subtree form and the v0.4 tree form (`nodes:` with !Container/!Component, a !Parallel) import
// as the same design written in the v0.4 subtree form; the mapper's output form; an ERT_summary
// priced by hand; ART areas through eval, import and export.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/architecture.h"
#include "loopfront/timeloop/importer.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/timeloop_inputs.h"

namespace {

using loopfront::timeloop::ImportedDesign;
using loopfront::timeloop::ImportTimeloop;
using Paths = std::vector<std::filesystem::path>;

const std::filesystem::path kData = std::filesystem::path(LOOPFRONT_TESTS_DIR) / "data" / "timeloop";

// A pe4 design in one architecture form, with the shared problem and mapping.
ImportedDesign Pe4(const std::string& form, const std::string& map = "pe4_map.yaml") {
  return ImportTimeloop(
      {kData / form / "arch.yaml", kData / form / "tables.yaml", kData / "pe4_problem.yaml", kData / map});
}

std::string FileArgs(const Paths& files) {
  std::string out;
  for (const auto& file : files) out += " '" + file.string() + "'";
  return out;
}

}  // namespace

TEST_CASE("The v0.3 subtree form and the v0.4 tree form import as the v0.4 subtree form", "[timeloop]") {
  const ImportedDesign reference = Pe4("pe4_v04_subtree");
  const loopfront::arch::Architecture& arch = reference.architecture;
  REQUIRE(arch.num_levels() == 3);
  // Buffer: depth 128 blocks of 2 words; Regs: one per PE, four PEs along x.
  CHECK(arch.levels[1].capacity_words == 256);
  CHECK(arch.levels[1].vector_words == 2);
  CHECK(arch.levels[2].instances == 4);
  CHECK(arch.levels[2].mesh_x == 4);
  CHECK(arch.mac.instances == 4);
  CHECK(arch.levels[2].area_um2 == 100.0);
  CHECK(arch.mac.area_um2 == 50.0);
  // 5000 (the buffer) + 4 × 100 (the register files) + 4 × 50 (the MACs); DRAM gives 0.
  CHECK(loopfront::arch::TotalAreaUm2(arch) == 5600.0);

  const loopfront::cost::DataflowModel model;
  const loopfront::cost::Cost reference_cost = model.Evaluate(reference.problem, reference.mapping);
  REQUIRE(reference_cost.feasible);
  // 64 MACs over 4 PEs (N across them), nothing bandwidth-bound.
  CHECK(reference_cost.cycles == 16);
  for (const std::string form : {"pe4_v03_subtree", "pe4_tree"}) {
    INFO(form);
    const ImportedDesign design = Pe4(form);
    CHECK(design.architecture == arch);
    CHECK(design.mapping == reference.mapping);
    CHECK(design.op == reference.op);
    const loopfront::cost::Cost cost = model.Evaluate(design.problem, design.mapping);
    CHECK(cost.cycles == reference_cost.cycles);
    CHECK(cost.energy_pj == reference_cost.energy_pj);
  }
}

TEST_CASE("The tree form keeps each node's constraints, with the level they constrain", "[timeloop]") {
  const ImportedDesign design = Pe4("pe4_tree");
  REQUIRE(design.node_constraints.size() == 3);
  const auto& buffer = design.node_constraints[0];
  CHECK(buffer.node == "Buffer");
  CHECK(buffer.level == "Buffer");
  CHECK_FALSE(buffer.container);
  CHECK(buffer.value.FlowText() == "temporal: {factors: N=1, permutation: [K, M]}");
  // The PE container's spatial constraint is on the fanout below the buffer.
  const auto& pe = design.node_constraints[1];
  CHECK(pe.node == "PE");
  CHECK(pe.level == "Buffer");
  CHECK(pe.container);
  CHECK(pe.value.line() == 24);  // its first key, `spatial:`
  CHECK(design.node_constraints[2].level == "Regs");
  // A subtree form has none.
  CHECK(Pe4("pe4_v04_subtree").node_constraints.empty());
}

TEST_CASE("The mapper's output form imports: every dim in factors and permutations", "[timeloop]") {
  const ImportedDesign reference = Pe4("pe4_v04_subtree");
  const ImportedDesign mapper = Pe4("pe4_v04_subtree", "pe4_timeloop-mapper.map.yaml");
  CHECK(mapper.mapping == reference.mapping);
  // One source per entry: datatype + temporal at each level, + spatial at the buffer.
  CHECK(mapper.mapping_sources[0].size() == 2);
  CHECK(mapper.mapping_sources[1].size() == 3);
}

TEST_CASE("A !Parallel becomes consecutive levels, each keeping its branch's data spaces", "[timeloop]") {
  const ImportedDesign tree =
      ImportTimeloop({kData / "parallel_tree" / "arch.yaml", kData / "parallel_tree" / "rest.yaml"});
  const ImportedDesign subtree =
      ImportTimeloop({kData / "parallel_subtree" / "arch.yaml", kData / "parallel_subtree" / "rest.yaml"});
  REQUIRE(tree.architecture.num_levels() == 4);
  CHECK(tree.architecture.LevelNames() == std::vector<std::string>{"MainMemory", "InReg", "WReg", "AccReg"});
  using loopfront::arch::RoleBit;
  using loopfront::workload::TensorRole;
  CHECK(tree.architecture.levels[1].keeps_roles == RoleBit(TensorRole::kInput));
  CHECK(tree.architecture.levels[2].keeps_roles == RoleBit(TensorRole::kWeight));
  CHECK(tree.architecture.levels[3].keeps_roles == RoleBit(TensorRole::kOutput));
  CHECK(tree.architecture.levels[3].mesh_x == 2);
  CHECK(tree.architecture.levels[3].mesh_y == 2);
  // The subtree form says the same with bypass entries (one of them the older `type: bypass`).
  CHECK(tree.mapping == subtree.mapping);
  loopfront::arch::Architecture without_roles = tree.architecture;
  for (auto& level : without_roles.levels) level.keeps_roles = loopfront::arch::kAllRoles;
  CHECK(without_roles == subtree.architecture);
  const loopfront::cost::DataflowModel model;
  const loopfront::cost::Cost tree_cost = model.Evaluate(tree.problem, tree.mapping);
  const loopfront::cost::Cost subtree_cost = model.Evaluate(subtree.problem, subtree.mapping);
  REQUIRE(tree_cost.feasible);
  // 128 MACs over 2 × 2 PEs.
  CHECK(tree_cost.cycles == 32);
  CHECK(tree_cost.cycles == subtree_cost.cycles);
  CHECK(tree_cost.energy_pj == subtree_cost.energy_pj);
}

TEST_CASE("An ERT_summary prices the design when there is no ERT, at max_energy for actions with arguments",
          "[timeloop]") {
  const Paths files = loopfront::testing::YamlFiles(kData / "ert_summary_art");
  const ImportedDesign design = ImportTimeloop(files);
  const auto& rf = design.architecture.levels[1].energy_per_access;
  CHECK(rf.read_pj == 1.0);   // max_energy, not average_energy 0.5
  CHECK(rf.write_pj == 1.5);  // max_energy
  CHECK(rf.update_pj == 2.0);
  const loopfront::cost::Cost cost = loopfront::cost::DataflowModel().Evaluate(design.problem, design.mapping);
  REQUIRE(cost.feasible);
  // M=N=K=4 all at the RF, which holds the whole tensors: 64 MACs, one per cycle.
  CHECK(cost.cycles == 64);
  // DRAM (block of 4 words, 64 pJ per access): A and B read once (16 words each → 4 + 4 accesses),
  // Z written back once (16 words → 4 updates): 12 × 64 = 768.
  // RF: reads 64 (A) + 64 (B) + 48 (Z, Timeloop skips the first read of each of the 16 partial
  // sums) = 176 × 1.0; fills 16 + 16 = 32 × 1.5; updates 64 × 2.0: 176 + 48 + 128 = 352.
  // MACs: 64 × 0.5 = 32.
  CHECK(cost.levels[0].energy_pj == 768.0);
  CHECK(cost.levels[1].energy_pj == 352.0);
  CHECK(cost.energy_pj == 768.0 + 352.0 + 32.0);
  // ART: 1 + 100 + 50 µm², one instance each.
  CHECK(loopfront::arch::TotalAreaUm2(design.architecture) == 151.0);
  CHECK(design.level_area_sources[1].file.ends_with("ART.yaml"));

  SECTION("an ERT given beside it wins") {
    const std::filesystem::path dir = loopfront::testing::ScratchFolder("ert_beside_summary");
    std::ofstream(dir / "ERT.yaml") << "ERT:\n  version: '0.4'\n  tables:\n"
                                       "  - name: top.DRAM[1..1]\n    actions: [{name: read, energy: 1}, {name: "
                                       "write, energy: 1}, {name: update, energy: 1}]\n"
                                       "  - name: top.RF[1..1]\n    actions: [{name: read, energy: 3}, {name: "
                                       "write, energy: 3}, {name: update, energy: 3}]\n"
                                       "  - name: top.mac[1..1]\n    actions: [{name: compute, energy: 7}]\n";
    Paths with_ert = files;
    with_ert.push_back(dir / "ERT.yaml");
    const ImportedDesign both = ImportTimeloop(with_ert);
    CHECK(both.architecture.levels[1].energy_per_access.read_pj == 3.0);
    CHECK(both.architecture.mac.energy_pj_per_mac == 7.0);
    CHECK(both.mac_energy_source.file.ends_with("ERT.yaml"));
  }
}

TEST_CASE("Areas reach eval's outputs, import's arch.yaml and export's ART.yaml", "[timeloop][cli]") {
  const Paths files = loopfront::testing::YamlFiles(kData / "ert_summary_art");
  const auto json = loopfront::testing::RunLoopfront("eval --format json --timeloop" + FileArgs(files));
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"area_um2\": 151.0") != std::string::npos);
  const auto table = loopfront::testing::RunLoopfront("eval --timeloop" + FileArgs(files));
  CHECK(table.out.find("area:            151 um^2") != std::string::npos);

  const std::filesystem::path dir = loopfront::testing::ScratchFolder("import_area");
  const auto imported =
      loopfront::testing::RunLoopfront("import timeloop" + FileArgs(files) + " --output '" + dir.string() + "'");
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  const std::string arch = loopfront::testing::ReadWholeFile(dir / "arch.yaml");
  CHECK(arch.find("      area_um2: 100\n") != std::string::npos);
  CHECK(arch.find("mac_area_um2: 50") != std::string::npos);
  CHECK(arch.find("area_um2: " + (kData / "ert_summary_art" / "ART.yaml").string() + ":5:") != std::string::npos);
  CHECK(arch.find("ERT_summary table RF") != std::string::npos);

  // Export of the imported files, read back: the same areas.
  const std::filesystem::path out = loopfront::testing::ScratchFolder("export_area");
  const auto exported = loopfront::testing::RunLoopfront(
      "export timeloop --arch '" + (dir / "arch.yaml").string() + "' --workload '" + (dir / "workload.yaml").string() +
      "' --op-name mm --mapping '" + (dir / "mapping.yaml").string() + "' --output '" + out.string() + "'");
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  const ImportedDesign back = ImportTimeloop(loopfront::testing::YamlFiles(out));
  CHECK(back.architecture.levels[0].area_um2 == 1.0);
  CHECK(back.architecture.levels[1].area_um2 == 100.0);
  CHECK(back.architecture.mac.area_um2 == 50.0);
}
