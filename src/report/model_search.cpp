#include "loopfront/report/model_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "loopfront/report/schemas.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "src/report/front_table.h"

namespace loopfront::report {
namespace {

using Json = nlohmann::ordered_json;

// The de/quantization columns appear only when some unit de/quantizes (a floating-point host).
std::string BreakdownText(const std::vector<planner::BreakdownRow>& rows, const pareto::Objectives& total,
                          bool with_parts) {
  const bool quantization = std::any_of(rows.begin(), rows.end(), [](const planner::BreakdownRow& row) {
    return row.dequantize_cycles > 0 || row.quantize_cycles > 0;
  });
  std::string text = fmt::format("{:<42} {:>10} {:>15} {:>6} {:>13} {:>6}  ", "unit", "count", "latency_cycles", "lat%",
                                 "energy_pj", "en%");
  if (quantization) text += fmt::format("{:>17} {:>15}  ", "dequantize_cycles", "quantize_cycles");
  text += fmt::format("{:<24} {}\n", "bounding level", "mapping");
  for (const planner::BreakdownRow& row : rows) {
    const std::string unit = with_parts && !row.part.empty() ? fmt::format("{} @{}", row.unit, row.part) : row.unit;
    text += fmt::format("{:<42} {:>10} {:>15} {:>5.1f}% {:>13.6g} {:>5.1f}%  ", unit, util::FormatNumber(row.count),
                        util::FormatNumber(std::round(row.latency_cycles)),
                        100.0 * row.latency_cycles / total.latency_cycles, row.energy_pj,
                        100.0 * row.energy_pj / total.energy_pj);
    if (quantization) {
      text += fmt::format("{:>17} {:>15}  ", util::FormatNumber(std::round(row.dequantize_cycles)),
                          util::FormatNumber(std::round(row.quantize_cycles)));
    }
    text += fmt::format("{:<24} {}\n", row.bounding, row.detail);
  }
  return text;
}

// Σ over the group's members of each member op's own front's fastest point, per execution.
pareto::Objectives UnfusedMinLatency(const planner::PartResult& part, const fusion::FusedGroup& group) {
  pareto::Objectives sum;
  for (const workload::OpId member : group.members) {
    const auto* fastest = part.op_fronts.at(member).MinLatency();
    // SearchModel throws when an op has no valid mapping, so every op front has a point.
    if (fastest == nullptr) throw util::InternalError("CandidateGroups: an op without a front");
    sum.latency_cycles += fastest->objectives.latency_cycles;
    sum.energy_pj += fastest->objectives.energy_pj;
  }
  return sum;
}

std::string StatisticsText(const planner::ModelSearchStatistics& statistics) {
  return fmt::format(
      "{} ops, {} op searches (one per distinct shape), {} candidate groups ({} fusable), {} member searches, "
      "{} evaluations, searches {:.2f} s, total {:.2f} s, {} thread{}",
      statistics.ops, statistics.op_searches, statistics.candidate_groups, statistics.feasible_groups,
      statistics.member_searches, statistics.evaluations, statistics.search_seconds, statistics.wall_seconds,
      statistics.threads, statistics.threads == 1 ? "" : "s");
}

// One line per group; a group that is the same in every part (the projections' groups of a decode
// generation) is listed once.
std::string GroupsText(const planner::ModelSearchResult& result) {
  struct Line {
    std::string text;
    std::vector<std::string> parts;
  };
  std::vector<Line> lines;
  for (std::size_t part_idx = 0; part_idx < result.part_results.size(); ++part_idx) {
    for (const planner::GroupResult& group : result.part_results[part_idx].group_results) {
      std::string text;
      if (group.front.empty()) {
        text = fmt::format("{}: not fused ({})", group.label, group.not_feasible);
      } else {
        const auto* knee = group.front.Knee();
        const double fastest = group.front.MinLatency()->objectives.latency_cycles;
        const double alone = UnfusedMinLatency(result.part_results[part_idx], group.group).latency_cycles;
        text = fmt::format(
            "{}: {} tilings screened, front of {} points, knee {} cycles, {:.6g} pJ per execution; fastest {} "
            "cycles vs {} for its ops alone ({:+.1f}%)",
            group.label, group.tilings.size(), group.front.size(), util::FormatNumber(knee->objectives.latency_cycles),
            knee->objectives.energy_pj, util::FormatNumber(fastest), util::FormatNumber(alone),
            100.0 * (fastest / alone - 1.0));
      }
      auto found = std::find_if(lines.begin(), lines.end(), [&](const Line& line) { return line.text == text; });
      if (found == lines.end()) {
        lines.push_back({text, {}});
        found = std::prev(lines.end());
      }
      found->parts.push_back(result.parts[part_idx].label);
    }
  }
  std::string text;
  for (const Line& line : lines) {
    std::string where;
    if (result.parts.size() > 1) {
      where = line.parts.size() == result.parts.size() ? " (every part)" : " (" + util::Join(line.parts, ", ") + ")";
    }
    text += "  " + line.text + where + "\n";
  }
  return text;
}

Json BreakdownJson(const std::vector<planner::BreakdownRow>& rows) {
  Json json = Json::array();
  for (const planner::BreakdownRow& row : rows) {
    json.push_back({{"unit", row.unit},
                    {"part", row.part},
                    {"count", row.count},
                    {"latency_cycles", row.latency_cycles},
                    {"energy_pj", row.energy_pj},
                    {"dram_bytes", row.dram_bytes},
                    {"dequantize_cycles", row.dequantize_cycles},
                    {"quantize_cycles", row.quantize_cycles},
                    {"bounding_level", row.bounding},
                    {"mapping", row.detail}});
  }
  return json;
}

// Numbers for Transformer workloads, null for op lists.
Json NumberOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  return std::stoll(text);
}

// The CSV rows of one front, labelled with the fusion setting that produced it.
void AddFrontRows(Table& table, const ModelSearchHeader& header, const std::string& fusion, const Table& front) {
  for (std::size_t row = 0; row < front.rows(); ++row) {
    table.Row()
        .Add(header.model)
        .Add(header.seq_len)
        .Add(header.batch)
        .Add(header.phase)
        .Add(header.architecture)
        .Add(fusion);
    for (const Cell& cell : front.row(row)) table.Add(cell);
  }
}

}  // namespace

