// Hand-derived cases of the `dataflow` cost model. Each derivation cites the rule numbers of
// shared/validation/README.md; notation: T = compute cycles, tile/changes/part/content/share as
// defined there. Counts are per instance unless said otherwise.
#include "cost_models/dataflow/dataflow_model.h"

#include <catch2/catch.hpp>

#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::cost::BandwidthBound;
using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::cost::kComputeBound;
using loopfront::cost::TensorLevelCost;
using loopfront::mapping::Mapping;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using loopfront::mapping::Violation;
using namespace loopfront::testing;

namespace {

Cost Run(const Problem& problem, const std::string& mapping_text) {
  const Mapping mapping = ParseMapping(mapping_text, problem);
  const Cost cost = DataflowModel().Evaluate(problem, mapping);
  INFO(loopfront::mapping::Describe(cost.check, problem));
  REQUIRE(cost.feasible);
  return cost;
}

void CheckCounts(const TensorLevelCost& record, std::int64_t reads, std::int64_t fills, std::int64_t updates) {
  CHECK(record.kept);
  CHECK(record.reads == reads);
  CHECK(record.fills == fills);
  CHECK(record.updates == updates);
}

}  // namespace

TEST_CASE("Worked example single_pe_m4n8k4_order_nkm, derived by hand", "[cost][dataflow]") {
  // DRAM (vw 4, 512 pJ) → GLB (32768 words, vw 4, read 1.5 / write 2 words/cycle; 8.0/9.5/9.8 pJ)
  // → RF (64 words, vw 1; 0.45/0.55/0.6 pJ) → 1 MAC (0.4 pJ).
  const Problem problem = Problem::Build(
      MakeGemm(4, 8, 4),
      MakeArch({{.name = "DRAM", .vector_words = 4, .read_pj = 512, .write_pj = 512, .update_pj = 512},
                {.name = "GLB",
                 .capacity_words = 32768,
                 .vector_words = 4,
                 .read_pj = 8.0,
                 .write_pj = 9.5,
                 .update_pj = 9.8,
                 .read_bandwidth = 1.5,
                 .write_bandwidth = 2.0},
                {.name = "RF", .capacity_words = 64, .read_pj = 0.45, .write_pj = 0.55, .update_pj = 0.6}},
               1, 1, 0.4));
  // GLB [N2 K2 M4], RF [N4 K2]: T = 2·2·4·4·2 = 128.
  const Cost cost = Run(problem, "DRAM[] GLB[N2 K2 M4] RF[N4 K2]");
  CHECK(cost.compute_cycles == 128);
  // Rule 1, RF tiles: A = M1·K2 = 2, B = K2·N4 = 8, Z = M1·N4 = 4.
  CHECK(cost.levels[2].tensors[kTensorA].tile_words == 2);
  CHECK(cost.levels[2].tensors[kTensorB].tile_words == 8);
  CHECK(cost.levels[2].tensors[kTensorZ].tile_words == 4);
  // Rule 4, changes above the RF (GLB loops N2, K2, M4): A → up to M4 = 16; B → M4 dropped, up to
  // K2 = 4; Z → up to M4 = 16. Rule 6, RF fills: A = 2·16 = 32, B = 8·4 = 32, Z = 4·16 − part 32.
  // Rule 7: the innermost loop (RF's K2) is temporal, so the MACs read A and B every cycle (128)
  // and update Z every cycle (128); Z reads = 128 − part(RF,Z) = 128 − 32 = 96.
  CheckCounts(cost.levels[2].tensors[kTensorA], 128, 32, 0);
  CheckCounts(cost.levels[2].tensors[kTensorB], 128, 32, 0);
  CheckCounts(cost.levels[2].tensors[kTensorZ], 96, 32, 128);
  // GLB: A read 32 (the RF fills), filled with its 16 words once (no DRAM loops); B read 32, filled
  // 32; Z gets the RF's 64 write-backs (share = 4·16), reads 64 − 32, fills 32 − 32 = 0.
  CheckCounts(cost.levels[1].tensors[kTensorA], 32, 16, 0);
  CheckCounts(cost.levels[1].tensors[kTensorB], 32, 32, 0);
  CheckCounts(cost.levels[1].tensors[kTensorZ], 32, 0, 64);
  // DRAM (outermost: no fills): A 16, B 32 reads; Z 32 updates, reads 32 − 32 = 0.
  CheckCounts(cost.levels[0].tensors[kTensorA], 16, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorB], 32, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorZ], 0, 0, 32);
  // Rule 8, GLB Z: ceil(32/4)·8.0 + ceil(64/4)·9.8 = 64 + 156.8 = 220.8 pJ.
  CHECK(cost.levels[1].tensors[kTensorZ].energy_pj == Approx(220.8).epsilon(1e-12));
  // Total: DRAM 2048 + 4096 + 4096, GLB 102 + 140 + 220.8, RF 75.2 + 75.2 + 137.6, MACs 128·0.4.
  CHECK(cost.mac_energy_pj == Approx(51.2).epsilon(1e-12));
  CHECK(cost.energy_pj == Approx(11042.0).epsilon(1e-12));
  // Rule 9, GLB: R = 96 words / 1.5 = 64 cycles, W = 16 + 32 + 64 = 112 / 2 = 56: both under T.
  CHECK(cost.levels[1].read_words == 96);
  CHECK(cost.levels[1].write_words == 112);
  CHECK(cost.cycles == 128);
  CHECK(cost.bounding_level == kComputeBound);
  CHECK(cost.levels[1].bandwidth_bound == BandwidthBound::kNone);
  CHECK(cost.utilization == 1.0);
}

