// loopfront_fuzz_replay TARGET FUZZ_DIR: runs fuzz target TARGET (built in with
// LOOPFRONT_FUZZ_REPLAY, see fuzz_target.h) over every file of FUZZ_DIR/corpus/TARGET/ and
// FUZZ_DIR/crashes/TARGET/, without libFuzzer, so that the normal test suite keeps every crash
// found fixed. FUZZ_DIR/crashes/pending/ (crashes whose fix belongs to other work) is not read.
// `loopfront_fuzz_replay --list` prints the targets; `loopfront_fuzz_replay TARGET FILE...` runs
// single files. Exit 0 when no file gives a finding, 1 otherwise (each finding printed with its file).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.h"
#include "targets.h"

#define LOOPFRONT_DECLARE_TARGET(NAME) void LoopfrontFuzz_##NAME(std::string_view input);
LOOPFRONT_FUZZ_TARGETS(LOOPFRONT_DECLARE_TARGET)
#undef LOOPFRONT_DECLARE_TARGET

namespace {

namespace fs = std::filesystem;

struct Target {
  std::string_view name;
  loopfront::fuzz::TargetFunction function;
};

#define LOOPFRONT_TARGET_ENTRY(NAME) Target{#NAME, LoopfrontFuzz_##NAME},
const Target kTargets[] = {LOOPFRONT_FUZZ_TARGETS(LOOPFRONT_TARGET_ENTRY)};
#undef LOOPFRONT_TARGET_ENTRY

std::vector<fs::path> FilesOf(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::is_directory(folder)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(fs::absolute(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    for (const Target& target : kTargets) std::printf("%.*s\n", static_cast<int>(target.name.size()), target.name.data());
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: loopfront_fuzz_replay TARGET FUZZ_DIR | TARGET FILE... | --list\n");
    return 2;
  }
  const auto target = std::find_if(std::begin(kTargets), std::end(kTargets),
                                   [&](const Target& candidate) { return candidate.name == argv[1]; });
  if (target == std::end(kTargets)) {
    std::fprintf(stderr, "loopfront_fuzz_replay: unknown target '%s' (--list)\n", argv[1]);
    return 2;
  }
  std::vector<fs::path> files;
  if (argc == 3 && fs::is_directory(argv[2])) {
    const fs::path fuzz_dir = argv[2];
    for (const char* kind : {"corpus", "crashes"}) {
      const std::vector<fs::path> found = FilesOf(fuzz_dir / kind / target->name);
      files.insert(files.end(), found.begin(), found.end());
    }
  } else {
    for (int arg = 2; arg < argc; ++arg) files.push_back(fs::absolute(argv[arg]));
  }
  int findings = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (const auto finding = loopfront::fuzz::RunOne(target->function, input)) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), finding->c_str());
      ++findings;
    }
  }
  std::printf("%.*s: %zu inputs, %d findings\n", static_cast<int>(target->name.size()), target->name.data(),
              files.size(), findings);
  return findings == 0 ? 0 : 1;
}
