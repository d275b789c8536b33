// The CSV reader (io/csv_reader.h) that `plot` and `search --reference-front` read tables with:
// any text, then every column looked up and every cell read as a number.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/csv_reader.h"
#include "loopfront/util/error.h"

LOOPFRONT_FUZZ_TARGET(csv) {
  const auto csv = loopfront::io::CsvFile::Parse(input, "fuzz.csv");
  for (const std::string& column : csv.columns()) (void)csv.Column(column);
  (void)csv.FindColumn("latency_cycles");
  for (std::size_t row = 0; row < csv.rows(); ++row) {
    for (std::size_t column = 0; column < csv.columns().size(); ++column) {
      try {
        (void)csv.Number(row, column);
      } catch (const loopfront::util::ConfigError&) {
        // A cell that is not a number: read the next one.
      }
    }
  }
}
