// The preset YAML files under workloads/ and architectures/, and the experiments that `loopfront
// reproduce` runs (experiments/survey/), compiled into the binary so that `build/loopfront` works
// from any directory and on cluster nodes that only have the binary.
// A name is the file name without `.yaml` (e.g. `bert-base`, `gemmini`, `memory`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loopfront::io {

enum class PresetKind { kWorkload, kArchitecture, kExperiment };

struct Preset {
  PresetKind kind;
  std::string_view name;
  std::string_view path;  // repository-relative path, used in diagnostics (`workloads/gpt2.yaml`)
  std::string_view text;
};

// Every embedded preset, sorted by kind then name. Defined in a generated source.
const std::vector<Preset>& AllPresets();
// nullptr if there is no preset of that kind and name.
const Preset* FindPreset(PresetKind kind, std::string_view name);
std::vector<std::string> PresetNames(PresetKind kind);

// How a user names a workload or an architecture on the command line or in YAML: a preset name,
// or a path to a YAML file. A value that names an existing file, or contains '/' or ends in
// `.yaml`/`.yml`, is a path; anything else is a preset name.
bool LooksLikePath(std::string_view name_or_path);

}  // namespace loopfront::io
