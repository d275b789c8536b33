// The Timeloop input folders of ../shared/validation/timeloop-inputs, for the importer's and the
// exporter's tests: the case folders, a folder's YAML files, and a scratch folder per test.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace loopfront::testing {

inline const std::filesystem::path kTimeloopInputs =
    std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" / "timeloop-inputs";

// The case folders, sorted: the conv ones (affine projections) or the others.
inline std::vector<std::filesystem::path> TimeloopCaseFolders(bool conv) {
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(kTimeloopInputs)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("conv_") == conv) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

// The `.yaml` files of `folder`, sorted.
inline std::vector<std::filesystem::path> YamlFiles(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// An empty folder under the temp directory, unique to this process and `name`.
inline std::filesystem::path ScratchFolder(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("loopfront_tl_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace loopfront::testing
