// The `roofline` cost model (cost_models/roofline/roofline_model.h) and the roofs it shares with
// `loopfront plot` (cost/peaks.h), derived by hand from the presets.
#include "cost_models/roofline/roofline_model.h"

#include <catch2/catch.hpp>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/peaks.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/workload/op_spec.h"

using loopfront::cost::CombinedPeakFlopsPerCycle;
using loopfront::cost::Cost;
using loopfront::cost::EngineWork;
using loopfront::cost::OutermostBandwidthBytesPerCycle;
using loopfront::cost::OutermostTrafficBytes;
using loopfront::cost::PeakFlopsPerCycle;
using loopfront::cost::RooflineModel;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;

namespace {

Problem Build(const std::string& arch, const std::string& op) {
  return Problem::Build(loopfront::workload::ParseOpSpec(op), loopfront::arch::LoadArchitecture(arch));
}

}  // namespace

TEST_CASE("Roofline of BERT-Base W_Q on gemmini: compute-bound", "[cost][roofline]") {
  const Problem problem = Build("gemmini", "matmul m=512 n=768 k=768");
  const Cost cost = RooflineModel().Evaluate(
      problem,
      ParseMapping("DRAM[m2 n48] scratchpad*1{A,B}[k48 | x:n16] accumulator[| y:k16] weight_reg[m256]", problem));
  REQUIRE(cost.feasible);
  // 512·768·768 MACs on 256 MACs.
  CHECK(cost.compute_cycles == 1179648);
  // DRAM: A 393,216 + B 589,824 read, Z 393,216 written, at 8 words/cycle: 172,032 < compute.
  CHECK(cost.levels[0].read_words == 983040);
  CHECK(cost.levels[0].write_words == 393216);
  CHECK(cost.levels[0].cycles == 1179648);
  CHECK(cost.bounding_level == loopfront::cost::kComputeBound);
  CHECK(cost.levels[0].bandwidth_bound == loopfront::cost::BandwidthBound::kNone);
  CHECK(cost.cycles == 1179648);
  // 172,032 8-word DRAM accesses × 512 pJ + MACs × 0.315 pJ.
  CHECK(cost.levels[0].energy_pj == Approx(172032.0 * 512.0));
  CHECK(cost.mac_energy_pj == Approx(301989888.0 * 0.315));
  CHECK(cost.energy_pj == Approx(172032.0 * 512.0 + 301989888.0 * 0.315));
  CHECK(cost.utilization == Approx(1.0));
}

TEST_CASE("Roofline of a decode matvec on gemmini: DRAM-bound", "[cost][roofline]") {
  const Problem problem = Build("gemmini", "matvec n=768 k=768");
  const Cost cost = RooflineModel().Evaluate(
      problem, ParseMapping("DRAM[n48] scratchpad[k48 | x:n16] accumulator[| y:k16] weight_reg[]", problem));
  REQUIRE(cost.feasible);
  CHECK(cost.compute_cycles == 2304);  // 589,824 MACs / 256
  // 768 + 589,824 + 768 words at 8 words/cycle.
  CHECK(cost.levels[0].cycles == 73920);
  CHECK(cost.cycles == 73920);
  CHECK(cost.bounding_level == 0);
  // Reads and writes share gemmini's DRAM port: the shared bandwidth bounds.
  CHECK(cost.levels[0].bandwidth_bound == loopfront::cost::BandwidthBound::kShared);
}

