#include "loopfront/arch/overrides.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::arch {
namespace {

std::string LowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string EmitFlow(const YAML::Node& node) {
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

// The keys of a YAML map, for "did you mean" hints.
std::vector<std::string> KeysOf(const YAML::Node& node) {
  std::vector<std::string> keys;
  if (!node.IsMap()) return keys;
  for (auto it = node.begin(); it != node.end(); ++it) keys.push_back(it->first.as<std::string>());
  return keys;
}

}  // namespace

std::optional<Architecture> ApplyOverrides(const Architecture& base, std::string_view base_name,
                                           std::span<const Override> overrides, const io::YamlValue& sweep,
                                           std::set<std::string>& reported) {
  YAML::Node root = YAML::Load(ArchitectureToYaml(base));
  YAML::Node architecture = root["architecture"];
  std::vector<std::string> assignments;
  bool ok = true;
  std::set<const Override*> unknown;  // keys that name nothing: not applied, so no value problem is theirs
  for (const Override& item : overrides) {
    const YAML::Node value(item.value);
    assignments.push_back(fmt::format("{}={}", item.key, EmitFlow(value)));
    const std::vector<std::string> parts = util::Split(item.key, '.');
    std::vector<std::string> level_names;
    YAML::Node node;
    std::size_t first = 0;
    for (const YAML::Node& level : architecture["levels"]) {
      const std::string level_name = level["name"].as<std::string>();
      level_names.push_back(level_name);
      if (!parts.empty() && LowerCase(level_name) == LowerCase(parts.front()) && first == 0) {
        node.reset(level);
        first = 1;
      }
    }
    if (first == 0) node.reset(architecture);
    bool found = !parts.empty();
    for (std::size_t index = first; found && index + 1 < parts.size(); ++index) {
      if (parts[index].empty() || !node.IsMap() || !node[parts[index]]) {
        std::vector<std::string> candidates = KeysOf(node);
        if (index == 0) candidates.insert(candidates.end(), level_names.begin(), level_names.end());
        if (reported.insert("key:" + item.key).second)
          item.at.Error(fmt::format(
              "expected a dotted key naming a storage level ({}) or a key of the architecture, "
              "got '{}' (no '{}' there){}",
              util::Join(level_names, ", "), item.key, parts[index], util::DidYouMeanHint(parts[index], candidates)));
        found = false;
        break;
      }
      YAML::Node child = node[parts[index]];
      node.reset(child);
    }
    if (!found || parts.back().empty()) {
      if (found && reported.insert("key:" + item.key).second)
        item.at.ErrorExpected("a dotted key such as scratchpad.capacity_bytes");
      ok = false;
      unknown.insert(&item);
      continue;
    }
    const std::string& last = parts.back();
    // A capacity is given in bytes or in words, not both: the swept one replaces the other.
    if (last == "capacity_bytes") node.remove("capacity_words");
    if (last == "capacity_words") node.remove("capacity_bytes");
    node[last] = item.value;
  }
  // An unknown key does not stop the check of the others' values: the architecture with the known
  // overrides applied is still read, so that every problem of the sweep is reported at once.
  YAML::Emitter emitter;
  emitter << root;
  const std::string with = util::Join(assignments, ", ");
  util::Diagnostics diagnostics;
  const io::YamlDocument document =
      io::YamlDocument::LoadString(emitter.c_str(), fmt::format("{} with {}", base_name, with), diagnostics);
  try {
    diagnostics.ThrowIfAny();
    Architecture read = ReadArchitectureDocument(document, base.name);
    if (!ok) return std::nullopt;
    return read;
  } catch (const util::ConfigError& error) {
    // Position each problem at the sweep key it most likely comes from.
    for (const util::Diagnostic& diagnostic : error.diagnostics()) {
      // The key whose last component ends the problem's path, else the first whose name it mentions.
      const io::YamlValue* at = nullptr;
      for (const Override& item : overrides) {
        if (unknown.contains(&item)) continue;
        const std::string last = util::Split(item.key, '.').back();
        if (at == nullptr && (diagnostic.path == last || diagnostic.path.ends_with("." + last))) at = &item.at;
      }
      for (const Override& item : overrides) {
        if (unknown.contains(&item)) continue;
        const std::string last = util::Split(item.key, '.').back();
        if (at == nullptr &&
            (diagnostic.path.find(last) != std::string::npos || diagnostic.message.find(last) != std::string::npos)) {
          at = &item.at;
        }
      }
      if (at == nullptr) at = &sweep;
      const std::string message = (diagnostic.path.empty() ? "" : diagnostic.path + ": ") + diagnostic.message;
      if (!reported.insert(fmt::format("{}:{}:{}", at->line(), at->column(), message)).second) continue;
      at->Error(fmt::format("the architecture {} with {} is not valid: {}", base_name, with, message));
    }
    return std::nullopt;
  }
}

Architecture ApplyOverrides(const Architecture& base, std::string_view base_name,
                            std::span<const std::pair<std::string, std::string>> assignments,
                            const std::string& source) {
  YAML::Emitter emitter;
  emitter << YAML::BeginMap;
  for (const auto& [key, value] : assignments) emitter << YAML::Key << key << YAML::Value << value;
  emitter << YAML::EndMap;
  util::Diagnostics diagnostics;
  const io::YamlDocument document = io::YamlDocument::LoadString(emitter.c_str(), source, diagnostics);
  std::vector<Override> overrides;
  if (const std::optional<io::YamlMap> entries = document.root().AsOpenMap()) {
    for (const io::YamlMap::Entry& entry : entries->entries()) {
      overrides.push_back({entry.key.Text(), entry.value.Text(), entry.key});
    }
  }
  diagnostics.ThrowIfAny();
  std::set<std::string> reported;
  std::optional<Architecture> architecture = ApplyOverrides(base, base_name, overrides, document.root(), reported);
  diagnostics.ThrowIfAny();
  if (!architecture) throw util::InternalError("ApplyOverrides refused the overrides without saying why");
  return std::move(*architecture);
}

}  // namespace loopfront::arch