Table ModelFrontTable(const planner::ModelSearchResult& result, const pareto::Front<planner::ModelPlan>& front) {
  return FrontTable(front, kModelFront.Point(), [&](const planner::ModelPlan& plan) { return result.PlanLabel(plan); });
}

Table ModelCsvTable(const ModelSearchHeader& header, const planner::ModelSearchResult& result) {
  Table table(kModelFront.Csv());
  AddFrontRows(table, header, header.fusion, ModelFrontTable(result, result.fused));
  if (header.fusion == "auto") AddFrontRows(table, header, "none", ModelFrontTable(result, result.unfused));
  return table;
}

nlohmann::ordered_json ToJson(const planner::ModelSearchStatistics& statistics, bool with_wall_seconds) {
  Json json = {{"ops", statistics.ops},
               {"op_searches", statistics.op_searches},
               {"candidate_groups", statistics.candidate_groups},
               {"fusable_groups", statistics.feasible_groups},
               {"member_searches", statistics.member_searches},
               {"evaluations", statistics.evaluations},
               {"search_seconds", statistics.search_seconds}};
  if (with_wall_seconds) json["wall_seconds"] = statistics.wall_seconds;
  json["threads"] = statistics.threads;
  return json;
}

nlohmann::ordered_json PointResultFrontJson(const planner::ModelSearchResult& result,
                                            const pareto::Front<planner::ModelPlan>& front) {
  Json points = Json::array();
  for (const auto& point : front.points()) {
    points.push_back({{"latency_cycles", point.objectives.latency_cycles},
                      {"energy_pj", point.objectives.energy_pj},
                      {"edp_pj_cycles", point.objectives.EdpPjCycles()},
                      {"fusion_plan", result.PlanLabel(point.payload)}});
  }
  const auto* knee = front.Knee();
  return {{"knee_point", knee == nullptr ? -1 : knee - front.points().data()}, {"points", points}};
}

