// What every front's output shares: the rows — point index, latency, energy, EDP, and a last
// column that names the payload (a mapping's one-line form, a fusion plan) —, the knee's index and
// the aligned text with the knee marked. Private to src/report/.
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

// The knee's position in the front (Front::Knee, the point of minimum EDP). The front must not be
// empty.
template <typename Payload>
std::size_t KneeIndex(const pareto::Front<Payload>& front) {
  return static_cast<std::size_t>(front.Knee() - front.points().data());
}

// The front table as aligned text, the knee's row marked.
inline std::string FrontText(const Table& front_table, std::size_t knee_index) {
  TextStyle style;
  style.row_notes.resize(front_table.rows());
  style.row_notes[knee_index] = "   <- knee (min EDP)";
  return WriteText(front_table, style);
}

}  // namespace loopfront::report
