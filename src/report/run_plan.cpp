#include "loopfront/report/run_plan.h"

#include <fmt/format.h>

#include "loopfront/report/table.h"

namespace loopfront::report {

std::string RunPlanText(const RunPlan& plan) {
  std::string baseline;
  if (!plan.baseline.empty()) {
    baseline = plan.baseline_params.empty() ? fmt::format("; baseline {}", plan.baseline)
                                            : fmt::format("; baseline {} ({})", plan.baseline, plan.baseline_params);
  }
  std::string text = fmt::format(
      "experiment {}: {} points ({} workloads x {} architectures x {} fusion settings), shard {}/{}, output {}{}\n",
      plan.experiment, plan.points_total, plan.workloads, plan.architectures, plan.fusions, plan.shard_index,
      plan.shard_count, plan.output, baseline);
  // Fixed widths: a long id or name pushes only its own row.
  const auto left = [](std::string name, int width) {
    return Column{.name = std::move(name), .align = Align::kLeft, .width = width, .fit_cells = false};
  };
  const auto right = [](std::string name, int width) {
    return Column{.name = std::move(name), .align = Align::kRight, .width = width, .fit_cells = false};
  };
  Table table({right("index", 5), left("id", 12), left("status", 6), left("model", 14), right("seq_len", 7),
               right("batch", 5), left("phase", 7), right("kv_len", 6), left("arch", 14), left("fusion", 6),
               Column{.name = "sweep", .heading = " sweep"}});
  for (const PlannedPoint& point : plan.points) {
    std::string sweep;
    for (const auto& [key, value] : point.sweep) sweep += fmt::format(" {}={}", key, value);
    table.Row()
        .Add(fmt::format("{}", point.index))
        .Add(point.id)
        .Add(point.done ? "done" : "to run")
        .Add(point.model)
        .Add(point.seq_len)
        .Add(point.batch)
        .Add(point.phase)
        .Add(point.kv_len)
        .Add(point.arch)
        .Add(point.fusion)
        .Add(sweep);
  }
  return text + WriteText(table, {.gaps = {"", "  ", "  ", "  ", " ", " ", " ", " ", "  ", " ", ""}});
}

}  // namespace loopfront::report
