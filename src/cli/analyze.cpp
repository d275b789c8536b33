// `loopfront analyze`: FLOPs, bytes and arithmetic intensity of a workload per op or per op class
// (the survey's Sec. 2.2 analysis), for one or more sequence lengths. The counting lives in
// workload/analysis.h; this file parses options and renders the rows as a table, CSV or JSON.
// Every row is computed before anything is printed, so bad input leaves no partial output.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/workload/analysis.h"
#include "loopfront/workload/loader.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

struct AnalyzeOptions {
  std::string model{};
  std::vector<std::int64_t> seq_lens{};
  std::int64_t batch = 0;  // 0 = the workload's own
  std::string phase{};     // empty = the workload's own
  std::string by = "op";
  std::string format = "table";
};

// One analysed configuration: the workload's identity and its rows.
struct AnalyzedBlock {
  std::string model{};
  std::optional<std::int64_t> seq_len{};  // unset for op lists
  std::optional<std::int64_t> batch{};
  std::optional<std::string> phase{};
  std::vector<workload::WorkSummary> rows{};
};

// Exact below 2^64: long double holds such integers exactly (analysis.h).
constexpr long double kTwoToThe64 = 18446744073709551616.0L;

bool IsExactInteger(long double value) { return value >= 0 && value < kTwoToThe64 && std::floor(value) == value; }

std::string FormatExact(long double value) {
  if (IsExactInteger(value)) return fmt::format("{}", static_cast<unsigned long long>(value));
  return fmt::format("{}", static_cast<double>(value));
}

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

std::string OptionalText(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : ""; }

void PrintCsv(const std::vector<AnalyzedBlock>& blocks) {
  std::cout << "model,seq_len,batch,phase,group,count,macs,flops,bytes,arithmetic_intensity\n";
  for (const AnalyzedBlock& block : blocks) {
    for (const workload::WorkSummary& row : block.rows) {
      std::cout << fmt::format("{},{},{},{},{},{},{},{},{},{}\n", block.model, OptionalText(block.seq_len),
                               OptionalText(block.batch), block.phase.value_or(""), row.group, row.count, row.macs,
                               FormatExact(row.flops), FormatExact(row.bytes), row.ArithmeticIntensity());
    }
  }
}

nlohmann::ordered_json JsonQuantity(long double value) {
  if (IsExactInteger(value)) return static_cast<std::uint64_t>(value);
  return static_cast<double>(value);
}

void PrintJson(const std::vector<AnalyzedBlock>& blocks) {
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const AnalyzedBlock& block : blocks) {
    for (const workload::WorkSummary& row : block.rows) {
      nlohmann::ordered_json record;
      record["model"] = block.model;
      record["seq_len"] = block.seq_len ? nlohmann::ordered_json(*block.seq_len) : nullptr;
      record["batch"] = block.batch ? nlohmann::ordered_json(*block.batch) : nullptr;
      record["phase"] = block.phase ? nlohmann::ordered_json(*block.phase) : nullptr;
      record["group"] = row.group;
      record["count"] = row.count;
      record["macs"] = row.macs;
      record["flops"] = JsonQuantity(row.flops);
      record["bytes"] = JsonQuantity(row.bytes);
      record["arithmetic_intensity"] = row.ArithmeticIntensity();
      records.push_back(std::move(record));
    }
  }
  std::cout << records.dump(2) << '\n';
}

