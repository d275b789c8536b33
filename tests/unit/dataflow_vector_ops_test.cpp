// Hand-derived vector-op cases of the `dataflow` model (DESIGN §2.1.1; cost_models/dataflow/
// README.md): the `pass` dim, rows resident on chip versus re-fetched each pass, the output
// written once, compute cycles = elements × Σ ops / lanes, the host with quantize/dequantize.
#include <catch2/catch.hpp>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using loopfront::mapping::Violation;
using loopfront::workload::Op;
using loopfront::workload::OpKind;
using loopfront::workload::TensorRole;
using namespace loopfront::testing;

namespace {

constexpr int kIn = 0;   // A
constexpr int kOut = 1;  // Z

// Z[m,n] = softmax_n(A[m,n]): 3 passes of 1, 3 and 1 operations per element (Σ 5).
Op MakeSoftmax(std::int64_t m, std::int64_t n) {
  Op op;
  op.name = "softmax";
  op.kind = OpKind::kSoftmax;
  op.dims = {{.name = "m", .size = m}, {.name = "n", .size = n}};
  op.tensors = {{.name = "A", .role = TensorRole::kInput, .dims = {0, 1}, .word_bits = 8},
                {.name = "Z", .role = TensorRole::kOutput, .dims = {0, 1}, .word_bits = 8}};
  op.passes = 3;
  op.ops_per_element = {1, 3, 1};
  op.reduced_dim = 1;
  return op;
}

// DRAM → ACC (one instance; keeps only outputs, like Gemmini's accumulator) → 4 registers → 4
// MACs; a 4-lane vector unit at 0.5 pJ per operation reads the ACC.
loopfront::arch::Architecture VectorArch() {
  loopfront::arch::Architecture architecture =
      MakeArch({{.name = "DRAM"}, {.name = "ACC", .capacity_words = 64}, {.name = "REG", .mesh_x = 4}}, 4, 1);
  architecture.levels[1].keeps_roles = loopfront::arch::RoleBit(TensorRole::kOutput);
  architecture.vector_unit = loopfront::arch::VectorUnit{.lanes = 4, .energy_pj_per_op = 0.5, .reads_level = "ACC"};
  return architecture;
}

Cost Run(const Problem& problem, const std::string& text) {
  const Cost cost = DataflowModel().Evaluate(problem, ParseMapping(text, problem));
  INFO(loopfront::mapping::Describe(cost.check, problem));
  REQUIRE(cost.feasible);
  return cost;
}

}  // namespace

TEST_CASE("A multi-pass vector op gets a pass dim that only temporal loops may carry", "[cost][dataflow][vector]") {
  const Problem problem = Problem::Build(MakeSoftmax(4, 8), VectorArch());
  REQUIRE(problem.num_dims() == 3);
  CHECK(problem.pass_dim() == 2);
  CHECK(problem.dim_name(2) == "pass");
  CHECK(problem.dim_size(2) == 3);
  CHECK(problem.dim_tensors(2) == 0);
  CHECK(problem.compute_level() == 1);
  CHECK(problem.vector_ops_per_element() == 5.0);
  // The lanes are the ACC's fanout; the ACC may keep the input although it keeps only outputs
  // for contractions.
  CHECK(problem.level(1).fanout[0] == 4);
  CHECK(problem.level(1).may_keep == 0b11);
  const auto check = [&](const std::string& text) {
    return loopfront::mapping::CheckMapping(ParseMapping(text, problem), problem).violation;
  };
  CHECK(check("DRAM[m4] ACC[pass3 n2 | x:n4] REG{}[]") == Violation::kNone);
  CHECK(check("DRAM[m4] ACC[n2 | x:pass3] REG{}[]") == Violation::kSpatialDimNotAllowed);
  CHECK(check("DRAM[m4] ACC[pass3 | x:n4] REG{}[n2]") == Violation::kLevelBelowComputeLevel);
  CHECK(check("DRAM[m4] ACC[pass3 n2 | x:n4] REG{A}[]") == Violation::kLevelBelowComputeLevel);
  CHECK(check("DRAM[m4] ACC{Z}[pass3 n2 | x:n4] REG{}[]") == Violation::kTensorNotAtComputeLevel);
  CHECK(
      loopfront::mapping::Describe(
          loopfront::mapping::CheckMapping(ParseMapping("DRAM[m4] ACC{Z}[pass3 n2 | x:n4] REG{}[]", problem), problem),
          problem) == "tensor A must be kept at level ACC, where the vector engine reads and writes");

  loopfront::arch::Architecture no_engine = VectorArch();
  no_engine.vector_unit.reset();
  const Problem stranded = Problem::Build(MakeSoftmax(4, 8), no_engine);
  CHECK(Run(Problem::Build(MakeGemm(2, 2, 2), no_engine), "DRAM[M2 N2 K2] ACC{Z}[] REG{}[]").feasible);
  const Cost cost = DataflowModel().Evaluate(stranded, ParseMapping("DRAM[m4 pass3 n8] ACC{}[] REG{}[]", stranded));
  CHECK(cost.check.violation == Violation::kUnsupportedOp);
  CHECK(loopfront::mapping::Describe(cost.check, stranded) ==
        "op softmax is a vector op, but the architecture has neither a vector unit nor a host");
}

