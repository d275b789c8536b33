// The constraint kinds Timeloop's constraints need (mapping/constraints.h): factor bounds, `rest`,
// order_inner, spatial_axes, must_keep and bypass — honoured by every operation of the mapspace and
// by every searcher, and counted exactly by size().
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::mapping::Axis;
using loopfront::mapping::Constraints;
using loopfront::mapping::Mapping;
using loopfront::search::Genome;
using loopfront::search::Mapspace;
using loopfront::testing::SmallProblem;

namespace {

constexpr loopfront::search::MapspaceOptions kNoPadding{.max_padding_waste = 0.0};

Constraints Resolve(const std::string& text, const loopfront::mapping::Problem& problem) {
  return loopfront::testing::ResolveConstraintsText(text, problem);
}

std::vector<std::string> Errors(const std::string& text, const loopfront::mapping::Problem& problem) {
  std::vector<std::string> messages;
  try {
    Resolve(text, problem);
  } catch (const loopfront::util::ConfigError& error) {
    for (const auto& diagnostic : error.diagnostics()) messages.push_back(diagnostic.ToString());
  }
  return messages;
}

std::int64_t TemporalFactor(const Mapping& mapping, int level_idx, int dim) {
  std::int64_t factor = 1;
  for (const auto& loop : mapping.level(level_idx).temporal()) {
    if (loop.dim == dim) factor *= loop.factor;
  }
  return factor;
}

std::int64_t SpatialFactor(const Mapping& mapping, int level_idx, int dim, std::optional<Axis> axis = std::nullopt) {
  std::int64_t factor = 1;
  for (const auto& loop : mapping.level(level_idx).spatial()) {
    if (loop.dim == dim && (!axis || loop.axis == *axis)) factor *= loop.factor;
  }
  return factor;
}

// Every distinct mapping of a space by enumeration (factor configs × orders × bypass choices).
std::uint64_t EnumeratedCount(const Mapspace& space) {
  std::uint64_t count = 0;
  Genome genome;
  space.SetKeeps(0, genome);
  for (std::uint64_t config = 0; config < space.num_factor_configs(); ++config) {
    space.SetFactorConfig(config, genome);
    space.SetOrders(0, genome);
    REQUIRE(space.IsWellFormed(genome));
    count += space.NumOrders(genome) * space.num_bypass_choices();
  }
  return count;
}

const char* const kBoundedConstraints = R"(
levels:
  DRAM:
    temporal: {m: {max: 4}}
  buffer:
    temporal: {k: {min: 2}, n: {min: 2, max: 8}}
    spatial: {n: {max: 1}}
)";

}  // namespace

TEST_CASE("Factor bounds: a hand-counted space", "[search][constraints]") {
  // m = 8 = 2³ may go to the DRAM and the buffer temporal loops only: (8,1) (4,2) (2,4) (1,8);
  // the buffer's {min: 2, max: 4} keeps (4,2) and (2,4).
  const auto problem = SmallProblem("matmul m=8 n=1 k=1");
  const std::string closed = R"(
levels:
  registers: {temporal: {m: 1}, spatial_x: {m: 1}, spatial_y: {m: 1}}
  buffer: {spatial_x: {m: 1}, spatial_y: {m: 1}%s}
)";
  auto with = [&](const std::string& extra) {
    std::string text = closed;
    text.replace(text.find("%s"), 2, extra);
    return Resolve(text, problem);
  };
  const Mapspace free_space = Mapspace::Build(problem, with(""), kNoPadding);
  const int m = problem.DimIndex("m");
  REQUIRE(free_space.num_open_slots(m) == 2);
  REQUIRE(free_space.num_factor_configs() == 4);
  const Mapspace bounded = Mapspace::Build(problem, with(", temporal: {m: {min: 2, max: 4}}"), kNoPadding);
  CHECK(bounded.num_factor_configs() == 2);
  REQUIRE(bounded.size().exact.has_value());
  REQUIRE(free_space.size().exact.has_value());
  // One loop per level at most: one order each; the bypass choices are the same.
  CHECK(*bounded.size().exact == 2 * bounded.num_bypass_choices());
  CHECK(*free_space.size().exact == 4 * free_space.num_bypass_choices());
  CHECK(EnumeratedCount(bounded) == *bounded.size().exact);
  std::set<std::int64_t> buffer_factors;
  Genome genome;
  for (std::uint64_t config = 0; config < bounded.num_factor_configs(); ++config) {
    bounded.SetFactorConfig(config, genome);
    bounded.SetOrders(0, genome);
    buffer_factors.insert(TemporalFactor(bounded.Decode(genome), 1, m));
  }
  CHECK(buffer_factors == std::set<std::int64_t>{2, 4});
}

