#include "loopfront/fusion/group_model.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/fusion/group.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/op_spec.h"
#include "loopfront/workload/workload.h"

using namespace loopfront;

namespace {

// DRAM (1 word/cycle shared, 100 pJ per 1-word access) → buffer (`buffer_words` words, 1 pJ per
// access, every role) → one MAC (1 pJ); a 1-lane vector unit (1 pJ per op) reads the buffer.
arch::Architecture TinyArchitecture(std::int64_t buffer_words, bool overlap = false, bool online = false) {
  arch::Architecture architecture;
  architecture.name = "tiny";
  arch::StorageLevel dram;
  dram.name = "DRAM";
  dram.shared_bandwidth_words_per_cycle = 1.0;
  dram.energy_per_access = {100.0, 100.0, 100.0};
  arch::StorageLevel buffer;
  buffer.name = "buffer";
  buffer.capacity_words = buffer_words;
  buffer.energy_per_access = {1.0, 1.0, 1.0};
  architecture.levels = {dram, buffer};
  architecture.mac = {.instances = 1, .mesh_x = 1, .mesh_y = 1, .energy_pj_per_mac = 1.0, .fill_latency_cycles = 0};
  architecture.vector_unit = arch::VectorUnit{.lanes = 1, .energy_pj_per_op = 1.0, .reads_level = "buffer"};
  architecture.overlap_vector_unit = overlap;
  architecture.online_softmax = online;
  return architecture;
}

// Renames a tensor (by move: GCC 12 warns spuriously, -Wrestrict, when a literal is assigned).
void Rename(workload::Op& op, int tensor, std::string name) { op.tensors[tensor].name = std::move(name); }

// mm: S[m,n] = A[m,k] · B[k,n] (m=4, n=8, k=2), then sm: P = softmax of S over n.
workload::Workload MatmulSoftmax() {
  workload::Op matmul = workload::ParseOpSpec("matmul m=4 n=8 k=2 name=mm");
  Rename(matmul, 2, "S");
  workload::Op softmax = workload::ParseOpSpec("softmax m=4 n=8 name=sm");
  Rename(softmax, 0, "S");
  Rename(softmax, 1, "P");
  return workload::Workload("chain", {matmul, softmax});
}

fusion::GroupModel BuildModel(const workload::Workload& workload, const arch::Architecture& architecture) {
  const std::vector<fusion::FusedGroup> groups = fusion::FindCandidateGroups(workload);
  REQUIRE(groups.size() == 1);
  std::string why;
  std::optional<fusion::GroupModel> model = fusion::GroupModel::Build(groups[0], workload, architecture, &why);
  INFO(why);
  REQUIRE(model);
  return *model;
}

fusion::SharedTiling TilingOf(const std::vector<fusion::SharedTiling>& tilings, std::int64_t m_factor) {
  for (const fusion::SharedTiling& tiling : tilings) {
    if (tiling.factors[0] == m_factor && tiling.factors[1] == 1) return tiling;
  }
  FAIL("no tiling with m" << m_factor);
  return {};
}

cost::Cost Evaluate(const std::string& text, const mapping::Problem& problem) {
  const mapping::Mapping mapping = mapping::ParseMapping(text, problem);
  const cost::Cost cost = cost::BuiltinCostModels().Create("dataflow")->Evaluate(problem, mapping);
  INFO(text << ": " << mapping::Describe(cost.check, problem));
  REQUIRE(cost.feasible);
  return cost;
}

}  // namespace

