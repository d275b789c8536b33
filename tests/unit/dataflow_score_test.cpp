// DataflowModel::EvaluateScore, the search's fast path, against the whole evaluation: for every
// mapping, EvaluateScore(problem, mapping) == ScoreOf(Evaluate(problem, mapping)) exactly — the
// same feasibility and violation, the same cycles and the same energy to the last bit (both come
// from one templated core; this checks that the path without the Cost's records drops nothing
// the Score depends on, including the order-sensitive energy sums). Mappings are drawn through
// search::Mapspace (Sample, with and without Repair, so infeasible ones are included) on every
// preset architecture, for a matmul, a bmm, a convolution (affine input tensor), two vector ops
// and a packed-precision matmul.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"

namespace {

using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::cost::Score;
using loopfront::mapping::Problem;

// Every preset of architectures/*.yaml.
constexpr std::string_view kPresets[] = {"gemmini",      "gemmini-ibert", "gemmini-survey-model",
                                         "eyeriss-like", "simba-like",    "tpu-like"};

// Small enough that many sampled tiles fit the presets' buffers, so both feasible and infeasible
// mappings are drawn; BERT-like shapes otherwise (docs/mappings.md for the op specs).
constexpr std::string_view kOps[] = {
    "matmul m=128 n=768 k=768", "bmm h=12 m=128 n=128 k=64", "conv c=16 m=32 p=14 q=14 r=3 s=3 stride=2",
    "softmax h=12 m=128 n=128", "layernorm m=128 n=768",
};

// Samples per problem and Repair setting: 6 presets × 6 problems × 2 × 3,000 = 216,000 mappings
// (about 1.5 s in Release).
constexpr int kSamplesPerCase = 3000;

struct Tally {
  std::int64_t compared = 0;
  std::int64_t feasible = 0;
};

// Compares the two paths on kSamplesPerCase sampled mappings, repaired or not.
void CompareOn(const Problem& problem, bool repair, std::uint64_t seed, Tally& tally) {
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(problem);
  const DataflowModel model;
  loopfront::util::Rng rng(seed);
  loopfront::search::Genome genome;
  loopfront::mapping::Mapping mapping;
  for (int sample = 0; sample < kSamplesPerCase; ++sample) {
    mapspace.Sample(rng, genome);
    if (repair) mapspace.Repair(rng, genome);
    mapspace.Decode(genome, mapping);
    const Cost cost = model.Evaluate(problem, mapping);
    const Score expected = loopfront::cost::ScoreOf(cost);
    const Score score = model.EvaluateScore(problem, mapping);
    ++tally.compared;
    tally.feasible += score.feasible ? 1 : 0;
    // One REQUIRE per mapping would be 10^5 assertions: compare first, report only a mismatch.
    const bool same = score.feasible == expected.feasible && score.violation == expected.violation &&
                      score.cycles == expected.cycles &&
                      std::bit_cast<std::uint64_t>(score.energy_pj) == std::bit_cast<std::uint64_t>(expected.energy_pj);
    if (!same) {
      INFO("sample " << sample << (repair ? " (repaired)" : " (not repaired)"));
      CHECK(score.feasible == expected.feasible);
      CHECK(loopfront::mapping::ToString(score.violation) == loopfront::mapping::ToString(expected.violation));
      CHECK(score.cycles == expected.cycles);
      CHECK(score.energy_pj == expected.energy_pj);
      return;
    }
  }
}

}  // namespace

TEST_CASE("EvaluateScore equals ScoreOf(Evaluate) bit for bit on 216,000 sampled mappings of every preset",
          "[cost][dataflow][score]") {
  Tally total;
  std::uint64_t seed = 1;
  for (const std::string_view preset : kPresets) {
    const loopfront::arch::Architecture architecture = loopfront::arch::LoadArchitecture(preset);
    std::vector<loopfront::workload::Op> ops;
    for (const std::string_view spec : kOps) ops.push_back(loopfront::workload::ParseOpSpec(std::string(spec)));
    // Packed precision (DESIGN §2.5): 4-bit weights and 16-bit activations with 32-bit partial
    // sums pack into every preset's 8-bit levels at ratios ≠ 1 (dataflow_precision_test.cpp).
    loopfront::workload::Op packed = loopfront::workload::ParseOpSpec("matmul m=128 n=768 k=768");
    packed.tensors[0].word_bits = 16;
    packed.tensors[1].word_bits = 4;
    packed.tensors[2].word_bits = 16;
    packed.accumulator_bits = 32;
    ops.push_back(packed);
    for (std::size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
      const Problem problem = Problem::Build(ops[op_idx], architecture);
      INFO(preset << ": op " << op_idx);
      // Only the last problem packs (no op spec sets a precision).
      CHECK(problem.packed() == (op_idx + 1 == ops.size()));
      Tally tally;
      for (const bool repair : {false, true}) CompareOn(problem, repair, seed++, tally);
      // Every preset has a vector unit or a host for the vector ops; every problem must give
      // feasible mappings, or the comparison would test only the early exits. (On a host, which
      // reads DRAM without capacity limits, every vector-op mapping is feasible.)
      CHECK(tally.feasible > 0);
      total.compared += tally.compared;
      total.feasible += tally.feasible;
    }
  }
  CHECK(total.compared >= 100000);
  // Unrepaired samples overflow fanouts and capacities: the infeasible paths are compared too.
  CHECK(total.compared - total.feasible > 10000);
}
