// A loaded YAML value as JSON, for programs that want a document's data rather than its checked
// reading (the Python module's Architecture.to_dict gives an architecture as the YAML's keys).
//
// Maps become objects in file order, lists arrays, null null; a plain scalar that reads as an
// integer, a finite number or true/false becomes that number or boolean, any other scalar (a
// quoted one always) a string — the same rules as YamlValue's typed reads.
// A tree nested deeper than kMaxNestingDepth (io/input.h) through aliases throws util::ConfigError
// at the value where the limit is crossed.
// Thread-safety: a pure function of its argument (reads report into a scratch sink).
#pragma once

#include <nlohmann/json.hpp>

#include "loopfront/io/yaml_reader.h"

namespace loopfront::io {

nlohmann::ordered_json YamlToJson(const YamlValue& value);

}  // namespace loopfront::io
