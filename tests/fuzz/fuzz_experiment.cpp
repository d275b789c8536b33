// An experiment file (experiment/experiment.h), loaded and expanded into its points (never run).
// Workloads and architectures it names by a relative path find nothing: the harness works in an
// empty folder. The point limit is 1,000 rather than the default 1,000,000: expanding a million
// points is correct but takes seconds, which libFuzzer's per-input timeout would report as a hang;
// the limit's own check (overflow-safe, before expanding) is exercised just the same.
#include <string>

#include "fuzz_target.h"
#include "loopfront/experiment/experiment.h"
#include "loopfront/io/yaml_reader.h"

LOOPFRONT_FUZZ_TARGET(experiment) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  const auto experiment = loopfront::experiment::ReadExperimentDocument(document, "fuzz", {.max_points = 1000});
  (void)loopfront::experiment::ExpandPoints(experiment);
}