TEST_CASE("A fused matmul → softmax loses exactly the intermediate's DRAM traffic (by hand)", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  const arch::Architecture architecture = TinyArchitecture(256);
  const fusion::GroupModel model = BuildModel(workload, architecture);
  CHECK(model.producer_level(0) == 1);  // S lives in the buffer for both members
  CHECK(model.consumer_level(0) == 1);
  CHECK_FALSE(model.Pipelined());
  // n is the softmax's reduced dim: whole rows, never split by the shared loops.
  CHECK(model.Splittable(0));
  CHECK_FALSE(model.Splittable(1));
  const std::vector<fusion::SharedTiling> tilings = model.Tilings(100);
  REQUIRE(tilings.size() == 3);  // m1, m2, m4 (divisors of 4), n always 1
  for (const fusion::SharedTiling& tiling : tilings) CHECK(tiling.factors[1] == 1);

  const fusion::SharedTiling m2 = TilingOf(tilings, 2);
  CHECK(m2.ToString(model.group()) == "m2");
  const std::optional<std::vector<fusion::MemberProblem>> members = model.MemberProblems(m2);
  REQUIRE(members);
  REQUIRE(members->size() == 2);
  const mapping::Problem& mm = (*members)[0].problem;
  const mapping::Problem& sm = (*members)[1].problem;
  CHECK(mm.options().on_chip_tensors == 1u << 2);  // mm's output S
  CHECK(sm.options().on_chip_tensors == 1u << 0);  // sm's input S (P is the group's output)
  // The shared loop m2 heads both members' DRAM level; S's dims get no other DRAM loop.
  CHECK((*members)[0].constraints.levels[0].order_prefix == std::vector<int>{mm.DimIndex("m")});
  CHECK((*members)[0].constraints.levels[0].temporal_factor[mm.DimIndex("m")] == 2);
  CHECK((*members)[0].constraints.levels[0].temporal_factor[mm.DimIndex("n")] == 1);
  CHECK((*members)[0].constraints.levels[0].temporal_factor[mm.DimIndex("k")] == 0);  // free: k indexes no S
  CHECK((*members)[1].constraints.levels[0].temporal_factor[sm.DimIndex("m")] == 2);

  // By hand, with the shared loop m2 (rules of shared/validation/README.md):
  //  mm  DRAM{A,B}[m2] buffer{A,B,S}[m2 n8 k2]
  //      A[m,k] (8 words): buffer tile m2·k2 = 4, refilled each of the 2 shared tiles: 8 DRAM reads.
  //      B[k,n] (16 words): the shared m loop does not index B and sits right above the buffer, so B
  //      stays (stationarity): 16 DRAM reads. S is kept at no level but the buffer: no DRAM traffic.
  //  sm  DRAM{P}[m2] buffer{S,P}[m2 pass3 n8]
  //      S is read from the buffer only; P[m,n] (32 words) is written once per element: 32 updates.
  // Fused DRAM traffic = 24 reads + 32 writes = 56 words.
  const cost::Cost fused_mm = Evaluate("DRAM{A,B}[m2] buffer{A,B,S}[m2 n8 k2]", mm);
  const cost::Cost fused_sm = Evaluate("DRAM{P}[m2] buffer{S,P}[m2 pass3 n8]", sm);
  CHECK(fused_mm.levels[0].read_words == 24);
  CHECK(fused_mm.levels[0].write_words == 0);
  CHECK(fused_sm.levels[0].read_words == 0);
  CHECK(fused_sm.levels[0].write_words == 32);
  CHECK(fused_mm.levels[0].energy_pj + fused_sm.levels[0].energy_pj == Approx(56 * 100.0));

  // Unfused, the same loops: mm also writes S (32 updates) and sm reads it back (buffer tile
  // m2·n8 = 16, refilled per shared... per DRAM m tile: 32 reads). 120 words: fusion saves 2 × |S|.
  const mapping::Problem mm_alone = mapping::Problem::Build(workload.op(0), architecture);
  const mapping::Problem sm_alone = mapping::Problem::Build(workload.op(1), architecture);
  const cost::Cost unfused_mm = Evaluate("DRAM[m2] buffer[m2 n8 k2]", mm_alone);
  const cost::Cost unfused_sm = Evaluate("DRAM[m2] buffer[m2 pass3 n8]", sm_alone);
  CHECK(unfused_mm.levels[0].read_words + unfused_mm.levels[0].write_words == 56);
  CHECK(unfused_sm.levels[0].read_words + unfused_sm.levels[0].write_words == 64);
  // On-chip traffic of S stays: the producer's updates and the consumer's reads at the buffer.
  const int s_mm = mm.TensorIndex("S");
  const int s_sm = sm.TensorIndex("S");
  CHECK(fused_mm.levels[1].tensors[s_mm].updates == unfused_mm.levels[1].tensors[s_mm].updates);
  CHECK(fused_sm.levels[1].tensors[s_sm].reads == unfused_sm.levels[1].tensors[s_sm].reads);
  // Members on different units without overlap: latencies and energies add up.
  const pareto::Objectives group =
      model.CombineObjectives(m2, {{static_cast<double>(fused_mm.cycles), fused_mm.energy_pj},
                                   {static_cast<double>(fused_sm.cycles), fused_sm.energy_pj}});
  CHECK(group.latency_cycles == Approx(static_cast<double>(fused_mm.cycles + fused_sm.cycles)));
  CHECK(group.energy_pj == Approx(fused_mm.energy_pj + fused_sm.energy_pj));
}

TEST_CASE("Searched members honour the fusion: shared loops first, intermediate never at DRAM", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  const fusion::GroupModel model = BuildModel(workload, TinyArchitecture(256));
  const auto exhaustive = search::BuiltinSearchers().Create("exhaustive");
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  for (const fusion::SharedTiling& tiling : model.Tilings(100)) {
    CAPTURE(tiling.ToString(model.group()));
    const auto members = model.MemberProblems(tiling);
    REQUIRE(members);
    std::vector<search::SearchResult> results;
    for (const fusion::MemberProblem& member : *members) {
      const search::Mapspace mapspace = search::Mapspace::Build(member.problem, member.constraints);
      results.push_back(exhaustive->Search(mapspace, *cost_model, {.threads = 1}));
      REQUIRE_FALSE(results.back().front.empty());
      const int m = member.problem.DimIndex("m");
      for (const auto& point : results.back().front.points()) {
        const mapping::Mapping& mapping = point.payload;
        CHECK(mapping::CheckMapping(mapping, member.problem).ok());
        CHECK_FALSE(mapping.level(0).Keeps(member.problem.TensorIndex("S")));
        const auto dram_loops = mapping.level(0).temporal();
        if (tiling.factors[0] > 1) {
          REQUIRE_FALSE(dram_loops.empty());
          CHECK(dram_loops[0].dim == m);
          CHECK(dram_loops[0].factor == tiling.factors[0]);
        }
        // S's dims have no DRAM loop beyond the shared one.
        for (const auto& loop : dram_loops) CHECK(member.problem.dim_name(loop.dim) != "n");
      }
    }
  }
}