TEST_CASE("One-level GEMM: the MACs talk to DRAM directly", "[cost][dataflow]") {
  // M2 N3 K4 entirely at DRAM: T = 24. Temporal innermost loop: every MAC reads A and B and
  // updates Z (rule 7). Z: 24 updates, 24 − 6 (first-read elision) = 18 reads. No fills at the
  // outermost level (rule 6).
  const Problem problem = Problem::Build(MakeGemm(2, 3, 4), MakeArch({{.name = "DRAM"}}));
  Cost cost = Run(problem, "DRAM[M2 N3 K4]");
  CheckCounts(cost.levels[0].tensors[kTensorA], 24, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorB], 24, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorZ], 18, 0, 24);
  CHECK(cost.cycles == 24);
  CHECK(cost.energy_pj == Approx(24 + 24 + 18 + 24 + 24 /* MACs */));

  // With 1 read word per cycle, R = 66 words: the level needs 66 cycles and bounds the op (rule 9).
  const Problem slow = Problem::Build(MakeGemm(2, 3, 4), MakeArch({{.name = "DRAM", .read_bandwidth = 1.0}}));
  cost = Run(slow, "DRAM[M2 N3 K4]");
  CHECK(cost.cycles == 66);
  CHECK(cost.bounding_level == 0);
  CHECK(cost.levels[0].bandwidth_bound == BandwidthBound::kRead);
  CHECK(cost.utilization == Approx(24.0 / 66.0));
}

