// A workload file of the `ops:` form (an op list, workload/loader.h), built into its op graph.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/workload/loader.h"

LOOPFRONT_FUZZ_TARGET(oplist) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  const auto spec = loopfront::workload::ReadOpListDocument(document, "fuzz");
  (void)loopfront::workload::BuildWorkload(spec);
}
