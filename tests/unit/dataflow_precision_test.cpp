// Per-tensor precision in the cost models (mapping::Problem::packing, DESIGN §2.5): with
// Op::accumulator_bits set, a tensor's element at a level takes bits / word_bits words of it,
// partial sums below the outermost level at accumulator_bits. Cases derived by hand, citing the
// rules of shared/validation/README.md; counts per instance.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "cost_models/roofline/roofline_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/peaks.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::cost::RooflineModel;
using loopfront::cost::TensorLevelCost;
using loopfront::mapping::Mapping;
using loopfront::mapping::Packing;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using loopfront::mapping::Violation;
using namespace loopfront::testing;

namespace {

// Z[M,N] += A[M,K]·B[K,N], M = N = 4, K = 6: A an activation of `a_bits`, B a weight of `b_bits`,
// Z an activation of `z_bits`; accumulator_bits unset when 0.
loopfront::workload::Op PrecisionGemm(int a_bits, int b_bits, int z_bits, int accumulator_bits) {
  loopfront::workload::Op op = MakeGemm(4, 4, 6);
  op.tensors[kTensorA].word_bits = a_bits;
  op.tensors[kTensorB].word_bits = b_bits;
  op.tensors[kTensorZ].word_bits = z_bits;
  if (accumulator_bits > 0) op.accumulator_bits = accumulator_bits;
  return op;
}

// DRAM (8-bit words, 2-word accesses; 10 / 11 / 12 pJ read / write / update per access)
// → SP (8-bit, `sp_words` words, read bandwidth 1.25 words/cycle; 1 / 2 / 2 pJ)
// → ACC (32-bit words, 16 words; 0.5 / 0.6 / 0.7 pJ) → 1 MAC (0.1 pJ).
loopfront::arch::Architecture PrecisionArch(std::int64_t sp_words) {
  loopfront::arch::Architecture architecture = MakeArch(
      {{.name = "DRAM", .vector_words = 2, .read_pj = 10, .write_pj = 11, .update_pj = 12},
       {.name = "SP", .capacity_words = sp_words, .read_pj = 1, .write_pj = 2, .update_pj = 2, .read_bandwidth = 1.25},
       {.name = "ACC", .capacity_words = 16, .read_pj = 0.5, .write_pj = 0.6, .update_pj = 0.7}},
      1, 1, 0.1);
  architecture.levels[2].word_bits = 32;
  return architecture;
}

// SP keeps A and B, ACC keeps Z; loops, outer → inner: DRAM N2 | SP M2 K3 | ACC M2 N2 K2, T = 96.
constexpr const char* kMapping = "DRAM[N2] SP{A,B}[M2 K3] ACC{Z}[M2 N2 K2]";

void CheckRecord(const TensorLevelCost& record, std::int64_t tile, std::int64_t reads, std::int64_t fills,
                 std::int64_t updates) {
  CHECK(record.kept);
  CHECK(record.tile_words == tile);
  CHECK(record.reads == reads);
  CHECK(record.fills == fills);
  CHECK(record.updates == updates);
}

}  // namespace

TEST_CASE("Packing rounds elements × bits / word_bits up to whole words", "[cost][precision]") {
  CHECK(Packing{}.Words(7) == 7);
  CHECK(Packing{.num = 1, .den = 2}.Words(3) == 2);  // three 4-bit weights in 8-bit words
  CHECK(Packing{.num = 1, .den = 2}.Words(4) == 2);
  CHECK(Packing{.num = 2, .den = 1}.Words(3) == 6);  // three 16-bit activations in 8-bit words
  CHECK(Packing{.num = 3, .den = 4}.Words(5) == 4);  // five 24-bit values in 32-bit words: 15/4
  CHECK(Packing{.num = 1, .den = 2}.Words(std::int64_t{1} << 62) == std::int64_t{1} << 61);
}

