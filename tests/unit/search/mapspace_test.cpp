#include "loopfront/search/mapspace.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <unordered_set>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::mapping::Mapping;
using loopfront::search::Genome;
using loopfront::search::Mapspace;
using loopfront::search::MapspaceOptions;
using loopfront::search::MutationKind;
using loopfront::testing::SmallArchitecture;
using loopfront::testing::SmallProblem;
using loopfront::util::Rng;

namespace {

constexpr MapspaceOptions kNoPadding{.max_padding_waste = 0.0};

std::vector<std::int64_t> PaddedSizes(const Mapspace& space, int dim) {
  std::vector<std::int64_t> sizes;
  for (int index = 0; index < space.num_padding_candidates(dim); ++index) {
    sizes.push_back(space.padding_candidate(dim, index).padded_size);
  }
  return sizes;
}

// Every ordered tuple of `slots` positive factors whose product is `size`.
void OrderedFactorizations(std::int64_t size, int slots, std::vector<std::int64_t>& prefix,
                           std::vector<std::vector<std::int64_t>>& out) {
  if (slots == 1) {
    prefix.push_back(size);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (std::int64_t factor = 1; factor <= size; ++factor) {
    if (size % factor != 0) continue;
    prefix.push_back(factor);
    OrderedFactorizations(size / factor, slots - 1, prefix, out);
    prefix.pop_back();
  }
}

}  // namespace

TEST_CASE("Padding candidates are richer sizes within the waste limit", "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=197 n=1000 k=512");
  const Mapspace space = Mapspace::Build(problem);
  const std::vector<std::int64_t> m_sizes = PaddedSizes(space, problem.DimIndex("m"));
  CHECK(m_sizes.front() == 197);
  CHECK(std::find(m_sizes.begin(), m_sizes.end(), 200) != m_sizes.end());
  CHECK(std::find(m_sizes.begin(), m_sizes.end(), 208) != m_sizes.end());
  for (std::int64_t size : m_sizes) CHECK(1.0 - 197.0 / static_cast<double>(size) <= 0.10);
  const std::vector<std::int64_t> n_sizes = PaddedSizes(space, problem.DimIndex("n"));
  CHECK(n_sizes.front() == 1000);
  CHECK(std::find(n_sizes.begin(), n_sizes.end(), 1024) != n_sizes.end());
  CHECK(PaddedSizes(space, problem.DimIndex("k")) == std::vector<std::int64_t>{512});

  const Mapspace strict = Mapspace::Build(problem, {}, kNoPadding);
  CHECK(PaddedSizes(strict, problem.DimIndex("m")) == std::vector<std::int64_t>{197});
  CHECK_THROWS_AS(Mapspace::Build(problem, {}, MapspaceOptions{.max_padding_waste = 1.5}),
                  loopfront::util::ConfigError);
}

TEST_CASE("Samples, mutations and crossovers stay well-formed and decode to structurally valid mappings",
          "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=97 n=24 k=36");
  const Mapspace space = Mapspace::Build(problem);
  Rng rng(7);
  Genome first;
  Genome second;
  Genome child;
  int repaired = 0;
  for (int round = 0; round < 3000; ++round) {
    space.Sample(rng, first);
    space.Sample(rng, second);
    REQUIRE(space.IsWellFormed(first));
    space.Crossover(first, second, rng, child);
    REQUIRE(space.IsWellFormed(child));
    for (int kind = 0; kind < 4; ++kind) {
      space.Mutate(static_cast<MutationKind>(kind), rng, child);
      INFO(space.Describe(child));
      REQUIRE(space.IsWellFormed(child));
    }
    space.Mutate(rng, child);
    REQUIRE(space.IsWellFormed(child));
    const Mapping mapping = space.Decode(child);
    // Before repair, only a fanout may overflow (capacity is not part of the structure).
    const auto structure = loopfront::mapping::CheckStructure(mapping, problem);
    INFO(loopfront::mapping::Describe(structure, problem));
    REQUIRE((structure.ok() || structure.violation == loopfront::mapping::Violation::kFanoutExceeded));
    if (space.Repair(rng, child)) {
      ++repaired;
      REQUIRE(space.IsWellFormed(child));
      REQUIRE(space.Fits(child));
      const auto check = loopfront::mapping::CheckMapping(space.Decode(child), problem);
      INFO(loopfront::mapping::Describe(check, problem));
      REQUIRE(check.ok());
    }
  }
  // With a DRAM of unbounded capacity, repair can always move factors outward.
  CHECK(repaired == 3000);
}

