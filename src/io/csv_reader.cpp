#include "loopfront/io/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "loopfront/io/input.h"
#include "loopfront/util/error.h"

namespace loopfront::io {
namespace {

[[noreturn]] void ThrowCsvError(const std::string& name, int line, const std::string& message) {
  throw util::ConfigError(std::vector<util::Diagnostic>{
      util::Diagnostic{.file = name, .line = line, .column = line > 0 ? 1 : 0, .message = message}});
}

// Splits RFC 4180 text into records of fields; `lines[record]` is the 1-based line each starts on.
std::vector<std::vector<std::string>> SplitRecords(std::string_view text, const std::string& name,
                                                   std::vector<int>& lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  int line = 1;
  int record_line = 1;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    records.push_back(std::move(record));
    record.clear();
    lines.push_back(record_line);
    field_started = false;
  };
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char character = text[index];
    if (quoted) {
      if (character == '"') {
        if (index + 1 < text.size() && text[index + 1] == '"') {
          field += '"';
          ++index;
        } else {
          quoted = false;
        }
      } else {
        if (character == '\n') ++line;
        field += character;
      }
      continue;
    }
    switch (character) {
      case '"':
        quoted = true;
        field_started = true;
        break;
      case ',':
        record.push_back(std::move(field));
        field.clear();
        field_started = true;
        break;
      case '\r':
        break;
      case '\n':
        end_record();
        ++line;
        record_line = line;
        break;
      default:
        field += character;
        field_started = true;
    }
  }
  if (quoted) ThrowCsvError(name, record_line, "expected a closing quote, got the end of the file");
  if (field_started || !record.empty()) end_record();
  return records;
}

}  // namespace

CsvFile CsvFile::Read(const std::filesystem::path& path) {
  return Parse(ReadInputFileOrThrow(path, "CSV file"), path.string());
}

CsvFile CsvFile::Parse(std::string_view text, const std::string& name) {
  std::vector<int> lines;
  std::vector<std::vector<std::string>> records = SplitRecords(text, name, lines);
  if (records.empty()) ThrowCsvError(name, 0, "expected a header line of column names, got an empty file");
  CsvFile file;
  file.name_ = name;
  file.columns_ = std::move(records.front());
  for (std::size_t record_index = 1; record_index < records.size(); ++record_index) {
    if (records[record_index].size() != file.columns_.size()) {
      ThrowCsvError(name, lines[record_index],
                    fmt::format("expected {} cells (one per header column), got {}", file.columns_.size(),
                                records[record_index].size()));
    }
    file.rows_.push_back(std::move(records[record_index]));
  }
  return file;
}

std::optional<std::size_t> CsvFile::FindColumn(std::string_view column) const {
  const auto found = std::find(columns_.begin(), columns_.end(), column);
  if (found == columns_.end()) return std::nullopt;
  return static_cast<std::size_t>(found - columns_.begin());
}

std::size_t CsvFile::Column(std::string_view column) const {
  if (const std::optional<std::size_t> index = FindColumn(column)) return *index;
  ThrowCsvError(name_, 0, fmt::format("expected a column '{}', got only: {}", column, fmt::join(columns_, ", ")));
}

double CsvFile::Number(std::size_t row_index, std::size_t column_index) const {
  const std::string& cell = rows_.at(row_index).at(column_index);
  double value = 0.0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (error != std::errc() || end != cell.data() + cell.size() || cell.empty()) {
    // Row r is on line r + 2 when no field holds a line break: the header is line 1.
    ThrowCsvError(name_, static_cast<int>(row_index) + 2,
                  fmt::format("{}: expected a number, got '{}'", columns_.at(column_index), cell));
  }
  return value;
}

}  // namespace loopfront::io
