// report/survey.h: survey.csv's columns and cells, the stated directions and survey.md's verdicts.
#include "loopfront/report/survey.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/io/csv_reader.h"

namespace {

namespace report = loopfront::report;
using report::SurveyDirection;
using report::SurveyRow;

std::vector<SurveyRow> Rows() {
  return {
      SurveyRow{.id = "table3.s128.total.flops",
                .figure = "Table 3",
                .description = "BERT-Base, 128 tokens, total: FLOPs",
                .value = 22.5e9,
                .unit = "FLOPs",
                .command = "loopfront analyze --model bert-base --seq 128 --by class"},
      SurveyRow{.id = "sec3_4.rebalance.matmul_latency_change",
                .figure = "Sec. 3.4.3",
                .description = "matmul latency, 64/256 KiB vs 256/64 KiB",
                .value = -0.25,
                .unit = "relative",
                .command = "loopfront run experiments/survey/memory.yaml",
                .direction = SurveyDirection::kBelow,
                .threshold = 0.0,
                .direction_text = "rebalancing speeds up the matmuls"},
      SurveyRow{.id = "sec3_4.end_to_end_speedup",
                .figure = "Sec. 3.4.4",
                .description = "baseline over I-BERT, with a | pipe",
                .value = 0.5,
                .unit = "x",
                .command = "a; b",
                .direction = SurveyDirection::kAbove,
                .threshold = 1.0,
                .direction_text = "faster"},
      SurveyRow{.id = "fig13.sp64.acc64.matmul_util",
                .figure = "Fig. 13",
                .description = "no result",
                .unit = "share",
                .command = "loopfront run experiments/survey/memory.yaml"},
  };
}

}  // namespace

TEST_CASE("SurveyRow::Agrees compares the value with the stated side of the threshold", "[report][survey]") {
  const std::vector<SurveyRow> rows = Rows();
  CHECK_FALSE(rows[0].Agrees().has_value());  // no direction stated
  CHECK(rows[1].Agrees() == std::optional<bool>(true));
  CHECK(rows[2].Agrees() == std::optional<bool>(false));  // 0.5 is not above 1
  SurveyRow no_value = rows[1];
  no_value.value.reset();
  CHECK_FALSE(no_value.Agrees().has_value());
  SurveyRow on_threshold = rows[1];
  on_threshold.value = 0.0;  // strictly below is asked
  CHECK(on_threshold.Agrees() == std::optional<bool>(false));
}

TEST_CASE("survey.csv has the columns id,figure,description,value,unit,command and empty missing values",
          "[report][survey]") {
  const std::string csv = report::SurveyCsv(Rows());
  const auto file = loopfront::io::CsvFile::Parse(csv, "survey.csv");
  CHECK(file.columns() == std::vector<std::string>{"id", "figure", "description", "value", "unit", "command"});
  REQUIRE(file.rows() == 4);
  CHECK(file.row(0)[0] == "table3.s128.total.flops");
  CHECK(file.Number(0, 3) == 22.5e9);
  CHECK(file.Number(1, 3) == -0.25);
  CHECK(file.row(2)[2] == "baseline over I-BERT, with a | pipe");
  CHECK(file.row(3)[3].empty());
}

TEST_CASE("survey.md counts the stated directions and names the disagreements", "[report][survey]") {
  const std::string md = report::SurveyMarkdown(
      Rows(), {.version = "9.9", .budget = "500 evaluations", .output = "results/survey", .wall_seconds = 12.0});
  CHECK(md.find("loopfront 9.9") != std::string::npos);
  CHECK(md.find("Search budget: 500 evaluations.") != std::string::npos);
  CHECK(md.find("loopfront agrees on 1 of 2. It does not on: `sec3_4.end_to_end_speedup`.") != std::string::npos);
  CHECK(md.find("\n## Table 3\n") != std::string::npos);
  CHECK(md.find("\n## Sec. 3.4.3\n") != std::string::npos);
  CHECK(md.find("| `sec3_4.rebalance.matmul_latency_change` | matmul latency, 64/256 KiB vs 256/64 KiB | -0.25 | "
                "relative | < 0 (rebalancing speeds up the matmuls): agrees |") != std::string::npos);
  CHECK(md.find("> 1 (faster): DISAGREES") != std::string::npos);
  CHECK(md.find("with a \\| pipe") != std::string::npos);  // a pipe in a cell is escaped
  CHECK(md.find("| `fig13.sp64.acc64.matmul_util` | no result | — |") != std::string::npos);
}