TEST_CASE("Roofline of vector ops: on the vector unit or the host", "[cost][roofline]") {
  const std::string softmax = "softmax m=512 n=512";
  {
    // gemmini-ibert: 262,144 elements × (1 + 3 + 1) ops on 16 lanes = 81,920 cycles; DRAM moves
    // 2 × 262,144 words at 8 words/cycle = 65,536 cycles.
    const Problem problem = Build("gemmini-ibert", softmax);
    const Cost cost = RooflineModel().Evaluate(problem, ParseMapping("DRAM[pass3 m512 n512] scratchpad{}[] "
                                                                     "accumulator{A,Z}[] weight_reg{}[]",
                                                                     problem));
    REQUIRE(cost.feasible);
    CHECK(cost.compute_cycles == 81920);
    CHECK(cost.cycles == 81920);
    CHECK(cost.macs == 0);
    CHECK(cost.vector_energy_pj == Approx(262144.0 * 5 * 3.1));
  }
  {
    // gemmini: the Rocket host prices functions (architectures/gemmini.yaml): per element max 2,
    // 2 add 6 + exp 45, mul 3 = 56 cycles; dequantize A (convert 2 + mul 3) = 5; quantize Z (mul 3
    // + convert 2 + 2 max 4) = 9: 70 cycles. Energy: 70 + 141.8 + 2310 + 73.7 = 2595.5, dequantize
    // 143.7, quantize 283.7: 3,022.9 pJ. DRAM moves 2 × 262,144 bytes at the host's 2 bytes per
    // cycle: 262,144 cycles, fewer than compute.
    const Problem problem = Build("gemmini", softmax);
    const Cost cost = RooflineModel().Evaluate(problem, ParseMapping("DRAM[pass3 m512 n512] scratchpad{}[] "
                                                                     "accumulator{}[] weight_reg{}[]",
                                                                     problem));
    REQUIRE(cost.feasible);
    CHECK(cost.cycles == 262144 * 70);
    CHECK(cost.vector_energy_pj == Approx(262144.0 * 3022.9));
  }
}

TEST_CASE("Roofline rejects invalid mappings as values", "[cost][roofline]") {
  const Problem problem = Build("gemmini", "matmul m=512 n=768 k=768");
  const Cost cost = RooflineModel().Evaluate(
      problem, ParseMapping("DRAM[m2 n24] scratchpad[k48 | x:n16] accumulator[| y:k16] weight_reg[m256]", problem));
  CHECK_FALSE(cost.feasible);
  CHECK(cost.check.violation == loopfront::mapping::Violation::kDimNotCovered);
}

TEST_CASE("Peak FLOPs per cycle of the engine that runs an op", "[cost][peaks]") {
  // gemmini: 16 × 16 MACs, 2 FLOPs each.
  CHECK(PeakFlopsPerCycle(Build("gemmini", "matmul m=512 n=768 k=768")) == 512.0);
  CHECK(PeakFlopsPerCycle(Build("gemmini", "matvec n=768 k=768")) == 512.0);
  // tpu-like: 128 × 128 MACs.
  CHECK(PeakFlopsPerCycle(Build("tpu-like", "matmul m=512 n=768 k=768")) == 32768.0);
  // A softmax on gemmini runs on the host: 5 + 2 + 4 operations (with de/quantization) in 70 cycles
  // per element (roofline test above); gemmini-ibert's vector unit has 16 lanes.
  CHECK(PeakFlopsPerCycle(Build("gemmini", "softmax m=512 n=512")) == Approx(11.0 / 70));
  CHECK(PeakFlopsPerCycle(Build("gemmini-ibert", "softmax m=512 n=512")) == 16.0);
}

TEST_CASE("The outermost level's bandwidth in bytes per cycle", "[cost][peaks]") {
  // gemmini: DRAM shares 8 one-byte words per cycle; tpu-like 256; eyeriss-like's DRAM is unlimited.
  CHECK(OutermostBandwidthBytesPerCycle(loopfront::arch::LoadArchitecture("gemmini")) == 8.0);
  CHECK(OutermostBandwidthBytesPerCycle(loopfront::arch::LoadArchitecture("tpu-like")) == 256.0);
  CHECK_FALSE(OutermostBandwidthBytesPerCycle(loopfront::arch::LoadArchitecture("eyeriss-like")).has_value());
  // Separate read and write ports add up; a shared limit caps them; 16-bit words are 2 bytes.
  loopfront::arch::Architecture architecture = loopfront::arch::LoadArchitecture("gemmini");
  loopfront::arch::StorageLevel& dram = architecture.levels.front();
  dram.shared_bandwidth_words_per_cycle.reset();
  dram.read_bandwidth_words_per_cycle = 4.0;
  dram.write_bandwidth_words_per_cycle = 2.0;
  CHECK(OutermostBandwidthBytesPerCycle(architecture) == 6.0);
  dram.shared_bandwidth_words_per_cycle = 5.0;
  CHECK(OutermostBandwidthBytesPerCycle(architecture) == 5.0);
  dram.word_bits = 16;
  CHECK(OutermostBandwidthBytesPerCycle(architecture) == 10.0);
  dram.shared_bandwidth_words_per_cycle.reset();
  dram.write_bandwidth_words_per_cycle.reset();
  CHECK_FALSE(OutermostBandwidthBytesPerCycle(architecture).has_value());
}

