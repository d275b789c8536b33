// Experiment files and output checks shared by the integration tests of `loopfront run`.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "loopfront/util/strings.h"

namespace loopfront::testing {

// A fresh directory for one test (per process: tests may run in parallel).
inline std::filesystem::path ScratchDir(const std::string& name) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("loopfront_experiment_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

// A small experiment: the BERT-Base attention op list on two scratchpad sizes, with and without
// fusion (4 points, each a fraction of a second at the budget given), writing into directory/out;
// `extra_yaml` (whole lines) is added to the file.
inline std::filesystem::path WriteSmallExperiment(const std::filesystem::path& directory, int budget = 400,
                                                  const std::string& extra_yaml = "") {
  const std::filesystem::path path = directory / "small.yaml";
  std::ofstream(path) << "name: small\n"
                         "workloads:\n"
                         "  - model: " LOOPFRONT_SOURCE_DIR
                         "/workloads/examples/bert-base-attention.yaml\n"
                         "architectures:\n"
                         "  - arch: gemmini\n"
                         "    sweep:\n"
                         "      scratchpad.capacity_bytes: [131072, 262144]\n"
                         "search:\n"
                         "  budget: {evaluations: "
                      << budget
                      << "}\n"
                         "  tilings: 4\n"
                         "fusion: [none, auto]\n"
                      << extra_yaml << "output: " << (directory / "out").string() << "\n";
  return path;
}

// Six BERT-Base points (seq 128 … 4096 on gemmini, no fusion) writing into `output`, each a
// fraction of a second (20,000 evaluations) to a few seconds (300,000): long enough to signal a run
// after its first point file appears.
inline void WriteSequenceSweep(const std::filesystem::path& path, const std::filesystem::path& output,
                               std::int64_t evaluations) {
  std::ofstream(path) << "workloads: [{model: bert-base, seq_len: [128, 256, 512, 1024, 2048, 4096]}]\n"
                         "architectures: [{arch: gemmini}]\n"
                         "search: {budget: {evaluations: "
                      << evaluations
                      << "}}\n"
                         "fusion: none\n"
                         "output: "
                      << output.string() << "\n";
}

// The CSV text without the column `column` (for comparing runs whose timing differs).
inline std::string WithoutColumn(const std::string& csv, const std::string& column) {
  std::istringstream stream(csv);
  std::string line;
  std::getline(stream, line);
  const std::vector<std::string> header = util::Split(line, ',');
  std::size_t drop = header.size();
  for (std::size_t index = 0; index < header.size(); ++index) {
    if (header[index] == column) drop = index;
  }
  std::string result;
  auto emit = [&](const std::string& text) {
    // Columns before `drop` never hold quoted commas here (ids, names, numbers), so splitting the
    // prefix is safe; the rest of the line is kept whole.
    std::size_t position = 0;
    for (std::size_t index = 0; index < drop && position != std::string::npos; ++index) {
      position = text.find(',', position);
      if (position != std::string::npos) ++position;
    }
    if (drop == header.size() || position == std::string::npos) return text + "\n";
    const std::size_t end = text.find(',', position);
    return text.substr(0, position) + (end == std::string::npos ? "" : text.substr(end + 1)) + "\n";
  };
  result += emit(line);
  while (std::getline(stream, line)) result += emit(line);
  return result;
}

}  // namespace loopfront::testing