TEST_CASE("Factor bounds: size() is the number of the free space's mappings within them", "[search][constraints]") {
  for (const char* spec : {"matmul m=8 n=8 k=4", "matmul m=12 n=8 k=6"}) {
    INFO(spec);
    const auto problem = SmallProblem(spec);
    const Constraints constraints = Resolve(kBoundedConstraints, problem);
    const Mapspace bounded = Mapspace::Build(problem, constraints, kNoPadding);
    const Mapspace free_space = Mapspace::Build(problem, {}, kNoPadding);
    // Brute force over the free space: its factor configurations whose mapping is within the bounds.
    const int m = problem.DimIndex("m");
    const int n = problem.DimIndex("n");
    const int k = problem.DimIndex("k");
    std::uint64_t expected = 0;
    Genome genome;
    free_space.SetKeeps(0, genome);
    for (std::uint64_t config = 0; config < free_space.num_factor_configs(); ++config) {
      free_space.SetFactorConfig(config, genome);
      free_space.SetOrders(0, genome);
      const Mapping mapping = free_space.Decode(genome);
      if (TemporalFactor(mapping, 0, m) > 4) continue;
      if (TemporalFactor(mapping, 1, k) < 2) continue;
      if (TemporalFactor(mapping, 1, n) < 2 || TemporalFactor(mapping, 1, n) > 8) continue;
      if (SpatialFactor(mapping, 1, n) > 1) continue;
      expected += free_space.NumOrders(genome) * free_space.num_bypass_choices();
    }
    REQUIRE(bounded.size().exact.has_value());
    CHECK(*bounded.size().exact == expected);
    CHECK(EnumeratedCount(bounded) == expected);
  }
}

TEST_CASE("Factor bounds hold in every sample, mutation and crossover, and a repair that leaves them is reported",
          "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=16 n=32 k=8");
  const Mapspace space = Mapspace::Build(problem, Resolve(kBoundedConstraints, problem));
  REQUIRE(space.has_factor_bounds());
  const int m = problem.DimIndex("m");
  const int n = problem.DimIndex("n");
  const int k = problem.DimIndex("k");
  auto within = [&](const Mapping& mapping) {
    return TemporalFactor(mapping, 0, m) <= 4 && TemporalFactor(mapping, 1, k) >= 2 &&
           TemporalFactor(mapping, 1, n) >= 2 && TemporalFactor(mapping, 1, n) <= 8 &&
           SpatialFactor(mapping, 1, n) == 1;
  };
  loopfront::util::Rng rng(7);
  Genome first;
  Genome second;
  Genome child;
  int mutated = 0;
  int repaired_out = 0;
  for (int sample = 0; sample < 2000; ++sample) {
    space.Sample(rng, first);
    REQUIRE(space.IsWellFormed(first));
    REQUIRE(within(space.Decode(first)));
    mutated += space.Mutate(rng, first) ? 1 : 0;
    REQUIRE(space.IsWellFormed(first));
    REQUIRE(within(space.Decode(first)));
    space.Sample(rng, second);
    space.Crossover(first, second, rng, child);
    REQUIRE(space.IsWellFormed(child));
    REQUIRE(within(space.Decode(child)));
    space.Repair(rng, child);
    // Either within the bounds, or reported as outside them.
    const bool inside = within(space.Decode(child));
    CHECK(inside == space.WithinBounds(child));
    if (!inside) {
      ++repaired_out;
      CHECK(space.CheckFit(child) == loopfront::mapping::Violation::kFactorOutOfBounds);
    }
  }
  CHECK(mutated > 1500);
  INFO(repaired_out);
}

