// Architecture sweeps (DESIGN §2.9): a base architecture with a few keys set to other values, e.g.
// `sweep: {scratchpad.capacity_bytes: [131072, 262144]}` in an experiment.
//
// A key is dotted: `<level>.<key>` names a key of a storage level (level names compare without
// case), any other path a key under `architecture:` (`clock_ghz`, `pe_array.rows`). The override is
// applied to the base as ArchitectureToYaml writes it, and the result is read back with every
// architecture check, so a swept value is checked as if written in the file. A capacity is given in
// bytes or in words, never both: setting one removes the other.
//
// Errors are reported, not thrown: each at the override's key when it names the key to fix, else
// at `sweep`, with "did you mean" for unknown keys and levels. `reported` holds the texts already
// reported, so that a sweep's many combinations report each problem once.
// Thread-safety: a pure function over its arguments (diagnostics go to `at`'s sink).
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "loopfront/arch/architecture.h"
#include "loopfront/io/yaml_reader.h"

namespace loopfront::arch {

struct Override {
  std::string key;    // dotted, as above
  std::string value;  // a YAML scalar's text: a number, a word or true/false
  io::YamlValue at;   // where the key is written (for positions)
};

// `base` with every override set, checked; nullopt when any override or the result is not valid.
// `base_name` names the base as the user wrote it (preset name or path) in messages.
std::optional<Architecture> ApplyOverrides(const Architecture& base, std::string_view base_name,
                                           std::span<const Override> overrides, const io::YamlValue& sweep,
                                           std::set<std::string>& reported);

// `base` with `assignments` (dotted key, value text) set, as a program gives them (the Python
// module's Architecture.load overrides): written as a YAML mapping named `source` in messages, one
// line per key, whose keys are the positions of the errors, and applied as above. Throws
// util::ConfigError with every problem, each naming its key.
Architecture ApplyOverrides(const Architecture& base, std::string_view base_name,
                            std::span<const std::pair<std::string, std::string>> assignments,
                            const std::string& source);

}  // namespace loopfront::arch
