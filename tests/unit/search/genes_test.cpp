// The flat gene encoding (search/genes.h): sampled genomes round-trip through genes on several ops
// and architectures (with constraints), and malformed rows are refused with what is wrong.
#include "loopfront/search/genes.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::search::Gene;
using loopfront::search::GeneLayout;
using loopfront::search::Genome;
using loopfront::search::Mapspace;

namespace {

loopfront::mapping::Problem PresetProblem(const std::string& arch, const std::string& op) {
  return loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec(op),
                                            loopfront::arch::LoadArchitecture(arch));
}

// Samples (and repairs half of) `count` genomes and checks that each one's genes are in range and
// decode back to it; returns how many repaired ones left a constraint's bounds.
int CheckRoundTrip(const Mapspace& mapspace, int count) {
  const GeneLayout layout(mapspace);
  REQUIRE(layout.size() == loopfront::search::NumGenes(mapspace));
  std::vector<std::int64_t> genes(layout.size());
  std::set<std::vector<std::int64_t>> distinct;
  int out_of_bounds = 0;
  for (int sample = 0; sample < count; ++sample) {
    loopfront::util::Rng rng(loopfront::util::DeriveSeed(7, {static_cast<std::uint64_t>(sample)}));
    Genome genome;
    mapspace.Sample(rng, genome);
    REQUIRE(mapspace.IsWellFormed(genome));
    // A repair may leave a constraint's bounds (mapspace.h): such genomes decode too.
    if (sample % 2 == 1) mapspace.Repair(rng, genome);
    REQUIRE(mapspace.IsWellFormed(genome, /*within_bounds=*/false));
    out_of_bounds += mapspace.IsWellFormed(genome) ? 0 : 1;
    layout.Encode(genome, genes);
    for (int position = 0; position < layout.size(); ++position) {
      REQUIRE(genes[position] >= 0);
      REQUIRE(genes[position] <= layout.genes()[position].max);
    }
    Genome decoded;
    std::string problem;
    REQUIRE(layout.Decode(genes, decoded, problem));
    REQUIRE(problem.empty());
    REQUIRE(decoded == genome);
    distinct.insert(genes);
  }
  CHECK(distinct.size() > static_cast<std::size_t>(count / 2));
  if (!mapspace.has_factor_bounds()) CHECK(out_of_bounds == 0);
  return out_of_bounds;
}

}  // namespace

TEST_CASE("Genes round-trip sampled genomes", "[search][genes]") {
  SECTION("a small matmul on the small architecture") {
    CheckRoundTrip(Mapspace::Build(loopfront::testing::SmallProblem("matmul m=16 n=32 k=8")), 300);
  }
  SECTION("a padded BERT matmul on gemmini") {
    CheckRoundTrip(Mapspace::Build(PresetProblem("gemmini", "matmul m=197 n=768 k=768")), 300);
  }
  SECTION("a vector op on gemmini-ibert") {
    CheckRoundTrip(Mapspace::Build(PresetProblem("gemmini-ibert", "softmax m=512 n=512")), 300);
  }
  SECTION("eyeriss-like and tpu-like") {
    CheckRoundTrip(Mapspace::Build(PresetProblem("eyeriss-like", "matmul m=128 n=256 k=64")), 200);
    CheckRoundTrip(Mapspace::Build(PresetProblem("tpu-like", "matmul m=512 n=512 k=512")), 200);
  }
  SECTION("constraints: bounds, rest, order, must_keep") {
    const Mapspace mapspace = loopfront::testing::SmallBoundedMapspace();
    REQUIRE(mapspace.has_factor_bounds());
    CHECK(CheckRoundTrip(mapspace, 300) > 0);  // repaired out of bounds, and still decoded
  }
}

TEST_CASE("The gene layout names every gene in order", "[search][genes]") {
  const Mapspace mapspace = Mapspace::Build(loopfront::testing::SmallProblem("matmul m=4 n=8 k=4"), {},
                                            {.max_padding_waste = 0.0});
  const GeneLayout layout(mapspace);
  const std::vector<Gene>& genes = layout.genes();
  REQUIRE(genes.front().name == "padding.m");
  REQUIRE(genes.front().max == 0);
  // m = 2·2, n = 2·2·2, k = 2·2: factor genes of width 2, 3, 2 after the 3 padding genes.
  CHECK(genes[3].name == "factor.m.0");
  CHECK(genes[5].name == "factor.n.0");
  CHECK(genes[8].name == "factor.k.0");
  CHECK(genes[10].name == "order.DRAM.0");
  CHECK(genes[10].max == 2);
  int keeps = 0;
  for (const Gene& gene : genes) keeps += gene.kind == Gene::Kind::kKeep ? 1 : 0;
  CHECK(keeps > 0);
}

TEST_CASE("Malformed gene rows are refused before decoding", "[search][genes]") {
  const Mapspace mapspace = Mapspace::Build(loopfront::testing::SmallProblem("matmul m=16 n=32 k=8"));
  const GeneLayout layout(mapspace);
  loopfront::util::Rng rng(3);
  Genome genome;
  mapspace.Sample(rng, genome);
  std::vector<std::int64_t> genes(layout.size());
  layout.Encode(genome, genes);
  Genome decoded;
  std::string problem;

  SECTION("wrong length") {
    genes.pop_back();
    CHECK_FALSE(layout.Decode(genes, decoded, problem));
    CHECK(problem == "expected " + std::to_string(layout.size()) + " genes, got " + std::to_string(genes.size()));
  }
  SECTION("out of range, negative and huge") {
    for (const std::int64_t bad : {std::int64_t{-1}, std::int64_t{1} << 40}) {
      std::vector<std::int64_t> row = genes;
      row[3] = bad;
      CHECK_FALSE(layout.Decode(row, decoded, problem));
      CHECK(problem.rfind("gene 3 (" + layout.genes()[3].name + "): expected 0..", 0) == 0);
    }
  }
  SECTION("an order that is not a permutation") {
    int first_order = 0;
    while (layout.genes()[first_order].kind != Gene::Kind::kOrder) ++first_order;
    genes[first_order + 1] = genes[first_order];
    CHECK_FALSE(layout.Decode(genes, decoded, problem));
    CHECK(problem.find("expected a permutation") != std::string::npos);
  }
  SECTION("equal primes listed out of order decode to the canonical genome") {
    // n = 32 = 2^5: swapping two of its factor genes changes nothing.
    int first = 0;
    while (layout.genes()[first].name != "factor.n.0") ++first;
    std::vector<std::int64_t> sorted = genes;
    std::vector<std::int64_t> unsorted = genes;
    for (int index = 0; index < 5; ++index) {
      sorted[first + index] = index == 4 ? 1 : 0;
      unsorted[first + index] = index == 0 ? 1 : 0;
    }
    Genome canonical;
    REQUIRE(layout.Decode(sorted, canonical, problem));
    REQUIRE(layout.Decode(unsorted, decoded, problem));
    CHECK(decoded == canonical);
    std::vector<std::int64_t> encoded(layout.size());
    layout.Encode(decoded, encoded);
    CHECK(encoded == sorted);
  }
}
