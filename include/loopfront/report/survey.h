// The paper-vs-loopfront report of `loopfront reproduce survey` (issue 11; docs/survey.md): one row
// per value the survey publishes (Kim et al., "Full Stack Optimization of Transformer Inference",
// arXiv 2302.14017) — its stable id, the figure and its wording, loopfront's value and the command
// that produced it. The paper's own numbers are compared outside the project; where the survey
// states a direction (e.g. "rebalancing the memories speeds up the matmuls"), the row says which
// sign of the value agrees with it, and the Markdown report whether loopfront's value does.
//
//   survey.csv  id,figure,description,value,unit,command (report::kSurvey); `value` is empty when
//               the experiment behind the row gave no value (e.g. a point that could not be
//               searched), so that every id is always listed.
//   survey.md   the same rows as a Markdown table grouped by figure, with the direction column.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace loopfront::report {

// The side of a threshold on which the survey puts a value, if it says (e.g. a latency change
// below 0: faster; a speedup above 1).
enum class SurveyDirection { kNone, kBelow, kAbove };

struct SurveyRow {
  std::string id;           // e.g. "table3.s128.mha_projection.flops"
  std::string figure;       // e.g. "Table 3"
  std::string description;  // what the value is, in the figure's words
  std::optional<double> value{};
  std::string unit;     // e.g. "FLOPs", "share", "relative"
  std::string command;  // the loopfront command the value comes from
  SurveyDirection direction = SurveyDirection::kNone;
  double threshold = 0.0;
  std::string direction_text{};  // the survey's statement behind `direction`

  // Whether `value` has the stated direction; nullopt without a direction or a value.
  std::optional<bool> Agrees() const;
};

// survey.csv (header and one line per row, in order).
std::string SurveyCsv(const std::vector<SurveyRow>& rows);

// What survey.md says above its tables.
struct SurveyHeader {
  std::string version;        // loopfront's
  std::string budget;         // e.g. "4000 evaluations per op search (the experiments' own)"
  std::string output;         // the output directory
  double wall_seconds = 0.0;  // of the whole reproduction
};

// survey.md: a heading, how it was made, a summary of the stated directions (agree / disagree),
// then one table per figure in row order: id, description, value, unit, the survey's direction
// and whether loopfront agrees, and the command.
std::string SurveyMarkdown(const std::vector<SurveyRow>& rows, const SurveyHeader& header);

}  // namespace loopfront::report