TEST_CASE("Softmax with whole rows resident: the row is read on chip each pass", "[cost][dataflow][vector]") {
  // DRAM [m4] ACC [pass3 n2 | x:n4]: per lane T = 4·3·2 = 24 iterations, 4·2 = 8 of them without
  // the pass loop (elements per lane).
  const Problem problem = Problem::Build(MakeSoftmax(4, 8), VectorArch());
  const Cost cost = Run(problem, "DRAM[m4] ACC[pass3 n2 | x:n4] REG{}[]");
  // A at the ACC: tile n2·n4 = 8 (a whole row), changes = m4 → 32 fills, each element once. The
  // lanes read it every iteration: 24 × n4 = 96 = 32 elements × 3 passes.
  CHECK(cost.levels[1].tensors[kIn].tile_words == 8);
  CHECK(cost.levels[1].tensors[kIn].fills == 32);
  CHECK(cost.levels[1].tensors[kIn].reads == 96);
  CHECK(cost.levels[0].tensors[kIn].reads == 32);
  // Z is written once per element: C(Z) = 8 per lane × n4 = 32 updates, part = 8 × m4 = 32, so no
  // reads and no fills; DRAM receives each element once.
  CHECK(cost.levels[1].tensors[kOut].updates == 32);
  CHECK(cost.levels[1].tensors[kOut].reads == 0);
  CHECK(cost.levels[1].tensors[kOut].fills == 0);
  CHECK(cost.levels[0].tensors[kOut].updates == 32);
  CHECK(cost.levels[0].tensors[kOut].reads == 0);
  // Compute: 32 elements × 5 ops / 4 lanes = 40 cycles; 160 ops × 0.5 pJ.
  CHECK(cost.compute_cycles == 40);
  CHECK(cost.cycles == 40);
  CHECK(cost.vector_ops == 160.0);
  CHECK(cost.vector_energy_pj == Approx(80.0));
  CHECK(cost.macs == 0);
  CHECK(cost.mac_energy_pj == 0.0);
  CHECK(cost.utilization == Approx(1.0));
  // Energy: DRAM 32 + 32, ACC 32 + 96 + 32 (1 pJ per word), vector 80.
  CHECK(cost.energy_pj == Approx(32 + 32 + 32 + 96 + 32 + 80));
}