TEST_CASE("Rule 9 in Timeloop's doubles: per-tensor quotients can round the cycles one up", "[cost][dataflow]") {
  // DRAM (1 word/cycle shared) → GLB (64 words) → 1 MAC; M1 N6 K1 with DRAM[] GLB[N6]: T = 6.
  // Rule 1, GLB tiles: A = M1·K1 = 1, B = K1·N6 = 6, Z = M1·N6 = 6. No DRAM loops, so changes = 1
  // (rule 4) and rule 6 gives GLB fills A 1, B 6, Z 6 − part 6 = 0. DRAM (rule 5, outermost: no
  // fills): reads A 1, B 6, Z 6 − 6 = 0; Z updates 6. So R = 7, W = 6, R + W = 13 words.
  // Exact rule 9: max(6, 13 / 1) = 13 cycles.
  // Timeloop's doubles (rule 9, steps 1–4), tensors in the order A, B, Z:
  //   Rd = ((0 + 1/6) + 6/6) + 0/6 = 0.16666666666666666 + 1.0 = 1.1666666666666667 (rounded up),
  //   Wd = ((0 + 0/6) + 0/6) + 6/6 = 1.0, Wd + Rd = 2.166666666666667, one ulp above the double
  //   nearest 13/6 (2.1666666666666665). 1.0 < 2.166666666666667, so slowdown = 1 / 2.166666666666667
  //   = 0.46153846153846145, and T / slowdown = 6 / 0.46153846153846145 = 13.000000000000002,
  //   whose ceiling is 14: one cycle more than the exact 13. A model exact against Timeloop says 14.
  const Problem problem = Problem::Build(
      MakeGemm(1, 6, 1), MakeArch({{.name = "DRAM", .shared_bandwidth = 1.0}, {.name = "GLB", .capacity_words = 64}}));
  Cost cost = Run(problem, "DRAM[] GLB[N6]");
  CHECK(cost.compute_cycles == 6);
  CheckCounts(cost.levels[0].tensors[kTensorA], 1, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorB], 6, 0, 0);
  CheckCounts(cost.levels[0].tensors[kTensorZ], 0, 0, 6);
  CHECK(cost.levels[0].read_words + cost.levels[0].write_words == 13);
  CHECK(cost.levels[0].cycles == 14);
  CHECK(cost.levels[0].bandwidth_bound == BandwidthBound::kShared);
  CHECK(cost.cycles == 14);
  CHECK(cost.bounding_level == 0);

  // At 2 words/cycle the doubles agree with the exact value: 6 / (2 / 2.166666666666667) =
  // 6.500000000000001 and 13 / 2 = 6.5 both round up to 7.
  const Problem faster = Problem::Build(
      MakeGemm(1, 6, 1), MakeArch({{.name = "DRAM", .shared_bandwidth = 2.0}, {.name = "GLB", .capacity_words = 64}}));
  CHECK(Run(faster, "DRAM[] GLB[N6]").cycles == 7);

  // Honest buffering is loopfront's own semantics, not Timeloop's: a double-buffered DRAM keeps
  // the exact 13.
  const Problem honest = Problem::Build(
      MakeGemm(1, 6, 1),
      MakeArch({{.name = "DRAM", .shared_bandwidth = 1.0, .buffering = loopfront::arch::kDoubleBuffering},
                {.name = "GLB", .capacity_words = 64}}));
  CHECK(Run(honest, "DRAM[] GLB[N6]").levels[0].cycles == 13);
}

TEST_CASE("Multicast: a spatial loop that does not index a tensor reads its parent once per group",
          "[cost][dataflow]") {
  // DRAM → 4 PEs along x → 1 MAC each. M3 N4 K2, DRAM [K2 | x:N4], PE [M3]: T = 6.
  const Problem problem =
      Problem::Build(MakeGemm(3, 4, 2), MakeArch({{.name = "DRAM"}, {.name = "PE", .mesh_x = 4}}, 4, 1));
  const Cost cost = Run(problem, "DRAM[K2 | x:N4] PE[M3]");
  // PE A: tile M3 = 3, changes = K2 = 2 → fills 6; MAC reads T = 6. 4 utilized instances.
  CheckCounts(cost.levels[1].tensors[kTensorA], 6, 6, 0);
  CHECK(cost.levels[1].tensors[kTensorA].instances == 4);
  // DRAM A: content = share(PE) × rel = 6 × 1 (N4 does not index A): the 4 PEs share one read —
  // each of A's 6 words is read once, not 4 times.
  CheckCounts(cost.levels[0].tensors[kTensorA], 6, 0, 0);
  // B is indexed by N: DRAM reads share(PE) = 1·2 times 4 distinct PEs = 8 = size(B).
  CheckCounts(cost.levels[0].tensors[kTensorB], 8, 0, 0);
  CHECK(cost.mac_instances == 4);
  CHECK(cost.cycles == 6);
}

TEST_CASE("Spatial reduction: partial sums of a reduction dim meet before the parent", "[cost][dataflow]") {
  // DRAM → 2 PEs along x. M3 N4 K2, DRAM [N4 | x:K2], PE [M3]: T = 12.
  const Problem problem =
      Problem::Build(MakeGemm(3, 4, 2), MakeArch({{.name = "DRAM"}, {.name = "PE", .mesh_x = 2}}, 2, 1));
  const Cost cost = Run(problem, "DRAM[N4 | x:K2] PE[M3]");
  // PE Z: tile 3, changes(PE,Z) = N4 → share 12, part = 3·4 = 12: 12 updates, 0 reads, 0 fills.
  CheckCounts(cost.levels[1].tensors[kTensorZ], 0, 0, 12);
  CHECK(cost.levels[1].tensors[kTensorZ].total_updates() == 24);
  // DRAM Z: the two PEs' partial sums are reduced in the array (K2 does not index Z, rule 5), so
  // DRAM sees share(PE) × 1 = 12 updates, not 24; part(DRAM,Z) = 12, so no reads.
  CheckCounts(cost.levels[0].tensors[kTensorZ], 0, 0, 12);
}

