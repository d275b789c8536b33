// The rows every front table shares — point index, latency, energy, EDP — and a last column that
// names the payload (a mapping's one-line form, a fusion plan). Private to src/report/.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/pareto/front.h"
#include "loopfront/report/table.h"

namespace loopfront::report {

// `columns`: point, latency_cycles, energy_pj, edp_pj_cycles and the payload's column, in that
// order (schemas.h, the Point() of a front schema); `label` turns a payload into its cell.
template <typename Payload, typename Label>
Table FrontTable(const pareto::Front<Payload>& front, std::vector<Column> columns, const Label& label) {
  Table table(std::move(columns));
  const auto& points = front.points();
  for (std::size_t index = 0; index < points.size(); ++index) {
    table.Row()
        .Add(index)
        .Add(points[index].objectives.latency_cycles)
        .Add(points[index].objectives.energy_pj)
        .Add(points[index].objectives.EdpPjCycles())
        .Add(label(points[index].payload));
  }
  return table;
}

}  // namespace loopfront::report
