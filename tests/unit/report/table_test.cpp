// report/table.h: the three writers of a Table — CSV escaping, JSON numbers that read back to the
// same double, aligned text widths — and the cell checks.
#include "loopfront/report/table.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "loopfront/io/csv_reader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace {

namespace report = loopfront::report;
using report::Column;
using report::ColumnKind;
using report::Table;

Table Example() {
  Table table({Column{.name = "op"}, Column{.name = "latency_cycles", .kind = ColumnKind::kInteger},
               Column{.name = "energy_pj", .kind = ColumnKind::kReal}, Column{.name = "mapping"}});
  table.Row().Add("w_q").Add(std::int64_t{393216}).Add(1.5).Add("DRAM[m4, n2] \"SP\"");
  table.Row().Add("qk").Add(12).Add(7247757312.0).Add("plain");
  return table;
}

}  // namespace

TEST_CASE("CSV quotes only what needs quoting and prints numbers exactly", "[report]") {
  CHECK(report::WriteCsv(Example()) ==
        "op,latency_cycles,energy_pj,mapping\n"
        "w_q,393216,1.5,\"DRAM[m4, n2] \"\"SP\"\"\"\n"
        "qk,12,7247757312,plain\n");
  CHECK(report::CsvEscape("plain") == "plain");
  CHECK(report::CsvEscape("a,b") == "\"a,b\"");
  CHECK(report::CsvEscape("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(report::CsvEscape("two\nlines") == "\"two\nlines\"");
  CHECK(report::CsvEscape("cr\r") == "\"cr\r\"");
  CHECK(loopfront::util::FormatNumber(0.1) == "0.1");
  CHECK(loopfront::util::FormatNumber(1e300) == "1e+300");
  CHECK(loopfront::util::FormatNumber(-42.0) == "-42");
  CHECK(loopfront::util::FormatNumber(std::numeric_limits<double>::infinity()) == "inf");
}

TEST_CASE("CSV: empty cells are empty, and what WriteCsv writes CsvFile reads back cell for cell", "[report]") {
  Table table(
      {Column{.name = "unit"}, Column{.name = "plan, quoted"}, Column{.name = "peak", .kind = ColumnKind::kReal}});
  table.Row().Add("a").Add("x, \"y\"\nz").Add(report::Empty{});
  table.Row().Add(report::Empty{}).Add("").Add(0.25);
  const std::string text = report::WriteCsv(table);
  CHECK(text.starts_with("unit,\"plan, quoted\",peak\n"));
  const auto file = loopfront::io::CsvFile::Parse(text, "t.csv");
  REQUIRE(file.rows() == 2);
  CHECK(file.columns()[1] == "plan, quoted");
  CHECK(file.row(0)[1] == "x, \"y\"\nz");
  CHECK(file.row(0)[2].empty());
  CHECK(file.row(1)[0].empty());
  CHECK(file.Number(1, 2) == 0.25);
}

TEST_CASE("JSON: one object per row, keys in column order, numbers that read back to the same double", "[report]") {
  const double awkward[] = {0.1, 1.0 / 3.0, 2.0 / 3.0 * 1e-300, 6.02214076e23, 7247757312.0, 123456789.0123456789};
  Table table({Column{.name = "value", .kind = ColumnKind::kReal}, Column{.name = "note"}});
  for (const double value : awkward) table.Row().Add(value).Add(report::Empty{});
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(report::WriteJson(table));
  REQUIRE(parsed.size() == std::size(awkward));
  for (std::size_t index = 0; index < std::size(awkward); ++index) {
    CHECK(parsed[index]["value"].get<double>() == awkward[index]);
    CHECK(parsed[index]["note"].is_null());
    CHECK(parsed[index].begin().key() == "value");
  }
  const nlohmann::ordered_json example = report::ToJson(Example());
  CHECK(example[0].dump() == R"({"op":"w_q","latency_cycles":393216,"energy_pj":1.5,"mapping":"DRAM[m4, n2] \"SP\""})");
  CHECK(report::WriteJson(Table({Column{.name = "a"}})) == "[]\n");
}

TEST_CASE("Aligned text: columns as wide as their widest cell, text left, numbers right", "[report]") {
  Table table({Column{.name = "group"}, Column{.name = "count", .kind = ColumnKind::kInteger},
               Column{.name = "energy_pj", .kind = ColumnKind::kReal, .text_format = "{:.3g}"},
               Column{.name = "mapping"}});
  table.Row().Add("softmax").Add(12).Add(1234.5678).Add("DRAM[m4]");
  table.Row().Add("w_q").Add(123456).Add(0.5).Add("SP[k2]");
  CHECK(report::WriteText(table) ==
        "group     count  energy_pj  mapping\n"
        "softmax      12   1.23e+03  DRAM[m4]\n"
        "w_q      123456        0.5  SP[k2]\n");
  // An indent, no heading, a note after a row; a left-aligned last column is never padded.
  report::TextStyle style{.indent = "  ", .gap = " ", .heading = false, .row_notes = {"", " <- best"}};
  CHECK(report::WriteText(table, style) ==
        "  softmax     12 1.23e+03 DRAM[m4]\n"
        "  w_q     123456      0.5 SP[k2] <- best\n");
}

TEST_CASE("Aligned text: a fixed width pads short cells and lets a long one push only its own row", "[report]") {
  Table table({Column{.name = "n", .kind = ColumnKind::kInteger, .width = 5, .fit_cells = false},
               Column{.name = "text", .align = report::Align::kRight, .width = 4}});
  table.Row().Add(1).Add("ab");
  table.Row().Add(1234567).Add("abcdef");
  CHECK(report::WriteText(table) ==
        "    n    text\n"
        "    1      ab\n"
        "1234567  abcdef\n");
}

TEST_CASE("Aligned text: a gap per column where they differ", "[report]") {
  Table table({Column{.name = "a"}, Column{.name = "b"}, Column{.name = "c"}});
  table.Row().Add("1").Add("2").Add("3");
  CHECK(report::WriteText(table, {.heading = false, .gaps = {"", " | ", ""}}) == "1 | 23\n");
}

TEST_CASE("A Table refuses a cell of the wrong kind, too many cells and a short row", "[report]") {
  Table table({Column{.name = "n", .kind = ColumnKind::kInteger}, Column{.name = "x", .kind = ColumnKind::kReal}});
  CHECK_THROWS_AS(table.Add(1), loopfront::util::InternalError);  // before Row
  table.Row();
  CHECK_THROWS_AS(table.Add(1.5), loopfront::util::InternalError);
  CHECK_THROWS_AS(table.Add("text"), loopfront::util::InternalError);
  table.Add(1).Add(2);  // an integer in a real column is a number too
  CHECK_THROWS_AS(table.Add(3.0), loopfront::util::InternalError);
  table.Row().Add(1);
  CHECK_THROWS_AS(table.Row(), loopfront::util::InternalError);
  CHECK_THROWS_AS(report::WriteCsv(table), loopfront::util::InternalError);
  CHECK_THROWS_AS(Table(std::vector<Column>{}), loopfront::util::InternalError);
}

TEST_CASE("Output formats parse from their names", "[report]") {
  CHECK(report::ParseFormat("table") == report::Format::kTable);
  CHECK(report::ParseFormat("csv") == report::Format::kCsv);
  CHECK(report::ParseFormat("json") == report::Format::kJson);
  CHECK_THROWS_AS(report::ParseFormat("xml"), loopfront::util::InternalError);
}
