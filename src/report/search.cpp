#include "loopfront/report/search.h"

#include <fmt/format.h>

#include <cmath>

#include "loopfront/mapping/mapping.h"
#include "loopfront/report/schemas.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "src/report/front_table.h"

namespace loopfront::report {
namespace {

std::string MapspaceSizeText(const search::MapspaceSize& size) {
  if (size.exact) return fmt::format("{} mappings (10^{:.2f})", *size.exact, size.log10);
  return fmt::format("about 10^{:.2f} mappings", size.log10);
}

std::string QualityText(const SearchQuality& quality) {
  std::string text;
  if (!std::isnan(quality.hypervolume)) {
    text += fmt::format("hypervolume {:.6g} (reference point {}, {})", quality.hypervolume,
                        quality.hypervolume_reference->latency_cycles, quality.hypervolume_reference->energy_pj);
  }
  if (!std::isnan(quality.reference_hypervolume)) {
    text += fmt::format(", reference front's {:.6g}", quality.reference_hypervolume);
  }
  if (quality.distance) {
    text += fmt::format("{}distance to the reference front {:.4g} (IGD+ on ln objectives)", text.empty() ? "" : "; ",
                        *quality.distance);
  }
  return text;
}

// The knee's gains over the baseline: speedup = baseline latency / knee latency, EDP gain =
// baseline EDP / knee EDP (> 1: the knee is better).
double Speedup(const pareto::Objectives& knee, const SearchBaseline& baseline) {
  return baseline.objectives.latency_cycles / knee.latency_cycles;
}
double EdpGain(const pareto::Objectives& knee, const SearchBaseline& baseline) {
  return baseline.objectives.EdpPjCycles() / knee.EdpPjCycles();
}

}  // namespace

Table SearchFrontTable(const pareto::Front<mapping::Mapping>& front, const mapping::Problem& problem) {
  return FrontTable(front, kSearchFront.Point(),
                    [&](const mapping::Mapping& mapping) { return mapping::ToString(mapping, problem); });
}

Table SearchCsvTable(const SearchHeader& header, const Table& front) {
  Table table(kSearchFront.Csv());
  for (std::size_t row = 0; row < front.rows(); ++row) {
    // The seed as the signed integer earlier versions printed.
    table.Row().Add(header.op_label).Add(header.searcher).Add(static_cast<std::int64_t>(header.seed));
    for (const Cell& cell : front.row(row)) table.Add(cell);
  }
  return table;
}

nlohmann::ordered_json ToJson(const search::SearchStatistics& statistics) {
  nlohmann::ordered_json json;
  json["evaluations"] = statistics.evaluations;
  json["valid_evaluations"] = statistics.valid_evaluations;
  json["valid_fraction"] = statistics.valid_fraction();
  json["wall_seconds"] = statistics.wall_seconds;
  json["evaluations_per_second"] = statistics.evaluations_per_second();
  json["threads"] = statistics.threads;
  json["steps"] = statistics.steps;
  json["stop_reason"] = search::ToString(statistics.stop_reason);
  json["mapspace_log10_size"] = statistics.mapspace_size.log10;
  if (statistics.mapspace_size.exact) json["mapspace_size"] = *statistics.mapspace_size.exact;
  nlohmann::ordered_json invalid = nlohmann::ordered_json::object();
  for (int violation = 0; violation < search::kNumViolations; ++violation) {
    if (statistics.invalid_by_violation[violation] == 0) continue;
    invalid[std::string(mapping::ToString(static_cast<mapping::Violation>(violation)))] =
        statistics.invalid_by_violation[violation];
  }
  json["invalid_by_reason"] = invalid;
  return json;
}

std::string StatisticsText(const search::SearchStatistics& statistics) {
  return fmt::format(
      "evaluations {} ({:.1f}% valid), wall time {:.3f} s, {:.0f} evaluations/s, {} thread{}, {} steps, stopped by "
      "{}; mapspace {}",
      statistics.evaluations, 100.0 * statistics.valid_fraction(), statistics.wall_seconds,
      statistics.evaluations_per_second(), statistics.threads, statistics.threads == 1 ? "" : "s", statistics.steps,
      search::ToString(statistics.stop_reason), MapspaceSizeText(statistics.mapspace_size));
}

Output ReportSearch(Format format, const SearchHeader& header, const mapping::Problem& problem,
                    const search::SearchResult& result, const SearchQuality& quality,
                    const std::optional<SearchBaseline>& baseline) {
  if (result.front.empty()) throw util::InternalError("ReportSearch: an empty front");
  const pareto::Objectives& knee = result.front.Knee()->objectives;
  const search::SearchStatistics& statistics = result.statistics;
  const Table front = SearchFrontTable(result.front, problem);
  const std::size_t knee_index = KneeIndex(result.front);
  const std::string quality_text = QualityText(quality);
  Output output;
  switch (format) {
    case Format::kCsv: {
      output.out = WriteCsv(SearchCsvTable(header, front));
      output.err = "search: " + StatisticsText(statistics) + "\n";
      if (!quality_text.empty()) output.err += "search: " + quality_text + "\n";
      return output;
    }
    case Format::kJson: {
      nlohmann::ordered_json json;
      json["op"] = header.op_label;
      json["architecture"] = header.architecture;
      json["cost_model"] = header.cost_model;
      json["searcher"] = header.searcher;
      json["seed"] = header.seed;
      json["objectives"] = search::ToString(header.objective);
      json["front"] = ToJson(front);
      json["knee_point"] = knee_index;
      nlohmann::ordered_json stats = ToJson(statistics);
      if (!std::isnan(quality.hypervolume)) {
        stats["hypervolume"] = quality.hypervolume;
        stats["hypervolume_reference_point"] = {quality.hypervolume_reference->latency_cycles,
                                                quality.hypervolume_reference->energy_pj};
      }
      if (!std::isnan(quality.reference_hypervolume)) {
        stats["reference_front_hypervolume"] = quality.reference_hypervolume;
      }
      if (quality.distance) stats["distance_to_reference_front"] = *quality.distance;
      json["statistics"] = stats;
      if (baseline) {
        json["baseline"] = {{"searcher", baseline->searcher},
                            {"mapping", baseline->mapping},
                            {"latency_cycles", baseline->objectives.latency_cycles},
                            {"energy_pj", baseline->objectives.energy_pj},
                            {"edp_pj_cycles", baseline->objectives.EdpPjCycles()},
                            {"knee_speedup", Speedup(knee, *baseline)},
                            {"knee_edp_gain", EdpGain(knee, *baseline)}};
      }
      output.out = json.dump(2) + "\n";
      return output;
    }
    case Format::kTable:
      break;
  }
  output.out = fmt::format("{} on {} (cost model {}), searcher {}, objectives {}, seed {}\n", header.op_label,
                           header.architecture, header.cost_model, header.searcher, search::ToString(header.objective),
                           header.seed);
  output.out += FrontText(front, knee_index);
  if (baseline) {
    output.out += fmt::format(
        "baseline {}: latency {:.6g} cycles, energy {:.6g} pJ, EDP {:.6g} pJ x cycles ({}); knee speedup "
        "{:.3g}x, EDP gain {:.3g}x (above 1: the knee is better)\n",
        baseline->searcher, baseline->objectives.latency_cycles, baseline->objectives.energy_pj,
        baseline->objectives.EdpPjCycles(), baseline->mapping, Speedup(knee, *baseline), EdpGain(knee, *baseline));
  }
  output.out += "statistics: " + StatisticsText(statistics) + "\n";
  if (statistics.evaluations > statistics.valid_evaluations) {
    output.out += "invalid evaluations by reason: " + search::InvalidReasons(statistics) + "\n";
  }
  if (!quality_text.empty()) output.out += "quality: " + quality_text + "\n";
  return output;
}

}  // namespace loopfront::report