TEST_CASE("Softmax with rows that do not stay: each pass re-fetches them from the parent", "[cost][dataflow][vector]") {
  // DRAM [m4 pass3 n2] ACC [| x:n4]: the ACC holds 4 elements of a row at a time.
  const Problem problem = Problem::Build(MakeSoftmax(4, 8), VectorArch());
  const Cost cost = Run(problem, "DRAM[m4 pass3 n2] ACC[| x:n4] REG{}[]");
  // A: tile 4, changes = m4·pass3·n2 = 24 → 96 fills = 32 elements × 3 passes, all from DRAM.
  CHECK(cost.levels[1].tensors[kIn].fills == 96);
  CHECK(cost.levels[0].tensors[kIn].reads == 96);
  // Z: the pass loop does not count for the output: changes = m4·n2 = 8, share 32 = part: written
  // once per element.
  CHECK(cost.levels[1].tensors[kOut].updates == 32);
  CHECK(cost.levels[1].tensors[kOut].fills == 0);
  CHECK(cost.levels[0].tensors[kOut].updates == 32);
  CHECK(cost.compute_cycles == 40);
}

TEST_CASE("Without a vector unit, vector ops run on the host with quantize and dequantize",
          "[cost][dataflow][vector]") {
  // GELU (1 pass, 5 ops per element) on a floating-point host reading DRAM at 2 ops per cycle:
  // 5 + 2 conversions (A and Z) = 7 ops per element.
  Op gelu = MakeSoftmax(2, 4);
  gelu.name = "gelu";
  gelu.kind = OpKind::kGelu;
  gelu.passes = 1;
  gelu.ops_per_element = {5};
  gelu.reduced_dim.reset();
  loopfront::arch::Architecture architecture = VectorArch();
  architecture.vector_unit.reset();
  architecture.host = loopfront::arch::Host{
      .ops_per_cycle = 2.0, .energy_pj_per_op = 1.0, .reads_level = "DRAM", .floating_point = true};
  const Problem problem = Problem::Build(gelu, architecture);
  CHECK(problem.pass_dim() == -1);
  CHECK(problem.compute_level() == 0);
  CHECK(problem.vector_ops_per_element() == 7.0);
  const Cost cost = Run(problem, "DRAM[m2 n4] ACC{}[] REG{}[]");
  // 8 elements × 7 ops / 2 ops per cycle = 28 cycles; 56 ops × 1 pJ.
  CHECK(cost.compute_cycles == 28);
  CHECK(cost.vector_energy_pj == Approx(56.0));
  CHECK(cost.levels[0].tensors[kIn].reads == 8);
  CHECK(cost.levels[0].tensors[kOut].updates == 8);
  CHECK(cost.levels[0].tensors[kOut].reads == 0);
  CHECK(cost.utilization == Approx(1.0));
}