TEST_CASE("Mutations change the genome, each kind as described", "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=97 n=16 k=16");
  const Mapspace space = Mapspace::Build(problem);
  Rng rng(3);
  Genome genome;
  space.Sample(rng, genome);
  for (int round = 0; round < 200; ++round) {
    Genome mutated = genome;
    if (space.Mutate(MutationKind::kMoveFactor, rng, mutated)) CHECK_FALSE(mutated == genome);
    mutated = genome;
    if (space.Mutate(MutationKind::kSwapLoops, rng, mutated)) {
      CHECK(mutated.orders != genome.orders);
      CHECK(mutated.factor_slots == genome.factor_slots);
      CHECK_FALSE(space.Decode(mutated) == space.Decode(genome));
    }
    mutated = genome;
    if (space.Mutate(MutationKind::kFlipBypass, rng, mutated)) CHECK(mutated.keeps != genome.keeps);
    mutated = genome;
    REQUIRE(space.Mutate(MutationKind::kChangePadding, rng, mutated));
    CHECK(mutated.padding != genome.padding);
    space.Mutate(rng, genome);
  }
}

TEST_CASE("Enumeration by index visits exactly the reported number of mappings", "[search][mapspace]") {
  for (const char* spec : {"matmul m=4 n=4 k=4", "matmul m=8 n=6 k=4", "bmm b=2 h=1 m=4 n=2 k=4"}) {
    INFO(spec);
    const auto problem = SmallProblem(spec);
    const Mapspace space = Mapspace::Build(problem, {}, MapspaceOptions{.max_padding_waste = 0.3});
    REQUIRE(space.size().exact.has_value());
    std::uint64_t count = 0;
    std::set<std::vector<std::uint8_t>> seen;
    Genome genome;
    space.SetKeeps(0, genome);
    for (std::uint64_t config = 0; config < space.num_factor_configs(); ++config) {
      space.SetFactorConfig(config, genome);
      space.SetOrders(0, genome);
      REQUIRE(space.IsWellFormed(genome));
      count += space.NumOrders(genome) * space.num_bypass_choices();
    }
    CHECK(count == *space.size().exact);
    CHECK(space.size().log10 == Approx(std::log10(static_cast<double>(count))));
  }
}

