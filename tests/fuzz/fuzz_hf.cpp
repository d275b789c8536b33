// A Hugging Face config.json (workload/hf_config.h), read through the JSON reader and built into
// the workload it describes.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/json_reader.h"
#include "loopfront/workload/hf_config.h"
#include "loopfront/workload/loader.h"

LOOPFRONT_FUZZ_TARGET(hf) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::JsonDocument::LoadString(std::string(input), "config.json", diagnostics);
  diagnostics.ThrowIfAny();
  const auto imported = loopfront::workload::ReadHfConfig(document);
  (void)loopfront::workload::BuildWorkload(imported.spec);
}
