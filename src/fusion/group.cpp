#include "loopfront/fusion/group.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "loopfront/util/strings.h"

namespace loopfront::fusion {
namespace {

using workload::Op;
using workload::OpId;
using workload::OpKind;
using workload::Workload;

bool IsVectorOp(const Op& op) { return !op.IsContraction(); }
bool IsActivation(const Op& op) { return op.kind == OpKind::kGelu || op.kind == OpKind::kSilu; }
bool IsNorm(const Op& op) { return op.kind == OpKind::kLayerNorm || op.kind == OpKind::kRmsNorm; }

// Union-find over (member, dim) pairs, numbered member offset + dim.
class DisjointSets {
 public:
  explicit DisjointSets(int size) : parent_(static_cast<std::size_t>(size)) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int Find(int item) {
    while (parent_[item] != item) {
      parent_[item] = parent_[parent_[item]];
      item = parent_[item];
    }
    return item;
  }
  void Union(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

// The next member of a chain ending in `last`: the only reader of its output, provided the output
// is read by exactly one op, through exactly one tensor slot, and is not a result of the workload.
std::optional<std::pair<OpId, Intermediate>> NextMember(const Workload& workload, OpId last) {
  const Op& producer = workload.op(last);
  const workload::Tensor& output = producer.Output();
  const std::vector<OpId> readers = workload.Consumers(output.name);
  if (readers.size() != 1) return std::nullopt;
  const Op& consumer = workload.op(readers.front());
  if (consumer.count != producer.count) return std::nullopt;
  Intermediate intermediate;
  intermediate.tensor = output.name;
  intermediate.producer_tensor = -1;
  intermediate.consumer_tensor = -1;
  for (int tensor = 0; tensor < static_cast<int>(producer.tensors.size()); ++tensor) {
    if (producer.tensors[tensor].role == workload::TensorRole::kOutput) intermediate.producer_tensor = tensor;
  }
  int slots = 0;
  for (int tensor = 0; tensor < static_cast<int>(consumer.tensors.size()); ++tensor) {
    const workload::Tensor& use = consumer.tensors[tensor];
    if (use.name == output.name && use.role != workload::TensorRole::kOutput) {
      intermediate.consumer_tensor = tensor;
      ++slots;
    }
  }
  // The same tensor read through two slots (x · x) would need two on-chip copies: not proposed.
  if (slots != 1 || intermediate.producer_tensor < 0) return std::nullopt;
  if (consumer.tensors[intermediate.consumer_tensor].dims.size() != output.dims.size()) return std::nullopt;
  return std::make_pair(readers.front(), intermediate);
}

// Links the members' dims through the intermediates and keeps the classes with one dim in every
// member. Empty optional when linked dims disagree in size (then the chain is not proposed).
std::optional<std::vector<ChainDim>> FindChainDims(const Workload& workload, const std::vector<OpId>& members,
                                                   const std::vector<Intermediate>& intermediates) {
  const int num_members = static_cast<int>(members.size());
  std::vector<int> offset(num_members + 1, 0);
  for (int member = 0; member < num_members; ++member) {
    offset[member + 1] = offset[member] + static_cast<int>(workload.op(members[member]).dims.size());
  }
  DisjointSets sets(offset[num_members]);
  for (int link = 0; link + 1 < num_members; ++link) {
    const Op& producer = workload.op(members[link]);
    const Op& consumer = workload.op(members[link + 1]);
    const workload::Tensor& out = producer.tensors[intermediates[link].producer_tensor];
    const workload::Tensor& in = consumer.tensors[intermediates[link].consumer_tensor];
    for (std::size_t position = 0; position < out.dims.size(); ++position) {
      const int producer_dim = out.dims[position];
      const int consumer_dim = in.dims[position];
      if (producer.dims[producer_dim].size != consumer.dims[consumer_dim].size) return std::nullopt;
      sets.Union(offset[link] + producer_dim, offset[link + 1] + consumer_dim);
    }
  }
  std::vector<ChainDim> chain_dims;
  const Op& first = workload.op(members.front());
  for (int dim = 0; dim < static_cast<int>(first.dims.size()); ++dim) {
    const int root = sets.Find(offset[0] + dim);
    ChainDim chain_dim;
    chain_dim.name = first.dims[dim].name;
    chain_dim.size = first.dims[dim].size;
    bool in_every_member = true;
    for (int member = 0; member < num_members && in_every_member; ++member) {
      const Op& op = workload.op(members[member]);
      int found = -1;
      int hits = 0;
      for (int member_dim = 0; member_dim < static_cast<int>(op.dims.size()); ++member_dim) {
        if (sets.Find(offset[member] + member_dim) == root) {
          found = member_dim;
          ++hits;
        }
      }
      if (hits != 1) {
        in_every_member = false;
        break;
      }
      chain_dim.member_dims.push_back(found);
      if (op.reduced_dim && *op.reduced_dim == found) {
        chain_dim.softmax_reduced |= op.kind == OpKind::kSoftmax;
        chain_dim.norm_reduced |= IsNorm(op);
      }
    }
    if (in_every_member) chain_dims.push_back(std::move(chain_dim));
  }
  return chain_dims;
}

std::optional<GroupRule> RuleOf(const Workload& workload, const std::vector<OpId>& members) {
  const Op& first = workload.op(members[0]);
  if (!first.IsContraction()) return std::nullopt;
  if (members.size() == 2) {
    return IsVectorOp(workload.op(members[1])) ? std::optional(GroupRule::kContractionVector) : std::nullopt;
  }
  if (members.size() != 3) return std::nullopt;
  const Op& middle = workload.op(members[1]);
  const Op& last = workload.op(members[2]);
  if (!IsVectorOp(middle)) return std::nullopt;
  if (IsVectorOp(last)) return GroupRule::kContractionVector;
  if (middle.kind == OpKind::kSoftmax) return GroupRule::kAttention;
  if (IsActivation(middle)) return GroupRule::kMlp;
  return std::nullopt;
}

}  // namespace

std::string_view ToString(GroupRule rule) {
  switch (rule) {
    case GroupRule::kContractionVector:
      return "contraction_vector";
    case GroupRule::kAttention:
      return "attention";
    case GroupRule::kMlp:
      return "mlp";
  }
  return "?";
}

std::string FusedGroup::Label(const Workload& workload) const {
  std::vector<std::string> names;
  for (const OpId id : members) names.push_back(workload.op(id).name);
  const std::string chain = util::Join(names, "+");
  if (rule == GroupRule::kContractionVector) return chain;
  return fmt::format("{}({})", ToString(rule), chain);
}

std::uint32_t FusedGroup::IntermediateTensors(int member) const {
  std::uint32_t mask = 0;
  if (member > 0) mask |= 1u << intermediates[member - 1].consumer_tensor;
  if (member + 1 < static_cast<int>(members.size())) mask |= 1u << intermediates[member].producer_tensor;
  return mask;
}

std::vector<FusedGroup> FindCandidateGroups(const Workload& workload) {
  constexpr std::size_t kMaxMembers = 3;
  std::vector<FusedGroup> groups;
  for (const OpId start : workload.TopologicalOrder()) {
    if (!workload.op(start).IsContraction()) continue;
    std::vector<OpId> members{start};
    std::vector<Intermediate> intermediates;
    while (members.size() < kMaxMembers) {
      const auto next = NextMember(workload, members.back());
      if (!next) break;
      members.push_back(next->first);
      intermediates.push_back(next->second);
      const std::optional<GroupRule> rule = RuleOf(workload, members);
      if (!rule) continue;  // e.g. a contraction → contraction prefix; a longer chain may still match
      std::optional<std::vector<ChainDim>> chain_dims = FindChainDims(workload, members, intermediates);
      if (!chain_dims) break;
      FusedGroup group;
      group.rule = *rule;
      group.members = members;
      group.intermediates = intermediates;
      group.chain_dims = std::move(*chain_dims);
      group.count = workload.op(start).count;
      groups.push_back(std::move(group));
    }
  }
  return groups;
}

}  // namespace loopfront::fusion
