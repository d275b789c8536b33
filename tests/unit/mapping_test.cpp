#include "loopfront/mapping/mapping.h"

#include <catch2/catch.hpp>
#include <string>
#include <unordered_set>

#include "loopfront/mapping/check.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::mapping::Axis;
using loopfront::mapping::CheckMapping;
using loopfront::mapping::CheckResult;
using loopfront::mapping::CyclesAtRate;
using loopfront::mapping::Describe;
using loopfront::mapping::EmptyMapping;
using loopfront::mapping::Mapping;
using loopfront::mapping::MappingHash;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using loopfront::mapping::ProblemOptions;
using loopfront::mapping::Rate;
using loopfront::mapping::RateFromDouble;
using loopfront::mapping::Violation;
using loopfront::util::ConfigError;
using namespace loopfront::testing;

namespace {

// DRAM → GLB (128 words, double-buffered) → 4×2 PEs (RF of 16 words) → 1 MAC each.
Problem SmallProblem(ProblemOptions options = {}) {
  loopfront::arch::Architecture architecture =
      MakeArch({{.name = "DRAM"},
                {.name = "GLB", .capacity_words = 128, .multiple_buffering = 2.0},
                {.name = "RF", .capacity_words = 16, .mesh_x = 4, .mesh_y = 2}},
               4, 2);
  // The GLB may not hold weights; only the reduction dim may go down the y axis.
  architecture.levels[1].keeps_roles = loopfront::arch::RoleBit(loopfront::workload::TensorRole::kInput) |
                                       loopfront::arch::RoleBit(loopfront::workload::TensorRole::kOutput);
  architecture.levels[1].spatial_y_dim_roles = loopfront::arch::DimRoleBit(loopfront::arch::DimRole::kReduction);
  return Problem::Build(MakeGemm(8, 8, 4), architecture, options);
}

std::string Reason(const std::string& text, const Problem& problem) {
  return Describe(CheckMapping(ParseMapping(text, problem), problem), problem);
}

Violation Check(const std::string& text, const Problem& problem) {
  return CheckMapping(ParseMapping(text, problem), problem).violation;
}

}  // namespace

TEST_CASE("Mappings print in one line and parse back", "[mapping]") {
  const Problem problem = SmallProblem();
  const std::string text = "DRAM[M2] GLB{A}[N2 | x:N4 y:K2] RF{B,Z}[K2 M4]";
  const Mapping mapping = ParseMapping(text, problem);
  CHECK(ToString(mapping, problem) == text);
  CHECK(ParseMapping(ToString(mapping, problem), problem) == mapping);
  CHECK(mapping.level(1).spatial().size() == 2);
  CHECK(mapping.level(1).spatial()[1].axis == Axis::kY);
  CHECK(mapping.level(2).temporal()[0].dim == kDimK);
  CHECK(mapping.level(2).Keeps(kTensorB));
  CHECK_FALSE(mapping.level(2).Keeps(kTensorA));
  // Default keeps (everything the level may keep) print without braces; `{}` keeps nothing.
  const Mapping bypass_all = ParseMapping("DRAM[M8 N8 K4] GLB{}[] RF{}[]", problem);
  CHECK(bypass_all.level(1).keeps() == 0);
  CHECK(ToString(bypass_all, problem) == "DRAM[M8 N8 K4] GLB{}[] RF{}[]");
  CHECK(ToString(EmptyMapping(problem), problem) == "DRAM[] GLB[] RF[]");
  // A spatial-only level.
  CHECK(ToString(ParseMapping("DRAM[] GLB[| x:M4] RF[]", problem), problem) == "DRAM[] GLB[| x:M4] RF[]");
}

