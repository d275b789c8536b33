#include "loopfront/report/table.h"

#include <fmt/format.h>

#include <algorithm>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::report {
namespace {

bool IsNumber(const Cell& cell) {
  return std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<std::uint64_t>(cell) ||
         std::holds_alternative<double>(cell);
}

bool Fits(ColumnKind kind, const Cell& cell) {
  if (std::holds_alternative<Empty>(cell)) return true;
  switch (kind) {
    case ColumnKind::kText:
      return std::holds_alternative<std::string>(cell);
    case ColumnKind::kInteger:
      return std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<std::uint64_t>(cell);
    case ColumnKind::kReal:
      return IsNumber(cell);
  }
  return false;
}

bool AlignsRight(const Column& column) {
  if (column.align != Align::kAuto) return column.align == Align::kRight;
  return column.kind != ColumnKind::kText;
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  if (columns_.empty()) throw util::InternalError("report::Table needs at least one column");
}

Table& Table::Row() {
  if (!rows_.empty() && rows_.back().size() != columns_.size()) {
    throw util::InternalError(fmt::format("report::Table: row {} is incomplete", rows_.size() - 1));
  }
  rows_.emplace_back();
  rows_.back().reserve(columns_.size());
  return *this;
}

Table& Table::Add(Cell cell) {
  if (rows_.empty()) throw util::InternalError("report::Table: Add before Row");
  std::vector<Cell>& row = rows_.back();
  if (row.size() >= columns_.size()) throw util::InternalError("report::Table: more cells than columns");
  const Column& column = columns_[row.size()];
  if (!Fits(column.kind, cell)) {
    throw util::InternalError(fmt::format("report::Table: column '{}' cannot hold that cell", column.name));
  }
  row.push_back(std::move(cell));
  return *this;
}

Format ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  throw util::InternalError(fmt::format("unknown output format '{}'", name));
}

std::string CsvEscape(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char character : text) {
    if (character == '"') quoted += '"';
    quoted += character;
  }
  quoted += '"';
  return quoted;
}

std::string CellText(const Cell& cell, std::string_view real_format) {
  return std::visit(
      [&](const auto& value) -> std::string {
        using Value = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Value, Empty>) {
          return "";
        } else if constexpr (std::is_same_v<Value, std::string>) {
          return value;
        } else if constexpr (std::is_same_v<Value, double>) {
          return real_format.empty() ? util::FormatNumber(value) : fmt::format(fmt::runtime(real_format), value);
        } else {
          return fmt::format("{}", value);
        }
      },
      cell);
}

std::string WriteCsv(const Table& table) {
  const std::vector<Column>& columns = table.columns();
  std::string text;
  for (std::size_t column = 0; column < columns.size(); ++column) {
    if (column > 0) text += ',';
    text += CsvEscape(columns[column].name);
  }
  text += '\n';
  for (std::size_t row_index = 0; row_index < table.rows(); ++row_index) {
    const std::vector<Cell>& row = table.row(row_index);
    if (row.size() != columns.size()) {
      throw util::InternalError(fmt::format("report::Table: row {} is incomplete", row_index));
    }
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (column > 0) text += ',';
      const std::string cell = CellText(row[column]);
      text += std::holds_alternative<std::string>(row[column]) ? CsvEscape(cell) : cell;
    }
    text += '\n';
  }
  return text;
}

nlohmann::ordered_json ToJson(const Table& table) {
  const std::vector<Column>& columns = table.columns();
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (std::size_t row_index = 0; row_index < table.rows(); ++row_index) {
    const std::vector<Cell>& row = table.row(row_index);
    nlohmann::ordered_json record = nlohmann::ordered_json::object();
    for (std::size_t column = 0; column < row.size(); ++column) {
      record[columns[column].name] = std::visit(
          [](const auto& value) -> nlohmann::ordered_json {
            if constexpr (std::is_same_v<std::decay_t<decltype(value)>, Empty>) {
              return nullptr;
            } else {
              return value;
            }
          },
          row[column]);
    }
    records.push_back(std::move(record));
  }
  return records;
}

void AddJsonCells(Table& table, const nlohmann::ordered_json& object, const std::vector<Column>& columns) {
  for (const Column& column : columns) {
    const auto found = object.find(column.name);
    if (found == object.end() || found->is_null()) {
      table.Add(Empty{});
      continue;
    }
    switch (column.kind) {
      case ColumnKind::kText:
        table.Add(found->get<std::string>());
        break;
      case ColumnKind::kInteger:
        table.Add(found->get<std::int64_t>());
        break;
      case ColumnKind::kReal:
        table.Add(found->get<double>());
        break;
    }
  }
}

std::string WriteJson(const Table& table) { return ToJson(table).dump(2) + "\n"; }

std::string WriteText(const Table& table, const TextStyle& style) {
  const std::vector<Column>& columns = table.columns();
  // Every line's cells as text, the heading first.
  std::vector<std::vector<std::string>> lines;
  if (style.heading) {
    std::vector<std::string>& heading = lines.emplace_back();
    for (const Column& column : columns) heading.push_back(column.heading.empty() ? column.name : column.heading);
  }
  for (std::size_t row_index = 0; row_index < table.rows(); ++row_index) {
    std::vector<std::string>& line = lines.emplace_back();
    const std::vector<Cell>& row = table.row(row_index);
    for (std::size_t column = 0; column < row.size(); ++column) {
      // Aligned text goes to a terminal: a label's line breaks and escape sequences are shown
      // escaped (CSV quotes them instead, JSON escapes them itself).
      line.push_back(util::EscapeControl(CellText(row[column], columns[column].text_format)));
    }
  }
  std::vector<std::size_t> widths(columns.size());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    widths[column] = static_cast<std::size_t>(std::max(0, columns[column].width));
    if (!columns[column].fit_cells) continue;
    for (const std::vector<std::string>& line : lines) {
      if (column < line.size()) widths[column] = std::max(widths[column], line[column].size());
    }
  }
  std::string text;
  for (std::size_t line_index = 0; line_index < lines.size(); ++line_index) {
    const std::vector<std::string>& line = lines[line_index];
    text += style.indent;
    for (std::size_t column = 0; column < line.size(); ++column) {
      if (column > 0) text += column < style.gaps.size() ? style.gaps[column] : style.gap;
      const bool last = column + 1 == columns.size();
      if (AlignsRight(columns[column])) {
        text += fmt::format("{:>{}}", line[column], widths[column]);
      } else if (last) {
        text += line[column];
      } else {
        text += fmt::format("{:<{}}", line[column], widths[column]);
      }
    }
    const std::size_t row_index = line_index - (style.heading ? 1 : 0);
    if ((!style.heading || line_index > 0) && row_index < style.row_notes.size()) text += style.row_notes[row_index];
    text += '\n';
  }
  return text;
}

}  // namespace loopfront::report
