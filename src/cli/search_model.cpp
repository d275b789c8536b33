#include "src/cli/search_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/io/output.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/transformer.h"

namespace loopfront::cli {
namespace {

using experiment::ModelIdentity;
using experiment::ResolvedModel;

ResolvedModel ResolveModel(const ModelSearchArgs& args) {
  experiment::ModelRequest request{.model = args.model, .kv_buckets = args.kv_buckets};
  if (args.seq_len > 0) request.seq_len = args.seq_len;
  if (args.batch > 0) request.batch = args.batch;
  if (!args.phase.empty()) request.phase = workload::ParsePhase(args.phase);
  if (args.kv_len > 0) request.kv_len = args.kv_len;
  return experiment::ResolveModel(request);
}

void AddFrontRows(io::CsvTable& table, const ModelIdentity& identity, const std::string& arch_name,
                  const std::string& fusion, const planner::ModelSearchResult& result,
                  const pareto::Front<planner::ModelPlan>& front) {
  const auto& points = front.points();
  for (std::size_t index = 0; index < points.size(); ++index) {
    table.Row()
        .Add(identity.model)
        .Add(identity.seq_len)
        .Add(identity.batch)
        .Add(identity.phase)
        .Add(arch_name)
        .Add(fusion)
        .Add(static_cast<std::int64_t>(index))
        .Add(points[index].objectives.latency_cycles)
        .Add(points[index].objectives.energy_pj)
        .Add(points[index].objectives.EdpPjCycles())
        .Add(result.PlanLabel(points[index].payload));
  }
}

std::string BreakdownText(const std::vector<planner::BreakdownRow>& rows, const pareto::Objectives& total,
                          bool with_parts) {
  std::string text = fmt::format("{:<42} {:>10} {:>15} {:>6} {:>13} {:>6}  {:<24} {}\n", "unit", "count",
                                 "latency_cycles", "lat%", "energy_pj", "en%", "bounding level", "mapping");
  for (const planner::BreakdownRow& row : rows) {
    const std::string unit = with_parts && !row.part.empty() ? fmt::format("{} @{}", row.unit, row.part) : row.unit;
    text += fmt::format("{:<42} {:>10} {:>15} {:>5.1f}% {:>13.6g} {:>5.1f}%  {:<24} {}\n", unit,
                        io::FormatNumber(row.count), io::FormatNumber(std::round(row.latency_cycles)),
                        100.0 * row.latency_cycles / total.latency_cycles, row.energy_pj,
                        100.0 * row.energy_pj / total.energy_pj, row.bounding, row.detail);
  }
  return text;
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
        text = fmt::format("{}: {} tilings screened, front of {} points, knee {} cycles, {:.6g} pJ per execution",
                           group.label, group.tilings.size(), group.front.size(),
                           io::FormatNumber(knee->objectives.latency_cycles), knee->objectives.energy_pj);
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

nlohmann::ordered_json FrontJson(const planner::ModelSearchResult& result,
                                 const pareto::Front<planner::ModelPlan>& front) {
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (std::size_t index = 0; index < front.points().size(); ++index) {
    const auto& point = front.points()[index];
    points.push_back({{"point", index},
                      {"latency_cycles", point.objectives.latency_cycles},
                      {"energy_pj", point.objectives.energy_pj},
                      {"edp_pj_cycles", point.objectives.EdpPjCycles()},
                      {"fusion_plan", result.PlanLabel(point.payload)}});
  }
  return points;
}

nlohmann::ordered_json BreakdownJson(const std::vector<planner::BreakdownRow>& rows) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const planner::BreakdownRow& row : rows) {
    json.push_back({{"unit", row.unit},
                    {"part", row.part},
                    {"count", row.count},
                    {"latency_cycles", row.latency_cycles},
                    {"energy_pj", row.energy_pj},
                    {"bounding_level", row.bounding},
                    {"mapping", row.detail}});
  }
  return json;
}

}  // namespace

