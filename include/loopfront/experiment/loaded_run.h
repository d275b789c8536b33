// An experiment as `loopfront run` and the Python API's run() (docs/python.md) take it: the file
// with the overrides applied, its points, the shard and the output directory — loaded the same way
// by both, so that the same arguments give the same points, ids and outputs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/shard.h"

namespace loopfront::experiment {

struct RunRequest {
  std::string path;  // the experiment file
  SearchOverrides overrides{};
  std::string shard{};                   // "I/N"; empty: from the Slurm array variables, else 0/1
  std::string shard_option = "--shard";  // how an error names it
  std::filesystem::path output{};        // empty: the file's `output`
  LoadLimits limits{};                   // `--max-points`
};

// The points refer to `spec`, so a LoadedRun stays where it is made.
struct LoadedRun {
  Experiment spec;
  std::vector<Point> points{};
  Shard shard{};
  std::filesystem::path output{};
};

// Loads the experiment, applies the overrides, expands its points and resolves the shard and the
// output directory. Throws util::ConfigError on bad input (the file's problems, then the shard's).
std::unique_ptr<const LoadedRun> LoadRun(const RunRequest& request);

}  // namespace loopfront::experiment