TEST_CASE("Psum spill: outputs evicted before their reduction ends are re-read", "[cost][dataflow]") {
  // DRAM [K2 N2] Buf [M2]: T = 8. Buf Z: tile 2, changes(Buf,Z) = K2·N2 = 4 (N2 is the innermost
  // loop indexing Z), share 8, part = 2·N2 = 4 → 4 fills (the second K pass fetches its partial
  // sums back), 8 updates, 8 − 4 = 4 reads. DRAM Z: 8 updates (each output written twice), 8 − 4
  // = 4 reads (the spilled partial sums read back once).
  const Problem problem = Problem::Build(MakeGemm(2, 2, 2), MakeArch({{.name = "DRAM"}, {.name = "Buf"}}));
  const Cost cost = Run(problem, "DRAM[K2 N2] Buf[M2]");
  CheckCounts(cost.levels[1].tensors[kTensorZ], 4, 4, 8);
  CheckCounts(cost.levels[0].tensors[kTensorZ], 4, 0, 8);
  // Swapping the DRAM loops to [N2 K2] keeps each output tile until its reduction ends: no spill.
  const Cost no_spill = Run(problem, "DRAM[N2 K2] Buf[M2]");
  CheckCounts(no_spill.levels[0].tensors[kTensorZ], 0, 0, 4);
}

TEST_CASE("Bypass: stationarity counts the loops of the levels a tensor bypasses", "[cost][dataflow]") {
  // M2 N2 K2. DRAM [M2] GLB{B,Z} [K2 N2] RF{A,B,Z} []: A bypasses GLB. T = 8.
  const Problem problem =
      Problem::Build(MakeGemm(2, 2, 2), MakeArch({{.name = "DRAM"}, {.name = "GLB"}, {.name = "RF"}}));
  const Cost cost = Run(problem, "DRAM[M2] GLB{B,Z}[K2 N2] RF[]");
  CHECK_FALSE(cost.levels[1].tensors[kTensorA].kept);
  // RF A: tile 1; above it M2, K2, N2: N2 (a loop of the bypassed GLB) does not index A and is
  // dropped, so changes = M2·K2 = 4 → 4 fills, each straight from DRAM. The RF has no loop, so
  // Timeloop's trivial temporal loop makes the MACs read every cycle: 8 reads (rule 7).
  CheckCounts(cost.levels[2].tensors[kTensorA], 8, 4, 0);
  CheckCounts(cost.levels[0].tensors[kTensorA], 4, 0, 0);
  // Z: RF tile 1, changes = M2·K2·N2 = 8, part = 1·M2·N2 = 4 → fills 4, reads 8 − 4, updates 8.
  // GLB Z: tile N2 = 2, changes M2 = 2, share 4 = part → no fills; updates 8, reads 4.
  CheckCounts(cost.levels[2].tensors[kTensorZ], 4, 4, 8);
  CheckCounts(cost.levels[1].tensors[kTensorZ], 4, 0, 8);
  CheckCounts(cost.levels[0].tensors[kTensorZ], 0, 0, 4);
}

TEST_CASE("MAC operand rule: a spatial innermost loop latches tensors it does not index", "[cost][dataflow]") {
  // DRAM → RF (1 instance) → 2×2 MACs. M2 N2 K4, RF [M2 K2 | x:N2 y:K2]: T = 4, innermost loop
  // spatial (rule 7).
  const Problem problem = Problem::Build(MakeGemm(2, 2, 4), MakeArch({{.name = "DRAM"}, {.name = "RF"}}, 2, 2));
  const Cost cost = Run(problem, "DRAM[] RF[M2 K2 | x:N2 y:K2]");
  // B is indexed by both spatial loops: no latching, C(B) = T = 4, content = 4 × rel (N2·K2) = 16.
  CHECK(cost.levels[1].tensors[kTensorB].reads == 16);
  CHECK(cost.link_transfers[kTensorB] == 0);
  // Z is not indexed by K (y): C(Z) = changes(L,Z) = up to M2 = 2, content = 2 × N2 = 4 updates;
  // part(RF,Z) = 4 → 0 reads. The other (T − C)·4 = 8 MAC accesses travel over neighbour links.
  CheckCounts(cost.levels[1].tensors[kTensorZ], 0, 0, 4);
  CHECK(cost.link_transfers[kTensorZ] == 8);
  // A is not indexed by N (x): C(A) = changes(L,A) = up to K2 = 4 = T, content = 4 × K2 = 8; the
  // word changes every cycle, so nothing is forwarded.
  CHECK(cost.levels[1].tensors[kTensorA].reads == 8);
  CHECK(cost.link_transfers[kTensorA] == 0);
}