TEST_CASE("The mapspace counts every distinct mapping once: an independent brute force agrees", "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=4 n=4 k=4");
  const Mapspace space = Mapspace::Build(problem, {}, kNoPadding);
  const int m = problem.DimIndex("m");
  const int n = problem.DimIndex("n");
  const int k = problem.DimIndex("k");
  // Slots, written out by hand from SmallArchitecture: temporal at DRAM, buffer, registers; the
  // buffer unrolls n on x and k on y (fanout 2 each); the registers feed one MAC each.
  struct Slot {
    int level;
    int kind;  // 0 temporal, 1 x, 2 y
  };
  const std::vector<Slot> temporal_slots = {{0, 0}, {1, 0}, {2, 0}};
  std::array<std::vector<Slot>, 3> dim_slots;
  dim_slots[m] = temporal_slots;
  dim_slots[n] = temporal_slots;
  dim_slots[n].push_back({1, 1});
  dim_slots[k] = temporal_slots;
  dim_slots[k].push_back({1, 2});
  std::array<std::vector<std::vector<std::int64_t>>, 3> factorizations;
  for (int dim = 0; dim < 3; ++dim) {
    std::vector<std::int64_t> prefix;
    OrderedFactorizations(4, static_cast<int>(dim_slots[dim].size()), prefix, factorizations[dim]);
  }
  std::vector<std::array<int, 3>> permutations;
  std::array<int, 3> permutation{0, 1, 2};
  do permutations.push_back(permutation);
  while (std::next_permutation(permutation.begin(), permutation.end()));

  const int weight = problem.TensorIndex("B");
  std::unordered_set<Mapping, loopfront::mapping::MappingHash> distinct;
  const loopfront::cost::DataflowModel model;
  double best_edp = std::numeric_limits<double>::infinity();
  for (const auto& fm : factorizations[m]) {
    for (const auto& fn : factorizations[n]) {
      for (const auto& fk : factorizations[k]) {
        // factor[level][kind][dim]
        std::array<std::array<std::array<std::int64_t, 3>, 3>, 3> factor{};
        for (auto& level : factor) {
          for (auto& kind : level) kind.fill(1);
        }
        const std::array<const std::vector<std::int64_t>*, 3> chosen{&fm, &fn, &fk};
        for (int dim = 0; dim < 3; ++dim) {
          for (std::size_t slot = 0; slot < dim_slots[dim].size(); ++slot) {
            factor[dim_slots[dim][slot].level][dim_slots[dim][slot].kind][dim] = (*chosen[dim])[slot];
          }
        }
        for (int buffer_keeps = 0; buffer_keeps < 8; ++buffer_keeps) {
          for (int register_keeps : {0, 1 << weight}) {
            for (const auto& order0 : permutations) {
              for (const auto& order1 : permutations) {
                for (const auto& order2 : permutations) {
                  const std::array<const std::array<int, 3>*, 3> orders{&order0, &order1, &order2};
                  Mapping mapping(3);
                  for (int level = 0; level < 3; ++level) {
                    for (int dim : *orders[level]) {
                      if (factor[level][0][dim] > 1) mapping.level(level).AddTemporal(dim, factor[level][0][dim]);
                    }
                    for (int kind = 1; kind <= 2; ++kind) {
                      for (int dim = 0; dim < 3; ++dim) {
                        if (factor[level][kind][dim] > 1) {
                          mapping.level(level).AddSpatial(
                              dim, factor[level][kind][dim],
                              kind == 1 ? loopfront::mapping::Axis::kX : loopfront::mapping::Axis::kY);
                        }
                      }
                    }
                  }
                  mapping.level(0).SetKeeps(problem.all_tensors());
                  mapping.level(1).SetKeeps(static_cast<loopfront::mapping::TensorMask>(buffer_keeps));
                  mapping.level(2).SetKeeps(static_cast<loopfront::mapping::TensorMask>(register_keeps));
                  if (!distinct.insert(mapping).second) continue;
                  const auto cost = model.Evaluate(problem, mapping);
                  if (cost.feasible) best_edp = std::min(best_edp, cost.edp_pj_cycles);
                }
              }
            }
          }
        }
      }
    }
  }
  REQUIRE(space.size().exact.has_value());
  CHECK(distinct.size() == *space.size().exact);

  // Every enumerated genome decodes to one of those mappings, and no two to the same one.
  std::unordered_set<Mapping, loopfront::mapping::MappingHash> enumerated;
  Genome genome;
  double enumerated_best = std::numeric_limits<double>::infinity();
  for (std::uint64_t config = 0; config < space.num_factor_configs(); ++config) {
    space.SetFactorConfig(config, genome);
    for (std::uint64_t bypass = 0; bypass < space.num_bypass_choices(); ++bypass) {
      space.SetKeeps(bypass, genome);
      for (std::uint64_t order = 0; order < space.NumOrders(genome); ++order) {
        space.SetOrders(order, genome);
        const Mapping mapping = space.Decode(genome);
        REQUIRE(distinct.count(mapping) == 1);
        REQUIRE(enumerated.insert(mapping).second);
        const auto cost = model.Evaluate(problem, mapping);
        if (cost.feasible) enumerated_best = std::min(enumerated_best, cost.edp_pj_cycles);
      }
    }
  }
  CHECK(enumerated.size() == distinct.size());
  CHECK(enumerated_best == best_edp);
  // The exhaustive searcher finds the brute force's optimum and visits every mapping.
  loopfront::search::SearchOptions options;
  options.threads = 2;
  const auto result = loopfront::search::BuiltinSearchers().Create("exhaustive")->Search(space, model, options);
  REQUIRE_FALSE(result.front.empty());
  CHECK(result.front.Knee()->objectives.EdpPjCycles() == best_edp);
  CHECK(result.statistics.evaluations == static_cast<std::int64_t>(distinct.size()));
}

TEST_CASE("Uniform sampling covers every factorization of a dim about equally", "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=8 n=2 k=2");
  const Mapspace space = Mapspace::Build(problem, {}, kNoPadding);
  const int m = problem.DimIndex("m");
  // m = 2^3 over 3 temporal slots: C(5, 2) = 10 exponent distributions.
  std::map<std::array<std::uint8_t, 3>, int> counts;
  Rng rng(11);
  Genome genome;
  constexpr int kSamples = 20000;
  for (int sample = 0; sample < kSamples; ++sample) {
    space.Sample(rng, genome);
    counts[{genome.factor_slots[m][0], genome.factor_slots[m][1], genome.factor_slots[m][2]}]++;
  }
  REQUIRE(counts.size() == 10);
  for (const auto& [slots, count] : counts) CHECK(std::abs(count - kSamples / 10) < 300);
}

