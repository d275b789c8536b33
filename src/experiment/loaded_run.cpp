#include "loopfront/experiment/loaded_run.h"

namespace loopfront::experiment {

std::unique_ptr<const LoadedRun> LoadRun(const RunRequest& request) {
  auto run = std::make_unique<LoadedRun>(LoadedRun{LoadExperiment(request.path, request.limits)});
  Experiment& loaded = run->spec;
  ApplySearchOverrides(loaded, request.overrides);
  run->points = ExpandPoints(loaded);
  if (!request.shard.empty()) {
    run->shard = ParseShard(request.shard, request.shard_option);
  } else if (const auto from_slurm = ShardFromSlurm(SlurmEnvironment())) {
    run->shard = *from_slurm;
  }
  run->output = request.output.empty() ? std::filesystem::path(loaded.output) : request.output;
  return run;
}

}  // namespace loopfront::experiment