TEST_CASE("Problem packs each tensor at each level by its bits, partial sums below the outermost",
          "[cost][precision]") {
  const Problem packed = Problem::Build(PrecisionGemm(16, 4, 16, 32), PrecisionArch(54));
  REQUIRE(packed.packed());
  // DRAM (8-bit): A 16/8, B 4/8, Z the final output at 16/8.
  CHECK(packed.packing(0, kTensorA) == Packing{.num = 2, .den = 1});
  CHECK(packed.packing(0, kTensorB) == Packing{.num = 1, .den = 2});
  CHECK(packed.packing(0, kTensorZ) == Packing{.num = 2, .den = 1});
  // SP (8-bit): as DRAM, but Z would be a 32-bit partial sum; ACC (32-bit): Z partial sums 32/32.
  CHECK(packed.packing(1, kTensorZ) == Packing{.num = 4, .den = 1});
  CHECK(packed.packing(2, kTensorZ) == Packing{.num = 1, .den = 1});
  CHECK(packed.packing(2, kTensorB) == Packing{.num = 1, .den = 8});
  // Without accumulator_bits nothing packs, whatever the bits.
  const Problem unpacked = Problem::Build(PrecisionGemm(16, 4, 16, 0), PrecisionArch(54));
  CHECK_FALSE(unpacked.packed());
  CHECK(unpacked.packing(0, kTensorA) == Packing{});
  CHECK(unpacked.packing(2, kTensorB) == Packing{});
}

TEST_CASE("Dataflow with weights 4-bit, activations 16-bit, accumulators 32-bit, derived by hand",
          "[cost][dataflow][precision]") {
  const Problem problem = Problem::Build(PrecisionGemm(16, 4, 16, 32), PrecisionArch(54));
  const Mapping mapping = ParseMapping(kMapping, problem);
  const Cost cost = DataflowModel().Evaluate(problem, mapping);
  INFO(loopfront::mapping::Describe(cost.check, problem));
  REQUIRE(cost.feasible);
  // T = 2·2·3·2·2·2 = 96 MACs on one MAC: the MAC count and compute cycles do not depend on bits.
  CHECK(cost.compute_cycles == 96);
  CHECK(cost.macs == 96);
  // Rule 1 in elements: ACC Z = M2·N2 = 4; SP (M4 N2 K6) A = 24, B = 12; DRAM A 24, B 24, Z 16.
  // Rule 7: the innermost loop (ACC's K2) is temporal: C(t) = T = 96 for A, B and Z.
  // Rule 4: above ACC (N2 | M2 K3) Z changes N2·M2 = 4 times, part(ACC,Z) = 4·4 = 16; above SP
  // (N2) A never changes (1), B changes 2 times.
  // Rule 6 in elements: ACC Z updates 96, reads 96 − 16 = 80, fills 4·4 − 16 = 0; DRAM Z updates
  // 16, reads 16 − 16 = 0. SP A reads 96, fills 24·1; SP B reads 96, fills 12·2 = 24; DRAM A and
  // B read 24 each.
  // Packed: ACC Z at 32/32 → unchanged, tile 4 words.
  CheckRecord(cost.levels[2].tensors[kTensorZ], 4, 80, 0, 96);
  // SP A at 16/8: tile 48, reads 192, fills 48. SP B at 4/8: tile 6, reads 48, fills 12.
  CheckRecord(cost.levels[1].tensors[kTensorA], 48, 192, 48, 0);
  CheckRecord(cost.levels[1].tensors[kTensorB], 6, 48, 12, 0);
  // DRAM A 48 words read, B 12, Z (the final output at 16 bits) 32 words updated.
  CheckRecord(cost.levels[0].tensors[kTensorA], 48, 48, 0, 0);
  CheckRecord(cost.levels[0].tensors[kTensorB], 12, 12, 0, 0);
  CheckRecord(cost.levels[0].tensors[kTensorZ], 32, 0, 0, 32);
  // Capacity (rule 1 in words): SP holds 48 + 6 = 54 words; ACC 4.
  CHECK(cost.levels[1].used_words == 54);
  CHECK(cost.levels[2].used_words == 4);
  // Rule 9: SP reads 192 + 48 = 240 words at 1.25 words/cycle = 192 cycles > T (Timeloop's
  // doubles: demand 2 + 0.5 = 2.5, slowdown 1.25 / 2.5 = 0.5, 96 / 0.5 = 192, all exact).
  CHECK(cost.levels[1].read_words == 240);
  CHECK(cost.levels[1].cycles == 192);
  CHECK(cost.bounding_level == 1);
  CHECK(cost.cycles == 192);
  // Rule 8: DRAM (2-word accesses) A ceil(48/2)·10 + B ceil(12/2)·10 + Z ceil(32/2)·12 = 492;
  // SP A 192·1 + 48·2 = 288, B 48·1 + 12·2 = 72; ACC Z 80·0.5 + 96·0.7 = 107.2; MACs 96·0.1.
  CHECK(cost.levels[0].energy_pj == Approx(240.0 + 60.0 + 192.0));
  CHECK(cost.levels[1].energy_pj == Approx(288.0 + 72.0));
  CHECK(cost.levels[2].energy_pj == Approx(107.2));
  CHECK(cost.mac_energy_pj == Approx(9.6));
  CHECK(cost.energy_pj == Approx(492.0 + 360.0 + 107.2 + 9.6));
  // The bytes that cross DRAM: 48 + 12 + 32 words of 8 bits = 24·2 + 24·0.5 + 16·2 bytes.
  CHECK(loopfront::cost::OutermostTrafficBytes(problem, cost) == Approx(92.0));
}

