#include "loopfront/report/schemas.h"

#include <algorithm>

namespace loopfront::report {

std::string SweepColumn(std::string_view key) {
  std::string column(key);
  std::replace(column.begin(), column.end(), '.', '_');
  return column;
}

std::vector<Column> ExperimentColumns(const std::vector<std::string>& sweep_keys, const std::vector<Column>& own) {
  std::vector<Column> columns = {kPointKey.point_id};
  for (const Column& column : kPointKey.Identity()) columns.push_back(column);
  for (const std::string& key : sweep_keys) columns.push_back(Column{.name = SweepColumn(key)});
  columns.insert(columns.end(), own.begin(), own.end());
  return columns;
}

}  // namespace loopfront::report