TEST_CASE("MAC operand rule with two loops on one axis: the fastest-varying loop decides", "[cost][dataflow]") {
  // 4 MACs along x. M2 N4 K2, RF [M2 N2 | x:N2 x:K2]: T = 4. Neighbours along x differ in K (the
  // fastest loop on x, listed last), so A (indexed by K) is not forwarded although N does not
  // index it: C(A) = T = 4, content = 4 × K2 = 8. (Latching A would give changes(L,A) = M2 = 2.)
  const Problem problem = Problem::Build(MakeGemm(2, 4, 2), MakeArch({{.name = "DRAM"}, {.name = "RF"}}, 4, 1));
  const Cost cost = Run(problem, "DRAM[] RF[M2 N2 | x:N2 x:K2]");
  CHECK(cost.levels[1].tensors[kTensorA].reads == 8);
  CHECK(cost.link_transfers[kTensorA] == 0);
  // Z is not indexed by K: latched, C(Z) = changes(L,Z) = M2·N2 = 4 = T: nothing to forward.
  CHECK(cost.levels[1].tensors[kTensorZ].updates == 8);
  CHECK(cost.link_transfers[kTensorZ] == 0);
}

TEST_CASE("Energy rounds each action up to whole vector accesses, per instance", "[cost][dataflow]") {
  // DRAM [M3] Buf [K5] with Buf vector 4 words: Buf A reads 15 → ceil(15/4) = 4 accesses (not
  // 3.75); fills 15 → 4. M3 N1 K5.
  const Problem problem = Problem::Build(
      MakeGemm(3, 1, 5),
      MakeArch(
          {{.name = "DRAM"}, {.name = "Buf", .vector_words = 4, .read_pj = 1.0, .write_pj = 10.0, .update_pj = 100.0}},
          1, 1, 0.0));
  const Cost cost = Run(problem, "DRAM[M3] Buf[K5]");
  CheckCounts(cost.levels[1].tensors[kTensorA], 15, 15, 0);
  CHECK(cost.levels[1].tensors[kTensorA].energy_pj == Approx(4 * 1.0 + 4 * 10.0));
  // Z at Buf: updates 15 → 4 accesses, reads 15 − 3 = 12 → 3, fills 0 (tile 1 × changes 3 − part 3).
  CheckCounts(cost.levels[1].tensors[kTensorZ], 12, 0, 15);
  CHECK(cost.levels[1].tensors[kTensorZ].energy_pj == Approx(3 * 1.0 + 4 * 100.0));
}

TEST_CASE("Whole vector accesses round up for a width that is not a power of two", "[cost][dataflow]") {
  // Every preset's widths are powers of two, which rule 8 rounds with a shift; a width of 3 takes
  // the division. The case above with M2 and Buf vector 3 words. K5: A reads 10 → ceil(10/3) = 4
  // accesses, fills 10 → 4; Z updates 10 → 4, reads 10 − 2 = 8 → 3. K3: A reads 6 → 2 (exact),
  // fills 6 → 2; Z updates 6 → 2, reads 4 → 2.
  const auto buffer_energy = [](const char* k_loop, int tensor) {
    const Problem problem = Problem::Build(
        MakeGemm(2, 1, k_loop[1] - '0'),
        MakeArch(
            {{.name = "DRAM"}, {.name = "Buf", .vector_words = 3, .read_pj = 1.0, .write_pj = 10.0, .update_pj = 100.0}},
            1, 1, 0.0));
    return Run(problem, std::string("DRAM[M2] Buf[") + k_loop + "]").levels[1].tensors[tensor].energy_pj;
  };
  CHECK(buffer_energy("K5", kTensorA) == Approx(4 * 1.0 + 4 * 10.0));
  CHECK(buffer_energy("K5", kTensorZ) == Approx(3 * 1.0 + 4 * 100.0));
  CHECK(buffer_energy("K3", kTensorA) == Approx(2 * 1.0 + 2 * 10.0));
  CHECK(buffer_energy("K3", kTensorZ) == Approx(2 * 1.0 + 2 * 100.0));
}

