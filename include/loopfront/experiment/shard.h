// Which share of an experiment's points this process runs (DESIGN §2.9): shard I of N runs every
// point whose index ≡ I (mod N). The default comes from a Slurm job array, so `sbatch --array=0-63`
// needs no extra flag: I = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (arrays need not start at 0),
// N = SLURM_ARRAY_TASK_COUNT. Without either, the single shard 0/1.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace loopfront::experiment {

struct Shard {
  std::int64_t index = 0;
  std::int64_t count = 1;
  bool Owns(std::int64_t point_index) const { return point_index % count == index; }
  bool operator==(const Shard&) const = default;
};

// Parses "I/N" with 0 ≤ I < N. Throws util::ConfigError naming `option` on bad text.
Shard ParseShard(const std::string& text, const std::string& option = "--shard");

// The shard from the Slurm array variables in `environment` (name → value), or nullopt when they
// are absent. Throws util::ConfigError when they are present but inconsistent.
std::optional<Shard> ShardFromSlurm(const std::map<std::string, std::string>& environment);

// The Slurm variables of this process's environment.
std::map<std::string, std::string> SlurmEnvironment();

}  // namespace loopfront::experiment
