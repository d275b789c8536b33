#include "loopfront/io/yaml_json.h"

#include <optional>
#include <string>
#include <vector>

namespace loopfront::io {

nlohmann::ordered_json YamlToJson(const YamlValue& value) {
  // The typed reads below may fail by design; their messages go nowhere.
  util::Diagnostics scratch;
  const YamlValue quiet = value.ReportingTo(scratch);
  if (quiet.IsMap()) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    if (const std::optional<YamlMap> map = quiet.AsOpenMap()) {
      for (const YamlMap::Entry& entry : map->entries()) object[entry.key.Text()] = YamlToJson(entry.value);
    }
    return object;
  }
  if (quiet.IsList()) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    if (const std::optional<std::vector<YamlValue>> items = quiet.AsList()) {
      for (const YamlValue& item : *items) array.push_back(YamlToJson(item));
    }
    return array;
  }
  if (!quiet.IsScalar()) return nullptr;
  if (quiet.LooksLikeInt()) return *quiet.AsInt();
  if (const std::optional<double> real = quiet.AsDouble()) return *real;
  if (const std::optional<bool> flag = quiet.AsBool()) return *flag;
  return quiet.Text();
}

}  // namespace loopfront::io
