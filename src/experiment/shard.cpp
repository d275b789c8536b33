#include "loopfront/experiment/shard.h"

#include <fmt/format.h>

#include <cstdlib>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::experiment {
namespace {

constexpr const char* kSlurmVariables[] = {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"};

[[noreturn]] void Fail(const std::string& where, const std::string& message) {
  throw util::ConfigError(std::vector<util::Diagnostic>{util::Diagnostic{.path = where, .message = message}});
}

}  // namespace

Shard ParseShard(const std::string& text, const std::string& option) {
  const std::vector<std::string> parts = util::Split(text, '/');
  const std::optional<std::int64_t> index = parts.size() == 2 ? util::ParseInt64(parts[0]) : std::nullopt;
  const std::optional<std::int64_t> count = parts.size() == 2 ? util::ParseInt64(parts[1]) : std::nullopt;
  if (!index || !count || *count < 1 || *index < 0 || *index >= *count) {
    Fail(option, fmt::format("expected I/N with 0 <= I < N (e.g. 0/4), got '{}'", text));
  }
  return Shard{*index, *count};
}

std::optional<Shard> ShardFromSlurm(const std::map<std::string, std::string>& environment) {
  const auto id = environment.find("SLURM_ARRAY_TASK_ID");
  const auto count = environment.find("SLURM_ARRAY_TASK_COUNT");
  if (id == environment.end() && count == environment.end()) return std::nullopt;
  if (id == environment.end() || count == environment.end()) {
    Fail("SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT",
         "expected both variables of a Slurm job array, got only one; pass --shard I/N explicitly");
  }
  std::int64_t minimum = 0;
  if (const auto min = environment.find("SLURM_ARRAY_TASK_MIN"); min != environment.end()) {
    const std::optional<std::int64_t> parsed = util::ParseInt64(min->second);
    if (!parsed) Fail("SLURM_ARRAY_TASK_MIN", fmt::format("expected an integer, got '{}'", min->second));
    minimum = *parsed;
  }
  const std::optional<std::int64_t> task = util::ParseInt64(id->second);
  if (!task) Fail("SLURM_ARRAY_TASK_ID", fmt::format("expected an integer, got '{}'", id->second));
  // Arrays with a step (--array=0-63:2) have ids that are not consecutive; their index among the
  // tasks is not derivable from these variables alone, so such arrays must pass --shard.
  return ParseShard(fmt::format("{}/{}", *task - minimum, count->second), "SLURM_ARRAY_TASK_ID/COUNT");
}

std::map<std::string, std::string> SlurmEnvironment() {
  std::map<std::string, std::string> environment;
  for (const char* name : kSlurmVariables) {
    if (const char* value = std::getenv(name)) environment[name] = value;
  }
  return environment;
}

}  // namespace loopfront::experiment
