// Invariants of the cost models on random valid mappings of several ops on every architecture
// preset (shared/STYLE.md, "Tests"): roofline ≤ dataflow (latency and energy), more bandwidth is
// never slower, and energy is never below MACs × MAC energy.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "cost_models/roofline/roofline_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/io/presets.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/preset_mappings.h"

using loopfront::arch::Architecture;
using loopfront::cost::Cost;
using loopfront::mapping::Mapping;
using loopfront::mapping::Problem;

namespace {

const std::vector<std::string> kOps = {
    "matmul m=512 n=768 k=768", "matmul m=197 n=3072 k=768", "bmm h=12 m=128 n=128 k=64", "matvec n=1024 k=4096",
    "softmax h=12 m=128 n=128", "layernorm m=512 n=768",     "gelu m=197 n=3072"};

Architecture ScaleBandwidths(Architecture architecture, double scale) {
  for (loopfront::arch::StorageLevel& level : architecture.levels) {
    for (std::optional<double>* bandwidth :
         {&level.read_bandwidth_words_per_cycle, &level.write_bandwidth_words_per_cycle,
          &level.shared_bandwidth_words_per_cycle}) {
      if (*bandwidth) **bandwidth *= scale;
    }
  }
  return architecture;
}

}  // namespace

TEST_CASE("On every preset, roofline <= dataflow and the dataflow invariants hold", "[integration][cost]") {
  const loopfront::cost::DataflowModel dataflow;
  const loopfront::cost::RooflineModel roofline;
  for (const std::string& arch_name : loopfront::io::PresetNames(loopfront::io::PresetKind::kArchitecture)) {
    const Architecture architecture = loopfront::arch::LoadArchitecture(arch_name);
    for (const std::string& op_text : kOps) {
      INFO(arch_name << " / " << op_text);
      const Problem problem = Problem::Build(loopfront::workload::ParseOpSpec(op_text), architecture);
      const Problem faster = Problem::Build(problem.op(), ScaleBandwidths(architecture, 2.0));
      const std::vector<Mapping> mappings = loopfront::testing::RandomValidMappings(problem, 40, 11);
      REQUIRE(mappings.size() >= 10);
      for (const Mapping& mapping : mappings) {
        const Cost detailed = dataflow.Evaluate(problem, mapping);
        const Cost bound = roofline.Evaluate(problem, mapping);
        REQUIRE(detailed.feasible);
        REQUIRE(bound.feasible);
        CHECK(bound.cycles <= detailed.cycles);
        CHECK(bound.energy_pj <= detailed.energy_pj * (1 + 1e-12));
        CHECK(detailed.energy_pj >= static_cast<double>(detailed.macs) * problem.mac_energy_pj() * (1 - 1e-12));
        CHECK(bound.energy_pj >= static_cast<double>(bound.macs) * problem.mac_energy_pj() * (1 - 1e-12));
        // More bandwidth never slower, and it changes no count or energy.
        const Cost detailed_faster = dataflow.Evaluate(faster, mapping);
        CHECK(detailed_faster.cycles <= detailed.cycles);
        CHECK(detailed_faster.energy_pj ==
              Approx(detailed.energy_pj - detailed.static_energy_pj + detailed_faster.static_energy_pj));
        CHECK(roofline.Evaluate(faster, mapping).cycles <= bound.cycles);
      }
    }
  }
}
