#include "loopfront/workload/analysis.h"

#include <fmt/format.h>

#include <array>

#include "loopfront/util/error.h"

namespace loopfront::workload {
namespace {

constexpr std::array<OpClass, 4> kClassOrder = {OpClass::kMhaProjection, OpClass::kMhaActToAct, OpClass::kFfnProjection,
                                                OpClass::kOther};

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

// Adds every execution of `op` to `summary`.
void Accumulate(const Op& op, WorkSummary& summary) {
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
}

void AddToTotal(const WorkSummary& row, WorkSummary& total) {
  total.count = CheckedAdd(total.count, row.count, "op counts");
  total.macs = CheckedAdd(total.macs, row.macs, "MACs");
  total.flops += row.flops;
  total.bytes += row.bytes;
}

// Rows of `ops` (all of one workload, listed in `order`), without the total.
std::vector<WorkSummary> GroupRows(const std::vector<Op>& ops, const std::vector<OpId>& order, GroupBy group_by) {
  std::vector<WorkSummary> rows;
  if (group_by == GroupBy::kOp) {
    for (const OpId op_id : order) {
      rows.push_back(WorkSummary{.group = ops[op_id].name});
      Accumulate(ops[op_id], rows.back());
    }
    return rows;
  }
  for (const OpClass op_class : kClassOrder) {
    rows.push_back(WorkSummary{.group = std::string(ToString(op_class))});
    for (const OpId op_id : order) {
      if (ops[op_id].op_class == op_class) Accumulate(ops[op_id], rows.back());
    }
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

  // Decode: step t attends to kv_len = t keys. kv_len is the size of one dim of the ops that
  // depend on it (qk_matmul's n, softmax's n, av_matmul's k) and of no other dim, so every
  // quantity of step t is affine in t, f(t) = f(1) + (t − 1)·Δ with Δ = f(2) − f(1), and
  //   Σ_{t=1..S} f(t) = S·f(1) + Δ·S(S − 1)/2   exactly.
  // The block's ops and their order are the same at every step, so rows line up by position.
  TransformerSpec step = spec;
  auto step_rows = [&](std::int64_t kv_len) {
    step.kv_len = kv_len;
    const Workload workload = BuildTransformer(step);
    return GroupRows(workload.ops(), workload.TopologicalOrder(), group_by);
  };
  const std::int64_t steps = spec.seq_len;
  const std::vector<WorkSummary> first = step_rows(1);
  if (steps == 1) return WithTotal(first);
  const std::vector<WorkSummary> second = step_rows(2);
  // The affine claim above is checked on a third step rather than trusted.
  const std::vector<WorkSummary> third = step_rows(3);
  const std::int64_t pairs = CheckedMultiply(steps, steps - 1, "decode steps") / 2;
  std::vector<WorkSummary> rows;
  for (std::size_t row = 0; row < first.size(); ++row) {
    const WorkSummary& f1 = first[row];
    const WorkSummary& f2 = second[row];
    const WorkSummary& f3 = third[row];
    if (f3.count - f2.count != f2.count - f1.count || f3.macs - f2.macs != f2.macs - f1.macs ||
        f3.flops - f2.flops != f2.flops - f1.flops || f3.bytes - f2.bytes != f2.bytes - f1.bytes) {
      throw util::InternalError(fmt::format("decode work of '{}' is not affine in kv_len", f1.group));
    }
    WorkSummary sum{.group = f1.group};
    sum.count = CheckedAdd(CheckedMultiply(steps, f1.count, "op counts"),
                           CheckedMultiply(pairs, f2.count - f1.count, "op counts"), "op counts");
    sum.macs =
        CheckedAdd(CheckedMultiply(steps, f1.macs, "MACs"), CheckedMultiply(pairs, f2.macs - f1.macs, "MACs"), "MACs");
    sum.flops = static_cast<long double>(steps) * f1.flops + static_cast<long double>(pairs) * (f2.flops - f1.flops);
    sum.bytes = static_cast<long double>(steps) * f1.bytes + static_cast<long double>(pairs) * (f2.bytes - f1.bytes);
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
