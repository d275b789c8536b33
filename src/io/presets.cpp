#include "loopfront/io/presets.h"

#include <filesystem>

namespace loopfront::io {

const Preset* FindPreset(PresetKind kind, std::string_view name) {
  for (const Preset& preset : AllPresets()) {
    if (preset.kind == kind && preset.name == name) return &preset;
  }
  return nullptr;
}

std::vector<std::string> PresetNames(PresetKind kind) {
  std::vector<std::string> names;
  for (const Preset& preset : AllPresets()) {
    if (preset.kind == kind) names.emplace_back(preset.name);
  }
  return names;
}

bool LooksLikePath(std::string_view name_or_path) {
  if (name_or_path.find('/') != std::string_view::npos) return true;
  if (name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml")) return true;
  std::error_code error;
  return std::filesystem::is_regular_file(std::filesystem::path(name_or_path), error);
}

}  // namespace loopfront::io
