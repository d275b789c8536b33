// Reading back the tidy CSV tables that report::WriteCsv writes (include/loopfront/report/table.h):
// the same RFC 4180 dialect — comma separated, a header line of column names, fields quoted when
// they hold a comma, a quote or a line break, inner quotes doubled — so whatever WriteCsv writes
// reads back cell for cell. Used by `loopfront plot` to read an experiment's output folder (through
// the schemas of report/schemas.h) and by `search --reference-front`.
//
// A CsvFile is an immutable value once read; concurrent const use is safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loopfront::io {

class CsvFile {
 public:
  // Reads and parses `path`. Throws util::ConfigError naming the file when it is missing,
  // unreadable, empty, has an unterminated quote, or a row whose cell count differs from the header.
  static CsvFile Read(const std::filesystem::path& path);
  // Parses `text`; `name` is what error messages call it (usually the file's path).
  static CsvFile Parse(std::string_view text, const std::string& name);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& row(std::size_t row_index) const { return rows_[row_index]; }

  // The position of a column, or nullopt when the header lacks it.
  std::optional<std::size_t> FindColumn(std::string_view column) const;
  // The position of a required column. Throws util::ConfigError naming the file and the column.
  std::size_t Column(std::string_view column) const;
  // The cell at (row, column) as a number. Throws util::ConfigError naming the file, the line and
  // the column when it is not one.
  double Number(std::size_t row_index, std::size_t column_index) const;

 private:
  std::string name_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace loopfront::io
