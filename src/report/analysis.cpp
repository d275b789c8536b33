#include "loopfront/report/analysis.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "loopfront/report/schemas.h"

namespace loopfront::report {
namespace {

// Exact below 2^64: long double holds such integers exactly (analysis.h).
constexpr long double kTwoToThe64 = 18446744073709551616.0L;

bool IsExactInteger(long double value) { return value >= 0 && value < kTwoToThe64 && std::floor(value) == value; }

// An exact integer cell where the quantity is one, else a real.
Cell Quantity(long double value) {
  if (IsExactInteger(value)) return static_cast<std::uint64_t>(value);
  return static_cast<double>(value);
}

std::string FormatExact(long double value) { return CellText(Quantity(value)); }

// 7.248 G style, for the table.
std::string FormatHuman(long double value) {
  static constexpr const char* kPrefixes[] = {"", " k", " M", " G", " T", " P", " E"};
  if (value < 1000) return IsExactInteger(value) ? FormatExact(value) : fmt::format("{:.3f}", double(value));
  std::size_t prefix = 0;
  while (value >= 1000 && prefix + 1 < std::size(kPrefixes)) {
    value /= 1000;
    ++prefix;
  }
  return fmt::format("{:.3f}{}", static_cast<double>(value), kPrefixes[prefix]);
}

Cell OptionalCell(const std::optional<std::int64_t>& value) { return value ? Cell(*value) : Cell(Empty{}); }

// One configuration's rows as the terminal shows them: the group name left, numbers right.
std::string ConfigurationText(const AnalyzedConfiguration& configuration) {
  const auto number = [](std::string heading) { return Column{.name = std::move(heading), .align = Align::kRight}; };
  Table table({Column{.name = "group"}, number("count"), number("MACs"), number("FLOPs"), number("bytes"),
               number("FLOP/byte"), number("% FLOPs"), number("params"), number("KV-cache bytes")});
  const long double total_flops = configuration.rows.back().flops;
  for (const workload::WorkSummary& row : configuration.rows) {
    table.Row()
        .Add(row.group)
        .Add(std::to_string(row.count))
        .Add(FormatHuman(row.macs))
        .Add(FormatHuman(row.flops))
        .Add(FormatHuman(row.bytes))
        .Add(fmt::format("{:.2f}", row.ArithmeticIntensity()))
        .Add(total_flops > 0 ? fmt::format("{:.1f}", double(100 * row.flops / total_flops)) : "-")
        .Add(FormatHuman(row.params))
        .Add(FormatHuman(row.kv_cache_bytes));
  }
  std::string text = configuration.model;
  if (configuration.seq_len) {
    text +=
        fmt::format(": seq_len {}, batch {}, {}", *configuration.seq_len, *configuration.batch, *configuration.phase);
    if (configuration.phase == "decode")
      text += fmt::format(" (sum over generating {} tokens)", *configuration.seq_len);
  }
  return text + "\n" + WriteText(table, {.indent = "  "});
}

}  // namespace

std::vector<AnalyzedConfiguration> AnalyzeConfigurations(const workload::WorkloadSpec& spec,
                                                         const AnalysisRequest& request) {
  std::vector<std::optional<std::int64_t>> seq_lens(request.seq_lens.begin(), request.seq_lens.end());
  if (seq_lens.empty()) seq_lens.emplace_back();

  std::vector<AnalyzedConfiguration> configurations;
  for (const std::optional<std::int64_t>& seq_len : seq_lens) {
    workload::WorkloadOverrides overrides;
    overrides.seq_len = seq_len;
    overrides.batch = request.batch;
    overrides.phase = request.phase;
    overrides.kv_len = request.kv_len;
    overrides.precision = request.precision;
    const workload::WorkloadSpec resolved = workload::ApplyOverrides(spec, overrides);
    AnalyzedConfiguration configuration{.model = resolved.name};
    if (resolved.transformer) {
      configuration.seq_len = resolved.transformer->seq_len;
      configuration.batch = resolved.transformer->batch;
      configuration.phase = std::string(workload::ToString(resolved.transformer->phase));
    }
    configuration.rows = workload::AnalyzeWorkloadSpec(resolved, request.group_by);
    configurations.push_back(std::move(configuration));
  }
  return configurations;
}

Table AnalysisTable(const std::vector<AnalyzedConfiguration>& configurations) {
  Table table(kAnalysis.Csv());
  for (const AnalyzedConfiguration& configuration : configurations) {
    for (const workload::WorkSummary& row : configuration.rows) {
      table.Row()
          .Add(configuration.model)
          .Add(OptionalCell(configuration.seq_len))
          .Add(OptionalCell(configuration.batch))
          .Add(configuration.phase ? Cell(*configuration.phase) : Cell(Empty{}))
          .Add(row.group)
          .Add(row.count)
          .Add(row.macs)
          .Add(Quantity(row.flops))
          .Add(Quantity(row.bytes))
          .Add(row.ArithmeticIntensity())
          .Add(row.params)
          .Add(Quantity(row.kv_cache_bytes));
    }
  }
  return table;
}

Output ReportAnalysis(Format format, const std::vector<AnalyzedConfiguration>& configurations) {
  switch (format) {
    case Format::kCsv:
      return {.out = WriteCsv(AnalysisTable(configurations))};
    case Format::kJson:
      return {.out = WriteJson(AnalysisTable(configurations))};
    case Format::kTable:
      break;
  }
  Output output;
  for (std::size_t index = 0; index < configurations.size(); ++index) {
    if (index > 0) output.out += '\n';
    output.out += ConfigurationText(configurations[index]);
  }
  return output;
}

}  // namespace loopfront::report
