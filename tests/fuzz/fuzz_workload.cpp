// A workload file of the `transformer:` form (workload/loader.h), built into its op graph.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/workload/loader.h"

LOOPFRONT_FUZZ_TARGET(workload) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  const auto spec = loopfront::workload::ReadWorkloadDocument(document, "fuzz");
  (void)loopfront::workload::BuildWorkload(spec);
}
