#include "src/planner/search_keys.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#include "loopfront/util/hash.h"
#include "loopfront/workload/op.h"

namespace loopfront::planner {
namespace {

// Mixes field hashes into one (util::HashCombine). Only for hash tables in memory: seeds derive
// from the keys' text instead, which is stable across platforms.
class HashMixer {
 public:
  template <typename T>
  void Add(const T& value) {
    value_ = util::HashCombine(value_, std::hash<T>{}(value));
  }
  template <typename T>
  void AddAll(const std::vector<T>& values) {
    Add(values.size());
    for (const T& value : values) Add(value);
  }
  std::size_t value() const { return value_; }

 private:
  std::size_t value_ = 0;
};

void AddShape(HashMixer& mixer, const OpShapeKey& shape) {
  mixer.Add(shape.kind);
  mixer.Add(shape.dims.size());
  for (const workload::Dim& dim : shape.dims) {
    mixer.Add(dim.name);
    mixer.Add(dim.size);
  }
  mixer.Add(shape.tensors.size());
  for (const OpShapeKey::TensorShape& tensor : shape.tensors) {
    mixer.Add(tensor.role);
    mixer.AddAll(tensor.dims);
    mixer.Add(tensor.word_bits);
    for (const auto& index : tensor.affine_indices) {
      mixer.Add(index.size());
      for (const workload::IndexTerm& term : index) {
        mixer.Add(term.dim);
        mixer.Add(term.coefficient);
      }
    }
  }
  mixer.Add(shape.passes);
  mixer.AddAll(shape.ops_per_element);
  for (const workload::FunctionMix& mix : shape.functions) {
    for (const double count : mix) mixer.Add(count);
  }
  mixer.Add(shape.reduced_dim);
  if (shape.accumulator_bits != 0) mixer.Add(shape.accumulator_bits);
}

}  // namespace

OpShapeKey::OpShapeKey(const workload::Op& op)
    : kind(op.kind),
      dims(op.dims),
      passes(op.passes),
      ops_per_element(op.ops_per_element),
      functions(op.functions),
      reduced_dim(op.reduced_dim ? *op.reduced_dim : -1),
      accumulator_bits(op.accumulator_bits.value_or(0)) {
  for (const workload::Tensor& tensor : op.tensors) {
    tensors.push_back(
        {.role = tensor.role, .dims = tensor.dims, .word_bits = tensor.word_bits, .affine_indices = tensor.affine_indices});
  }
}

std::string OpShapeKey::ToString() const {
  std::string text = fmt::format("{}|", workload::ToString(kind));
  for (const workload::Dim& dim : dims) text += fmt::format("{}={},", dim.name, dim.size);
  text += "|";
  for (const TensorShape& tensor : tensors) {
    text += fmt::format("{}:", workload::ToString(tensor.role));
    for (const int dim : tensor.dims) text += fmt::format("{}.", dim);
    for (const auto& index : tensor.affine_indices) {
      text += "[";
      for (const workload::IndexTerm& term : index) text += fmt::format("{}*{}+", term.coefficient, term.dim);
      text += "]";
    }
    text += fmt::format("/{},", tensor.word_bits);
  }
  text += fmt::format("|p{}|", passes);
  for (const double ops : ops_per_element) text += fmt::format("{},", ops);
  if (!functions.empty()) {
    text += "|f";
    for (const workload::FunctionMix& mix : functions) text += fmt::format("{},", fmt::join(mix, ":"));
  }
  text += fmt::format("|r{}", reduced_dim);
  if (accumulator_bits != 0) text += fmt::format("|a{}", accumulator_bits);
  return text;
}

BudgetKey::BudgetKey(const search::Budget& budget)
    : max_evaluations(budget.max_evaluations),
      max_seconds(budget.max_seconds),
      max_stall_steps(budget.max_stall_steps) {}

std::string BudgetKey::ToString() const {
  return fmt::format("e{}s{}t{}", max_evaluations, max_seconds, max_stall_steps);
}

SearchKey SearchKey::ForOp(const workload::Op& op, const search::Budget& budget) {
  return SearchKey{.shape = OpShapeKey(op), .member = std::nullopt, .budget = BudgetKey(budget)};
}

SearchKey SearchKey::ForMember(const mapping::Problem& problem, const mapping::Constraints& constraints,
                               const search::Budget& budget) {
  MemberKey member;
  member.on_chip_tensors = problem.options().on_chip_tensors;
  for (const arch::StorageLevel& level : problem.arch().levels) {
    member.levels.push_back({.name = level.name,
                             .capacity_words = level.capacity_words ? *level.capacity_words : -1,
                             .keeps_roles = level.keeps_roles});
  }
  const int num_dims = problem.num_dims();
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const mapping::LevelConstraints& level = constraints.levels[level_idx];
    LevelConstraintsKey key;
    key.order_prefix = level.order_prefix;
    key.temporal_factor.assign(level.temporal_factor.begin(), level.temporal_factor.begin() + num_dims);
    for (int axis = 0; axis < mapping::kNumAxes; ++axis) {
      key.spatial_factor[axis].assign(level.spatial_factor[axis].begin(),
                                      level.spatial_factor[axis].begin() + num_dims);
    }
    key.keeps = level.keeps;
    key.double_buffered = level.double_buffered;
    key.other_kinds.assign(level.order_suffix.begin(), level.order_suffix.end());
    key.other_kinds.push_back(-1);
    for (const auto& kind : level.bounds) {
      for (int dim = 0; dim < num_dims; ++dim) {
        key.other_kinds.push_back(kind[dim].min);
        key.other_kinds.push_back(kind[dim].max);
      }
    }
    for (const mapping::DimMask mask : level.remainder) key.other_kinds.push_back(mask);
    for (const mapping::DimMask mask : level.spatial_forbidden) key.other_kinds.push_back(mask);
    key.other_kinds.push_back(level.must_keep);
    key.other_kinds.push_back(level.bypass);
    member.constraints.push_back(std::move(key));
  }
  return SearchKey{.shape = OpShapeKey(problem.op()), .member = std::move(member), .budget = BudgetKey(budget)};
}

