#include "loopfront/mapping/constraints.h"

#include <catch2/catch.hpp>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/check.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::mapping::Constraints;
using loopfront::search::Genome;
using loopfront::search::Mapspace;
using loopfront::testing::SmallProblem;

namespace {

loopfront::mapping::ConstraintsSpec Parse(const std::string& text, loopfront::util::Diagnostics& diagnostics) {
  const auto document = loopfront::io::YamlDocument::LoadString(text, "c.yaml", diagnostics);
  return loopfront::mapping::ParseConstraints(document.root());
}

Constraints Resolve(const std::string& text, const loopfront::mapping::Problem& problem) {
  loopfront::util::Diagnostics diagnostics;
  const auto spec = Parse(text, diagnostics);
  diagnostics.ThrowIfAny();
  return loopfront::mapping::ResolveConstraints(spec, problem);
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

}  // namespace

TEST_CASE("Constraints fix factors, orders and keeps in every sample", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=16 n=32 k=8");
  const Constraints constraints = Resolve(R"(
levels:
  registers:
    temporal: {m: 1, n: 1, k: 1}
  buffer:
    spatial_x: {n: 2}
    order: [k, m]
    keeps: [input, B]
)",
                                          problem);
  const Mapspace space = Mapspace::Build(problem, constraints);
  loopfront::util::Rng rng(1);
  Genome genome;
  const int m = problem.DimIndex("m");
  const int n = problem.DimIndex("n");
  const int k = problem.DimIndex("k");
  for (int sample = 0; sample < 500; ++sample) {
    space.Sample(rng, genome);
    space.Mutate(rng, genome);
    space.Repair(rng, genome);
    REQUIRE(space.IsWellFormed(genome));
    const auto mapping = space.Decode(genome);
    REQUIRE(loopfront::mapping::CheckStructure(mapping, problem).ok());
    CHECK(mapping.level(2).temporal().empty());
    bool has_n2 = false;
    for (const auto& loop : mapping.level(1).spatial()) {
      if (loop.axis == loopfront::mapping::Axis::kX) {
        CHECK(loop.dim == n);
        CHECK(loop.factor == 2);
        has_n2 = true;
      }
    }
    CHECK(has_n2);
    // k then m outermost at the buffer, when they loop there.
    std::vector<int> dims;
    for (const auto& loop : mapping.level(1).temporal()) dims.push_back(loop.dim);
    const auto k_at = std::find(dims.begin(), dims.end(), k);
    const auto m_at = std::find(dims.begin(), dims.end(), m);
    if (k_at != dims.end() && m_at != dims.end()) CHECK(k_at < m_at);
    if (!dims.empty() && dims.front() != k && dims.front() != m) {
      CHECK(std::find(dims.begin(), dims.end(), k) == dims.end());
      CHECK(std::find(dims.begin(), dims.end(), m) == dims.end());
    }
    CHECK(mapping.level(1).keeps() == ((1u << problem.TensorIndex("A")) | (1u << problem.TensorIndex("B"))));
  }
}

TEST_CASE("Constraint errors are positioned, collected and suggest names", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=16 n=32 k=8");
  const auto errors = Errors(R"(levels:
  bufer:
    order: [k]
  buffer:
    temporal: {q: 2}
    spatial_y: {n: 2}
    order: [k, k]
    keeps: [Z, accumulator]
  registers:
    keeps: [A]
)",
                             problem);
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].starts_with("c.yaml:2:3: levels.bufer: expected a level of architecture small3"));
  CHECK(errors[0].find("did you mean 'buffer'?") != std::string::npos);
  CHECK(errors[1].starts_with("c.yaml:5:16: levels.buffer.temporal.q: expected a dim of op matmul (m, n, k)"));
  CHECK(errors[2].find("expected a dim that level buffer may unroll on axis y, got 'n'") != std::string::npos);
  CHECK(errors[3].find("got 'k' twice") != std::string::npos);
  CHECK(errors[4].find("expected a tensor of op matmul or a role") != std::string::npos);
  CHECK(errors[5].starts_with("c.yaml:10:13: levels.registers.keeps[0]: expected tensors level registers may keep"));

  const auto yaml_errors = [&] {
    loopfront::util::Diagnostics diagnostics;
    Parse("levels:\n  buffer:\n    temporal: {m: 0}\n    orders: [m]\n", diagnostics);
    return diagnostics.size();
  }();
  CHECK(yaml_errors == 2);
}

TEST_CASE("Fixed factors that cannot cover a dim are a configuration error", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=12 n=32 k=8");
  const Constraints constraints = Resolve("levels:\n  DRAM:\n    temporal: {m: 5}\n", problem);
  CHECK_THROWS_WITH(Mapspace::Build(problem, constraints, {.max_padding_waste = 0.0}),
                    Catch::Contains("dim m of size 12 cannot be mapped"));
  // With padding, 15 = 5 × 3 is within 20% of 12.
  const Mapspace padded = Mapspace::Build(problem, constraints, {.max_padding_waste = 0.2});
  CHECK(padded.padding_candidate(problem.DimIndex("m"), 0).padded_size == 15);
}

