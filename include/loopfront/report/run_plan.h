// What `loopfront run --dry-run` prints: the experiment's points of this shard, one row each, and
// whether each is done already or still to run. With a baseline (`baseline:`), the title line ends
// with "; baseline NAME" (and its parameters in parentheses).
//
//   experiment tiny: 4 points (1 workloads x 2 architectures x 2 fusion settings), shard 0/1, output out/
//   index  id            status  model          seq_len batch phase   kv_len  arch           fusion sweep
//       0  3f2a…         to run  bert-base          128     1 prefill      -  gemmini        auto
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace loopfront::report {

// One point as planned; absent numbers are "-".
struct PlannedPoint {
  std::int64_t index = 0;
  std::string id;
  bool done = false;  // its result exists and will be kept
  std::string model;
  std::string seq_len;
  std::string batch;
  std::string phase;
  std::string kv_len;
  std::string arch;
  std::string fusion;
  std::vector<std::pair<std::string, std::string>> sweep{};  // swept workload, then architecture, key = value
};

struct RunPlan {
  std::string experiment;
  std::size_t points_total = 0;  // in every shard
  std::size_t workloads = 0;
  std::size_t architectures = 0;
  std::size_t fusions = 0;
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  std::string output;
  std::string baseline{};              // the baseline searcher every point is also evaluated under; "" none
  std::string baseline_params{};       // its parameters, `key=value,...`
  std::vector<PlannedPoint> points{};  // this shard's
};

// A title line, then the points as an aligned table.
std::string RunPlanText(const RunPlan& plan);

}  // namespace loopfront::report