TEST_CASE("Padding: imperfect factors execute the padded iterations", "[cost][dataflow]") {
  // M3 covered by M4 (one padded row): T = 4·2 = 8 cycles for 6 useful MACs.
  const Problem problem = Problem::Build(MakeGemm(3, 1, 2), MakeArch({{.name = "DRAM"}, {.name = "RF"}}, 1, 1, 1.0));
  const Cost cost = Run(problem, "DRAM[M4] RF[K2]");
  CHECK(cost.compute_cycles == 8);
  CHECK(cost.macs == 6);
  CHECK(cost.padded_macs == 8);
  CHECK(cost.padding_waste == Approx(0.25));
  CHECK(cost.mac_energy_pj == Approx(8.0));
  CHECK(cost.utilization == Approx(6.0 / 8.0));
}

TEST_CASE("Static power is charged over the latency", "[cost][dataflow]") {
  loopfront::arch::Architecture architecture = MakeArch({{.name = "DRAM"}}, 1, 1, 0.0);
  architecture.clock_ghz = 2.0;
  architecture.static_power_mw = 10.0;  // 10 mW over 24 cycles at 2 GHz = 12 ns → 120 pJ
  architecture.levels[0].energy_per_access = {};
  const Problem problem = Problem::Build(MakeGemm(2, 3, 4), architecture);
  const Cost cost = Run(problem, "DRAM[M2 N3 K4]");
  CHECK(cost.static_energy_pj == Approx(120.0));
  CHECK(cost.energy_pj == Approx(120.0));
}

TEST_CASE("The array fill latency is added once", "[cost][dataflow]") {
  loopfront::arch::Architecture architecture = MakeArch({{.name = "DRAM"}});
  architecture.mac.fill_latency_cycles = 16;
  const Cost cost = Run(Problem::Build(MakeGemm(2, 3, 4), architecture), "DRAM[M2 N3 K4]");
  CHECK(cost.compute_cycles == 24);
  CHECK(cost.cycles == 40);
}

TEST_CASE("Infeasible mappings come back as values with a reason", "[cost][dataflow]") {
  const Problem problem =
      Problem::Build(MakeGemm(4, 4, 4), MakeArch({{.name = "DRAM"}, {.name = "RF", .capacity_words = 8}}));
  const Cost too_big = DataflowModel().Evaluate(problem, ParseMapping("DRAM[M4] RF[N4 K4]", problem));
  CHECK_FALSE(too_big.feasible);
  CHECK(too_big.check.violation == Violation::kCapacityExceeded);
  CHECK(too_big.cycles == 0);
  const Cost uncovered = DataflowModel().Evaluate(problem, ParseMapping("DRAM[M4] RF[N4 K2]", problem));
  CHECK_FALSE(uncovered.feasible);
  CHECK(uncovered.check.violation == Violation::kDimNotCovered);
}

