// Plug-in parameters given in YAML (`search.params`, `cost_model.params`): a mapping of declared
// names (util/params.h) to values of the declared type and range. Problems are recorded in the
// value's diagnostics at their position, as every YAML reader does (io/yaml_reader.h):
//
//     file:line:col: cost_model.params.x: expected one of the keys a, b, got unknown key 'x'; did you mean 'a'?
//
// Thread-safety: as io/yaml_reader.h (one thread per document).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/params.h"
#include "loopfront/util/registry.h"

namespace loopfront::io {

// The values of `params` for the parameters `specs` of `owner` ("searcher genetic"); undeclared,
// mistyped and out-of-range entries are reported and keep their defaults.
util::ParamValues ReadParams(const std::string& owner, const std::vector<util::ParamSpec>& specs,
                             const YamlValue& params);

// The plug-in `name` of `registry` with its parameters read from `params`. An unknown name throws
// util::ConfigError (as Registry::Find); parameter problems go to `params`' diagnostics.
template <typename Interface>
std::unique_ptr<Interface> CreateFromYaml(const util::Registry<Interface>& registry, std::string_view name,
                                          const YamlValue& params) {
  const typename util::Registry<Interface>::Entry& entry = registry.Find(name);
  return entry.factory(ReadParams(registry.Owner(entry), entry.params, params));
}

}  // namespace loopfront::io
