#include "loopfront/experiment/shard.h"

#include <fmt/format.h>

#include <cstdlib>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
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
  if (parts.size() == 2) {
    const std::int64_t index = util::ParseInt64(parts[0]).value_or(-1);
    const std::int64_t count = util::ParseInt64(parts[1]).value_or(0);
    // N counts shards like any count (≤ kMaxCount); I < N then keeps I in range too.
    if (util::kCountRange.Contains(count) && index >= 0 && index < count) return Shard{index, count};
  }
  Fail(option, fmt::format("expected I/N with 0 <= I < N <= {} (e.g. 0/4), got '{}'", util::kMaxCount, text));
}

namespace {

// One Slurm variable as an integer of `range`, or a ConfigError naming the variable.
std::int64_t SlurmInteger(const std::string& name, const std::string& text, const util::IntRange& range) {
  const std::optional<std::int64_t> value = util::ParseInt64(text);
  if (!value) Fail(name, fmt::format("expected {}, got '{}'", util::DescribeRange(range), text));
  if (!range.Contains(*value)) Fail(name, util::OutOfRangeMessage(range, *value));
  return *value;
}

}  // namespace

std::optional<Shard> ShardFromSlurm(const std::map<std::string, std::string>& environment) {
  const auto id = environment.find("SLURM_ARRAY_TASK_ID");
  const auto count = environment.find("SLURM_ARRAY_TASK_COUNT");
  if (id == environment.end() && count == environment.end()) return std::nullopt;
  if (id == environment.end() || count == environment.end()) {
    Fail("SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT",
         "expected both variables of a Slurm job array, got only one; pass --shard I/N explicitly");
  }
  // Task ids and counts are bounded like every count (util::kMaxCount), so that id − min below
  // cannot overflow.
  std::int64_t minimum = 0;
  if (const auto min = environment.find("SLURM_ARRAY_TASK_MIN"); min != environment.end()) {
    minimum = SlurmInteger("SLURM_ARRAY_TASK_MIN", min->second, util::kNonNegativeCountRange);
  }
  const std::int64_t task = SlurmInteger("SLURM_ARRAY_TASK_ID", id->second, util::kNonNegativeCountRange);
  const std::int64_t tasks = SlurmInteger("SLURM_ARRAY_TASK_COUNT", count->second, util::kCountRange);
  if (task < minimum) {
    Fail("SLURM_ARRAY_TASK_ID",
         fmt::format("expected an id ≥ SLURM_ARRAY_TASK_MIN ({}), got {}", minimum, task));
  }
  // Arrays with a step (--array=0-63:2) have ids that are not consecutive; their index among the
  // tasks is not derivable from these variables alone, so such arrays must pass --shard.
  return ParseShard(fmt::format("{}/{}", task - minimum, tasks), "SLURM_ARRAY_TASK_ID/COUNT");
}

std::map<std::string, std::string> SlurmEnvironment() {
  std::map<std::string, std::string> environment;
  for (const char* name : kSlurmVariables) {
    if (const char* value = std::getenv(name)) environment[name] = value;
  }
  return environment;
}

}  // namespace loopfront::experiment
