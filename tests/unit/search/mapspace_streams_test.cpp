// The mapspace's hot-path streams, pinned (issue #16): at a fixed seed, a long chain of Sample →
// Repair → Decode → Mutate + Repair → Crossover → Repair → Decode must produce exactly the genomes,
// repair outcomes and mappings it produced when tests/golden/fronts/mapspace_streams.txt was
// written. A speed-up of Sample, Repair, Decode, Mutate or Crossover must leave every random draw,
// its order and every resulting gene alone; this catches a drift long before it shows in a front
// (a search keeps only the few best points).
//
// To regenerate after an intended change: LOOPFRONT_UPDATE_GOLDEN=1 build/tests/loopfront_tests
// "[mapspace_streams]", then review `git diff tests/golden/fronts/mapspace_streams.txt`.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "loopfront/arch/loader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/search/golden_text.h"
#include "tests/unit/search/search_fixtures.h"

namespace loopfront::testing {
namespace {

struct StreamOp {
  const char* label;
  const char* spec;
};

// BERT-Base W_Q at 512 tokens; a ViT-sized W_Q whose m = 197 has padding candidates (so the padding
// genes and their mutation take part); Q×K^T per head; a softmax (a vector op, with the synthetic
// `pass` dim); a ResNet-50 3×3 conv (an affine input tile); a matmul of exponents 15, 16 and 20
// whose factor sampling mixes the composition tables with the stars-and-bars walk they fall back
// to (mapspace_factors.cpp: 2^16 over 5 slots is past the tables' bytes, 2^20 past their width).
constexpr StreamOp kOps[] = {
    {"wq", "matmul m=512 n=768 k=768"},           {"vit_wq", "matmul m=197 n=768 k=768"},
    {"qk", "bmm h=12 m=512 n=512 k=64"},          {"softmax", "softmax h=12 m=512 n=512"},
    {"conv", "conv c=64 m=64 p=56 q=56 r=3 s=3"}, {"huge", "matmul m=32768 n=65536 k=1048576"},
};
constexpr const char* kArchitectures[] = {"gemmini", "simba-like", "eyeriss-like"};
constexpr int kRounds = 20000;
constexpr int kMutationsPerRound = 3;
constexpr std::uint64_t kSeed = 16;

// FNV-1a 64 over integers fed one at a time (util::HashCombine is not stable across versions, so
// a golden file cannot hold it).
class Digest {
 public:
  void Add(std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      state_ ^= (value >> (8 * byte)) & 0xffu;
      state_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

void AddGenome(const search::Genome& genome, Digest& digest) {
  for (const auto& slots : genome.factor_slots) {
    for (const std::uint8_t slot : slots) digest.Add(slot);
  }
  for (const auto& order : genome.orders) {
    for (const std::uint8_t dim : order) digest.Add(dim);
  }
  for (const mapping::TensorMask keeps : genome.keeps) digest.Add(keeps);
  for (const std::uint8_t padding : genome.padding) digest.Add(padding);
  digest.Add(genome.double_buffered);
}

void AddMapping(const mapping::Mapping& mapping, Digest& digest) {
  digest.Add(static_cast<std::uint64_t>(mapping.num_levels()));
  for (int level_idx = 0; level_idx < mapping.num_levels(); ++level_idx) {
    const mapping::LevelMapping& level = mapping.level(level_idx);
    digest.Add(level.keeps());
    digest.Add(level.double_buffered());
    digest.Add(level.temporal().size());
    for (const mapping::TemporalLoop& loop : level.temporal()) {
      digest.Add(static_cast<std::uint64_t>(loop.dim));
      digest.Add(static_cast<std::uint64_t>(loop.factor));
    }
    digest.Add(level.spatial().size());
    for (const mapping::SpatialLoop& loop : level.spatial()) {
      digest.Add(static_cast<std::uint64_t>(loop.dim));
      digest.Add(static_cast<std::uint64_t>(loop.axis));
      digest.Add(static_cast<std::uint64_t>(loop.factor));
    }
  }
}

// One line: the digest of the whole chain and how many repairs and mutations succeeded (a
// readable hint of what changed when the digest does).
// `constraints_yaml` (docs/search.md), when not empty, constrains the mapspace.
std::string StreamLine(const char* architecture_name, const StreamOp& op, const arch::Architecture& architecture,
                       const std::string& constraints_yaml = "") {
  const mapping::Problem problem = mapping::Problem::Build(workload::ParseOpSpec(op.spec), architecture);
  const search::Mapspace mapspace =
      constraints_yaml.empty() ? search::Mapspace::Build(problem)
                               : search::Mapspace::Build(problem, ResolveConstraintsText(constraints_yaml, problem));
  util::Rng rng(util::DeriveSeed(kSeed, {}));
  Digest digest;
  search::Genome sampled;
  search::Genome mutated;
  search::Genome previous;
  search::Genome child;
  mapping::Mapping mapping;
  int repaired = 0;
  int mutations = 0;
  for (int round = 0; round < kRounds; ++round) {
    mapspace.Sample(rng, sampled);
    AddGenome(sampled, digest);
    const bool sampled_fits = mapspace.Repair(rng, sampled);
    repaired += sampled_fits;
    digest.Add(sampled_fits);
    AddGenome(sampled, digest);
    mapspace.Decode(sampled, mapping);
    AddMapping(mapping, digest);
    mutated = sampled;
    for (int mutation = 0; mutation < kMutationsPerRound; ++mutation) {
      const bool changed = mapspace.Mutate(rng, mutated);
      mutations += changed;
      digest.Add(changed);
      const bool mutated_fits = mapspace.Repair(rng, mutated);
      digest.Add(mutated_fits);
      AddGenome(mutated, digest);
    }
    mapspace.Crossover(mutated, round == 0 ? sampled : previous, rng, child);
    AddGenome(child, digest);
    digest.Add(mapspace.Repair(rng, child));
    AddGenome(child, digest);
    mapspace.Decode(child, mapping);
    AddMapping(mapping, digest);
    digest.Add(static_cast<std::uint64_t>(mapspace.CheckFit(child)));
    previous = mutated;
  }
  digest.Add(rng.Next());
  return fmt::format("{} {} {:016x} repaired {} mutated {}\n", architecture_name, op.label, digest.value(), repaired,
                     mutations);
}

TEST_CASE("The mapspace's Sample, Repair, Decode, Mutate and Crossover streams are those of the golden digests",
          "[golden_fronts][golden][mapspace_streams][search]") {
  std::string text;
  for (const char* architecture_name : kArchitectures) {
    const arch::Architecture architecture = arch::LoadArchitecture(architecture_name);
    for (const StreamOp& op : kOps) text += StreamLine(architecture_name, op, architecture);
  }
  // A buffer of 16 words and registers of 1 word: nearly every sample needs several capacity moves
  // at both levels (DRAM is unbounded, so every repair succeeds).
  text += StreamLine("small3-tight", {"wq_tiny", "matmul m=64 n=64 k=64"}, SmallArchitecture(16, 1));
  // Repair's failure paths. With no DRAM loop of k, a buffer overflowed by k's factors has nowhere
  // to send them (capacity: no candidates); with no buffer loop of k either, an overflow of the
  // buffer's y fanout (k's spatial axis) has no temporal slot to go to, and neither has the
  // registers' capacity overflow. Both end some repairs with false, after some moves.
  text += StreamLine("small3-tight-k-dram", {"wq_tiny", "matmul m=64 n=64 k=64"}, SmallArchitecture(16, 1),
                     "levels:\n  DRAM: {temporal: {k: 1}}\n");
  text += StreamLine("small3-tight-k-inner", {"wq_tiny", "matmul m=64 n=64 k=64"}, SmallArchitecture(16, 1),
                     "levels:\n  DRAM: {temporal: {k: 1}}\n  buffer: {temporal: {k: 1}}\n");
  CheckGoldenText("mapspace_streams.txt", text);
}

}  // namespace
}  // namespace loopfront::testing
