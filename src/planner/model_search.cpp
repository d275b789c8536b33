#include "loopfront/planner/model_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "loopfront/cost/cost.h"
#include "loopfront/cost/peaks.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "src/planner/model_planner.h"

namespace loopfront::planner {
namespace {

std::string LevelName(const mapping::Problem& problem, int level_idx) {
  return level_idx == cost::kComputeBound ? std::string("compute") : std::string(problem.level_name(level_idx));
}

}  // namespace

ModelSearchResult SearchModel(std::vector<ModelPart> parts, const arch::Architecture& architecture,
                              const cost::CostModel& cost_model, const search::Searcher& searcher,
                              const ModelSearchOptions& options) {
  if (searcher.fixed_schedule()) {
    throw util::ConfigError({util::Diagnostic{
        .path = "--searcher",
        .message = fmt::format("expected a searcher of the mapspace for a whole model, got the fixed schedule {}: it "
                               "maps one matmul as its software would, not a model's vector ops and fused groups; "
                               "use it on one op (`search --op ...`) or pick random, genetic, annealing or exhaustive",
                               searcher.name())}});
  }
  ModelPlanner planner(std::move(parts), architecture, cost_model, searcher, options);
  // Ops and the screening round go into one batch: independent searches, so one parallel run.
  for (std::size_t part_idx = 0; part_idx < planner.num_parts(); ++part_idx) {
    planner.QueueOpSearches(part_idx);
    if (options.fusion) planner.QueueScreening(part_idx);
  }
  planner.RunQueuedSearches();
  // Before any refinement: a model with an unmappable op has no front, so fail early.
  planner.RequireEveryOpMapped();
  // The refinement needs the screening's fronts to pick its tilings: a second batch.
  if (options.fusion && options.refined_tilings > 0 && !util::StopRequested()) {
    planner.QueueRefinement();
    planner.RunQueuedSearches();
  }
  for (std::size_t part_idx = 0; part_idx < planner.num_parts(); ++part_idx) {
    planner.BuildOpFronts(part_idx);
    planner.BuildGroupFronts(part_idx);
    planner.PartitionPart(part_idx);
  }
  planner.FoldParts();
  ModelSearchResult result = planner.TakeResult();
  // Every op has a front here, but a sum of fronts can still drop every plan (a latency or energy
  // that is not finite never enters a front): an empty model front is a result to report, never
  // a pointer to follow (issue #15: `search --model` dereferenced it).
  if (result.fused.empty() || result.unfused.empty()) {
    if (util::StopRequested()) {
      throw util::ConfigError("interrupted before the model had a feasible plan; nothing to report");
    }
    throw util::ConfigError({util::Diagnostic{
        .path = "--model",
        .message = fmt::format("no feasible mapping: every candidate plan of the model on {} has a latency or energy "
                               "that is not a finite number ({} op searches, {} evaluations); check the "
                               "architecture's energies, bandwidths and clock",
                               architecture.name, result.statistics.op_searches, result.statistics.evaluations)}});
  }
  return result;
}

std::string ModelSearchResult::PlanLabel(const ModelPlan& plan) const {
  // Groups in order of first use; with the parts they are used in, when not all.
  std::vector<std::string> labels;
  std::map<std::string, std::vector<std::string>> used_in;
  for (std::size_t part_idx = 0; part_idx < plan.size(); ++part_idx) {
    const workload::Workload& workload = parts[part_idx].workload;
    const PartResult& part = part_results[part_idx];
    for (const int group : fusion::FusedGroupsOf(plan[part_idx], workload, part.groups)) {
      const std::string& label = part.group_results[group].label;
      if (used_in.find(label) == used_in.end()) labels.push_back(label);
      used_in[label].push_back(parts[part_idx].label);
    }
  }
  if (labels.empty()) return "none";
  std::vector<std::string> texts;
  for (const std::string& label : labels) {
    const std::vector<std::string>& in = used_in[label];
    if (in.size() == plan.size() || plan.size() == 1) {
      texts.push_back(label);
    } else if (in.size() <= 2) {
      // No commas: plans are a CSV column.
      texts.push_back(fmt::format("{} [{}]", label, util::Join(in, " | ")));
    } else {
      texts.push_back(
          fmt::format("{} [in {} of {} parts: {} ... {}]", label, in.size(), plan.size(), in.front(), in.back()));
    }
  }
  return util::Join(texts, "; ");
}

std::string MergedPartsLabel(int merged_parts, int total_parts) {
  return merged_parts == total_parts ? std::string("all steps") : fmt::format("{} kv_len buckets", merged_parts);
}

std::vector<BreakdownRow> ModelSearchResult::Breakdown(const ModelPlan& plan, const cost::CostModel& cost_model) const {
  std::vector<BreakdownRow> rows;
  std::map<std::string, std::size_t> row_of;  // unit + detail → row, to merge identical rows of parts
  std::vector<int> parts_of_row;
  auto add = [&](BreakdownRow row) {
    const std::string key = row.unit + "\n" + row.detail + "\n" + row.bounding;
    const auto found = row_of.find(key);
    if (found == row_of.end()) {
      row_of.emplace(key, rows.size());
      parts_of_row.push_back(1);
      rows.push_back(std::move(row));
      return;
    }
    BreakdownRow& merged = rows[found->second];
    merged.count += row.count;
    merged.latency_cycles += row.latency_cycles;
    merged.energy_pj += row.energy_pj;
    merged.dram_bytes += row.dram_bytes;
    merged.dequantize_cycles += row.dequantize_cycles;
    merged.quantize_cycles += row.quantize_cycles;
    ++parts_of_row[found->second];
    if (!row.part.empty()) {
      merged.part = MergedPartsLabel(parts_of_row[found->second], static_cast<int>(plan.size()));
    }
  };
  for (std::size_t part_idx = 0; part_idx < plan.size(); ++part_idx) {
    const ModelPart& model_part = parts[part_idx];
    const workload::Workload& workload = model_part.workload;
    const PartResult& part = part_results[part_idx];
    const std::size_t num_ops = workload.NumOps();
    // In topological order of the unit's first op.
    std::vector<fusion::PlanChoice> choices = plan[part_idx];
    std::vector<std::size_t> position(num_ops);
    for (std::size_t index = 0; index < num_ops; ++index) position[workload.TopologicalOrder()[index]] = index;
    auto first_position = [&](const fusion::PlanChoice& choice) {
      return choice.unit < num_ops ? position[choice.unit]
                                   : position[part.groups[choice.unit - num_ops].members.front()];
    };
    std::stable_sort(choices.begin(), choices.end(), [&](const fusion::PlanChoice& a, const fusion::PlanChoice& b) {
      return first_position(a) < first_position(b);
    });
    for (const fusion::PlanChoice& choice : choices) {
      BreakdownRow row;
      row.part = model_part.label;
      if (choice.unit < num_ops) {
        const workload::Op& op = workload.op(choice.unit);
        const auto& point = part.op_fronts[choice.unit].points()[choice.point];
        const SearchRecord& record = records[part.op_records[choice.unit]];
        const mapping::Mapping& mapping = record.result.front.points()[point.payload].payload;
        const cost::Cost cost = cost_model.Evaluate(record.problem, mapping);
        row.unit = op.name;
        row.count = static_cast<double>(op.count) * model_part.weight;
        row.latency_cycles = point.objectives.latency_cycles * row.count;
        row.energy_pj = point.objectives.energy_pj * row.count;
        row.dram_bytes = cost::OutermostTrafficBytes(record.problem, cost) * row.count;
        row.dequantize_cycles = row.latency_cycles * record.problem.dequantize_cycle_share();
        row.quantize_cycles = row.latency_cycles * record.problem.quantize_cycle_share();
        row.bounding = LevelName(record.problem, cost.bounding_level);
        row.detail = mapping::ToString(mapping, record.problem);
      } else {
        const GroupResult& group = part.group_results[choice.unit - num_ops];
        const auto& point = group.front.points()[choice.point];
        const GroupPoint& group_point = group.points[point.payload];
        row.unit = group.label;
        row.count = static_cast<double>(group.group.count) * model_part.weight;
        row.latency_cycles = point.objectives.latency_cycles * row.count;
        row.energy_pj = point.objectives.energy_pj * row.count;
        std::vector<std::string> bounding;
        std::vector<std::string> mappings;
        for (std::size_t member = 0; member < group_point.members.size(); ++member) {
          const TilingSearch& search = group.searches[group_point.search];
          const SearchRecord& record = records[search.member_records[member]];
          const mapping::Mapping& mapping = record.result.front.points()[group_point.members[member]].payload;
          const cost::Cost cost = cost_model.Evaluate(record.problem, mapping);
          row.dram_bytes += cost::OutermostTrafficBytes(record.problem, cost) * row.count;
          const double member_cycles = static_cast<double>(cost.cycles) * row.count;
          row.dequantize_cycles += member_cycles * record.problem.dequantize_cycle_share();
          row.quantize_cycles += member_cycles * record.problem.quantize_cycle_share();
          bounding.push_back(
              fmt::format("{}:{}", record.problem.op().name, LevelName(record.problem, cost.bounding_level)));
          mappings.push_back(
              fmt::format("{}: {}", record.problem.op().name, mapping::ToString(mapping, record.problem)));
        }
        // Members on different units may overlap (overlap_vector_unit): keep the parts within the
        // group's latency.
        const double dequantize_and_quantize = row.dequantize_cycles + row.quantize_cycles;
        if (dequantize_and_quantize > row.latency_cycles) {
          row.dequantize_cycles *= row.latency_cycles / dequantize_and_quantize;
          row.quantize_cycles *= row.latency_cycles / dequantize_and_quantize;
        }
        row.bounding = util::Join(bounding, " ");
        row.detail =
            fmt::format("shared {}; {}", group.tilings[group.searches[group_point.search].tiling].ToString(group.group),
                        util::Join(mappings, "; "));
      }
      add(std::move(row));
    }
  }
  return rows;
}

}  // namespace loopfront::planner
