#include "loopfront/io/param_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace loopfront::io {

util::ParamValues ReadParams(const std::string& owner, const std::vector<util::ParamSpec>& specs,
                             const YamlValue& params) {
  std::map<std::string, double> values = util::DefaultParams(specs).values();
  std::vector<std::string> names;
  for (const util::ParamSpec& spec : specs) names.push_back(spec.name);
  if (specs.empty()) {
    // AsMap would list no keys ("expected one of the keys , got ..."): say there are none.
    if (const std::optional<YamlMap> map = params.AsOpenMap()) {
      for (const YamlMap::Entry& entry : map->entries()) {
        entry.key.Error(fmt::format("expected no parameter ({} declares none), got '{}'", owner, entry.key.Text()));
      }
    }
    return util::ParamValues(std::move(values));
  }
  const std::optional<YamlMap> map = params.AsMap(names);
  if (!map) return util::ParamValues(std::move(values));
  for (const YamlMap::Entry& entry : map->entries()) {
    const std::string name = entry.key.Text();
    const auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const util::ParamSpec& item) { return item.name == name; });
    if (spec == specs.end()) continue;  // AsMap reported it
    const std::optional<double> value =
        entry.value.IsScalar() ? util::ParseParamValue(*spec, entry.value.Text()) : std::nullopt;
    if (!value) {
      entry.value.ErrorExpected(util::ExpectedParamValue(*spec) + " (a parameter of " + owner + ")");
      continue;
    }
    values[spec->name] = *value;
  }
  return util::ParamValues(std::move(values));
}

}  // namespace loopfront::io
