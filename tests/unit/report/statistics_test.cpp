// The statistics of a search and of a model search as JSON and text (report/search.h,
// report/model_search.h), and the invalid-evaluation reasons (search/searcher.h) they print.
#include <catch2/catch.hpp>

#include "loopfront/report/model_search.h"
#include "loopfront/report/search.h"
#include "loopfront/search/searcher.h"

namespace {

namespace planner = loopfront::planner;
namespace report = loopfront::report;
namespace search = loopfront::search;
using loopfront::mapping::Violation;

}  // namespace

TEST_CASE("Model-search statistics as JSON, with and without the wall time", "[report][model]") {
  const planner::ModelSearchStatistics statistics{.ops = 14,
                                                  .op_searches = 9,
                                                  .candidate_groups = 3,
                                                  .feasible_groups = 2,
                                                  .member_searches = 40,
                                                  .evaluations = 123456,
                                                  .search_seconds = 1.5,
                                                  .wall_seconds = 2.25,
                                                  .threads = 2};
  // The key order and types of `search --model --format json` and of a point result (runner.h).
  CHECK(report::ToJson(statistics, true).dump() ==
        R"({"ops":14,"op_searches":9,"candidate_groups":3,"fusable_groups":2,"member_searches":40,)"
        R"("evaluations":123456,"search_seconds":1.5,"wall_seconds":2.25,"threads":2})");
  CHECK(report::ToJson(statistics, false).dump() ==
        R"({"ops":14,"op_searches":9,"candidate_groups":3,"fusable_groups":2,"member_searches":40,)"
        R"("evaluations":123456,"search_seconds":1.5,"threads":2})");
}

TEST_CASE("Search statistics: invalid evaluations by reason, in text and JSON", "[report]") {
  search::SearchStatistics statistics;
  statistics.evaluations = 100;
  statistics.valid_evaluations = 80;
  statistics.wall_seconds = 2.0;
  statistics.threads = 1;
  statistics.steps = 3;
  statistics.mapspace_size = {.log10 = 3.0, .exact = 1000};
  CHECK(search::InvalidReasons(statistics) == "none");
  CHECK(report::ToJson(statistics)["invalid_by_reason"].dump() == "{}");
  statistics.invalid_by_violation[static_cast<int>(Violation::kCapacityExceeded)] = 15;
  statistics.invalid_by_violation[static_cast<int>(Violation::kFanoutExceeded)] = 5;
  const std::string reasons = search::InvalidReasons(statistics);
  CHECK(reasons.find("15") != std::string::npos);
  CHECK(reasons.find(", ") != std::string::npos);
  const nlohmann::ordered_json json = report::ToJson(statistics);
  CHECK(json["invalid_by_reason"].size() == 2);
  CHECK(json["valid_fraction"].get<double>() == 0.8);
  CHECK(json["mapspace_size"].get<std::int64_t>() == 1000);
  CHECK(report::StatisticsText(statistics) ==
        "evaluations 100 (80.0% valid), wall time 2.000 s, 50 evaluations/s, 1 thread, 3 steps, stopped by "
        "evaluations; mapspace 1000 mappings (10^3.00)");
}
