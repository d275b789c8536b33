// The gemmini_default searcher: Gemmini's tiled_matmul_auto tiles worked by hand, the mapping they
// give on the gemmini preset, and what it refuses.
//
// The gemmini preset (architectures/gemmini.yaml) seen by the scheduler, double-buffered:
//   DIM = 16; scratchpad 262,144 words, half = 131,072 = 8,192 rows of 16;
//   accumulator 16 banks × 1,024 words, half = 512 words (rows) per bank.
//   db_mats_in_acc = 512 / 16 = 32 → db_max_tile_i_j = floor(sqrt(32)) = 5;
//   db_mats_in_partition = 8,192 / 2 / 16 = 256 → db_max_tile_k = 256 / 5 = 51.
//   A tile (i, j, k) fits when (i·k + k·j)·256 ≤ 131,072, i.e. (i + j)·k ≤ 512 (scratchpad), and
//   i·j·16 ≤ 512, i.e. i·j ≤ 32 (accumulator).
#include <catch2/catch.hpp>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "mappers/gemmini_default/gemmini_default_searcher.h"

using namespace loopfront;
using search::GemminiTiles;

namespace {

const cost::DataflowModel kModel;

mapping::Problem GemminiProblem(const std::string& op_spec, const std::string& arch = "gemmini") {
  return mapping::Problem::Build(workload::ParseOpSpec(op_spec), arch::LoadArchitecture(arch));
}

const search::GemminiCapacities kGemminiHalves{
    .dim = 16, .scratchpad_words = 131'072, .accumulator_words_per_bank = 512};

search::SearchResult RunDefault(const mapping::Problem& problem, const std::vector<std::string>& params = {},
                                const search::SearchOptions& options = {}) {
  const search::Mapspace space = search::Mapspace::Build(problem);
  return search::BuiltinSearchers().Create("gemmini_default", params)->Search(space, kModel, options);
}

// The one point of the front: a valid mapping, feasible for the dataflow model, with its objectives.
std::string CheckOnePoint(const search::SearchResult& result, const mapping::Problem& problem) {
  REQUIRE(result.front.size() == 1);
  const mapping::Mapping& mapping = result.front.points()[0].payload;
  const mapping::CheckResult check = mapping::CheckMapping(mapping, problem);
  INFO(mapping::Describe(check, problem));
  REQUIRE(check.ok());
  const cost::Cost cost = kModel.Evaluate(problem, mapping);
  REQUIRE(cost.feasible);
  CHECK(result.front.points()[0].objectives.latency_cycles == static_cast<double>(cost.cycles));
  CHECK(result.front.points()[0].objectives.energy_pj == cost.energy_pj);
  CHECK(result.statistics.evaluations == 1);
  CHECK(result.statistics.valid_evaluations == 1);
  return mapping::ToString(mapping, problem);
}

}  // namespace

TEST_CASE("gemmini_default: BERT-Base W_Q does not fit on chip and is tiled in DRAM", "[search][gemmini_default]") {
  // m = 512, n = k = 768: 32 × 48 × 48 blocks. Start: i = min(32, 5) = 5, j = min(48, 5) = 5,
  // k = min(48, 51) = 48; (5 + 5)·48 = 480 ≤ 512, 25 ≤ 32. Round 1: j = 6 needs (5 + 6)·48 = 528
  // > 512; i = 6 likewise; k = 49 > 48 blocks. No growth: tiles (5, 5, 48).
  CHECK(search::DefaultGemminiTiles(32, 48, 48, kGemminiHalves) == GemminiTiles{5, 5, 48});
  // Tiles over the matrix: I0 = ceil(32/5) = 7, J0 = ceil(48/5) = 10, K0 = 1. Balanced: m in
  // ceil(512/7) = 74 rows per tile (7·74 = 518), n in ceil(48/10) = 5 blocks (800 columns, 32
  // padded), k whole (48 blocks). Loop order i0, j0 (k0 = 1 is dropped), then k, j, rows.
  const auto problem = GemminiProblem("matmul m=512 n=768 k=768");
  CHECK(CheckOnePoint(RunDefault(problem), problem) ==
        "DRAM[m7 n10] scratchpad*2[k48 | x:n16] accumulator*2[n5 | y:k16] weight_reg[m74]");
}

TEST_CASE("gemmini_default: a small matmul fits on chip in one tile", "[search][gemmini_default]") {
  // m = n = k = 64: 4 × 4 × 4 blocks. Start: i = j = min(4, 5) = 4, k = min(4, 51) = 4;
  // (4 + 4)·4 = 32 ≤ 512, 16 ≤ 32; every dim is already whole, nothing grows: tiles (4, 4, 4), one
  // tile, no DRAM loop.
  CHECK(search::DefaultGemminiTiles(4, 4, 4, kGemminiHalves) == GemminiTiles{4, 4, 4});
  const auto problem = GemminiProblem("matmul m=64 n=64 k=64");
  CHECK(CheckOnePoint(RunDefault(problem), problem) ==
        "DRAM[] scratchpad*2[k4 | x:n16] accumulator*2[n4 | y:k16] weight_reg[m64]");
}

TEST_CASE("gemmini_default: dims not a multiple of 16 are padded to blocks", "[search][gemmini_default]") {
  // m = 100, n = 200, k = 50: ceil(/16) = 7 × 13 × 4 blocks. Start: i = 5, j = 5, k = 4.
  // Round 1: j = 6: (5 + 6)·4 = 44 ≤ 512 and 5·6 = 30 ≤ 32, taken; i = 6: 6·6 = 36 > 32; k = 5 > 4
  // blocks. Round 2: j = 7: 5·7 = 35 > 32; i = 6: 36 > 32; k: no. Tiles (5, 6, 4).
  CHECK(search::DefaultGemminiTiles(7, 13, 4, kGemminiHalves) == GemminiTiles{5, 6, 4});
  // I0 = ceil(7/5) = 2, J0 = ceil(13/6) = 3, K0 = 1. Balanced: m in ceil(100/2) = 50 rows per tile
  // (exact: only real rows stream), n in ceil(13/3) = 5 blocks (3·5·16 = 240 ≥ 200), k in 4 blocks
  // (64 ≥ 50: the array's idle rows).
  const auto problem = GemminiProblem("matmul m=100 n=200 k=50");
  const auto result = RunDefault(problem);
  CHECK(CheckOnePoint(result, problem) ==
        "DRAM[m2 n3] scratchpad*2[k4 | x:n16] accumulator*2[n5 | y:k16] weight_reg[m50]");
  CHECK(mapping::CheckMapping(result.front.points()[0].payload, problem).padding_waste > 0.0);
}

TEST_CASE("gemmini_default: a long reduction is capped by the scratchpad", "[search][gemmini_default]") {
  // 64 × 64 × 256 blocks: start (5, 5, 51), (5 + 5)·51 = 510 ≤ 512; j = 6: 11·51 = 561 > 512;
  // i = 6 likewise; k = 52: 10·52 = 520 > 512. Tiles (5, 5, 51).
  CHECK(search::DefaultGemminiTiles(64, 64, 256, kGemminiHalves) == GemminiTiles{5, 5, 51});
  // A narrow matmul: j stops at its 2 blocks, i and k share the scratchpad. Start (5, 2, 51):
  // (5 + 2)·51 = 357. Round 1: i = 6 (8·51 = 408), k = 52 (8·52 = 416). Round 2: i = 7 (9·52 =
  // 468, 7·2 = 14 ≤ 32), k = 53 (477). Round 3: i = 8 needs 10·53 = 530 > 512; k = 54 (486).
  // Rounds 4, 5: k = 55 (495), 56 (504); round 6: k = 57 needs 513. Tiles (7, 2, 56).
  CHECK(search::DefaultGemminiTiles(64, 2, 256, kGemminiHalves) == GemminiTiles{7, 2, 56});
}

TEST_CASE("gemmini_default: batched matmuls loop over b and h in DRAM, outermost", "[search][gemmini_default]") {
  // Q×K^T of BERT-Base at 512 tokens per head: m = n = 512, k = 64 (32 × 32 × 4 blocks): start
  // (5, 5, 4); rounds: j = 6 (30 ≤ 32), then i = 6 fails (36); j = 7 fails (35): tiles (5, 6, 4).
  CHECK(search::DefaultGemminiTiles(32, 32, 4, kGemminiHalves) == GemminiTiles{5, 6, 4});
  // I0 = 7 (ceil(512/7) = 74 rows), J0 = 6 (ceil(32/6) = 6 blocks).
  const auto problem = GemminiProblem("bmm h=12 m=512 n=512 k=64");
  CHECK(CheckOnePoint(RunDefault(problem), problem) ==
        "DRAM[h12 m7 n6] scratchpad*2[k4 | x:n16] accumulator*2[n6 | y:k16] weight_reg[m74]");
}

TEST_CASE("gemmini_default: the fusion-optimized variant keeps whole rows in the accumulator",
          "[search][gemmini_default]") {
  // n = 768 = 48 blocks: one row block is 16·48 = 768 words per bank, more than the double-buffered
  // half (512) but within the whole bank (1,024): single-buffered accumulator. Tiles (1, 48, 1).
  CHECK(search::FusionOptimizedGemminiTiles(48) == GemminiTiles{1, 48, 1});
  const auto problem = GemminiProblem("matmul m=512 n=768 k=768");
  CHECK(CheckOnePoint(RunDefault(problem, {"fusion_optimized=true"}), problem) ==
        "DRAM[m32 k48] scratchpad*2[| x:n16] accumulator*1[n48 | y:k16] weight_reg[m16]");
  // n = 4096 = 256 blocks: 4,096 words per bank, more than the bank: refused.
  CHECK_THROWS_WITH(RunDefault(GemminiProblem("matmul m=512 n=4096 k=768"), {"fusion_optimized=true"}),
                    Catch::Contains("do not fit"));
}

TEST_CASE("gemmini_default: one point, deterministic, budget and seed ignored", "[search][gemmini_default]") {
  const auto problem = GemminiProblem("matmul m=512 n=3072 k=768");
  search::SearchOptions options;
  const auto first = RunDefault(problem, {}, options);
  options.seed = 99;
  options.threads = 2;
  options.budget.max_evaluations = 10;
  const auto second = RunDefault(problem, {}, options);
  REQUIRE(first.front.size() == 1);
  REQUIRE(second.front.size() == 1);
  CHECK(first.front.points()[0].payload == second.front.points()[0].payload);
  CHECK(first.front.points()[0].objectives == second.front.points()[0].objectives);
  CHECK(first.statistics.stop_reason == search::StopReason::kExhausted);
  CHECK(search::BuiltinSearchers().Create("gemmini_default")->fixed_schedule());
  CHECK_FALSE(search::BuiltinSearchers().Create("genetic")->fixed_schedule());
}

TEST_CASE("gemmini_default: vector ops, non-Gemmini architectures and whole models are refused",
          "[search][gemmini_default]") {
  CHECK_THROWS_WITH(RunDefault(GemminiProblem("softmax m=64 n=64")), Catch::Contains("expected a matmul"));
  CHECK_THROWS_WITH(RunDefault(GemminiProblem("matmul m=64 n=64 k=64", "eyeriss-like")),
                    Catch::Contains("Gemmini-like"));
  // Other Gemmini presets are mapped: the rebalanced memories and the survey's model.
  for (const char* arch : {"gemmini-ibert", "gemmini-survey-model"}) {
    INFO(arch);
    const auto problem = GemminiProblem("matmul m=512 n=768 k=768", arch);
    CheckOnePoint(RunDefault(problem), problem);
  }
  const auto searcher = search::BuiltinSearchers().Create("gemmini_default");
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  CHECK_THROWS_AS(planner::SearchModel({}, arch::LoadArchitecture("gemmini"), *cost_model, *searcher, {}),
                  util::ConfigError);
}