TEST_CASE("Every searcher emits only mappings within the constraints", "[search][constraints][searchers]") {
  const auto problem = SmallProblem("matmul m=8 n=8 k=4");
  const Constraints constraints = Resolve(R"(
levels:
  DRAM:
    temporal: {m: {max: 4}}
  buffer:
    temporal: {k: {min: 2}, n: rest}
    order_inner: [k, n]
    must_keep: [A]
    bypass: [Z]
)",
                                          problem);
  const Mapspace space = Mapspace::Build(problem, constraints, kNoPadding);
  const int m = problem.DimIndex("m");
  const int n = problem.DimIndex("n");
  const int k = problem.DimIndex("k");
  const loopfront::cost::DataflowModel model;
  loopfront::search::SearchOptions options;
  options.threads = 2;
  options.budget.max_evaluations = 20000;
  for (const std::string name : {"random", "genetic", "annealing", "exhaustive"}) {
    INFO(name);
    const auto result = loopfront::search::BuiltinSearchers().Create(name, {})->Search(space, model, options);
    REQUIRE_FALSE(result.front.empty());
    for (const auto& point : result.front.points()) {
      const Mapping& mapping = point.payload;
      CHECK(TemporalFactor(mapping, 0, m) <= 4);
      CHECK(TemporalFactor(mapping, 1, k) >= 2);
      // order_inner: k then n innermost at the buffer (n last when it loops there).
      std::vector<int> dims;
      for (const auto& loop : mapping.level(1).temporal()) dims.push_back(loop.dim);
      if (TemporalFactor(mapping, 1, n) > 1) {
        CHECK(dims.back() == n);
        CHECK(dims[dims.size() - 2] == k);
      } else {
        CHECK(dims.back() == k);
      }
      CHECK((mapping.level(1).keeps() >> problem.TensorIndex("A") & 1u) == 1u);
      CHECK((mapping.level(1).keeps() >> problem.TensorIndex("Z") & 1u) == 0u);
      CHECK(loopfront::mapping::CheckConstraints(mapping, constraints, problem).empty());
    }
  }
}

TEST_CASE("CheckConstraints names each way a mapping breaks its constraints", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=8 n=8 k=4");
  const Constraints constraints = Resolve(R"(
levels:
  DRAM: {temporal: {m: {max: 2}}, order_inner: [n]}
  buffer: {spatial: {n: {min: 2}}, must_keep: [A], bypass: [Z], spatial_axes: {k: y}}
)",
                                          problem);
  // DRAM loops m4 then n2 (m innermost); the buffer keeps B only and unrolls nothing.
  Mapping mapping(problem.num_levels());
  mapping.level(0).AddTemporal(problem.DimIndex("n"), 2);
  mapping.level(0).AddTemporal(problem.DimIndex("m"), 4);
  mapping.level(0).SetKeeps(0b111);
  mapping.level(1).AddTemporal(problem.DimIndex("n"), 4);
  mapping.level(1).AddTemporal(problem.DimIndex("m"), 2);
  mapping.level(1).AddTemporal(problem.DimIndex("k"), 4);
  mapping.level(1).SetKeeps(
      static_cast<loopfront::mapping::TensorMask>((1u << problem.TensorIndex("B")) | (1u << problem.TensorIndex("Z"))));
  std::vector<std::string> messages;
  for (const auto& violation : loopfront::mapping::CheckConstraints(mapping, constraints, problem)) {
    messages.push_back(std::to_string(violation.level) + ": " + violation.message);
  }
  CHECK(messages == std::vector<std::string>{
                        "0: has the temporal factor 4 for m, outside its bounds (min 1, max 2)",
                        "0: has temporal loops that do not end with [n] (order_inner)",
                        "1: has the spatial factor 1 for n, outside its bounds (min 2, max none)",
                        "1: bypasses A, which it must keep",
                        "1: keeps Z, which it must bypass",
                    });
}

