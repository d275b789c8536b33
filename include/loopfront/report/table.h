// The one shape every result takes on its way out (issue 10): a table of named, typed columns and
// rows of cells, and the three writers that turn any table into text — CSV (RFC 4180), JSON (an
// array of objects, one per row) and aligned text for a terminal. A new output format is one new
// writer here.
//
// The report module turns each result into tables and text, one header per command's result:
// search.h (one op), model_search.h (a whole model; also a point result's fronts), analysis.h,
// eval.h, catalog.h (`list`), crosscheck.h; schemas.h names the columns of every CSV, which
// readers look up by the same names. Commands parse arguments, call the domain, and print what
// report returns (Output); nothing else formats data rows.
//
// Cells are values, not text: a real stays a double until a writer formats it, so CSV and JSON
// carry the shortest text that reads back to the same double, while aligned text may round it for
// the eye (Column::text_format).
//
// A Table is a plain value; concurrent const use is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace loopfront::report {

// What a column holds. A real column may hold integer cells too (an exact count that overflows no
// double, as `analyze`'s FLOPs); any column may hold an empty cell.
enum class ColumnKind { kText, kInteger, kReal };

// Where aligned text puts a cell within its column's width; kAuto: text left, numbers right.
enum class Align { kAuto, kLeft, kRight };

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
  // Aligned text only. The column is at least `width` wide; with `fit_cells` it widens to its
  // widest cell (and heading), otherwise a wider cell pushes only its own row (fmt's `{:>15}`).
  Align align = Align::kAuto;
  int width = 0;
  bool fit_cells = true;
  // Aligned text only: the fmt format of a real cell (e.g. "{:.6g}"); empty: FormatNumber.
  std::string text_format{};
  // Aligned text only: the heading when it differs from `name` (e.g. "MACs" for macs).
  std::string heading{};
};

// An empty cell: nothing in CSV and aligned text, null in JSON.
struct Empty {
  bool operator==(const Empty&) const = default;
};
using Cell = std::variant<Empty, std::string, std::int64_t, std::uint64_t, double>;

class Table {
 public:
  // Throws util::InternalError on no columns.
  explicit Table(std::vector<Column> columns);

  // Starts a new row; then add exactly one cell per column, in column order, with Add. Throws
  // util::InternalError when the previous row is incomplete.
  Table& Row();
  // Throws util::InternalError on a cell beyond the row's last column or of the wrong kind (text
  // in a number column, a real in an integer column).
  Table& Add(Cell cell);
  Table& Add(std::string_view text) { return Add(Cell(std::string(text))); }
  Table& Add(const char* text) { return Add(Cell(std::string(text))); }
  Table& Add(const std::string& text) { return Add(Cell(text)); }
  Table& Add(int value) { return Add(Cell(static_cast<std::int64_t>(value))); }
  Table& Add(long value) { return Add(Cell(static_cast<std::int64_t>(value))); }
  Table& Add(long long value) { return Add(Cell(static_cast<std::int64_t>(value))); }
  Table& Add(unsigned long value) { return Add(Cell(static_cast<std::uint64_t>(value))); }
  Table& Add(unsigned long long value) { return Add(Cell(static_cast<std::uint64_t>(value))); }
  Table& Add(double value) { return Add(Cell(value)); }

  const std::vector<Column>& columns() const { return columns_; }
  std::size_t rows() const { return rows_.size(); }
  const std::vector<Cell>& row(std::size_t row_index) const { return rows_.at(row_index); }

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Header line (the column names) plus one line per row, each ending in '\n'. Text is quoted as
// RFC 4180 asks (CsvEscape), integers print in full, reals as FormatNumber, empty cells as nothing.
// Throws util::InternalError on an incomplete last row.
std::string WriteCsv(const Table& table);

// An array with one object per row, keys in column order; empty cells are null. Reals keep every
// bit (nlohmann's shortest round-trip text).
nlohmann::ordered_json ToJson(const Table& table);
// The inverse of ToJson for one row: adds to `table`'s current row one cell per column of `columns`
// from `object`'s member of that name — a missing or null member is an empty cell, a text column
// takes a string, a number column a number (an integer column reads it as an integer). Throws
// nlohmann::json::exception on a member of another type (a reader reports the file).
void AddJsonCells(Table& table, const nlohmann::ordered_json& object, const std::vector<Column>& columns);
// ToJson(table), indented by 2, and a final '\n'.
std::string WriteJson(const Table& table);

// How WriteText lays out a table.
struct TextStyle {
  std::string indent{};    // before every line
  std::string gap = "  ";  // between columns
  bool heading = true;     // a first line of column headings
  // The gap before each column when they differ (gaps[0] is unused); empty: `gap` everywhere.
  std::vector<std::string> gaps{};
  // Appended to a row's line after its last cell (e.g. "   <- knee"); empty or shorter: none.
  std::vector<std::string> row_notes{};
};

// Aligned text: one line per row (after a heading line), every column padded to its width
// (Column::width, fit_cells, align). A left-aligned last column is not padded, so no line ends
// in spaces.
std::string WriteText(const Table& table, const TextStyle& style = {});

// The output formats every command offers (`--format table|csv|json`; `eval` has no csv).
enum class Format { kTable, kCsv, kJson };
// "table", "csv" or "json". Throws util::InternalError on anything else (the CLI checks first).
Format ParseFormat(std::string_view name);

// What a command prints. With CSV, `err` holds what is not rows (statistics, breakdowns), so that
// stdout is the bare table.
struct Output {
  std::string out{};
  std::string err{};
};

// RFC 4180: quote a field that holds a comma, a quote or a line break; double inner quotes.
std::string CsvEscape(std::string_view text);

// A cell as text: text as it is, integers in full, reals as `real_format` (fmt syntax) or, when it
// is empty, util::FormatNumber; empty cells as "".
std::string CellText(const Cell& cell, std::string_view real_format = {});

}  // namespace loopfront::report