TEST_CASE("The same mapping without precision: one element per word (Timeloop's semantics)",
          "[cost][dataflow][precision]") {
  const Problem problem = Problem::Build(PrecisionGemm(16, 4, 16, 0), PrecisionArch(54));
  const Cost cost = DataflowModel().Evaluate(problem, ParseMapping(kMapping, problem));
  REQUIRE(cost.feasible);
  CheckRecord(cost.levels[1].tensors[kTensorA], 24, 96, 24, 0);
  CheckRecord(cost.levels[1].tensors[kTensorB], 12, 96, 24, 0);
  CheckRecord(cost.levels[0].tensors[kTensorZ], 16, 0, 0, 16);
  // SP reads 192 at 1.25 words/cycle: 153.6 → 154 cycles.
  CHECK(cost.cycles == 154);
  // DRAM 12·10 + 12·10 + 8·12 = 336; SP 144 + 144; ACC 107.2; MACs 9.6.
  CHECK(cost.energy_pj == Approx(336.0 + 288.0 + 107.2 + 9.6));
  // Bytes at each tensor's word bits: 24·2 + 24·0.5 + 16·2, as with precision here.
  CHECK(loopfront::cost::OutermostTrafficBytes(problem, cost) == Approx(92.0));
}

TEST_CASE("Capacity counts packed words: 54 words of SP fit, 53 do not", "[cost][precision]") {
  // Unpacked, the SP tiles are 24 + 12 = 36 words and 53 words would hold them.
  const Problem tight = Problem::Build(PrecisionGemm(16, 4, 16, 32), PrecisionArch(53));
  const Cost cost = DataflowModel().Evaluate(tight, ParseMapping(kMapping, tight));
  REQUIRE_FALSE(cost.feasible);
  CHECK(cost.check.violation == Violation::kCapacityExceeded);
  CHECK(cost.check.level == 1);
  CHECK(cost.check.value == 54);
  CHECK(cost.check.limit == 53);
  const Problem unpacked = Problem::Build(PrecisionGemm(16, 4, 16, 0), PrecisionArch(53));
  CHECK(DataflowModel().Evaluate(unpacked, ParseMapping(kMapping, unpacked)).feasible);
  // The mapspace's fit check and repair agree with CheckMapping (Problem::TileWordsAt).
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(tight);
  loopfront::util::Rng rng(7);
  loopfront::search::Genome genome;
  for (int sample = 0; sample < 200; ++sample) {
    mapspace.Sample(rng, genome);
    const bool fits = mapspace.Fits(genome);
    const loopfront::mapping::CheckResult check = loopfront::mapping::CheckMapping(mapspace.Decode(genome), tight);
    CHECK(fits == (check.violation != Violation::kCapacityExceeded && check.violation != Violation::kFanoutExceeded));
    if (mapspace.Repair(rng, genome)) CHECK(loopfront::mapping::CheckMapping(mapspace.Decode(genome), tight).ok());
  }
}

TEST_CASE("Roofline with precision: DRAM words at each tensor's bits", "[cost][roofline][precision]") {
  const Problem problem = Problem::Build(PrecisionGemm(16, 4, 16, 32), PrecisionArch(54));
  const Cost cost = RooflineModel().Evaluate(problem, ParseMapping(kMapping, problem));
  REQUIRE(cost.feasible);
  // A 24 elements → 48 words read, B 24 → 12, Z 16 → 32 updated (the final output, not partial
  // sums); rule 8 at 2-word accesses: 24·10 + 6·10 + 16·12.
  CHECK(cost.levels[0].read_words == 60);
  CHECK(cost.levels[0].write_words == 32);
  CHECK(cost.levels[0].energy_pj == Approx(492.0));
  CHECK(cost.cycles == 96);
  CHECK(loopfront::cost::OutermostTrafficBytes(problem, cost) == Approx(92.0));
  // Never above dataflow on the same mapping.
  const Cost dataflow = DataflowModel().Evaluate(problem, ParseMapping(kMapping, problem));
  CHECK(cost.energy_pj <= dataflow.energy_pj);
  CHECK(cost.cycles <= dataflow.cycles);
}

