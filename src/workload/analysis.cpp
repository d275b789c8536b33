#include "loopfront/workload/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "loopfront/util/error.h"

namespace loopfront::workload {
namespace {

// analysis.h's class order: the survey's Table 2, then the LLM classes.
constexpr std::array<OpClass, 7> kClassOrder = {OpClass::kMhaProjection, OpClass::kMhaActToAct, OpClass::kFfnProjection,
                                                OpClass::kOther,         OpClass::kEmbedding,   OpClass::kLmHead,
                                                OpClass::kMoeRouter};

std::int64_t CheckedMultiply(std::int64_t left, std::int64_t right, std::string_view what) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(left, right, &product)) {
    throw util::ConfigError(fmt::format("the workload's {} exceed 2^63 and cannot be counted exactly", what));
  }
  return product;
}

std::int64_t CheckedAdd(std::int64_t left, std::int64_t right, std::string_view what) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(left, right, &sum)) {
    throw util::ConfigError(fmt::format("the workload's {} exceed 2^63 and cannot be counted exactly", what));
  }
  return sum;
}

// Adds every execution of `op` to `summary`. `cached` holds the names of the KV-cache tensors
// already counted in this workload (each is counted once, at its first reader).
void Accumulate(const Op& op, std::set<std::string>& cached, WorkSummary& summary) {
  using Wide = long double;
  summary.count = CheckedAdd(summary.count, op.count, "op counts");
  summary.macs = CheckedAdd(summary.macs, CheckedMultiply(op.Macs(), op.count, "MACs"), "MACs");
  // Per-execution values are formed in long double so that they stay exact (op.h's Flops() and
  // IdealBytes() are doubles).
  Wide flops_per_execution = 2 * Wide(op.Macs());
  if (!op.IsContraction()) {
    Wide ops_per_point = 0;
    for (const double ops : op.ops_per_element) ops_per_point += Wide(ops);
    flops_per_execution = Wide(op.TensorElements(op.Output())) * ops_per_point;
  }
  summary.flops += flops_per_execution * Wide(op.count);
  summary.bytes += Wide(op.IdealBits()) / 8 * Wide(op.count);
  summary.params = CheckedAdd(summary.params, op.parameters, "parameters");
  if (!op.IsContraction()) return;
  for (const Tensor& tensor : op.tensors) {
    if (tensor.role == TensorRole::kOutput || tensor.data != TensorData::kKvCache) continue;
    if (!cached.insert(tensor.name).second) continue;
    summary.kv_cache_bytes += Wide(op.TensorElements(tensor)) * Wide(tensor.word_bits) / 8 * Wide(op.count);
  }
}

void AddToTotal(const WorkSummary& row, WorkSummary& total) {
  total.count = CheckedAdd(total.count, row.count, "op counts");
  total.macs = CheckedAdd(total.macs, row.macs, "MACs");
  total.flops += row.flops;
  total.bytes += row.bytes;
  total.params = CheckedAdd(total.params, row.params, "parameters");
  total.kv_cache_bytes += row.kv_cache_bytes;
}

// Rows of `ops` (all of one workload, listed in `order`), without the total.
std::vector<WorkSummary> GroupRows(const std::vector<Op>& ops, const std::vector<OpId>& order, GroupBy group_by) {
  std::vector<WorkSummary> rows;
  std::set<std::string> cached;
  if (group_by == GroupBy::kOp) {
    for (const OpId op_id : order) {
      rows.push_back(WorkSummary{.group = ops[op_id].name});
      Accumulate(ops[op_id], cached, rows.back());
    }
    return rows;
  }
  for (const OpClass op_class : kClassOrder) {
    rows.push_back(WorkSummary{.group = std::string(ToString(op_class))});
  }
  // Ops in topological order, so that a KV-cache tensor lands with its first reader.
  for (const OpId op_id : order) {
    const auto slot = std::find(kClassOrder.begin(), kClassOrder.end(), ops[op_id].op_class);
    if (slot == kClassOrder.end()) {
      throw util::InternalError(fmt::format("op '{}' has a class analysis does not list", ops[op_id].name));
    }
    Accumulate(ops[op_id], cached, rows[static_cast<std::size_t>(slot - kClassOrder.begin())]);
  }
  return rows;
}

std::vector<WorkSummary> WithTotal(std::vector<WorkSummary> rows) {
  WorkSummary total{.group = std::string(kTotalGroup)};
  for (const WorkSummary& row : rows) AddToTotal(row, total);
  rows.push_back(std::move(total));
  return rows;
}

}  // namespace

double WorkSummary::ArithmeticIntensity() const { return bytes > 0 ? static_cast<double>(flops / bytes) : 0.0; }

std::vector<WorkSummary> AnalyzeWorkload(const Workload& workload, GroupBy group_by) {
  return WithTotal(GroupRows(workload.ops(), workload.TopologicalOrder(), group_by));
}