TEST_CASE("A fused group's ceiling combines its members' engines", "[cost][peaks]") {
  // BERT-Base attention at 128 tokens on gemmini: Q×K^T and ×V 25,165,824 FLOPs each at 512 per
  // cycle (98,304 cycles together), softmax 983,040 operations on the host at 1 per cycle.
  const std::vector<EngineWork> attention = {{.flops = 25165824, .peak_flops_per_cycle = 512},
                                             {.flops = 983040, .peak_flops_per_cycle = 1, .vector_op = true},
                                             {.flops = 25165824, .peak_flops_per_cycle = 512}};
  // One after the other: 51,314,688 FLOPs in 1,081,344 cycles.
  CHECK(CombinedPeakFlopsPerCycle(attention, false) == Approx(51314688.0 / 1081344.0));
  // Overlapped: the host's 983,040 cycles bound it.
  CHECK(CombinedPeakFlopsPerCycle(attention, true) == Approx(51314688.0 / 983040.0));
  // One op alone is its peak; nothing to do, or an engine without a peak, gives 0.
  CHECK(CombinedPeakFlopsPerCycle(std::vector<EngineWork>{{.flops = 100, .peak_flops_per_cycle = 512}}, false) ==
        Approx(512.0));
  CHECK(CombinedPeakFlopsPerCycle(std::vector<EngineWork>{}, false) == 0.0);
  CHECK(CombinedPeakFlopsPerCycle(std::vector<EngineWork>{{.flops = 100, .peak_flops_per_cycle = 0}}, false) == 0.0);
}

TEST_CASE("The bytes a mapping moves across DRAM, at each tensor's word size", "[cost][peaks]") {
  // BERT-Base W_Q on gemmini, the A tile (m256 × k768) kept in the scratchpad across the inner n
  // loop: A crosses DRAM once (393,216), B once per (m, n) tile, 2 × 48 × 768·16 = 1,179,648, and
  // Z is written once (393,216): 1,966,080 one-byte words.
  loopfront::workload::Op op = loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768");
  const auto mapping_text = "DRAM[m2 n48] scratchpad*1{A,B}[k48 | x:n16] accumulator[| y:k16] weight_reg[m256]";
  const Problem problem = Problem::Build(op, loopfront::arch::LoadArchitecture("gemmini"));
  const Cost cost = loopfront::cost::DataflowModel().Evaluate(problem, ParseMapping(mapping_text, problem));
  REQUIRE(cost.feasible);
  CHECK(OutermostTrafficBytes(problem, cost) == 1966080.0);
  // With 32-bit outputs Z's 393,216 words are 4 bytes each.
  for (auto& tensor : op.tensors) {
    if (tensor.role == loopfront::workload::TensorRole::kOutput) tensor.word_bits = 32;
  }
  const Problem wide = Problem::Build(op, loopfront::arch::LoadArchitecture("gemmini"));
  const Cost wide_cost = loopfront::cost::DataflowModel().Evaluate(wide, ParseMapping(mapping_text, wide));
  REQUIRE(wide_cost.feasible);
  CHECK(OutermostTrafficBytes(wide, wide_cost) == 393216.0 + 1179648.0 + 4 * 393216.0);
  // An infeasible cost moves nothing.
  CHECK(OutermostTrafficBytes(problem, loopfront::cost::InfeasibleCost({})) == 0.0);
}