Json KneeOpsJson(const std::vector<KneeOpRow>& rows) {
  Json json = Json::array();
  for (const KneeOpRow& knee_op : rows) {
    const planner::BreakdownRow& row = knee_op.row;
    json.push_back(
        {{"unit", row.unit},
         {"part", row.part},
         {"count", row.count},
         {"latency_cycles", row.latency_cycles},
         {"energy_pj", row.energy_pj},
         {"bounding_level", row.bounding},
         {"flops", knee_op.flops},
         {"bytes", knee_op.bytes},
         {"dram_bytes", row.dram_bytes},
         {"arithmetic_intensity", knee_op.arithmetic_intensity},
         {"attained_flops_per_cycle", knee_op.attained_flops_per_cycle},
         {"peak_flops_per_cycle", knee_op.peak_flops_per_cycle ? Json(*knee_op.peak_flops_per_cycle) : Json(nullptr)},
         {"dram_bandwidth_bytes_per_cycle",
          knee_op.dram_bandwidth_bytes_per_cycle ? Json(*knee_op.dram_bandwidth_bytes_per_cycle) : Json(nullptr)},
         {"dequantize_cycles", row.dequantize_cycles},
         {"quantize_cycles", row.quantize_cycles},
         {"mapping", row.detail}});
  }
  return json;
}

Json BaselineModelJson(const BaselineModelSummary& baseline, const std::vector<KneeOpRow>& ops) {
  return {{"name", baseline.name},
          {"params", baseline.params},
          {"latency_cycles", baseline.objectives.latency_cycles},
          {"energy_pj", baseline.objectives.energy_pj},
          {"edp_pj_cycles", baseline.objectives.EdpPjCycles()},
          {"ops", KneeOpsJson(ops)}};
}

std::optional<double> CandidateGroupRow::MinLatencyChange() const {
  if (!fused_min_latency || unfused_min_latency.latency_cycles <= 0) return std::nullopt;
  return fused_min_latency->latency_cycles / unfused_min_latency.latency_cycles - 1.0;
}

std::vector<CandidateGroupRow> CandidateGroups(const planner::ModelSearchResult& result) {
  std::vector<CandidateGroupRow> rows;
  std::vector<int> parts_of_row;
  const int total_parts = static_cast<int>(result.parts.size());
  for (std::size_t part_idx = 0; part_idx < result.part_results.size(); ++part_idx) {
    const planner::ModelPart& model_part = result.parts[part_idx];
    const planner::PartResult& part = result.part_results[part_idx];
    for (const planner::GroupResult& group : part.group_results) {
      CandidateGroupRow row{.group = group.label,
                            .part = model_part.label,
                            .members = {},
                            .rule = std::string(fusion::ToString(group.group.rule)),
                            .not_feasible = group.not_feasible,
                            .count = static_cast<double>(group.group.count) * model_part.weight,
                            .unfused_min_latency = UnfusedMinLatency(part, group.group)};
      std::vector<std::string> names;
      for (const workload::OpId member : group.group.members) names.push_back(model_part.workload.op(member).name);
      row.members = util::Join(names, "+");
      if (!group.front.empty()) {
        row.fused_min_latency = group.front.MinLatency()->objectives;
        row.fused_knee = group.front.Knee()->objectives;
      }
      // Merge with an earlier part's row that differs only in part and count.
      const auto same = std::find_if(rows.begin(), rows.end(), [&](const CandidateGroupRow& other) {
        CandidateGroupRow probe = row;
        probe.part = other.part;
        probe.count = other.count;
        return probe == other;
      });
      if (same == rows.end()) {
        rows.push_back(std::move(row));
        parts_of_row.push_back(1);
        continue;
      }
      const std::size_t index = static_cast<std::size_t>(same - rows.begin());
      same->count += row.count;
      ++parts_of_row[index];
      if (!row.part.empty()) same->part = planner::MergedPartsLabel(parts_of_row[index], total_parts);
    }
  }
  return rows;
}

Table CandidateGroupsTable(const std::vector<CandidateGroupRow>& rows) {
  Table table(kGroups.Own());
  const auto add_optional = [&](std::optional<double> value) {
    if (value) {
      table.Add(*value);
    } else {
      table.Add(Empty{});
    }
  };
  for (const CandidateGroupRow& row : rows) {
    const auto& fastest = row.fused_min_latency;
    const auto& knee = row.fused_knee;
    table.Row()
        .Add(row.group)
        .Add(row.part)
        .Add(row.members)
        .Add(row.rule)
        .Add(row.feasible() ? 1 : 0)
        .Add(row.not_feasible)
        .Add(row.count);
    add_optional(fastest ? std::optional(fastest->latency_cycles) : std::nullopt);
    add_optional(fastest ? std::optional(fastest->energy_pj) : std::nullopt);
    add_optional(knee ? std::optional(knee->latency_cycles) : std::nullopt);
    add_optional(knee ? std::optional(knee->energy_pj) : std::nullopt);
    table.Add(row.unfused_min_latency.latency_cycles).Add(row.unfused_min_latency.energy_pj);
    add_optional(row.MinLatencyChange());
  }
  return table;
}