TEST_CASE("Honest buffering: a single-buffered level stalls the compute while its tiles move", "[cost][dataflow]") {
  // DRAM (2 words/cycle shared) → Buf (20 words, single or double) → 1 MAC. M4 N2 K2: T = 16.
  using loopfront::arch::kDoubleBuffering;
  using loopfront::arch::kSingleBuffering;
  const auto both = static_cast<loopfront::arch::BufferingMask>(kSingleBuffering | kDoubleBuffering);
  const Problem problem = Problem::Build(
      MakeGemm(4, 2, 2),
      MakeArch({{.name = "DRAM", .shared_bandwidth = 2.0}, {.name = "Buf", .capacity_words = 20, .buffering = both}}));

  // Single-buffered, DRAM[M2] Buf[M2 N2 K2]: Buf tiles A = M2·K2 = 4, B = K2·N2 = 4, Z = M2·N2 = 4
  // (12 ≤ 20 words). Rule 6: A fills 4·2 = 8 (M2 indexes A); B fills 4 (M2 does not index B); Z
  // share = 4·2 = 8 = part, so no fills, and 8 words go back up (DRAM updates 8). DRAM reads A 8,
  // B 4, Z 8 − 8 = 0. The stall: DRAM moves 12 + 8 = 20 words at 2 words/cycle = 10 cycles; Buf has
  // no bandwidth limit. Total 16 + 10 = 26, bounded by Buf; DRAM alone would need max(16, 10).
  Cost cost = Run(problem, "DRAM[M2] Buf*1[M2 N2 K2]");
  CheckCounts(cost.levels[1].tensors[kTensorA], 16, 8, 0);
  CheckCounts(cost.levels[1].tensors[kTensorB], 16, 4, 0);
  CHECK(cost.levels[0].read_words == 12);
  CHECK(cost.levels[0].write_words == 8);
  CHECK(cost.levels[0].cycles == 16);
  CHECK(cost.levels[1].stall_cycles == 10);
  CHECK(cost.levels[1].cycles == 26);
  CHECK(cost.cycles == 26);
  CHECK(cost.bounding_level == 1);
  CHECK(cost.utilization == Approx(16.0 / 26.0));

  // Double-buffered, the same tiles need 12 words, more than half of 20.
  const Cost too_big = DataflowModel().Evaluate(problem, ParseMapping("DRAM[M2] Buf*2[M2 N2 K2]", problem));
  CHECK(too_big.check.violation == Violation::kCapacityExceeded);
  CHECK(too_big.check.limit == 10);

  // Double-buffered with DRAM[M4] Buf[N2 K2]: tiles A 2, B 4, Z 2 (8 ≤ 10). The same DRAM traffic
  // (A 2·4, B 4, Z 8 updates) now overlaps the compute: max(16, 20 / 2) = 16, compute-bound.
  cost = Run(problem, "DRAM[M4] Buf*2[N2 K2]");
  CHECK(cost.levels[0].read_words == 12);
  CHECK(cost.levels[1].stall_cycles == 0);
  CHECK(cost.cycles == 16);
  CHECK(cost.bounding_level == kComputeBound);
  // Single-buffered, that mapping waits for the same 20 words: 26 cycles.
  CHECK(Run(problem, "DRAM[M4] Buf*1[N2 K2]").cycles == 26);

  // Without `buffering` (Timeloop's idealization), transfers overlap at full capacity and a
  // mapping may not ask for double buffering.
  const Problem ideal = Problem::Build(
      MakeGemm(4, 2, 2), MakeArch({{.name = "DRAM", .shared_bandwidth = 2.0}, {.name = "Buf", .capacity_words = 20}}));
  CHECK(Run(ideal, "DRAM[M2] Buf[M2 N2 K2]").cycles == 16);
  const Cost refused = DataflowModel().Evaluate(ideal, ParseMapping("DRAM[M2] Buf*2[M2 N2 K2]", ideal));
  CHECK(refused.check.violation == Violation::kBufferingNotOffered);
}

TEST_CASE("Honest buffering: a stall is bounded by the slowest side of the transfer", "[cost][dataflow]") {
  // DRAM (unlimited) → Buf (single only, write port 1 word/cycle) → 1 MAC. M2 N2 K2: T = 8.
  const Problem problem =
      Problem::Build(MakeGemm(2, 2, 2), MakeArch({{.name = "DRAM"},
                                                  {.name = "Buf",
                                                   .capacity_words = 64,
                                                   .write_bandwidth = 1.0,
                                                   .buffering = loopfront::arch::kSingleBuffering}}));
  // Buf[M2 N2 K2] holds everything: fills A 4 + B 4 into Buf's write port at 1 word/cycle = 8
  // cycles; Z goes up once (4 words) through Buf's unlimited read port. The write port also takes
  // the MACs' 8 updates, so rule 9 alone gives max(8, (8 + 8) / 1) = 16, while the stall gives
  // 8 + 8 = 16 as well; the total is 16.
  const Cost cost = Run(problem, "DRAM[] Buf*1[M2 N2 K2]");
  CHECK(cost.levels[1].stall_cycles == 8);
  CHECK(cost.cycles == 16);
  // Rule 9's 16 cycles come from the write port (the stall does not change which bandwidth).
  CHECK(cost.levels[1].bandwidth_bound == BandwidthBound::kWrite);
  // A mapping must not double-buffer a level that offers only single buffering.
  const Cost refused = DataflowModel().Evaluate(problem, ParseMapping("DRAM[] Buf*2[M2 N2 K2]", problem));
  CHECK(refused.check.violation == Violation::kBufferingNotOffered);
}
