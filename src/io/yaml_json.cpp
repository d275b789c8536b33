#include "loopfront/io/yaml_json.h"

#include <optional>
#include <string>
#include <vector>

#include "loopfront/io/input.h"

namespace loopfront::io {

namespace {

nlohmann::ordered_json ToJson(const YamlValue& value, int depth) {
  // The text was checked against kMaxNestingDepth when it loaded, but aliases can stack one
  // anchored tree inside another: the walk (recursive) is bounded on its own.
  if (depth > kMaxNestingDepth) {
    util::Diagnostics diagnostics;
    value.ReportingTo(diagnostics).Error(NestingMessage() + " (through aliases)");
    diagnostics.ThrowIfAny();
  }
  // The typed reads below may fail by design; their messages go nowhere.
  util::Diagnostics scratch;
  const YamlValue quiet = value.ReportingTo(scratch);
  if (quiet.IsMap()) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    if (const std::optional<YamlMap> map = quiet.AsOpenMap()) {
      for (const YamlMap::Entry& entry : map->entries()) object[entry.key.Text()] = ToJson(entry.value, depth + 1);
    }
    return object;
  }
  if (quiet.IsList()) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    if (const std::optional<std::vector<YamlValue>> items = quiet.AsList()) {
      for (const YamlValue& item : *items) array.push_back(ToJson(item, depth + 1));
    }
    return array;
  }
  if (!quiet.IsScalar()) return nullptr;
  if (quiet.LooksLikeInt()) return *quiet.AsInt();
  if (const std::optional<double> real = quiet.AsDouble()) return *real;
  if (const std::optional<bool> flag = quiet.AsBool()) return *flag;
  return quiet.Text();
}

}  // namespace

nlohmann::ordered_json YamlToJson(const YamlValue& value) { return ToJson(value, 1); }

}  // namespace loopfront::io
