// Writing results without ever leaving a half-written file (DESIGN §2.9, §4): every file is
// written to a temporary name in the same directory, flushed to disk, and renamed over the
// target, so a reader (or a rerun after `kill -9`) sees either the old file or the whole new one.
//
// Also: a small CSV builder for tidy tables (RFC 4180 quoting, shortest round-trip numbers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace loopfront::io {

// Writes `content` to `path` atomically, creating parent directories. Throws util::ConfigError
// naming the path and the system's reason when it cannot (a user-chosen output location).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> columns);

  // Starts a new row; then add exactly one cell per column with Add.
  CsvTable& Row();
  CsvTable& Add(std::string_view text);
  CsvTable& Add(std::int64_t value);
  CsvTable& Add(int value) { return Add(static_cast<std::int64_t>(value)); }
  // Shortest text that reads back to the same double; integral values print without a fraction.
  CsvTable& Add(double value);

  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t rows() const { return cells_.size() / columns_.size(); }
  // Header line plus one line per row, each ending in '\n'. Throws InternalError on a ragged row.
  std::string ToString() const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> cells_;
};

// RFC 4180: quote a field that holds a comma, a quote or a line break; double inner quotes.
std::string CsvEscape(std::string_view text);
// The number formatting CsvTable uses, for other text outputs.
std::string FormatNumber(double value);

}  // namespace loopfront::io