// Resolved with the search's padding limit, the same case is refused at the factor, with its
// position, and agrees with the mapspace on every limit: what resolves, builds.
TEST_CASE("Fixed factors that divide no padded size are refused where they are written", "[search][constraints]") {
  const auto problem = SmallProblem("matmul m=12 n=32 k=8");
  auto resolve = [&](const std::string& text, double max_padding_waste) {
    loopfront::util::Diagnostics diagnostics;
    const auto spec = Parse(text, diagnostics);
    diagnostics.ThrowIfAny();
    return loopfront::mapping::ResolveConstraints(spec, problem, {.max_padding_waste = max_padding_waste});
  };
  auto first_error = [&](const std::string& text, double max_padding_waste) {
    try {
      resolve(text, max_padding_waste);
    } catch (const loopfront::util::ConfigError& error) {
      return error.diagnostics().front().ToString();
    }
    return std::string();
  };
  const std::string five = "levels:\n  DRAM:\n    temporal: {m: 5}\n";
  CHECK(first_error(five, 0.0) ==
        "c.yaml:3:16: levels.DRAM.temporal.m: expected fixed factors of dim 'm' whose product divides its size 12 "
        "(max_padding_waste 0 allows no padding), got 5 (product 5)");
  const Constraints padded = resolve(five, 0.2);  // 15 is within 20% of 12
  CHECK_NOTHROW(Mapspace::Build(problem, padded, {.max_padding_waste = 0.2}));
  // Each factor alone fits, the product (4 × 3 × 2 = 24 > 15) does not: reported at the one that
  // makes it so, whichever kind fixes it (a number, min = max, a `spatial` number).
  const std::string product =
      "levels:\n  DRAM:\n    temporal: {m: 4}\n  buffer:\n    temporal: {m: {min: 3, max: 3}}\n"
      "  registers:\n    temporal: {m: 2}\n";
  CHECK(first_error(product, 0.2).starts_with("c.yaml:7:16: levels.registers.temporal.m: expected fixed factors of "
                                              "dim 'm' whose product divides its size 12 or a padded size up to 15"));
  CHECK(first_error(product, 0.2).ends_with("got 4 × 3 × 2 (product 24)"));
  // Without the padding limit (eval checks one mapping), no fit check.
  CHECK_NOTHROW(Resolve(five, problem));
  // The mapspace agrees with the check on the edges: 2 × 3 = 6 divides 12; 7 divides 14 ≤ 15.
  for (const auto& [text, max_padding_waste] : std::vector<std::pair<std::string, double>>{
           {"levels:\n  DRAM:\n    temporal: {m: 2}\n  buffer:\n    temporal: {m: 3}\n", 0.0},
           {"levels:\n  DRAM:\n    temporal: {m: 7}\n", 0.2}}) {
    const Constraints constraints = resolve(text, max_padding_waste);
    CHECK_NOTHROW(Mapspace::Build(problem, constraints, {.max_padding_waste = max_padding_waste}));
  }
}

TEST_CASE("Fixed factors whose product overflows are a configuration error of the mapspace", "[search][constraints]") {
  // Constraints built in code pass no loader: the mapspace checks the product itself.
  const auto problem = SmallProblem("matmul m=12 n=32 k=8");
  Constraints constraints;
  const int m = problem.DimIndex("m");
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    constraints.levels[level_idx].temporal_factor[m] = std::int64_t{1} << 40;
  }
  CHECK_THROWS_WITH(Mapspace::Build(problem, constraints, {.max_padding_waste = 0.0}),
                    Catch::Contains("dim m has fixed factors whose product overflows"));
}

TEST_CASE("A buffering constraint fixes a level's buffering choice", "[search][constraints]") {
  loopfront::arch::Architecture architecture = loopfront::testing::SmallArchitecture();
  architecture.levels[1].buffering = static_cast<loopfront::arch::BufferingMask>(loopfront::arch::kSingleBuffering |
                                                                                 loopfront::arch::kDoubleBuffering);
  const auto problem = SmallProblem("matmul m=16 n=32 k=8", architecture);
  const Mapspace free_space = Mapspace::Build(problem);
  const Mapspace space = Mapspace::Build(problem, Resolve("levels: {buffer: {buffering: single}}", problem));
  // One binary gene fewer.
  CHECK(2 * space.num_bypass_choices() == free_space.num_bypass_choices());
  loopfront::util::Rng rng(3);
  Genome genome;
  for (int sample = 0; sample < 200; ++sample) {
    space.Sample(rng, genome);
    space.Mutate(rng, genome);
    REQUIRE(space.IsWellFormed(genome));
    CHECK_FALSE(space.Decode(genome).level(1).double_buffered());
  }
  // Only a level offering the buffering may be constrained to it.
  CHECK_THAT(Errors("levels: {DRAM: {buffering: double}}", problem).front(),
             Catch::Contains("c.yaml:1:28: levels.DRAM.buffering: expected a buffering level DRAM offers (none: it "
                             "has no `buffering` key), got 'double'"));
  CHECK_THAT(Errors("levels: {buffer: {buffering: twice}}", problem).front(),
             Catch::Contains("expected one of single, double, got 'twice'"));
}

TEST_CASE("A keeps constraint must include the tensors the architecture requires there", "[search][constraints]") {
  loopfront::arch::Architecture architecture = loopfront::testing::SmallArchitecture();
  architecture.levels[1].required_roles = loopfront::arch::RoleBit(loopfront::workload::TensorRole::kWeight);
  const auto problem = SmallProblem("matmul m=16 n=32 k=8", architecture);
  CHECK_THAT(Errors("levels: {buffer: {keeps: [A]}}", problem).front(),
             Catch::Contains("c.yaml:1:27: levels.buffer.keeps[0]: expected keeps that include tensor B, which level "
                             "buffer must keep for the PE array"));
  CHECK_NOTHROW(Resolve("levels: {buffer: {keeps: [A, B]}}", problem));
}