std::vector<WorkSummary> AnalyzeTransformer(const TransformerSpec& spec, GroupBy group_by) {
  if (spec.phase == Phase::kPrefill) return AnalyzeWorkload(BuildTransformer(spec), group_by);

  // Decode: step t attends to min(t, W) keys (W the sliding window, if any). The attended keys are
  // the size of one dim of the ops that depend on them (qk_matmul's n, softmax's n, av_matmul's
  // k) and of no other dim, so with L = min(S, W) every quantity of step t is f(min(t, L)), f
  // affine on 1..L: f(t) = f(1) + (t − 1)·Δ with Δ = f(2) − f(1), and
  //   Σ_{t=1..S} f(min(t, L)) = Σ_{t=1..L} f(t) + (S − L)·f(L)
  //                           = S·f(1) + Δ·(L(L − 1)/2 + (S − L)(L − 1))   exactly.
  // The block's ops and their order are the same at every step, so rows line up by position.
  // A step is built at kv_len = min(t, L) itself, so the sum does not rely on the builder's cap.
  TransformerSpec step = spec;
  auto step_rows = [&](std::int64_t kv_len) {
    step.kv_len = kv_len;
    const Workload workload = BuildTransformer(step);
    return GroupRows(workload.ops(), workload.TopologicalOrder(), group_by);
  };
  const std::int64_t steps = spec.seq_len;
  const std::int64_t window = spec.sliding_window.value_or(steps);
  const std::int64_t last = std::min(steps, window);  // L: the keys of the last step
  const std::vector<WorkSummary> first = step_rows(1);
  // f(L): the last step; it also checks the affine claim at the far end rather than trusting it,
  // as f(3) does near the start.
  const std::vector<WorkSummary> last_step = last == 1 ? first : step_rows(last);
  const std::vector<WorkSummary> second = last == 1 ? first : step_rows(2);
  const std::vector<WorkSummary> third = last <= 3 ? last_step : step_rows(3);
  const std::int64_t weight = CheckedAdd(CheckedMultiply(last, last - 1, "decode steps") / 2,
                                         CheckedMultiply(steps - last, last - 1, "decode steps"), "decode steps");
  const auto long_weight = static_cast<long double>(weight);
  // f(t) == f(1) + (t − 1)·Δ, in long double (exact below 2^64, analysis.h).
  auto affine = [](long double f1, long double f2, long double at, std::int64_t t_minus_one) {
    return at - f1 == (f2 - f1) * static_cast<long double>(t_minus_one);
  };
  std::vector<WorkSummary> rows;
  for (std::size_t row = 0; row < first.size(); ++row) {
    const WorkSummary& f1 = first[row];
    const WorkSummary& f2 = second[row];
    // (the step's rows, its kv_len − 1)
    for (const auto& [at, offset] :
         {std::pair{&third[row], std::min<std::int64_t>(last, 3) - 1}, std::pair{&last_step[row], last - 1}}) {
      if (!affine(f1.count, f2.count, at->count, offset) || !affine(f1.macs, f2.macs, at->macs, offset) ||
          !affine(f1.flops, f2.flops, at->flops, offset) || !affine(f1.bytes, f2.bytes, at->bytes, offset) ||
          !affine(f1.kv_cache_bytes, f2.kv_cache_bytes, at->kv_cache_bytes, offset) || at->params != f1.params) {
        throw util::InternalError(fmt::format("decode work of '{}' is not affine in kv_len", f1.group));
      }
    }
    WorkSummary sum{.group = f1.group};
    sum.count = CheckedAdd(CheckedMultiply(steps, f1.count, "op counts"),
                           CheckedMultiply(weight, f2.count - f1.count, "op counts"), "op counts");
    sum.macs =
        CheckedAdd(CheckedMultiply(steps, f1.macs, "MACs"), CheckedMultiply(weight, f2.macs - f1.macs, "MACs"), "MACs");
    sum.flops = static_cast<long double>(steps) * f1.flops + long_weight * (f2.flops - f1.flops);
    sum.bytes = static_cast<long double>(steps) * f1.bytes + long_weight * (f2.bytes - f1.bytes);
    sum.params = f1.params;
    sum.kv_cache_bytes = last_step[row].kv_cache_bytes;
    rows.push_back(std::move(sum));
  }
  return WithTotal(std::move(rows));
}

std::vector<WorkSummary> AnalyzeWorkloadSpec(const WorkloadSpec& spec, GroupBy group_by) {
  if (spec.transformer) {
    TransformerSpec transformer = *spec.transformer;
    transformer.name = spec.name;
    return AnalyzeTransformer(transformer, group_by);
  }
  return AnalyzeWorkload(BuildWorkload(spec), group_by);
}

}  // namespace loopfront::workload
