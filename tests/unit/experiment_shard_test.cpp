#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "loopfront/experiment/shard.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"

using loopfront::experiment::ParseShard;
using loopfront::experiment::Shard;
using loopfront::experiment::ShardFromSlurm;

TEST_CASE("Shards partition the points", "[experiment]") {
  CHECK(ParseShard("1/3") == Shard{1, 3});
  const Shard shard = ParseShard("2/3");
  CHECK(shard.Owns(2));
  CHECK(shard.Owns(5));
  CHECK_FALSE(shard.Owns(3));
  CHECK_THROWS_AS(ParseShard("3/3"), loopfront::util::ConfigError);
  CHECK_THROWS_AS(ParseShard("1"), loopfront::util::ConfigError);
  CHECK_THROWS_AS(ParseShard("-1/2"), loopfront::util::ConfigError);
}

TEST_CASE("Slurm array variables give the default shard", "[experiment]") {
  CHECK_FALSE(ShardFromSlurm({}));
  CHECK(ShardFromSlurm({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}) == Shard{5, 8});
  // An array that starts at 1 (--array=1-8).
  CHECK(ShardFromSlurm({{"SLURM_ARRAY_TASK_ID", "8"}, {"SLURM_ARRAY_TASK_COUNT", "8"}, {"SLURM_ARRAY_TASK_MIN", "1"}}) ==
        Shard{7, 8});
  CHECK_THROWS_AS(ShardFromSlurm({{"SLURM_ARRAY_TASK_ID", "5"}}), loopfront::util::ConfigError);
}

// Issue #15: ids beyond int64 or below the array's minimum were parsed into overflowing arithmetic.
TEST_CASE("Absurd Slurm variables and shards are errors naming the variable, never wrapped", "[experiment][ranges]") {
  const auto message = [](const std::map<std::string, std::string>& environment) {
    try {
      (void)ShardFromSlurm(environment);
    } catch (const loopfront::util::ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message({{"SLURM_ARRAY_TASK_ID", "99999999999999999999"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}),
             Catch::Contains("SLURM_ARRAY_TASK_ID") && Catch::Contains("99999999999999999999"));
  CHECK_THAT(message({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "0"}}),
             Catch::Contains("SLURM_ARRAY_TASK_COUNT"));
  CHECK_THAT(message({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "8"},
                      {"SLURM_ARRAY_TASK_MIN", "9223372036854775807"}}),
             Catch::Contains("SLURM_ARRAY_TASK_MIN"));
  CHECK_THAT(message({{"SLURM_ARRAY_TASK_ID", "-9223372036854775808"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}),
             Catch::Contains("SLURM_ARRAY_TASK_ID"));
  CHECK_THROWS_AS(ParseShard("1/99999999999999999999"), loopfront::util::ConfigError);
  CHECK_THROWS_AS(ParseShard("9223372036854775807/9223372036854775807"), loopfront::util::ConfigError);
}

TEST_CASE("A stop request is recorded with its signal", "[util]") {
  loopfront::util::ClearStopRequest();
  CHECK_FALSE(loopfront::util::StopRequested());
  loopfront::util::RequestStopForTesting(15);
  CHECK(loopfront::util::StopRequested());
  CHECK(loopfront::util::StopSignal() == 15);
  loopfront::util::ClearStopRequest();
}
