// `loopfront analyze`'s rows as output: FLOPs, bytes, arithmetic intensity, parameters and KV-cache
// bytes per op or op class (workload/analysis.h), for one or more analysed configurations of a
// workload.
//
//   table  per configuration a title line ("bert-base: seq_len 128, batch 1, prefill") and an
//          aligned table with human-scaled quantities (7.248 G), each row's share of the FLOPs,
//          then params and KV-cache bytes
//   csv    one table of every configuration's rows (schemas.h, AnalysisSchema), exact quantities
//   json   the same rows as an array of objects; seq_len, batch and phase are null for op lists
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/report/table.h"
#include "loopfront/workload/analysis.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/transformer.h"

namespace loopfront::report {

// One analysed configuration: the workload's identity and its rows (the total row last).
struct AnalyzedConfiguration {
  std::string model{};
  std::optional<std::int64_t> seq_len{};  // unset for op lists, as batch and phase
  std::optional<std::int64_t> batch{};
  std::optional<std::string> phase{};
  std::vector<workload::WorkSummary> rows{};
};

// What `loopfront analyze` (and the Python module's analyze) asks of a loaded workload spec: the
// values that replace the spec's, one configuration per sequence length.
struct AnalysisRequest {
  std::vector<std::int64_t> seq_lens{};           // empty: one configuration at the spec's own
  std::optional<std::int64_t> batch{};            // absent: the spec's own, as the others
  std::optional<workload::Phase> phase{};
  std::optional<std::int64_t> kv_len{};
  std::optional<workload::Precision> precision{};  // workload::PrecisionOverride of the spec
  workload::GroupBy group_by = workload::GroupBy::kOp;
};

// Analyses every configuration of `spec`. Throws util::ConfigError for overrides the spec refuses.
std::vector<AnalyzedConfiguration> AnalyzeConfigurations(const workload::WorkloadSpec& spec,
                                                         const AnalysisRequest& request);

// Every configuration's rows (AnalysisSchema columns).
Table AnalysisTable(const std::vector<AnalyzedConfiguration>& configurations);

Output ReportAnalysis(Format format, const std::vector<AnalyzedConfiguration>& configurations);

}  // namespace loopfront::report
