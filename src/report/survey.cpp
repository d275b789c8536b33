#include "loopfront/report/survey.h"

#include <fmt/format.h>

#include <string_view>

#include "loopfront/report/schemas.h"
#include "loopfront/report/table.h"

namespace loopfront::report {
namespace {

// A Markdown table cell: pipes escaped, line breaks as spaces.
std::string MarkdownCell(std::string_view text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

std::string AgreementText(const SurveyRow& row) {
  if (row.direction == SurveyDirection::kNone) return "";
  const std::optional<bool> agrees = row.Agrees();
  const std::string verdict = !agrees ? "no value" : *agrees ? "agrees" : "DISAGREES";
  return fmt::format("{} {:g} ({}): {}", row.direction == SurveyDirection::kBelow ? "<" : ">", row.threshold,
                     row.direction_text, verdict);
}

}  // namespace

std::optional<bool> SurveyRow::Agrees() const {
  if (direction == SurveyDirection::kNone || !value) return std::nullopt;
  return direction == SurveyDirection::kBelow ? *value < threshold : *value > threshold;
}

std::string SurveyCsv(const std::vector<SurveyRow>& rows) {
  Table table(kSurvey.Own());
  for (const SurveyRow& row : rows) {
    table.Row().Add(row.id).Add(row.figure).Add(row.description);
    if (row.value) {
      table.Add(*row.value);
    } else {
      table.Add(Empty{});
    }
    table.Add(row.unit).Add(row.command);
  }
  return WriteCsv(table);
}

std::string SurveyMarkdown(const std::vector<SurveyRow>& rows, const SurveyHeader& header) {
  int stated = 0;
  int agreeing = 0;
  std::vector<const SurveyRow*> disagreeing;
  for (const SurveyRow& row : rows) {
    if (row.direction == SurveyDirection::kNone) continue;
    ++stated;
    if (row.Agrees().value_or(false)) {
      ++agreeing;
    } else {
      disagreeing.push_back(&row);
    }
  }
  std::string text = "# loopfront vs. the survey's case studies\n\n";
  text += fmt::format(
      "Kim et al., \"Full Stack Optimization of Transformer Inference: a Survey\" (arXiv 2302.14017), "
      "reproduced by `loopfront reproduce survey` (loopfront {}). Search budget: {}. Results: `{}`; "
      "{:.0f} s. The paper's numbers are not copied here: compare `survey.csv` with them by id. "
      "docs/survey.md explains every row.\n\n",
      header.version, header.budget, header.output, header.wall_seconds);
  text += fmt::format("Where the survey states a direction, loopfront agrees on {} of {}.", agreeing, stated);
  if (!disagreeing.empty()) {
    text += " It does not on:";
    for (const SurveyRow* row : disagreeing) text += fmt::format(" `{}`", row->id);
    text += ".";
  }
  text += "\n";
  std::string figure;
  for (const SurveyRow& row : rows) {
    if (row.figure != figure) {
      figure = row.figure;
      text += fmt::format(
          "\n## {}\n\n| id | description | value | unit | survey's direction | command |\n"
          "|---|---|---:|---|---|---|\n",
          figure);
    }
    text += fmt::format("| `{}` | {} | {} | {} | {} | `{}` |\n", row.id, MarkdownCell(row.description),
                        row.value ? fmt::format("{:.4g}", *row.value) : std::string("—"), MarkdownCell(row.unit),
                        MarkdownCell(AgreementText(row)), MarkdownCell(row.command));
  }
  return text;
}

}  // namespace loopfront::report
