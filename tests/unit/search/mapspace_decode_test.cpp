// Decode into a reused mapping (issue #16): Decode resets the caller's mapping in place
// (mapping::Mapping::Reset) and appends loops through the inline fast path of AddTemporal and
// AddSpatial, so a mapping that held another genome's loops, or more levels, must come out exactly
// as a fresh decode, and the appends must still refuse what they refused before.
#include <catch2/catch.hpp>

#include "loopfront/arch/loader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/search/search_fixtures.h"

namespace loopfront::testing {
namespace {

search::Mapspace BuildMapspace(const char* architecture_name, const char* spec) {
  return search::Mapspace::Build(
      mapping::Problem::Build(workload::ParseOpSpec(spec), arch::LoadArchitecture(architecture_name)));
}

TEST_CASE("Decode into a reused mapping equals a fresh decode, across genomes and level counts", "[mapspace][search]") {
  // eyeriss-like has 5 storage levels, gemmini 4: decoding a gemmini genome into a mapping that held
  // an eyeriss-like one must drop the fifth level and every loop of the others.
  const search::Mapspace eyeriss = BuildMapspace("eyeriss-like", "conv c=64 m=64 p=56 q=56 r=3 s=3");
  const search::Mapspace gemmini = BuildMapspace("gemmini", "matmul m=512 n=768 k=768");
  REQUIRE(eyeriss.problem().num_levels() > gemmini.problem().num_levels());
  util::Rng rng(3);
  search::Genome genome;
  mapping::Mapping reused;
  for (int round = 0; round < 200; ++round) {
    const search::Mapspace& space = round % 2 == 0 ? eyeriss : gemmini;
    space.Sample(rng, genome);
    space.Repair(rng, genome);
    space.Decode(genome, reused);
    const mapping::Mapping fresh = space.Decode(genome);
    REQUIRE(reused == fresh);
    REQUIRE(reused.Hash() == fresh.Hash());
    REQUIRE(reused.num_levels() == space.problem().num_levels());
  }
}

// Repair's slot factors (Mapspace::RepairedFactors) reused by Decode must give the mapping a decode
// from the genes gives, after repairs that moved factors, on the mapspaces where they are kept (a
// contraction or a vector op with its `pass` loop, without spatial folding) and where they are not
// (a level that may fold spatial loops), and the repair itself must draw and move exactly as
// without them.
TEST_CASE("Decode from Repair's slot factors equals a decode from the genes", "[mapspace][search]") {
  auto crowded_architecture = SmallArchitecture();
  crowded_architecture.levels[1].spatial_x_dim_roles = arch::kAllDimRoles;
  crowded_architecture.levels[1].spatial_y_dim_roles = arch::kAllDimRoles;
  struct Case {
    search::Mapspace space;
    bool reusable;
  };
  const Case cases[] = {
      {BuildMapspace("gemmini", "matmul m=512 n=768 k=768"), true},
      {BuildMapspace("eyeriss-like", "conv c=64 m=64 p=56 q=56 r=3 s=3"), true},
      {search::Mapspace::Build(SmallProblem("bmm b=4 h=4 m=4 n=4 k=4", crowded_architecture)), false},
      {search::Mapspace::Build(SmallProblem("softmax m=64 n=128")), true},
      {SmallBoundedMapspace(), true},
  };
  for (const Case& test : cases) {
    const search::Mapspace& space = test.space;
    INFO("case " << (&test - cases));
    util::Rng rng(17);
    search::Genome genome;
    search::Mapspace::RepairedFactors repaired;
    mapping::Mapping reused;
    int moved = 0;
    int out_of_bounds = 0;
    for (int round = 0; round < 400; ++round) {
      // Fresh samples and mutation chains, as the random, genetic and annealing searchers repair them.
      if (round % 4 == 0) {
        space.Sample(rng, genome);
      } else {
        space.Mutate(rng, genome);
      }
      const search::Genome before = genome;
      search::Genome plain = genome;
      util::Rng plain_rng = rng;
      const bool plain_fits = space.Repair(plain_rng, plain);
      const bool fits = space.Repair(rng, genome, repaired);
      REQUIRE(fits == plain_fits);
      REQUIRE(genome == plain);
      REQUIRE(rng.Next() == plain_rng.Next());
      REQUIRE(repaired.valid() == test.reusable);
      space.Decode(genome, repaired, reused);
      REQUIRE(reused == space.Decode(genome));
      REQUIRE(space.WithinBounds(genome, repaired) == space.WithinBounds(genome));
      out_of_bounds += !space.WithinBounds(genome);
      moved += genome == before ? 0 : 1;
    }
    CHECK(moved > 0);
    if (space.has_factor_bounds()) CHECK(out_of_bounds > 0);
  }
}

TEST_CASE("Mapping::Reset leaves what Mapping(num_levels) is", "[mapping][search]") {
  mapping::Mapping mapping(3);
  mapping.level(0).AddTemporal(1, 4);
  mapping.level(1).AddSpatial(0, 16, mapping::Axis::kY);
  mapping.level(2).SetKeeps(0b101);
  mapping.level(2).SetDoubleBuffered(true);
  mapping.Reset(2);
  CHECK(mapping == mapping::Mapping(2));
  mapping.Reset(3);
  CHECK(mapping == mapping::Mapping(3));
  CHECK_THROWS_AS(mapping.Reset(mapping::kMaxLevels + 1), util::InternalError);
}

TEST_CASE("The inline appends refuse a full level, a dim out of range and a factor out of range", "[mapping][search]") {
  mapping::LevelMapping level;
  for (int loop = 0; loop < mapping::kMaxTemporalLoopsPerLevel; ++loop) level.AddTemporal(0, 2);
  CHECK_THROWS_WITH(level.AddTemporal(0, 2), Catch::Contains("temporal loops on one level"));
  for (int loop = 0; loop < mapping::kMaxSpatialLoopsPerLevel; ++loop) level.AddSpatial(0, 2, mapping::Axis::kX);
  CHECK_THROWS_WITH(level.AddSpatial(0, 2, mapping::Axis::kX), Catch::Contains("spatial loops on one level"));
  mapping::LevelMapping empty;
  CHECK_THROWS_WITH(empty.AddTemporal(mapping::kMaxDims, 2), Catch::Contains("dim index"));
  CHECK_THROWS_WITH(empty.AddTemporal(0, 0), Catch::Contains("loop factor 0"));
  CHECK_THROWS_WITH(empty.AddSpatial(-1, 2, mapping::Axis::kY), Catch::Contains("dim index"));
  CHECK_THROWS_WITH(empty.AddSpatial(0, std::int64_t{1} << 31, mapping::Axis::kY), Catch::Contains("loop factor"));
  CHECK(empty.temporal().empty());
  CHECK(empty.spatial().empty());
}

}  // namespace
}  // namespace loopfront::testing