TEST_CASE("spatial_axes keeps a dim on one axis and order_inner counts and enumerates", "[search][constraints]") {
  // The buffer unrolls n (an output column) along x and k (the reduction) down y: naming those axes
  // is accepted, naming y for n is refused.
  const auto problem = SmallProblem("matmul m=4 n=8 k=4");
  CHECK_NOTHROW(Resolve("levels: {buffer: {spatial_axes: {k: y, n: x}}}", problem));
  CHECK_THAT(Errors("levels: {buffer: {spatial_axes: {n: y}}}", problem).front(),
             Catch::Contains("expected a dim that level buffer may unroll on axis y, got 'n'"));
  // order_inner: the free orders of the buffer lose the listed dims, the count agrees with enumeration.
  const Mapspace space = Mapspace::Build(problem, Resolve("levels: {buffer: {order_inner: [m]}}", problem), kNoPadding);
  REQUIRE(space.size().exact.has_value());
  CHECK(EnumeratedCount(space) == *space.size().exact);
  const Mapspace free_space = Mapspace::Build(problem, {}, kNoPadding);
  CHECK(*space.size().exact < *free_space.size().exact);
  loopfront::util::Rng rng(5);
  Genome genome;
  for (int sample = 0; sample < 300; ++sample) {
    space.Sample(rng, genome);
    space.Mutate(rng, genome);
    REQUIRE(space.IsWellFormed(genome));
    const Mapping mapping = space.Decode(genome);
    if (TemporalFactor(mapping, 1, problem.DimIndex("m")) > 1) {
      CHECK(mapping.level(1).temporal().back().dim == problem.DimIndex("m"));
    }
  }
}

TEST_CASE("Errors of the new constraint kinds are positioned", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=16 n=32 k=8");
  const auto errors = Errors(R"(levels:
  buffer:
    temporal: {m: {min: 4, max: 2}}
    spatial_y: {n: rest}
    spatial: {k: {min: 8}}
    order: [m]
    order_inner: [m]
    keeps: [A]
    must_keep: [B]
  registers:
    must_keep: [A]
    bypass: [B]
)",
                             problem);
  // min > max is a parse error, so resolving stops there.
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("c.yaml:3:19: levels.buffer.temporal.m: expected bounds with min ≤ max"));
  const auto resolved = Errors(R"(levels:
  buffer:
    spatial_y: {n: rest}
    spatial: {k: {min: 8}}
    order: [m]
    order_inner: [m]
    keeps: [A]
    must_keep: [B]
  registers:
    must_keep: [A]
    bypass: [B]
)",
                               problem);
  REQUIRE(resolved.size() == 5);
  CHECK(resolved[0].starts_with("c.yaml:3:17: levels.buffer.spatial_y.n: expected `rest` where dim 'n' may go"));
  CHECK(resolved[1].find("expected a minimum ≤ the fanout 4 of level buffer in spatial, got 8") != std::string::npos);
  CHECK(resolved[2].find("got 'm' twice") != std::string::npos);
  CHECK(resolved[3].find("expected either `keeps` (the exact set) or `must_keep`/`bypass`") != std::string::npos);
  CHECK(resolved[4].starts_with(
      "c.yaml:10:17: levels.registers.must_keep[0]: expected tensors level registers may keep"));
  // A bound no factorization meets is the mapspace's error.
  CHECK_THROWS_WITH(
      Mapspace::Build(problem, Resolve("levels: {buffer: {temporal: {m: {min: 5, max: 7}}}}", problem), kNoPadding),
      Catch::Contains("dim m of size 16 cannot be mapped: no way to spread its factors"));
}