TEST_CASE("The intermediate's tile and the member's working set share the capacity", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  // 48 words: one shared tile of all 4 rows needs S (32) + P (32) = 64 in the softmax: no mapping;
  // two tiles need S 16 + P 16 = 32 (sm) and A 4 + B 16 + S 16 = 36 (mm): both fit.
  const fusion::GroupModel model = BuildModel(workload, TinyArchitecture(48));
  const auto exhaustive = search::BuiltinSearchers().Create("exhaustive");
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  auto front_size = [&](std::int64_t m_factor, int member) {
    const auto members = model.MemberProblems(TilingOf(model.Tilings(100), m_factor));
    REQUIRE(members);
    const search::Mapspace mapspace =
        search::Mapspace::Build((*members)[member].problem, (*members)[member].constraints);
    return exhaustive->Search(mapspace, *cost_model, {.threads = 1}).front.size();
  };
  CHECK(front_size(1, 1) == 0);
  CHECK(front_size(2, 0) > 0);
  CHECK(front_size(2, 1) > 0);
  // 20 words: one tile's S (32) alone does not fit, so that tiling is not proposed.
  const fusion::GroupModel small = BuildModel(workload, TinyArchitecture(20));
  for (const fusion::SharedTiling& tiling : small.Tilings(100)) CHECK(tiling.factors[0] > 1);
}

TEST_CASE("Overlapping units pipeline the members and reserve the other tile's intermediates", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  const fusion::GroupModel model = BuildModel(workload, TinyArchitecture(256, /*overlap=*/true));
  REQUIRE(model.Pipelined());
  const fusion::SharedTiling m2 = TilingOf(model.Tilings(100), 2);
  // max(A, B) + min(A, B) / T with T = 2 tiles: the first tile of one unit and the last of the
  // other do not overlap. Energy adds up.
  const pareto::Objectives group = model.CombineObjectives(m2, {{100.0, 10.0}, {60.0, 5.0}});
  CHECK(group.latency_cycles == Approx(130.0));
  CHECK(group.energy_pj == Approx(15.0));
  const fusion::SharedTiling m1 = TilingOf(model.Tilings(100), 1);
  CHECK(model.CombineObjectives(m1, {{100.0, 10.0}, {60.0, 5.0}}).latency_cycles == Approx(160.0));
  // While mm works on tile i+1, sm holds tile i's S (16 words): mm's buffer shrinks by it.
  const auto members = model.MemberProblems(m2);
  REQUIRE(members);
  CHECK((*members)[0].problem.level(1).usable_capacity_words == 256 - 16);
  CHECK((*members)[1].problem.level(1).usable_capacity_words == 256 - 16);
}

TEST_CASE("online_softmax lets the shared loops split rows, at one extra pass", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  const fusion::GroupModel whole_rows = BuildModel(workload, TinyArchitecture(256));
  const fusion::GroupModel online = BuildModel(workload, TinyArchitecture(256, false, /*online=*/true));
  CHECK_FALSE(whole_rows.Splittable(1));
  CHECK(online.Splittable(1));
  bool split_rows = false;
  for (const fusion::SharedTiling& tiling : online.Tilings(1000)) {
    if (tiling.factors[1] == 1) continue;
    split_rows = true;
    const auto members = online.MemberProblems(tiling);
    REQUIRE(members);
    const workload::Op& softmax = (*members)[1].problem.op();
    CHECK(softmax.passes == 4);
    CHECK(softmax.ops_per_element.back() == 1.0);
    CHECK_FALSE(softmax.reduced_dim);
  }
  CHECK(split_rows);
  for (const fusion::SharedTiling& tiling : whole_rows.Tilings(1000)) CHECK(tiling.factors[1] == 1);
}

TEST_CASE("A vector member on a host that reads DRAM cannot be fused", "[fusion][model]") {
  const workload::Workload workload = MatmulSoftmax();
  arch::Architecture architecture = TinyArchitecture(256);
  architecture.vector_unit.reset();
  architecture.host = arch::Host{.ops_per_cycle = 1, .energy_pj_per_op = 1, .reads_level = "DRAM"};
  const std::vector<fusion::FusedGroup> groups = fusion::FindCandidateGroups(workload);
  std::string why;
  CHECK_FALSE(fusion::GroupModel::Build(groups[0], workload, architecture, &why));
  CHECK(why.find("host") != std::string::npos);
}