TEST_CASE("A host with a function table prices each function, de/quantization and its memory path",
          "[cost][dataflow][vector][host]") {
  // A 1×8 softmax on a floating-point host with a small hand-written table (cycles, pJ):
  // add (2, 10), mul (3, 20), max (1, 5), exp (20, 100), convert (4, 8); the rest unused.
  // Per element:
  //   pass 1 max: 1 max                          =  1 cycle,   5 pJ
  //   pass 2 exp-sum: 2 add + 1 exp              = 24 cycles, 120 pJ
  //   pass 3 normalize: 1 mul                    =  3 cycles,  20 pJ
  //   dequantize A: convert + mul                =  7 cycles,  28 pJ
  //   quantize Z: mul + convert + 2 max (clamp)  =  9 cycles,  38 pJ
  //   total                                      = 44 cycles, 211 pJ
  // 8 elements: 352 cycles, 1,688 pJ. Operations: 5 + 2 + 4 = 11 per element.
  Op softmax = MakeSoftmax(1, 8);
  loopfront::arch::HostFunctionTable table{};
  const auto set = [&](loopfront::workload::MathFunction function, double cycles, double energy_pj) {
    table[static_cast<int>(function)] = {.cycles_per_element = cycles, .energy_pj_per_element = energy_pj};
  };
  using enum loopfront::workload::MathFunction;
  set(kAdd, 2, 10);
  set(kMul, 3, 20);
  set(kMax, 1, 5);
  set(kExp, 20, 100);
  set(kConvert, 4, 8);
  loopfront::arch::Architecture architecture = VectorArch();
  architecture.vector_unit.reset();
  architecture.host = loopfront::arch::Host{.functions = table, .reads_level = "DRAM", .floating_point = true};
  {
    const Problem problem = Problem::Build(softmax, architecture);
    CHECK(problem.vector_cycles_per_element() == 44.0);
    CHECK(problem.vector_energy_pj_per_element() == Approx(211.0));
    CHECK(problem.vector_ops_per_element() == 11.0);
    CHECK(problem.dequantize_cycle_share() == Approx(7.0 / 44));
    CHECK(problem.quantize_cycle_share() == Approx(9.0 / 44));
    CHECK(problem.dequantize_energy_share() == Approx(28.0 / 211));
    CHECK(problem.quantize_energy_share() == Approx(38.0 / 211));
    const Cost cost = Run(problem, "DRAM[pass3 m1 n8] ACC{}[] REG{}[]");
    CHECK(cost.compute_cycles == 352);
    CHECK(cost.cycles == 352);
    CHECK(cost.vector_energy_pj == Approx(1688.0));
    // DRAM: A read in each of the 3 passes (24 words), Z written once (8 words).
    CHECK(cost.levels[0].tensors[kIn].reads == 24);
    CHECK(cost.levels[0].tensors[kOut].updates == 8);
    CHECK(cost.utilization == Approx(1.0));
  }
  {
    // The host's memory path at 1/16 byte per cycle (8-bit words): those 32 words take 512
    // cycles, more than the 352 of compute, so DRAM bounds the op.
    architecture.host->bandwidth_bytes_per_cycle = 1.0 / 16;
    const Problem problem = Problem::Build(softmax, architecture);
    const Cost cost = Run(problem, "DRAM[pass3 m1 n8] ACC{}[] REG{}[]");
    CHECK(cost.compute_cycles == 352);
    CHECK(cost.cycles == 512);
    CHECK(cost.bounding_level == 0);
  }
  {
    // An integer host (floating_point: false) neither dequantizes nor quantizes: 28 cycles, 145 pJ.
    architecture.host->bandwidth_bytes_per_cycle.reset();
    architecture.host->floating_point = false;
    const Problem problem = Problem::Build(softmax, architecture);
    CHECK(problem.vector_cycles_per_element() == 28.0);
    CHECK(problem.vector_energy_pj_per_element() == Approx(145.0));
    CHECK(problem.dequantize_cycle_share() == 0.0);
    CHECK(problem.quantize_cycle_share() == 0.0);
  }
}

TEST_CASE("An op's own function mix replaces its kind's default on a host with a table",
          "[cost][dataflow][vector][host]") {
  // The same softmax with a mix that divides instead of multiplying in its last pass: add (2),
  // max (1), exp (20), div (10), integer host: 1 + 24 + 10 = 35 cycles per element.
  Op softmax = MakeSoftmax(1, 8);
  loopfront::workload::FunctionMix max{}, exp_sum{}, divide{};
  using enum loopfront::workload::MathFunction;
  max[static_cast<int>(kMax)] = 1;
  exp_sum[static_cast<int>(kAdd)] = 2;
  exp_sum[static_cast<int>(kExp)] = 1;
  divide[static_cast<int>(kDiv)] = 1;
  softmax.functions = {max, exp_sum, divide};
  loopfront::arch::HostFunctionTable table{};
  table[static_cast<int>(kAdd)].cycles_per_element = 2;
  table[static_cast<int>(kMax)].cycles_per_element = 1;
  table[static_cast<int>(kExp)].cycles_per_element = 20;
  table[static_cast<int>(kDiv)].cycles_per_element = 10;
  loopfront::arch::Architecture architecture = VectorArch();
  architecture.vector_unit.reset();
  architecture.host = loopfront::arch::Host{.functions = table, .reads_level = "DRAM"};
  CHECK(Problem::Build(softmax, architecture).vector_cycles_per_element() == 35.0);
}
