// One op's search (`loopfront search`) as output: the Pareto front — latency, energy, EDP and the
// one-line mapping of each point, fastest first, the knee marked — and the run's statistics and,
// when asked, its quality against a reference front.
//
//   table  a title line, the front (aligned, fixed widths), "statistics: …", the invalid
//          evaluations by reason when there are any, and "quality: …" when computed
//   csv    the front (schemas.h, SearchFrontSchema) on `out`; "search: <statistics>" and
//          "search: <quality>" on `err`, so that `out` is the same for any thread count
//   json   one object: the run's identity, front, knee_point and statistics (ToJson below plus the
//          quality keys), and `baseline` when one was given
// With a baseline (`search --baseline NAME`: another searcher's knee on the same op, e.g.
// gemmini_default, the mapping Gemmini's software runs), the table adds after the front a line
// "baseline NAME: …" with the baseline's point and the knee's speedup (baseline latency / knee
// latency) and EDP gain (baseline EDP / knee EDP); JSON adds the object `baseline` {searcher,
// mapping, latency_cycles, energy_pj, edp_pj_cycles, knee_speedup, knee_edp_gain}; CSV is unchanged.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "loopfront/mapping/problem.h"
#include "loopfront/pareto/front.h"
#include "loopfront/report/table.h"
#include "loopfront/search/searcher.h"

namespace loopfront::report {

// What identifies a search run in its output.
struct SearchHeader {
  std::string op_label;
  std::string architecture;
  std::string cost_model;
  std::string searcher;
  std::uint64_t seed = 0;
  search::Objective objective = search::Objective::kLatencyEnergy;
};

// A front's quality, computed by the caller (pareto/front.h); NaN or nullopt: not computed.
struct SearchQuality {
  std::optional<pareto::Objectives> hypervolume_reference{};  // the hypervolume's reference point
  double hypervolume = std::numeric_limits<double>::quiet_NaN();
  double reference_hypervolume = std::numeric_limits<double>::quiet_NaN();  // the reference front's
  std::optional<double> distance{};                                         // IGD+ to the reference front
};

// The point a search is compared with: the knee of a baseline searcher's front on the same op.
struct SearchBaseline {
  std::string searcher;
  std::string mapping;  // one-line form
  pareto::Objectives objectives{};
};

// The front's points (SearchFrontSchema::Point columns), fastest first.
Table SearchFrontTable(const pareto::Front<mapping::Mapping>& front, const mapping::Problem& problem);

// The rows of `search --format csv` (SearchFrontSchema::Csv columns): the identity columns of
// `header`, then each row of `front` (SearchFrontTable).
Table SearchCsvTable(const SearchHeader& header, const Table& front);

// The statistics as JSON: evaluations, valid_evaluations, valid_fraction, wall_seconds,
// evaluations_per_second, threads, steps, stop_reason, mapspace_log10_size, mapspace_size (when
// exact), invalid_by_reason.
nlohmann::ordered_json ToJson(const search::SearchStatistics& statistics);

// One line: evaluations (valid %), wall time, rate, threads, steps, stop reason, mapspace size.
std::string StatisticsText(const search::SearchStatistics& statistics);

// The search's output in `format`. The front must not be empty.
Output ReportSearch(Format format, const SearchHeader& header, const mapping::Problem& problem,
                    const search::SearchResult& result, const SearchQuality& quality,
                    const std::optional<SearchBaseline>& baseline = std::nullopt);

}  // namespace loopfront::report
