// Random valid mappings of an op on an architecture, drawn through the search module's Mapspace
// (uniform samples, repaired to fit every fanout and capacity), for tests and benchmarks that need
// many realistic mappings of preset architectures.
#pragma once

#include <cstdint>
#include <vector>

#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"

namespace loopfront::testing {

// Up to `count` valid mappings (fewer only if the space rarely yields one), deterministic in `seed`.
inline std::vector<mapping::Mapping> RandomValidMappings(const mapping::Problem& problem, int count,
                                                         std::uint64_t seed) {
  const search::Mapspace space = search::Mapspace::Build(problem);
  util::Rng rng(seed);
  search::Genome genome;
  std::vector<mapping::Mapping> mappings;
  for (int attempt = 0; attempt < 100 * count && static_cast<int>(mappings.size()) < count; ++attempt) {
    space.Sample(rng, genome);
    if (!space.Repair(rng, genome)) continue;
    mapping::Mapping candidate = space.Decode(genome);
    if (mapping::CheckMapping(candidate, problem).ok()) mappings.push_back(candidate);
  }
  return mappings;
}

}  // namespace loopfront::testing