void AddModelSearchOptions(CLI::App& command, ModelSearchArgs& args) {
  command.add_option("--model", args.model,
                     "Search a whole model (workload preset or YAML file) instead of one op: its Pareto front with "
                     "and without fusion");
  command.add_option("--seq", args.seq_len, "With --model: tokens per sequence (decode: tokens generated)")
      ->check(CLI::PositiveNumber);
  command.add_option("--batch", args.batch, "With --model: sequences per batch")->check(CLI::PositiveNumber);
  command.add_option("--phase", args.phase, "With --model: prefill, or decode (a whole generation)")
      ->check(CLI::IsMember(workload::PhaseNames()));
  command.add_option("--kv-len", args.kv_len, "With --model --phase decode: one decode step at this kv_len")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--kv-buckets", args.kv_buckets,
                  "With --model --phase decode: kv_len buckets that stand for the generation's steps")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command.add_option("--fusion", args.fusion, "With --model: none, or auto (search fused groups)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "auto"}));
  command.add_option("--tilings", args.tilings, "With --model: shared tilings screened per fused group")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
}

int RunModelSearch(const ModelSearchArgs& args, const SharedSearchArgs& shared) {
  util::Diagnostics diagnostics;
  for (const std::string& option : shared.single_op_options) {
    diagnostics.Add({.path = option, .message = "expected no " + option + " with --model (it applies to one op)"});
  }
  // Independent inputs: report all their problems together.
  std::optional<arch::Architecture> architecture;
  std::unique_ptr<cost::CostModel> cost_model;
  std::unique_ptr<search::Searcher> searcher;
  std::optional<ResolvedModel> model;
  auto collect = [&](auto&& step) {
    try {
      step();
    } catch (const util::ConfigError& error) {
      for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
    }
  };
  collect([&] { architecture = arch::LoadArchitecture(shared.arch); });
  collect([&] { cost_model = cost::BuiltinCostModels().Create(shared.cost_model, shared.cost_params); });
  collect([&] { searcher = search::BuiltinSearchers().Create(shared.searcher, shared.params); });
  collect([&] { model = ResolveModel(args); });
  diagnostics.ThrowIfAny();

  planner::ModelSearchOptions options;
  // As `search` does for one op: the default evaluation budget stands in only when no budget was
  // given, so that --budget-seconds or --budget-stall alone is what limits each search.
  if (shared.budget_evaluations_given) {
    options.op_budget.max_evaluations = shared.budget_evaluations;
  } else if (shared.budget_seconds > 0 || shared.budget_stall > 0) {
    options.op_budget.max_evaluations = 0;
  }
  options.op_budget.max_seconds = shared.budget_seconds;
  options.op_budget.max_stall_steps = shared.budget_stall;
  options.seed = shared.seed;
  options.threads = shared.threads;
  options.fusion = args.fusion == "auto";
  options.screened_tilings = args.tilings;
  options.mapspace.max_padding_waste = shared.max_padding_waste;
  util::InstallStopHandlers();
  const planner::ModelSearchResult result =
      planner::SearchModel(model->parts, *architecture, *cost_model, *searcher, options);

  const ModelIdentity& identity = model->identity;
  const pareto::Front<planner::ModelPlan>& front = result.fused;
  const auto* knee = front.Knee();
  const auto knee_index = static_cast<std::size_t>(knee - front.points().data());
  const std::vector<planner::BreakdownRow> breakdown = result.Breakdown(knee->payload, *cost_model);
  const bool several_parts = result.parts.size() > 1;
  const auto* unfused_knee = result.unfused.Knee();

  if (shared.format == "csv") {
    io::CsvTable table({"model", "seq_len", "batch", "phase", "arch", "fusion", "point", "latency_cycles", "energy_pj",
                        "edp_pj_cycles", "fusion_plan"});
    AddFrontRows(table, identity, architecture->name, args.fusion, result, front);
    if (options.fusion) AddFrontRows(table, identity, architecture->name, "none", result, result.unfused);
    std::cout << table.ToString();
    std::cerr << "knee (point " << knee_index << ", " << result.PlanLabel(knee->payload) << "):\n"
              << BreakdownText(breakdown, knee->objectives, several_parts);
    std::cerr << "search: " << StatisticsText(result.statistics) << '\n';
    return 0;
  }
  if (shared.format == "json") {
    nlohmann::ordered_json json;
    json["model"] = identity.model;
    // Numbers for Transformer workloads, null for op lists.
    const auto number_or_null = [](const std::string& text) -> nlohmann::ordered_json {
      if (text.empty()) return nullptr;
      return std::stoll(text);
    };
    json["seq_len"] = number_or_null(identity.seq_len);
    json["batch"] = number_or_null(identity.batch);
    json["phase"] = identity.phase;
    json["arch"] = architecture->name;
    json["cost_model"] = shared.cost_model;
    json["searcher"] = shared.searcher;
    json["seed"] = shared.seed;
    json["fusion"] = args.fusion;
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const planner::ModelPart& part : result.parts)
      parts.push_back({{"label", part.label}, {"weight", part.weight}});
    json["parts"] = parts;
    json["front"] = FrontJson(result, front);
    json["knee_point"] = knee_index;
    json["knee_breakdown"] = BreakdownJson(breakdown);
    if (options.fusion) {
      json["front_without_fusion"] = FrontJson(result, result.unfused);
      json["knee_point_without_fusion"] = static_cast<std::size_t>(unfused_knee - result.unfused.points().data());
    }
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (std::size_t part_idx = 0; part_idx < result.part_results.size(); ++part_idx) {
      for (const planner::GroupResult& group : result.part_results[part_idx].group_results) {
        nlohmann::ordered_json entry{{"group", group.label},
                                     {"part", result.parts[part_idx].label},
                                     {"tilings_screened", group.tilings.size()},
                                     {"front_points", group.front.size()}};
        if (!group.not_feasible.empty()) entry["not_fused_because"] = group.not_feasible;
        groups.push_back(entry);
      }
    }
    json["groups"] = groups;
    json["statistics"] = planner::ToJson(result.statistics, /*with_wall_seconds=*/true);
    std::cout << json.dump(2) << '\n';
    return 0;
  }

  std::cout << fmt::format("{} on {} (cost model {}), searcher {}, fusion {}, seed {}\n", identity.description,
                           architecture->name, shared.cost_model, shared.searcher, args.fusion, shared.seed);
  std::cout << fmt::format("model front{}:\n", options.fusion ? " with fusion" : "");
  std::cout << fmt::format("{:>5}  {:>15}  {:>15}  {:>15}  {}\n", "point", "latency_cycles", "energy_pj",
                           "edp_pj_cycles", "fusion_plan");
  for (std::size_t index = 0; index < front.points().size(); ++index) {
    const auto& point = front.points()[index];
    std::cout << fmt::format("{:>5}  {:>15}  {:>15.6g}  {:>15.6g}  {}{}\n", index,
                             io::FormatNumber(point.objectives.latency_cycles), point.objectives.energy_pj,
                             point.objectives.EdpPjCycles(), result.PlanLabel(point.payload),
                             index == knee_index ? "   <- knee (min EDP)" : "");
  }
  if (options.fusion) {
    std::cout << fmt::format(
        "front without fusion: {} points, knee {} cycles, {:.6g} pJ, EDP {:.6g} (with fusion: {:.1f}% of its EDP)\n",
        result.unfused.size(), io::FormatNumber(unfused_knee->objectives.latency_cycles),
        unfused_knee->objectives.energy_pj, unfused_knee->objectives.EdpPjCycles(),
        100.0 * knee->objectives.EdpPjCycles() / unfused_knee->objectives.EdpPjCycles());
  }
  std::cout << fmt::format("knee breakdown (point {}, {}):\n", knee_index, result.PlanLabel(knee->payload))
            << BreakdownText(breakdown, knee->objectives, several_parts);
  if (options.fusion) std::cout << "fused groups:\n" << GroupsText(result);
  std::cout << "statistics: " << StatisticsText(result.statistics) << '\n';
  return 0;
}

}  // namespace loopfront::cli