TEST_CASE("Mapspace sizes grow as expected and are reported in log10 beyond 64 bits", "[search][mapspace]") {
  const auto problem = SmallProblem("matmul m=512 n=768 k=768");
  const Mapspace space = Mapspace::Build(problem);
  CHECK(space.size().log10 > 9.0);
  CHECK(space.size().log10_factor_configs > 5.0);
  const auto big = SmallProblem("bmm b=4 h=12 m=4096 n=4096 k=128");
  const Mapspace big_space = Mapspace::Build(big);
  CHECK(big_space.size().log10 > 12.0);
  CHECK(std::isfinite(big_space.size().log10));
}

TEST_CASE("A vector op gets a mapspace over its own dims", "[search][mapspace]") {
  const auto problem = SmallProblem("softmax m=64 n=128");
  const Mapspace space = Mapspace::Build(problem);
  CHECK(space.size().exact.has_value());
  Rng rng(5);
  Genome genome;
  for (int sample = 0; sample < 200; ++sample) {
    space.Sample(rng, genome);
    space.Repair(rng, genome);
    REQUIRE(loopfront::mapping::CheckMapping(space.Decode(genome), problem).ok());
  }
}

TEST_CASE("Spatial factors beyond the loops a level holds run temporally, and Repair makes that explicit",
          "[search][mapspace]") {
  // Every role on both axes of a 4×4 fanout: a 5-dim op can ask for more than
  // kMaxSpatialLoopsPerLevel spatial loops at one level.
  auto architecture = SmallArchitecture();
  architecture.levels[1].spatial_x_dim_roles = loopfront::arch::kAllDimRoles;
  architecture.levels[1].spatial_y_dim_roles = loopfront::arch::kAllDimRoles;
  architecture.levels[2].mesh_x = 4;
  architecture.levels[2].mesh_y = 4;
  architecture.levels[2].instances = 16;
  architecture.mac.mesh_x = 4;
  architecture.mac.mesh_y = 4;
  architecture.mac.instances = 16;
  const auto problem = SmallProblem("bmm b=4 h=4 m=4 n=4 k=4", architecture);
  const Mapspace space = Mapspace::Build(problem);
  Rng rng(9);
  Genome genome;
  int crowded = 0;
  for (int sample = 0; sample < 5000; ++sample) {
    space.Sample(rng, genome);
    int spatial_dims = 0;
    for (int dim = 0; dim < problem.num_dims(); ++dim) {
      for (int kind = 1; kind <= 2; ++kind) {
        const int slot = loopfront::search::SlotId(1, static_cast<loopfront::search::SlotKind>(kind));
        bool used = false;
        for (int index = 0; index < space.padding_candidate(dim, genome.padding[dim]).num_factors; ++index) {
          used |= genome.factor_slots[dim][index] == slot;
        }
        spatial_dims += used;
      }
    }
    crowded += spatial_dims > loopfront::mapping::kMaxSpatialLoopsPerLevel;
    const Mapping decoded = space.Decode(genome);
    CHECK(decoded.level(1).spatial().size() <= static_cast<std::size_t>(loopfront::mapping::kMaxSpatialLoopsPerLevel));
    REQUIRE(space.Repair(rng, genome));
    REQUIRE(space.IsWellFormed(genome));
    const auto check = loopfront::mapping::CheckMapping(space.Decode(genome), problem);
    INFO(loopfront::mapping::Describe(check, problem));
    REQUIRE(check.ok());
  }
  CHECK(crowded > 0);
}