TEST_CASE("Mapping parse errors name the token and suggest names", "[mapping]") {
  const Problem problem = SmallProblem();
  auto message = [&](const std::string& text) {
    try {
      ParseMapping(text, problem, "m.txt");
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(message("DRAM[M2] GLX[] RF[]").find("unknown level 'GLX'; did you mean 'GLB'?") != std::string::npos);
  CHECK(message("DRAM[M2] GLX[] RF[]").starts_with("m.txt:1:10: mapping: unknown level"));
  CHECK(message("DRAM[Q2] GLB[] RF[]").find("expected a dim name followed by a factor") != std::string::npos);
  CHECK(message("DRAM[M0] GLB[] RF[]").find("expected a factor between 1") != std::string::npos);
  CHECK(message("GLB[] DRAM[] RF[]").find("expected level 'DRAM'") != std::string::npos);
  CHECK(message("DRAM[] GLB[]").find("expected 3 levels") != std::string::npos);
  CHECK(message("DRAM[] GLB[| z:M4] RF[]").find("expected a spatial loop") != std::string::npos);
  CHECK(message("DRAM[] GLB{A,Q}[] RF[]").find("unknown tensor 'Q'") != std::string::npos);
  CHECK(message("DRAM[M2 GLB[] RF[]").find("expected") != std::string::npos);
}

TEST_CASE("Mappings are values: copies compare equal and hash alike", "[mapping]") {
  const Problem problem = SmallProblem();
  Mapping mapping = ParseMapping("DRAM[M2 N2] GLB[N4] RF[K4 M4]", problem);
  Mapping copy = mapping;
  CHECK(copy == mapping);
  CHECK(MappingHash{}(copy) == MappingHash{}(mapping));
  // Reordering loops, erasing and re-adding: equality follows content only.
  copy.level(2).EraseTemporal(0);
  CHECK_FALSE(copy == mapping);
  copy.level(2).InsertTemporal(0, kDimK, 4);
  CHECK(copy == mapping);
  std::swap(copy.level(0).mutable_temporal()[0], copy.level(0).mutable_temporal()[1]);
  CHECK_FALSE(copy == mapping);
  CHECK(MappingHash{}(copy) != MappingHash{}(mapping));
  std::unordered_set<Mapping, MappingHash> set{mapping, copy, mapping};
  CHECK(set.size() == 2);
  CHECK(mapping.DimProduct(kDimN) == 8);
}

TEST_CASE("The validity check reports the first violation as a value", "[mapping]") {
  const Problem problem = SmallProblem();
  // RF: A = K2·M4 = 8 ≤ 16 words; GLB: A = K2·K2·M4 = 16, Z = N2·N4·M4 = 32, 48 ≤ 64 usable.
  CHECK(Check("DRAM[M2] GLB[N2 | x:N4 y:K2] RF{A}[K2 M4]", problem) == Violation::kNone);
  // A dim that is not covered.
  CHECK(Check("DRAM[M2] GLB[N2 | x:N4 y:K2] RF{A}[M4]", problem) == Violation::kDimNotCovered);
  CHECK(Reason("DRAM[M2] GLB[N2 | x:N4 y:K2] RF{A}[M4]", problem) ==
        "dim K of size 4 is covered only 2 times by the product of its factors");
  // Fanout: the GLB fans out 4 along x.
  CHECK(Check("DRAM[M2] GLB[| x:N8 y:K2] RF{A}[K2 M4]", problem) == Violation::kFanoutExceeded);
  CHECK(Reason("DRAM[M2] GLB[| x:N8 y:K2] RF{A}[K2 M4]", problem) ==
        "level GLB unrolls 8 ways on axis x, more than its fanout of 4");
  // Only reduction dims may go down y below the GLB.
  CHECK(Check("DRAM[M4] GLB[N2 | x:N4 y:M2] RF{A}[K4]", problem) == Violation::kSpatialDimNotAllowed);
  CHECK(Reason("DRAM[M4] GLB[N2 | x:N4 y:M2] RF{A}[K4]", problem) ==
        "level GLB may not unroll dim M (output_row) on axis y");
  // The GLB may not hold weights.
  CHECK(Check("DRAM[M2] GLB{A,B}[N2 | x:N4 y:K2] RF{A}[K2 M4]", problem) == Violation::kTensorNotAllowed);
  CHECK(Reason("DRAM[M2] GLB{A,B}[N2 | x:N4 y:K2] RF{A}[K2 M4]", problem) ==
        "level GLB may not keep tensor B (role weight)");
  // Every tensor lives at the outermost level.
  CHECK(Check("DRAM{A,B}[M2] GLB[N2 | x:N4 y:K2] RF{A}[K2 M4]", problem) == Violation::kTensorNotAtOutermost);
  CHECK(Reason("DRAM{A,B}[M2] GLB[N2 | x:N4 y:K2] RF{A}[K2 M4]", problem) ==
        "tensor Z must be kept at the outermost level DRAM");
  // Capacity per instance: RF tiles A = K2·M8 = 16, Z = M8 = 8 → 24 > 16.
  const CheckResult over = CheckMapping(ParseMapping("DRAM[] GLB{A}[N2 | x:N4 y:K2] RF{A,Z}[K2 M8]", problem), problem);
  CHECK(over.violation == Violation::kCapacityExceeded);
  CHECK(over.level == 2);
  CHECK(over.value == 24);
  CHECK(over.limit == 16);
  // Multiple buffering halves the GLB: 128 / 2 = 64 usable words. GLB tiles A = M8·K2·K2 = 32
  // fits; with Z = M8·N4·N2 = 64 it does not.
  CHECK(Check("DRAM[] GLB{A}[M8 K2 | x:N4 y:K2] RF{}[N2]", problem) == Violation::kNone);
  const CheckResult glb_over =
      CheckMapping(ParseMapping("DRAM[] GLB{A,Z}[M8 K2 | x:N4 y:K2] RF{}[N2]", problem), problem);
  CHECK(glb_over.violation == Violation::kCapacityExceeded);
  CHECK(Describe(glb_over, problem) ==
        "level GLB needs 96 words per instance, more than its usable capacity of 64 words (capacity / "
        "multiple_buffering)");
  // Level count.
  const Mapping short_mapping(2);
  CHECK(CheckMapping(short_mapping, problem).violation == Violation::kLevelCountMismatch);
}

TEST_CASE("Padding is valid and reported as waste", "[mapping]") {
  const Problem problem = SmallProblem();
  // M8 covered by M3·M3 = 9: 1/9 of the iterations are padding.
  const CheckResult result = CheckMapping(ParseMapping("DRAM[M3 N8 K4] GLB{}[M3] RF{}[]", problem), problem);
  REQUIRE(result.ok());
  CHECK(result.padding_waste == Approx(1.0 / 9.0));
  CHECK(Describe(result, problem) == "valid, with padding: 11.11% of the iterations are padding");
}

TEST_CASE("On-chip tensors must stay off the outermost level but be kept somewhere", "[mapping]") {
  ProblemOptions options;
  options.on_chip_tensors = 1u << kTensorZ;
  const Problem problem = SmallProblem(options);
  CHECK(Check("DRAM{A,B}[M8 N8 K4] GLB{A,Z}[] RF{}[]", problem) == Violation::kNone);
  CHECK(Check("DRAM[M8 N8 K4] GLB{A,Z}[] RF{}[]", problem) == Violation::kOnChipTensorAtOutermost);
  CHECK(Check("DRAM{A,B}[M8 N8 K4] GLB{A}[] RF{}[]", problem) == Violation::kTensorKeptNowhere);
}

TEST_CASE("Bandwidths become exact rationals", "[mapping]") {
  CHECK(RateFromDouble(1.5) == Rate{3, 2});
  CHECK(RateFromDouble(8.0) == Rate{8, 1});
  CHECK(RateFromDouble(0.1) == Rate{1, 10});
  CHECK(RateFromDouble(1.25) == Rate{5, 4});
  CHECK(RateFromDouble(2.0 / 3.0) == Rate{2, 3});
  CHECK(CyclesAtRate(7, Rate{3, 2}) == 5);  // 7 / 1.5 = 4.67 → 5
  CHECK(CyclesAtRate(6, Rate{3, 2}) == 4);
  CHECK(CyclesAtRate(100, Rate{}) == 0);  // unlimited
  // Large counts stay exact: 2^50 words at 3/7 words per cycle.
  const std::int64_t words = std::int64_t{1} << 50;
  CHECK(CyclesAtRate(words, Rate{3, 7}) == (words * 7 + 2) / 3);
}

TEST_CASE("Problems derive each level's rule 8 shift and rule 9 semantics once", "[mapping]") {
  // DRAM: 8-word accesses (2^3) and a shared bandwidth, no honest buffering: Timeloop's rule 9.
  // GLB: 3-word accesses (no shift) and a read bandwidth, honest buffering: exact rule 9.
  // RF: 1-word accesses (2^0) and no bandwidth: nothing for rule 9 to follow.
  const loopfront::arch::Architecture architecture =
      MakeArch({{.name = "DRAM", .vector_words = 8, .shared_bandwidth = 8.0},
                {.name = "GLB",
                 .capacity_words = 128,
                 .vector_words = 3,
                 .read_bandwidth = 2.0,
                 .buffering = loopfront::arch::kSingleBuffering | loopfront::arch::kDoubleBuffering},
                {.name = "RF", .capacity_words = 16}});
  const Problem gemm = Problem::Build(MakeGemm(8, 8, 4), architecture);
  CHECK(gemm.level(0).vector_shift == 3);
  CHECK(gemm.level(0).timeloop_bandwidth);
  CHECK(gemm.level(1).vector_shift == -1);
  CHECK_FALSE(gemm.level(1).timeloop_bandwidth);
  CHECK(gemm.level(2).vector_shift == 0);
  CHECK_FALSE(gemm.level(2).timeloop_bandwidth);
  // A vector op keeps rule 9 exact on every level, the DRAM's shared bandwidth notwithstanding.
  loopfront::arch::Architecture with_engine = architecture;
  with_engine.vector_unit = loopfront::arch::VectorUnit{.lanes = 1, .energy_pj_per_op = 1.0, .reads_level = "RF"};
  const Problem softmax = Problem::Build(loopfront::workload::ParseOpSpec("softmax m=4 n=8"), with_engine);
  CHECK(softmax.level(0).vector_shift == 3);
  CHECK_FALSE(softmax.level(0).timeloop_bandwidth);
}

TEST_CASE("Problems reject ops and architectures beyond the limits", "[mapping]") {
  loopfront::workload::Op op = MakeGemm(2, 2, 2);
  for (const char* name : {"D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7"})
    op.dims.push_back({.name = name, .size = 1});
  CHECK_THROWS_AS(Problem::Build(op, MakeArch({{.name = "DRAM"}})), ConfigError);
  loopfront::workload::Op two_outputs = MakeGemm(2, 2, 2);
  two_outputs.tensors[0].role = loopfront::workload::TensorRole::kOutput;
  CHECK_THROWS_WITH(Problem::Build(two_outputs, MakeArch({{.name = "DRAM"}})),
                    Catch::Contains("expected exactly one output tensor, got 2"));
  loopfront::arch::Architecture bad_mesh = MakeArch({{.name = "DRAM"}, {.name = "PE", .mesh_x = 3}}, 4, 1);
  CHECK_THROWS_WITH(Problem::Build(MakeGemm(2, 2, 2), bad_mesh), Catch::Contains("levels[1].mesh"));
}