TEST_CASE("Precision {8, 8, 8, 32} on gemmini costs exactly what unset precision does", "[cost][precision]") {
  // gemmini's DRAM, scratchpad and weight registers have 8-bit words and its accumulator 32-bit
  // words (architectures/gemmini.yaml); only the accumulator and DRAM keep the output. So 8-bit
  // inputs and weights pack 1:1 everywhere, partial sums 32/32 in the accumulator, and the final
  // 8-bit output 8/8 in DRAM: every Packing is {1, 1}, as without precision.
  const loopfront::arch::Architecture gemmini = loopfront::arch::LoadArchitecture("gemmini");
  loopfront::workload::Op op = loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768");
  const Problem unset = Problem::Build(op, gemmini);
  op.accumulator_bits = 32;
  const Problem set = Problem::Build(op, gemmini);
  REQUIRE(set.packed());
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(unset);
  loopfront::util::Rng rng(13);
  loopfront::search::Genome genome;
  int feasible = 0;
  for (int sample = 0; sample < 300; ++sample) {
    mapspace.Sample(rng, genome);
    mapspace.Repair(rng, genome);
    const Mapping mapping = mapspace.Decode(genome);
    for (const bool dataflow : {true, false}) {
      const Cost a = dataflow ? DataflowModel().Evaluate(unset, mapping) : RooflineModel().Evaluate(unset, mapping);
      const Cost b = dataflow ? DataflowModel().Evaluate(set, mapping) : RooflineModel().Evaluate(set, mapping);
      REQUIRE(a.feasible == b.feasible);
      CHECK(a.check.violation == b.check.violation);
      if (!a.feasible) continue;
      feasible += dataflow ? 1 : 0;
      CHECK(a.cycles == b.cycles);
      CHECK(a.energy_pj == b.energy_pj);
      for (int level_idx = 0; level_idx < unset.num_levels(); ++level_idx) {
        CHECK(a.levels[level_idx].read_words == b.levels[level_idx].read_words);
        CHECK(a.levels[level_idx].write_words == b.levels[level_idx].write_words);
        CHECK(a.levels[level_idx].used_words == b.levels[level_idx].used_words);
      }
      CHECK(loopfront::cost::OutermostTrafficBytes(unset, a) == loopfront::cost::OutermostTrafficBytes(set, b));
    }
  }
  CHECK(feasible > 100);
}

TEST_CASE("A vector op packs too: 16-bit activations take two of gemmini-ibert's 8-bit DRAM words",
          "[cost][precision]") {
  // A vector op has no partial sums: with Op::accumulator_bits set (every op of a workload with
  // precision), its 16-bit input and output take 16 / 8 = 2 words of the 8-bit DRAM.
  const loopfront::arch::Architecture ibert = loopfront::arch::LoadArchitecture("gemmini-ibert");
  loopfront::workload::Op op = loopfront::workload::ParseOpSpec("softmax m=64 n=128");
  for (loopfront::workload::Tensor& tensor : op.tensors) tensor.word_bits = 16;
  const Problem unset = Problem::Build(op, ibert);
  op.accumulator_bits = 32;
  const Problem set = Problem::Build(op, ibert);
  REQUIRE(set.packed());
  for (int tensor = 0; tensor < set.num_tensors(); ++tensor) {
    CHECK(set.packing(0, tensor).num == 2);
    CHECK(set.packing(0, tensor).den == 1);
  }
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(unset);
  loopfront::util::Rng rng(5);
  loopfront::search::Genome genome;
  int compared = 0;
  for (int sample = 0; sample < 200 && compared < 20; ++sample) {
    mapspace.Sample(rng, genome);
    mapspace.Repair(rng, genome);
    const Mapping mapping = mapspace.Decode(genome);
    const Cost a = DataflowModel().Evaluate(unset, mapping);
    const Cost b = DataflowModel().Evaluate(set, mapping);
    if (!a.feasible || !b.feasible) continue;
    ++compared;
    // DRAM keeps the input and the output: every word count there doubles.
    CHECK(b.levels[0].read_words == 2 * a.levels[0].read_words);
    CHECK(b.levels[0].write_words == 2 * a.levels[0].write_words);
    CHECK(loopfront::cost::OutermostTrafficBytes(set, b) == loopfront::cost::OutermostTrafficBytes(unset, a));
  }
  CHECK(compared >= 10);
}
