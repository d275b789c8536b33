// `loopfront reproduce survey` (issue 11; docs/survey.md): runs the survey's case studies through
// the experiments shipped under experiments/survey/ (embedded in the binary, io/presets.h) and turns
// their tables into one row per published figure value (report/survey.h).
//
// The experiments, each run as `loopfront run` runs it into OUTPUT/<name>/ (so a second
// reproduction resumes, and any row can be re-derived from the CSVs by hand):
//   sec3_3_model     Fig. 32 and Table 5: BERT-Base, BERT-Large, GPT-2 at 128…4096 tokens on
//                    gemmini-survey-model (the survey's Sec. 3.3 analytical defaults), no fusion;
//   memory           Fig. 13, Fig. 14 left, Sec. 3.4.3: BERT-Base 512 on the baseline Gemmini (host
//                    vector ops) with scratchpad × accumulator ∈ {64, 128, 256} KiB, under Gemmini's
//                    default schedule (`baseline: gemmini_default`);
//   ibert            Fig. 14 right, Sec. 3.4.4: the same on gemmini-ibert (I-BERT units, 64/256 KiB);
//   random_mappings  Sec. 5.5.1: random valid mappings of q_proj and ffn_w1, BERT-Base/Large 512;
//   fusion           Sec. 5.5.2: BERT-Base 512/4096 on gemmini-ibert, accumulator 128/256 KiB, fusion
//                    auto (groups.csv) and the default schedule (baseline_ops.csv).
// Table 3 is a count, not a search: it comes from workload/analysis.h directly (`loopfront analyze`).
//
// How each value is derived is in docs/survey.md and in each row's description. A value whose
// experiment gave no result (a point that failed) is empty; every id is always listed.
// Thread-safety: ReproduceSurvey runs experiments with TBB inside; do not run two on one output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/experiment/runner.h"
#include "loopfront/report/survey.h"

namespace loopfront::experiment {

struct SurveyOptions {
  std::filesystem::path output = "results/survey";
  std::optional<std::int64_t> budget_evaluations{};  // replaces each experiment's budget (and caps samples)
  int threads = 0;                                   // 0 = util::DefaultThreadCount()
  bool progress = false;                             // live progress line per experiment on stderr
  bool verbose = false;                              // one line per finished point on stderr
  std::string command_line{};
  // Called after each experiment (its name and how its run went), e.g. for a status line.
  std::function<void(const std::string& name, const RunReport& report)> on_experiment{};
};

struct SurveyRun {
  std::vector<report::SurveyRow> rows;
  std::vector<std::string> failures{};  // "<experiment>: <point id>: <reason>"
  int stop_signal = 0;                  // SIGINT/SIGTERM that stopped the run, 0 if none
};

// The experiments' names (experiments/survey/<name>.yaml), in the order they run.
std::vector<std::string> SurveyExperimentNames();

// Runs every experiment not yet done in options.output, then derives the rows. Stops starting
// experiments once util::StopRequested() (the rows are then not derived). Throws util::ConfigError
// when an embedded experiment does not load (a bug of the build) or the output is unwritable.
SurveyRun ReproduceSurvey(const SurveyOptions& options);

// The rows, derived from the experiments' outputs under `output` (missing results give empty
// values). `run_suffix` is appended to each `loopfront run` command (e.g. " --budget-evals 500").
std::vector<report::SurveyRow> SurveyRows(const std::filesystem::path& output, const std::string& run_suffix);

}  // namespace loopfront::experiment
