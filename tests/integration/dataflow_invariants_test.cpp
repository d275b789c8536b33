// Invariants of the `dataflow` model over random valid mappings on the architectures of the
// reference cases (shared/STYLE.md, "Tests"): more bandwidth is never slower, energy is never
// below MACs × MAC energy, padding never reduces cycles, and evaluation is deterministic.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/cost/reference_case.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"

using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::mapping::Axis;
using loopfront::mapping::Mapping;
using loopfront::mapping::Problem;

namespace {

const std::filesystem::path kCasesDir = std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" / "timeloop";

std::vector<std::int64_t> PrimeFactors(std::int64_t value) {
  std::vector<std::int64_t> factors;
  for (std::int64_t prime = 2; prime * prime <= value; ++prime) {
    while (value % prime == 0) {
      factors.push_back(prime);
      value /= prime;
    }
  }
  if (value > 1) factors.push_back(value);
  return factors;
}

// Spreads each dim's prime factors over the levels (temporally, or spatially where the fanout has
// room), shuffles each level's loop order, and keeps the reference case's bypass choices.
Mapping RandomMapping(const Problem& problem, const Mapping& keeps_from, std::mt19937_64& random) {
  const int num_levels = problem.num_levels();
  std::vector<std::vector<std::int64_t>> temporal(num_levels, std::vector<std::int64_t>(problem.num_dims(), 1));
  std::vector<std::vector<std::array<std::int64_t, 2>>> spatial(
      num_levels, std::vector<std::array<std::int64_t, 2>>(problem.num_dims(), {1, 1}));
  std::vector<std::array<std::int64_t, 2>> room(num_levels);
  std::vector<int> spatial_loops(num_levels, 0);
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) room[level_idx] = problem.level(level_idx).fanout;
  for (int dim = 0; dim < problem.num_dims(); ++dim) {
    for (const std::int64_t prime : PrimeFactors(problem.dim_size(dim))) {
      const int level_idx = static_cast<int>(random() % static_cast<std::uint64_t>(num_levels));
      const int axis = static_cast<int>(random() % 2);
      const bool new_loop = spatial[level_idx][dim][axis] == 1;
      if (random() % 2 == 0 && room[level_idx][axis] % prime == 0 &&
          (!new_loop || spatial_loops[level_idx] < loopfront::mapping::kMaxSpatialLoopsPerLevel)) {
        room[level_idx][axis] /= prime;
        spatial_loops[level_idx] += new_loop ? 1 : 0;
        spatial[level_idx][dim][axis] *= prime;
      } else {
        temporal[level_idx][dim] *= prime;
      }
    }
  }
  Mapping mapping(num_levels);
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    std::vector<int> order(problem.num_dims());
    for (int dim = 0; dim < problem.num_dims(); ++dim) order[dim] = dim;
    std::shuffle(order.begin(), order.end(), random);
    for (const int dim : order) {
      if (temporal[level_idx][dim] > 1) mapping.level(level_idx).AddTemporal(dim, temporal[level_idx][dim]);
      for (int axis = 0; axis < 2; ++axis) {
        if (spatial[level_idx][dim][axis] > 1) {
          mapping.level(level_idx).AddSpatial(dim, spatial[level_idx][dim][axis], axis == 0 ? Axis::kX : Axis::kY);
        }
      }
    }
    mapping.level(level_idx).SetKeeps(keeps_from.level(level_idx).keeps());
  }
  return mapping;
}

Problem WithBandwidthScaled(const loopfront::cost::ReferenceCase& reference, double scale) {
  loopfront::arch::Architecture architecture = reference.arch;
  for (loopfront::arch::StorageLevel& level : architecture.levels) {
    for (std::optional<double>* bandwidth :
         {&level.read_bandwidth_words_per_cycle, &level.write_bandwidth_words_per_cycle,
          &level.shared_bandwidth_words_per_cycle}) {
      if (*bandwidth) **bandwidth *= scale;
    }
  }
  return Problem::Build(reference.op, architecture);
}

}  // namespace

TEST_CASE("Dataflow invariants hold on random mappings of every reference architecture", "[cost][dataflow]") {
  const DataflowModel model;
  std::mt19937_64 random(20240531);
  int feasible = 0;
  int padded = 0;
  for (const std::filesystem::path& file : loopfront::cost::ExpandReferenceCasePaths({kCasesDir})) {
    const loopfront::cost::ReferenceCase reference = loopfront::cost::LoadReferenceCase(file);
    INFO(reference.name);
    const Problem faster = WithBandwidthScaled(reference, 2.0);
    const Problem slower = WithBandwidthScaled(reference, 0.5);
    for (int sample = 0; sample < 40; ++sample) {
      const Mapping mapping = RandomMapping(reference.problem, reference.mapping, random);
      const Cost cost = model.Evaluate(reference.problem, mapping);
      if (!cost.feasible) continue;
      ++feasible;
      INFO(loopfront::mapping::ToString(mapping, reference.problem));
      // Energy is never below the MACs' own energy; latency never below the compute cycles, which
      // are never below MACs / array size.
      CHECK(cost.energy_pj >= static_cast<double>(cost.macs) * reference.problem.mac_energy_pj());
      CHECK(cost.cycles >= cost.compute_cycles);
      CHECK(cost.compute_cycles * reference.problem.mac_instances() >= cost.macs);
      CHECK(cost.utilization <= 1.0);
      // More bandwidth is never slower, less never faster; energy does not depend on bandwidth.
      const Cost fast = model.Evaluate(faster, mapping);
      const Cost slow = model.Evaluate(slower, mapping);
      CHECK(fast.cycles <= cost.cycles);
      CHECK(slow.cycles >= cost.cycles);
      CHECK(fast.energy_pj == cost.energy_pj);
      // Deterministic: the same inputs give the same cost.
      CHECK(model.Evaluate(reference.problem, mapping).cycles == cost.cycles);
      // Padding one outermost loop (factor f → f + 1) never reduces cycles or energy.
      Mapping padded_mapping = mapping;
      if (!padded_mapping.level(0).temporal().empty()) {
        padded_mapping.level(0).mutable_temporal()[0].factor += 1;
        const Cost padded_cost = model.Evaluate(reference.problem, padded_mapping);
        REQUIRE(padded_cost.feasible);
        ++padded;
        CHECK(padded_cost.padding_waste > 0.0);
        CHECK(padded_cost.cycles >= cost.cycles);
        CHECK(padded_cost.energy_pj >= cost.energy_pj);
        CHECK(padded_cost.macs == cost.macs);
      }
    }
  }
  CHECK(feasible > 200);
  CHECK(padded > 100);
}