std::string SearchKey::ToString() const {
  if (!member) return "op|" + shape.ToString() + "|" + budget.ToString();
  std::string levels;
  for (const LevelEditsKey& level : member->levels) {
    levels += fmt::format("{}:{}:{};", level.name, level.capacity_words, static_cast<int>(level.keeps_roles));
  }
  std::string constraints;
  for (std::size_t level_idx = 0; level_idx < member->constraints.size(); ++level_idx) {
    const LevelConstraintsKey& level = member->constraints[level_idx];
    constraints += fmt::format("L{}o", level_idx);
    for (const int dim : level.order_prefix) constraints += fmt::format("{},", dim);
    constraints += "t";
    for (const std::int64_t factor : level.temporal_factor) constraints += fmt::format("{},", factor);
    for (const std::vector<std::int64_t>& factors : level.spatial_factor) {
      constraints += "s";
      for (const std::int64_t factor : factors) constraints += fmt::format("{},", factor);
    }
    constraints += level.keeps ? fmt::format("k{}", static_cast<int>(*level.keeps)) : std::string("k*");
    constraints += ";";
  }
  return fmt::format("member|{}|chip{}|{}|{}|{}", shape.ToString(), static_cast<int>(member->on_chip_tensors), levels,
                     constraints, budget.ToString());
}

std::size_t SearchKeyHash::operator()(const SearchKey& key) const noexcept {
  HashMixer mixer;
  AddShape(mixer, key.shape);
  mixer.Add(key.budget.max_evaluations);
  mixer.Add(key.budget.max_seconds);
  mixer.Add(key.budget.max_stall_steps);
  mixer.Add(key.member.has_value());
  if (!key.member) return mixer.value();
  mixer.Add(key.member->on_chip_tensors);
  mixer.Add(key.member->levels.size());
  for (const LevelEditsKey& level : key.member->levels) {
    mixer.Add(level.name);
    mixer.Add(level.capacity_words);
    mixer.Add(level.keeps_roles);
  }
  mixer.Add(key.member->constraints.size());
  for (const LevelConstraintsKey& level : key.member->constraints) {
    mixer.AddAll(level.order_prefix);
    mixer.AddAll(level.temporal_factor);
    for (const std::vector<std::int64_t>& factors : level.spatial_factor) mixer.AddAll(factors);
    mixer.Add(level.keeps);
    mixer.Add(level.double_buffered);
    mixer.AddAll(level.other_kinds);
  }
  return mixer.value();
}

}  // namespace loopfront::planner

std::size_t std::hash<loopfront::planner::OpShapeKey>::operator()(
    const loopfront::planner::OpShapeKey& key) const noexcept {
  loopfront::planner::HashMixer mixer;
  loopfront::planner::AddShape(mixer, key);
  return mixer.value();
}