Json RandomMappingsJson(const std::vector<OpRandomSamples>& samples) {
  Json json = Json::array();
  for (const OpRandomSamples& op : samples) {
    json.push_back({{"op", op.op}, {"best_edp_pj_cycles", op.best_edp_pj_cycles}, {"edp_pj_cycles", op.edp_pj_cycles}});
  }
  return json;
}

Output ReportModelSearch(Format format, const ModelSearchHeader& header, const planner::ModelSearchResult& result,
                         const std::vector<planner::BreakdownRow>& knee_breakdown) {
  const pareto::Front<planner::ModelPlan>& front = result.fused;
  if (front.empty()) throw util::InternalError("ReportModelSearch: an empty front");
  const bool fusion = header.fusion == "auto";
  const auto* knee = front.Knee();
  const std::size_t knee_index = KneeIndex(front);
  const bool several_parts = result.parts.size() > 1;
  const auto* unfused_knee = result.unfused.Knee();
  const Table front_table = ModelFrontTable(result, front);
  Output output;
  switch (format) {
    case Format::kCsv: {
      output.out = WriteCsv(ModelCsvTable(header, result));
      output.err = fmt::format("knee (point {}, {}):\n", knee_index, result.PlanLabel(knee->payload)) +
                   BreakdownText(knee_breakdown, knee->objectives, several_parts);
      output.err += "search: " + StatisticsText(result.statistics) + "\n";
      return output;
    }
    case Format::kJson: {
      Json json;
      json["model"] = header.model;
      json["seq_len"] = NumberOrNull(header.seq_len);
      json["batch"] = NumberOrNull(header.batch);
      json["phase"] = header.phase;
      json["arch"] = header.architecture;
      json["cost_model"] = header.cost_model;
      json["searcher"] = header.searcher;
      json["seed"] = header.seed;
      json["fusion"] = header.fusion;
      Json parts = Json::array();
      for (const planner::ModelPart& part : result.parts)
        parts.push_back({{"label", part.label}, {"weight", part.weight}});
      json["parts"] = parts;
      json["front"] = ToJson(front_table);
      json["knee_point"] = knee_index;
      json["knee_breakdown"] = BreakdownJson(knee_breakdown);
      if (fusion) {
        json["front_without_fusion"] = ToJson(ModelFrontTable(result, result.unfused));
        json["knee_point_without_fusion"] = KneeIndex(result.unfused);
      }
      json["groups"] = ToJson(CandidateGroupsTable(CandidateGroups(result)));
      json["statistics"] = ToJson(result.statistics, /*with_wall_seconds=*/true);
      output.out = json.dump(2) + "\n";
      return output;
    }
    case Format::kTable:
      break;
  }
  output.out = fmt::format("{} on {} (cost model {}), searcher {}, fusion {}, seed {}\n", header.description,
                           header.architecture, header.cost_model, header.searcher, header.fusion, header.seed);
  output.out += fmt::format("model front{}:\n", fusion ? " with fusion" : "");
  output.out += FrontText(front_table, knee_index);
  if (fusion) {
    output.out += fmt::format(
        "front without fusion: {} points, knee {} cycles, {:.6g} pJ, EDP {:.6g} (with fusion: {:.1f}% of its EDP)\n",
        result.unfused.size(), util::FormatNumber(unfused_knee->objectives.latency_cycles),
        unfused_knee->objectives.energy_pj, unfused_knee->objectives.EdpPjCycles(),
        100.0 * knee->objectives.EdpPjCycles() / unfused_knee->objectives.EdpPjCycles());
  }
  output.out += fmt::format("knee breakdown (point {}, {}):\n", knee_index, result.PlanLabel(knee->payload)) +
                BreakdownText(knee_breakdown, knee->objectives, several_parts);
  if (fusion) output.out += "fused groups:\n" + GroupsText(result);
  output.out += "statistics: " + StatisticsText(result.statistics) + "\n";
  return output;
}

}  // namespace loopfront::report
