// A mapping file (mapping/loader.h), read against the problem its header names or else the fixed
// one (fuzz_target.h), and evaluated once by each cost model.
#include <string>

#include "fuzz_target.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/loader.h"

LOOPFRONT_FUZZ_TARGET(mapping) {
  const auto file = loopfront::mapping::MappingFile::FromString(std::string(input), "fuzz_mapping.yaml");
  const auto from_header = file.HeaderProblem();
  const loopfront::mapping::Problem& problem = from_header ? *from_header : loopfront::fuzz::FixedProblem();
  const auto mapping = file.Read(problem);
  (void)loopfront::mapping::MappingToYaml(mapping, problem, file.header());
  for (const char* model : {"dataflow", "roofline"}) {
    (void)loopfront::cost::BuiltinCostModels().Create(model)->Evaluate(problem, mapping);
  }
}
