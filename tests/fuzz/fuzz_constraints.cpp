// A constraints file (mapping/constraints.h), resolved against the fixed problem (fuzz_target.h)
// and checked on its empty mapping.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"

LOOPFRONT_FUZZ_TARGET(constraints) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  const auto spec = loopfront::mapping::ParseConstraints(document.root());
  diagnostics.ThrowIfAny();
  const loopfront::mapping::Problem& problem = loopfront::fuzz::FixedProblem();
  const auto constraints = loopfront::mapping::ResolveConstraints(spec, problem);
  (void)loopfront::mapping::CheckConstraints(loopfront::mapping::EmptyMapping(problem), constraints, problem);
}
