#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/mapping/problem.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::arch::Architecture;
using loopfront::arch::CheckArchitecture;
using loopfront::arch::DimRole;
using loopfront::mapping::Problem;
using namespace loopfront::testing;

namespace {

bool HasProblem(const std::vector<std::string>& problems, const std::string& part) {
  for (const std::string& problem : problems) {
    if (problem.find(part) != std::string::npos) return true;
  }
  return false;
}

// Gemmini-like: DRAM → scratchpad → 16 accumulators along x → 256 registers → 16×16 MACs.
Architecture GemminiLike() {
  return MakeArch({{.name = "DRAM"},
                   {.name = "scratchpad", .capacity_words = 262144},
                   {.name = "accumulator", .capacity_words = 1024, .mesh_x = 16},
                   {.name = "weight_reg", .capacity_words = 1, .mesh_x = 16, .mesh_y = 16}},
                  16, 16);
}

}  // namespace

TEST_CASE("Fanouts are mesh ratios between consecutive levels and to the MACs", "[arch]") {
  const Architecture architecture = GemminiLike();
  CHECK(CheckArchitecture(architecture).empty());
  CHECK(architecture.FanoutX(0) == 1);
  CHECK(architecture.FanoutX(1) == 16);
  CHECK(architecture.FanoutY(1) == 1);
  CHECK(architecture.FanoutY(2) == 16);
  CHECK(architecture.FanoutX(3) == 1);
  CHECK(architecture.LevelIndex("accumulator") == 2);
  CHECK(architecture.LevelIndex("L2") == -1);
}

TEST_CASE("CheckArchitecture lists every inconsistency with its key path", "[arch]") {
  Architecture architecture = GemminiLike();
  architecture.levels[2].instances = 15;
  architecture.levels[3].mesh_y = 3;  // does not divide the MACs' 16
  architecture.levels[1].name = "DRAM";
  architecture.levels[1].read_bandwidth_words_per_cycle = 0.0;
  architecture.levels[1].multiple_buffering = 0.5;
  architecture.static_power_mw = 5.0;
  architecture.vector_unit = loopfront::arch::VectorUnit{.lanes = 16, .energy_pj_per_op = 0.1, .reads_level = "acc"};
  const std::vector<std::string> problems = CheckArchitecture(architecture);
  CHECK(HasProblem(problems, "levels[2].instances: expected mesh_x × mesh_y = 16, got 15"));
  CHECK(HasProblem(problems, "levels[3].mesh: expected a mesh dividing the next inner MAC mesh 16×16, got 16×3"));
  CHECK(HasProblem(problems, "levels[3].instances"));
  CHECK(HasProblem(problems, "levels[1].name: expected unique level names, got 'DRAM' twice"));
  CHECK(HasProblem(problems, "levels[1].read_bandwidth_words_per_cycle: expected a number in [1e-06, 1000000000000], got 0"));
  CHECK(HasProblem(problems, "levels[1].multiple_buffering"));
  CHECK(HasProblem(problems, "static_power_mw: a static power needs clock_ghz"));
  CHECK(HasProblem(problems, "vector_unit.reads_level: expected the name of a storage level, got 'acc'"));
  CHECK(CheckArchitecture(Architecture{}).size() == 1);
}

TEST_CASE("Capacities in bytes convert to words of the level", "[arch]") {
  CHECK(loopfront::arch::CapacityWordsFromBytes(256 * 1024, 8) == 262144);
  CHECK(loopfront::arch::CapacityWordsFromBytes(64 * 1024, 32) == 16384);
}

TEST_CASE("Dim roles classify a contraction's dims independently of their names", "[arch]") {
  const Problem problem = Problem::Build(MakeGemm(4, 4, 4), MakeArch({{.name = "DRAM"}}));
  CHECK(problem.dim_role(kDimM) == DimRole::kOutputRow);
  CHECK(problem.dim_role(kDimN) == DimRole::kOutputColumn);
  CHECK(problem.dim_role(kDimK) == DimRole::kReduction);
  CHECK(loopfront::arch::ParseDimRole("reduction") == DimRole::kReduction);
  CHECK_FALSE(loopfront::arch::ParseDimRole("rows"));
  CHECK(loopfront::arch::DimRoleNames().size() == 5);
  for (const std::string& name : loopfront::arch::DimRoleNames()) {
    CHECK(loopfront::arch::ToString(*loopfront::arch::ParseDimRole(name)) == name);
  }
}

TEST_CASE("Problem tables hold usable capacities, fanouts and exact bandwidths", "[arch]") {
  Architecture architecture = GemminiLike();
  architecture.levels[1].multiple_buffering = 2.0;
  architecture.levels[0].shared_bandwidth_words_per_cycle = 8.0;
  architecture.levels[2].read_bandwidth_words_per_cycle = 1.25;
  architecture.levels[1].keeps_roles = loopfront::arch::RoleBit(loopfront::workload::TensorRole::kInput) |
                                       loopfront::arch::RoleBit(loopfront::workload::TensorRole::kWeight);
  const Problem problem = Problem::Build(MakeGemm(16, 16, 16), architecture);
  CHECK(problem.level(1).usable_capacity_words == 131072);
  CHECK(problem.level(0).usable_capacity_words == loopfront::mapping::kUnboundedCapacity);
  CHECK(problem.level(1).fanout[0] == 16);
  CHECK(problem.level(0).shared_bandwidth == loopfront::mapping::Rate{8, 1});
  CHECK(problem.level(2).read_bandwidth == loopfront::mapping::Rate{5, 4});
  CHECK(problem.level(2).write_bandwidth.unlimited());
  CHECK(problem.level(1).may_keep == 0b011);
  CHECK(problem.iteration_points() == 4096);
  CHECK(problem.tensor_size(kTensorZ) == 256);
}
