#include "loopfront/workload/shape_sweep.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "loopfront/io/input.h"
#include "loopfront/io/presets.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/hf_config.h"

namespace loopfront::workload {
namespace {

// The YAML text of a workload and the name it goes by when the document has no `name:`.
struct Source {
  std::string text;
  std::string default_name;
};

// Only called once LoadWorkloadSpec has read the same name (so the preset or file exists).
Source ReadSource(std::string_view name_or_path) {
  if (io::LooksLikePath(name_or_path)) {
    const std::string path(name_or_path);
    return {io::ReadInputFileOrThrow(path, "YAML file"), std::filesystem::path(path).stem().string()};
  }
  const io::Preset* preset = io::FindPreset(io::PresetKind::kWorkload, name_or_path);
  if (preset == nullptr) throw util::InternalError("a checked workload preset is missing");
  return {std::string(preset->text), std::string(preset->name)};
}

util::Diagnostic KeyProblem(const KeySetting& setting, const std::string& message) {
  return util::Diagnostic{.path = setting.key, .message = message};
}

}  // namespace

std::string SettingsText(std::span<const KeySetting> settings) {
  std::vector<std::string> assignments;
  for (const KeySetting& setting : settings) assignments.push_back(setting.key + "=" + setting.value);
  return util::Join(assignments, ", ");
}

WorkloadSpec LoadSweptWorkloadSpec(std::string_view name_or_path, std::span<const KeySetting> settings,
                                   const WorkloadOverrides& overrides, bool blocks_only) {
  if (settings.empty() && !blocks_only) return LoadWorkloadSpec(name_or_path, overrides);
  // The workload as written must be valid first (an unknown preset or a broken file says so).
  const WorkloadSpec base = LoadWorkloadSpec(name_or_path);
  std::string with = SettingsText(settings);
  if (blocks_only) with = with.empty() ? "blocks only" : "blocks only, " + with;
  if (!base.IsTransformer()) {
    std::vector<util::Diagnostic> problems;
    if (blocks_only) {
      problems.push_back(util::Diagnostic{
          .path = "blocks_only",
          .message = fmt::format("expected a Transformer workload (top-level key 'transformer'), got the op list '{}': "
                                 "it has no embedding or LM head to leave out",
                                 base.name)});
    }
    for (const KeySetting& setting : settings) {
      problems.push_back(KeyProblem(
          setting, fmt::format("expected a Transformer workload (top-level key 'transformer'), got the op list '{}': "
                               "its sizes are fixed in the file, so transformer.* keys do not apply",
                               base.name)));
    }
    throw util::ConfigError(std::move(problems));
  }

  if (name_or_path.starts_with(kHfPrefix)) {
    // A Hugging Face config is JSON, not a workload document: its ends are removed from the
    // imported spec; dotted keys need the workload file `loopfront import hf` writes.
    if (!settings.empty()) {
      std::vector<util::Diagnostic> problems;
      for (const KeySetting& setting : settings) {
        problems.push_back(KeyProblem(
            setting, fmt::format("expected a workload preset or YAML file, got the Hugging Face config '{}': write "
                                 "it as a workload file with `loopfront import hf CONFIG --output FILE` and sweep "
                                 "that file",
                                 name_or_path.substr(kHfPrefix.size()))));
      }
      throw util::ConfigError(std::move(problems));
    }
    WorkloadSpec spec = base;
    TransformerSpec& transformer = *spec.transformer;
    transformer.vocab = 0;
    transformer.max_positions = 0;
    transformer.token_types = 0;
    transformer.lm_head.reset();
    transformer.tie_embeddings = false;
    if (transformer.positions == Positions::kAbsolute) {
      transformer.positions = Positions::kNone;
    }
    return ApplyOverrides(std::move(spec), overrides);
  }
  const Source source = ReadSource(name_or_path);
  YAML::Node root = YAML::Load(source.text);
  std::vector<util::Diagnostic> problems;
  if (blocks_only) {
    YAML::Node transformer = root[std::string(kTransformerKey)];
    for (const std::string_view key : kEndKeys) transformer.remove(std::string(key));
    if (transformer["positions"] && transformer["positions"].as<std::string>() == "absolute") {
      transformer.remove("positions");
    }
  }
  for (const KeySetting& setting : settings) {
    if (!setting.key.starts_with(kSweepKeyPrefix)) {
      problems.push_back(KeyProblem(setting, fmt::format("expected a dotted workload key transformer.KEY (e.g. "
                                                         "transformer.heads, transformer.moe.experts), got '{}'",
                                                         setting.key)));
      continue;
    }
    const std::vector<std::string> parts = util::Split(setting.key.substr(kSweepKeyPrefix.size()), '.');
    YAML::Node node = root[std::string(kTransformerKey)];
    bool ok = true;
    for (std::size_t index = 0; index < parts.size(); ++index) {
      if (parts[index].empty()) {
        problems.push_back(
            KeyProblem(setting, fmt::format("expected a dotted key such as transformer.heads, got '{}'", setting.key)));
        ok = false;
        break;
      }
      if (index + 1 == parts.size()) break;
      YAML::Node child = node[parts[index]];
      if (!child) {
        // A nested mapping the workload does not have yet (`moe`, `precision`): created here.
        node[parts[index]] = YAML::Node(YAML::NodeType::Map);
        child = node[parts[index]];
      } else if (!child.IsMap()) {
        problems.push_back(KeyProblem(setting, fmt::format("expected a key inside a mapping, got '{}' (the "
                                                           "workload's {} is not a mapping)",
                                                           setting.key, parts[index])));
        ok = false;
        break;
      }
      node.reset(child);
    }
    if (!ok) continue;
    YAML::Node value;
    try {
      value = YAML::Load(setting.value);
    } catch (const YAML::Exception& error) {
      problems.push_back(KeyProblem(setting, fmt::format("expected a YAML value, got '{}'", setting.value)));
      continue;
    }
    node[parts.back()] = value;
  }
  if (!problems.empty()) throw util::ConfigError(std::move(problems));

  YAML::Emitter emitter;
  emitter << root;
  const std::string title = fmt::format("{} with {}", base.name, with);
  util::Diagnostics diagnostics;
  const io::YamlDocument document = io::YamlDocument::LoadString(emitter.c_str(), title, diagnostics);
  try {
    diagnostics.ThrowIfAny();
    return ApplyOverrides(ReadWorkloadDocument(document, source.default_name), overrides);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) {
      // The emitted document's positions mean nothing to the user: keep the key path, name the settings.
      problems.push_back(
          util::Diagnostic{.path = diagnostic.path,
                           .message = fmt::format("the workload {} is not valid: {}", title, diagnostic.message)});
    }
    throw util::ConfigError(std::move(problems));
  }
}

}  // namespace loopfront::workload