TEST_CASE("Buffering genes: sampled, mutated, crossed, counted and enumerated with the bypass choices",
          "[search][mapspace]") {
  loopfront::arch::Architecture architecture = SmallArchitecture();
  architecture.levels[1].buffering = static_cast<loopfront::arch::BufferingMask>(loopfront::arch::kSingleBuffering |
                                                                                 loopfront::arch::kDoubleBuffering);
  const auto problem = SmallProblem("matmul m=4 n=4 k=4", architecture);
  const Mapspace space = Mapspace::Build(problem);
  const Mapspace ideal = Mapspace::Build(SmallProblem("matmul m=4 n=4 k=4"));
  // One more binary choice: twice the storage choices and twice the space.
  CHECK(space.num_bypass_choices() == 2 * ideal.num_bypass_choices());
  REQUIRE(space.size().exact.has_value());
  CHECK(*space.size().exact == 2 * *ideal.size().exact);

  // Sampling and mutation reach both values; every decoded mapping says what the genome says.
  Rng rng(11);
  Genome genome;
  Genome other;
  Genome child;
  std::array<int, 2> sampled{};
  for (int round = 0; round < 400; ++round) {
    space.Sample(rng, genome);
    space.Sample(rng, other);
    REQUIRE(space.IsWellFormed(genome));
    ++sampled[space.DoubleBuffered(genome, 1)];
    space.Crossover(genome, other, rng, child);
    REQUIRE(space.IsWellFormed(child));
    CHECK((space.DoubleBuffered(child, 1) == space.DoubleBuffered(genome, 1) ||
           space.DoubleBuffered(child, 1) == space.DoubleBuffered(other, 1)));
    REQUIRE(space.Mutate(MutationKind::kFlipBypass, rng, child));
    REQUIRE(space.IsWellFormed(child));
    CHECK(space.Decode(child).level(1).double_buffered() == space.DoubleBuffered(child, 1));
    CHECK_FALSE(space.Decode(child).level(0).double_buffered());
    if (space.Repair(rng, child)) {
      const auto check = loopfront::mapping::CheckMapping(space.Decode(child), problem);
      INFO(loopfront::mapping::Describe(check, problem));
      REQUIRE(check.ok());
    }
  }
  CHECK(sampled[0] > 150);
  CHECK(sampled[1] > 150);
  // The ideal space has no gene: no genome of it may double-buffer.
  ideal.Sample(rng, genome);
  genome.double_buffered = 2;
  CHECK_FALSE(ideal.IsWellFormed(genome));

  // Enumeration: the storage choices split evenly between single and double buffering.
  std::array<std::uint64_t, 2> enumerated{};
  for (std::uint64_t index = 0; index < space.num_bypass_choices(); ++index) {
    space.SetKeeps(index, genome);
    REQUIRE(space.IsWellFormed(genome));
    ++enumerated[space.DoubleBuffered(genome, 1)];
  }
  CHECK(enumerated[0] == enumerated[1]);
}

TEST_CASE("Required keeps: a contraction's staged tensors are no bypass genes, vector ops stay free",
          "[search][mapspace]") {
  loopfront::arch::Architecture architecture = SmallArchitecture();
  // The buffer must stage inputs and weights for the array; outputs stay a choice.
  architecture.levels[1].required_roles =
      static_cast<loopfront::arch::RoleMask>(loopfront::arch::RoleBit(loopfront::workload::TensorRole::kInput) |
                                             loopfront::arch::RoleBit(loopfront::workload::TensorRole::kWeight));
  const auto problem = SmallProblem("matmul m=4 n=4 k=4", architecture);
  const Mapspace space = Mapspace::Build(problem);
  const Mapspace free_space = Mapspace::Build(SmallProblem("matmul m=4 n=4 k=4"));
  // Two bypass bits (A and B at the buffer) fewer.
  CHECK(4 * space.num_bypass_choices() == free_space.num_bypass_choices());
  const int a = problem.TensorIndex("A");
  const int b = problem.TensorIndex("B");
  Rng rng(5);
  Genome genome;
  for (int round = 0; round < 200; ++round) {
    space.Sample(rng, genome);
    space.Mutate(MutationKind::kFlipBypass, rng, genome);
    REQUIRE(space.IsWellFormed(genome));
    const Mapping mapping = space.Decode(genome);
    CHECK(mapping.level(1).Keeps(a));
    CHECK(mapping.level(1).Keeps(b));
  }
  // A mapping that bypasses one of them is invalid.
  REQUIRE(space.Repair(rng, genome));
  Mapping bypassing = space.Decode(genome);
  bypassing.level(1).SetKeep(b, false);
  const auto check = loopfront::mapping::CheckStructure(bypassing, problem);
  CHECK(check.violation == loopfront::mapping::Violation::kRequiredTensorBypassed);
  CHECK(check.tensor == b);
  // Vector ops are not bound: their input may bypass the buffer.
  const auto vector_problem = SmallProblem("add m=4 n=4", architecture);
  CHECK(vector_problem.level(1).must_keep == 0);
}