void PrintTable(const std::vector<AnalyzedBlock>& blocks) {
  const std::vector<std::string> header = {"group", "count", "MACs", "FLOPs", "bytes", "FLOP/byte", "% FLOPs"};
  for (std::size_t block_idx = 0; block_idx < blocks.size(); ++block_idx) {
    const AnalyzedBlock& block = blocks[block_idx];
    if (block_idx > 0) std::cout << '\n';
    std::cout << block.model;
    if (block.seq_len) {
      std::cout << fmt::format(": seq_len {}, batch {}, {}", *block.seq_len, *block.batch, *block.phase);
      if (block.phase == "decode") std::cout << fmt::format(" (sum over generating {} tokens)", *block.seq_len);
    }
    std::cout << '\n';
    const long double total_flops = block.rows.back().flops;
    std::vector<std::vector<std::string>> cells = {header};
    for (const workload::WorkSummary& row : block.rows) {
      cells.push_back({row.group, std::to_string(row.count), FormatHuman(row.macs), FormatHuman(row.flops),
                       FormatHuman(row.bytes), fmt::format("{:.2f}", row.ArithmeticIntensity()),
                       total_flops > 0 ? fmt::format("{:.1f}", double(100 * row.flops / total_flops)) : "-"});
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& line : cells) {
      for (std::size_t column = 0; column < line.size(); ++column) {
        widths[column] = std::max(widths[column], line[column].size());
      }
    }
    for (const auto& line : cells) {
      // The group name is text (left-aligned); every other column is a number (right-aligned).
      std::string text = fmt::format("  {:<{}}", line[0], widths[0]);
      for (std::size_t column = 1; column < line.size(); ++column) {
        text += fmt::format("  {:>{}}", line[column], widths[column]);
      }
      std::cout << text << '\n';
    }
  }
}

int RunAnalyze(const AnalyzeOptions& options) {
  const workload::WorkloadSpec spec = workload::LoadWorkloadSpec(options.model);
  const workload::GroupBy group_by = options.by == "class" ? workload::GroupBy::kClass : workload::GroupBy::kOp;
  std::vector<std::optional<std::int64_t>> seq_lens(options.seq_lens.begin(), options.seq_lens.end());
  if (seq_lens.empty()) seq_lens.emplace_back();

  std::vector<AnalyzedBlock> blocks;
  for (const std::optional<std::int64_t>& seq_len : seq_lens) {
    workload::WorkloadOverrides overrides;
    overrides.seq_len = seq_len;
    if (options.batch > 0) overrides.batch = options.batch;
    if (!options.phase.empty()) overrides.phase = workload::ParsePhase(options.phase);
    const workload::WorkloadSpec resolved = workload::ApplyOverrides(spec, overrides);
    AnalyzedBlock block{.model = resolved.name};
    if (resolved.transformer) {
      block.seq_len = resolved.transformer->seq_len;
      block.batch = resolved.transformer->batch;
      block.phase = std::string(workload::ToString(resolved.transformer->phase));
    }
    block.rows = workload::AnalyzeWorkloadSpec(resolved, group_by);
    blocks.push_back(std::move(block));
  }

  if (options.format == "csv") {
    PrintCsv(blocks);
  } else if (options.format == "json") {
    PrintJson(blocks);
  } else {
    PrintTable(blocks);
  }
  return 0;
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, CommandRegistry& registry) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* analyze = app.add_subcommand(
      "analyze",
      "Count MACs, FLOPs, bytes (ideal reuse) and arithmetic intensity per op or op class, summed over all "
      "layers (decode: over generating seq_len tokens with a KV cache)");
  analyze->add_option("--model", options->model, "Workload preset (see `loopfront list`) or YAML file")->required();
  analyze->add_option("--seq", options->seq_lens, "Sequence lengths, comma-separated (default: the workload's)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  analyze->add_option("--batch", options->batch, "Sequences per batch (default: the workload's)")
      ->check(CLI::PositiveNumber);
  analyze->add_option("--phase", options->phase, "prefill or decode (default: the workload's)")
      ->check(CLI::IsMember({"prefill", "decode"}));
  analyze->add_option("--by", options->by, "Rows per op or per op class")
      ->check(CLI::IsMember({"op", "class"}))
      ->capture_default_str();
  analyze->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  registry.Add(analyze, [options] { return RunAnalyze(*options); });
}

}  // namespace loopfront::cli
