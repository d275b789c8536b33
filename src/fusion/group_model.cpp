#include "loopfront/fusion/group_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::fusion {
namespace {

using mapping::TensorMask;

// Tilings enumerated before ranking: beyond this the divisor lists are thinned evenly.
constexpr std::size_t kMaxEnumeratedTilings = 20'000;
constexpr std::uint32_t kNoPoint = std::numeric_limits<std::uint32_t>::max();

std::vector<std::int64_t> Divisors(std::int64_t value) {
  std::vector<std::int64_t> low;
  std::vector<std::int64_t> high;
  for (std::int64_t divisor = 1; divisor * divisor <= value; ++divisor) {
    if (value % divisor != 0) continue;
    low.push_back(divisor);
    if (divisor * divisor != value) high.push_back(value / divisor);
  }
  low.insert(low.end(), high.rbegin(), high.rend());
  return low;
}

// Keeps `keep` entries of a sorted list, evenly spaced, always the first and the last.
std::vector<std::int64_t> ThinList(const std::vector<std::int64_t>& values, std::size_t keep) {
  if (values.size() <= keep || keep < 2) return values;
  std::vector<std::int64_t> thinned;
  for (std::size_t index = 0; index < keep; ++index)
    thinned.push_back(values[index * (values.size() - 1) / (keep - 1)]);
  thinned.erase(std::unique(thinned.begin(), thinned.end()), thinned.end());
  return thinned;
}

std::int64_t CeilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

TensorMask TensorsWithRole(const workload::Op& op, arch::RoleMask roles) {
  TensorMask mask = 0;
  for (int tensor = 0; tensor < static_cast<int>(op.tensors.size()); ++tensor) {
    if ((roles & arch::RoleBit(op.tensors[tensor].role)) != 0) mask = static_cast<TensorMask>(mask | (1u << tensor));
  }
  return mask;
}

// Usable words per instance, as mapping::Problem computes them (rule 1 of shared/validation/README.md;
// with honest buffering: the whole capacity, as single-buffered).
std::int64_t UsableWords(const arch::StorageLevel& level) {
  if (!level.capacity_words) return mapping::kUnboundedCapacity;
  return static_cast<std::int64_t>(std::floor(static_cast<double>(*level.capacity_words) / level.multiple_buffering));
}

// The slowest of the bandwidths that bound a direction (words per cycle per instance), or 0 for
// unlimited.
double Rate(const std::optional<double>& direction, const std::optional<double>& shared) {
  if (direction && shared) return std::min(*direction, *shared);
  if (direction) return *direction;
  if (shared) return *shared;
  return 0.0;
}

// A chain of member fronts folded into one front of MemberChoice (Minkowski sums, weight 1), plus
// a constant (the moves charged on this unit).
pareto::Front<MemberChoice> FoldMembers(const std::vector<int>& members,
                                        const std::vector<const pareto::Front<mapping::Mapping>*>& member_fronts,
                                        const pareto::Objectives& constant, double relative_cell) {
  pareto::Front<MemberChoice> folded;
  folded.Insert(constant, MemberChoice(member_fronts.size(), kNoPoint));
  for (const int member : members) {
    pareto::Front<std::uint32_t> indexed;
    const auto& points = member_fronts[member]->points();
    for (std::size_t index = 0; index < points.size(); ++index) {
      indexed.Insert(points[index].objectives, static_cast<std::uint32_t>(index));
    }
    folded = pareto::MinkowskiSum(folded, indexed, 1.0, relative_cell,
                                  [member](const MemberChoice& choice, std::uint32_t index) {
                                    MemberChoice result = choice;
                                    result[member] = index;
                                    return result;
                                  });
  }
  return folded;
}

MemberChoice MergeChoices(const MemberChoice& a, const MemberChoice& b) {
  MemberChoice result = a;
  for (std::size_t member = 0; member < b.size(); ++member) {
    if (b[member] != kNoPoint) result[member] = b[member];
  }
  return result;
}

}  // namespace

std::int64_t SharedTiling::NumTiles() const {
  std::int64_t tiles = 1;
  for (const std::int64_t factor : factors) tiles *= factor;
  return tiles;
}

std::string SharedTiling::ToString(const FusedGroup& group) const {
  if (order.empty()) return "none";
  std::vector<std::string> loops;
  for (const int chain_dim : order) {
    loops.push_back(fmt::format("{}{}", group.chain_dims[chain_dim].name, factors[chain_dim]));
  }
  return util::Join(loops, " ");
}

std::optional<GroupModel> GroupModel::Build(const FusedGroup& group, const workload::Workload& workload,
                                            const arch::Architecture& architecture, std::string* why_not) {
  auto fail = [&](std::string reason) -> std::optional<GroupModel> {
    if (why_not != nullptr) *why_not = std::move(reason);
    return std::nullopt;
  };
  GroupModel model;
  model.group_ = group;
  model.architecture_ = architecture;
  model.overlap_ = architecture.overlap_vector_unit;
  model.online_softmax_ = architecture.online_softmax;
  model.static_energy_pj_per_cycle_ =
      architecture.clock_ghz ? architecture.static_power_mw / *architecture.clock_ghz : 0.0;
  const int num_levels = architecture.num_levels();

  // The vector engine's level, where vector members read and write everything (DESIGN §2.1.1).
  int vector_level = -1;
  for (const workload::OpId id : group.members) {
    const workload::Op& op = workload.op(id);
    if (op.IsContraction()) continue;
    const int compute_level = mapping::Problem::Build(op, architecture).compute_level();
    if (compute_level < 0) {
      return fail(fmt::format("{} cannot run on {} (no vector unit or host)", op.name, architecture.name));
    }
    if (compute_level == 0) {
      return fail(fmt::format("{} runs on the host, which reads {}: its data cannot stay on chip", op.name,
                              architecture.levels[0].name));
    }
    vector_level = compute_level;
  }

  for (int member_idx = 0; member_idx < static_cast<int>(group.members.size()); ++member_idx) {
    Member member;
    member.op = workload.op(group.members[member_idx]);
    member.on_vector_unit = !member.op.IsContraction();
    member.intermediates = static_cast<TensorMask>(group.IntermediateTensors(member_idx));
    const int num_tensors = static_cast<int>(member.op.tensors.size());
    member.hold_level.assign(static_cast<std::size_t>(num_tensors), -1);
    member.architecture = architecture;
    for (int tensor = 0; tensor < num_tensors; ++tensor) {
      if (((member.intermediates >> tensor) & 1u) == 0) continue;
      const arch::RoleMask role = arch::RoleBit(member.op.tensors[tensor].role);
      int hold = -1;
      if (member.on_vector_unit) {
        hold = mapping::Problem::Build(member.op, architecture).compute_level();
      } else {
        for (int level_idx = 1; level_idx < num_levels && hold < 0; ++level_idx) {
          if ((architecture.levels[level_idx].keeps_roles & role) != 0) hold = level_idx;
        }
        if (hold < 0 && vector_level > 0) {
          // No level below DRAM holds the role for unfused ops: the contraction reads or writes it
          // at the vector engine's level (DESIGN §2.8.1).
          hold = vector_level;
          member.architecture.levels[hold].keeps_roles =
              static_cast<arch::RoleMask>(member.architecture.levels[hold].keeps_roles | role);
        }
        if (hold < 0) {
          return fail(fmt::format("no level below {} can hold {} of {}", architecture.levels[0].name,
                                  member.op.tensors[tensor].name, member.op.name));
        }
      }
      member.hold_level[tensor] = hold;
    }
    // Between DRAM and its level an intermediate is kept nowhere: by role where that touches no
    // other tensor, else by fixing the level's keeps below.
    std::vector<TensorMask> banned(static_cast<std::size_t>(num_levels), 0);
    for (int tensor = 0; tensor < num_tensors; ++tensor) {
      for (int level_idx = 1; level_idx < member.hold_level[tensor]; ++level_idx) {
        banned[level_idx] = static_cast<TensorMask>(banned[level_idx] | (1u << tensor));
      }
    }
    for (int level_idx = 1; level_idx < num_levels; ++level_idx) {
      for (const workload::Tensor& tensor : member.op.tensors) {
        const arch::RoleMask role = arch::RoleBit(tensor.role);
        const TensorMask with_role = TensorsWithRole(member.op, role);
        if ((with_role & banned[level_idx]) != 0 && (with_role & ~banned[level_idx]) == 0) {
          arch::StorageLevel& level = member.architecture.levels[level_idx];
          level.keeps_roles = static_cast<arch::RoleMask>(level.keeps_roles & ~role);
          level.required_roles = static_cast<arch::RoleMask>(level.required_roles & level.keeps_roles);
        }
      }
    }
    mapping::Problem problem;
    try {
      problem = mapping::Problem::Build(member.op, member.architecture, {.on_chip_tensors = member.intermediates});
    } catch (const util::ConfigError& error) {
      return fail(fmt::format("{}: {}", member.op.name, error.what()));
    }
    member.fixed_keeps.assign(static_cast<std::size_t>(num_levels), std::nullopt);
    for (int level_idx = 1; level_idx < num_levels; ++level_idx) {
      const TensorMask may_keep = problem.level(level_idx).may_keep;
      if ((may_keep & banned[level_idx]) == 0) continue;
      // Another tensor shares the banned intermediate's role here: bypass both (the other one is
      // read once on its way to the engine or the array).
      arch::RoleMask banned_roles = 0;
      for (int tensor = 0; tensor < num_tensors; ++tensor) {
        if (((banned[level_idx] >> tensor) & 1u) != 0) {
          banned_roles = static_cast<arch::RoleMask>(banned_roles | arch::RoleBit(member.op.tensors[tensor].role));
        }
      }
      // Tensors the array needs staged here (required_keeps) stay, unless banned themselves.
      member.fixed_keeps[level_idx] =
          static_cast<TensorMask>((may_keep & ~TensorsWithRole(member.op, banned_roles)) |
                                  (problem.level(level_idx).must_keep & ~banned[level_idx]));
    }
    if (!member.on_vector_unit) {
      // Pin each intermediate at its level when an inner level could hold it instead, or when the
      // level's keeps were widened for it (the on-chip rule alone only keeps it off DRAM).
      for (int tensor = 0; tensor < num_tensors; ++tensor) {
        const int hold = member.hold_level[tensor];
        if (hold < 0) continue;
        bool inner_may_hold = false;
        for (int level_idx = hold + 1; level_idx < num_levels; ++level_idx) {
          inner_may_hold |= ((problem.level(level_idx).may_keep >> tensor) & 1u) != 0;
        }
        const TensorMask original = TensorsWithRole(member.op, architecture.levels[hold].keeps_roles);
        const TensorMask may_keep = problem.level(hold).may_keep;
        const bool widened = (may_keep & ~member.intermediates & ~original) != 0;
        if (inner_may_hold || widened) {
          const TensorMask already = member.fixed_keeps[hold].value_or(static_cast<TensorMask>(original & may_keep));
          member.fixed_keeps[hold] = static_cast<TensorMask>(already | (1u << tensor));
        }
      }
    }
    model.members_.push_back(std::move(member));
  }

  // Links and on-chip moves (charged on the consumer's unit).
  for (int index = 0; index < static_cast<int>(group.intermediates.size()); ++index) {
    const Intermediate& intermediate = group.intermediates[index];
    Link link;
    link.producer_level = model.members_[index].hold_level[intermediate.producer_tensor];
    link.consumer_level = model.members_[index + 1].hold_level[intermediate.consumer_tensor];
    model.links_.push_back(link);
    if (link.producer_level == link.consumer_level) continue;
    const workload::Op& producer = model.members_[index].op;
    const std::int64_t words = producer.TensorElements(producer.tensors[intermediate.producer_tensor]);
    const arch::StorageLevel& from = architecture.levels[link.producer_level];
    const arch::StorageLevel& to = architecture.levels[link.consumer_level];
    // One read at the producer's level and one fill at the consumer's per element, in whole
    // accesses (rule 8 of shared/validation/README.md), at the levels' bandwidths (rule 9).
    const double energy = static_cast<double>(CeilDiv(words, from.vector_words)) * from.energy_per_access.read_pj +
                          static_cast<double>(CeilDiv(words, to.vector_words)) * to.energy_per_access.write_pj;
    const double read_rate = Rate(from.read_bandwidth_words_per_cycle, from.shared_bandwidth_words_per_cycle) *
                             static_cast<double>(from.instances);
    const double write_rate = Rate(to.write_bandwidth_words_per_cycle, to.shared_bandwidth_words_per_cycle) *
                              static_cast<double>(to.instances);
    double cycles = 0.0;
    if (read_rate > 0) cycles = std::max(cycles, std::ceil(static_cast<double>(words) / read_rate));
    if (write_rate > 0) cycles = std::max(cycles, std::ceil(static_cast<double>(words) / write_rate));
    pareto::Objectives& side = model.members_[index + 1].on_vector_unit ? model.vector_moves_ : model.pe_moves_;
    side.latency_cycles += cycles;
    side.energy_pj += energy + model.static_energy_pj_per_cycle_ * cycles;
  }
  return model;
}

bool GroupModel::Splittable(int chain_dim) const {
  const ChainDim& dim = group_.chain_dims[chain_dim];
  // DESIGN §2.8.1: whole rows for softmax (unless online) and for norms.
  if (dim.norm_reduced) return false;
  if (dim.softmax_reduced && !online_softmax_) return false;
  return true;
}

bool GroupModel::Pipelined() const {
  if (!overlap_) return false;
  bool pe = false;
  bool vector = false;
  for (const Member& member : members_) (member.on_vector_unit ? vector : pe) = true;
  return pe && vector;
}

std::int64_t GroupModel::IntermediateTileWords(int index, const SharedTiling& tiling) const {
  const Intermediate& intermediate = group_.intermediates[index];
  const workload::Op& producer = members_[index].op;
  std::int64_t words = 1;
  for (const int dim : producer.tensors[intermediate.producer_tensor].dims) {
    std::int64_t extent = producer.dims[dim].size;
    for (std::size_t chain_dim = 0; chain_dim < group_.chain_dims.size(); ++chain_dim) {
      if (group_.chain_dims[chain_dim].member_dims[index] == dim) extent /= tiling.factors[chain_dim];
    }
    words *= extent;
  }
  return words;
}

std::vector<std::int64_t> GroupModel::ReservedWords(int member, const SharedTiling& tiling) const {
  std::vector<std::int64_t> reserved(static_cast<std::size_t>(architecture_.num_levels()), 0);
  if (!Pipelined()) return reserved;
  const bool on_vector_unit = members_[member].on_vector_unit;
  for (int index = 0; index < static_cast<int>(links_.size()); ++index) {
    // Levels where the other unit's members hold this intermediate (each counted once).
    std::vector<int> levels;
    if (members_[index].on_vector_unit != on_vector_unit) levels.push_back(links_[index].producer_level);
    if (members_[index + 1].on_vector_unit != on_vector_unit) levels.push_back(links_[index].consumer_level);
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    for (const int level_idx : levels) {
      reserved[level_idx] += CeilDiv(IntermediateTileWords(index, tiling), architecture_.levels[level_idx].instances);
    }
  }
  return reserved;
}

std::vector<SharedTiling> GroupModel::Tilings(int max_tilings) const {
  const int num_chain_dims = static_cast<int>(group_.chain_dims.size());
  const int num_levels = architecture_.num_levels();
  std::vector<std::vector<std::int64_t>> choices(num_chain_dims);
  std::size_t combinations = 1;
  for (int chain_dim = 0; chain_dim < num_chain_dims; ++chain_dim) {
    choices[chain_dim] =
        Splittable(chain_dim) ? Divisors(group_.chain_dims[chain_dim].size) : std::vector<std::int64_t>{1};
    combinations *= choices[chain_dim].size();
  }
  // Thin the longest divisor lists until the enumeration is bounded.
  while (combinations > kMaxEnumeratedTilings) {
    int longest = 0;
    for (int chain_dim = 1; chain_dim < num_chain_dims; ++chain_dim) {
      if (choices[chain_dim].size() > choices[longest].size()) longest = chain_dim;
    }
    combinations /= choices[longest].size();
    choices[longest] = ThinList(choices[longest], std::max<std::size_t>(2, choices[longest].size() * 2 / 3));
    combinations *= choices[longest].size();
  }
  const std::int64_t live_copies = Pipelined() ? 2 : 1;

  struct Ranked {
    double traffic_bytes;
    SharedTiling tiling;
  };
  std::vector<Ranked> ranked;
  for (std::size_t combination = 0; combination < combinations; ++combination) {
    SharedTiling tiling;
    std::size_t rest = combination;
    for (int chain_dim = 0; chain_dim < num_chain_dims; ++chain_dim) {
      tiling.factors.push_back(choices[chain_dim][rest % choices[chain_dim].size()]);
      rest /= choices[chain_dim].size();
    }
    // Necessary condition: at each level, the intermediates held there for one tile (two tiles
    // when pipelined) fit, spread evenly over the level's instances.
    std::vector<std::int64_t> words_per_instance(static_cast<std::size_t>(num_levels), 0);
    for (int index = 0; index < static_cast<int>(links_.size()); ++index) {
      const std::int64_t words = IntermediateTileWords(index, tiling);
      for (const int level_idx : {links_[index].producer_level, links_[index].consumer_level}) {
        words_per_instance[level_idx] += CeilDiv(words, architecture_.levels[level_idx].instances);
        if (links_[index].producer_level == links_[index].consumer_level) break;
      }
    }
    bool fits = true;
    for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
      const std::int64_t usable = UsableWords(architecture_.levels[level_idx]);
      fits &= usable == mapping::kUnboundedCapacity || words_per_instance[level_idx] * live_copies <= usable;
    }
    if (!fits) continue;
    std::vector<int> split;
    for (int chain_dim = 0; chain_dim < num_chain_dims; ++chain_dim) {
      if (tiling.factors[chain_dim] > 1) split.push_back(chain_dim);
    }
    do {
      tiling.order = split;
      double traffic = 0.0;
      for (int member_idx = 0; member_idx < num_members(); ++member_idx) {
        const Member& member = members_[member_idx];
        for (int tensor = 0; tensor < static_cast<int>(member.op.tensors.size()); ++tensor) {
          if (((member.intermediates >> tensor) & 1u) != 0) continue;
          const workload::Tensor& use = member.op.tensors[tensor];
          auto indexes = [&](int chain_dim) {
            const int dim = group_.chain_dims[chain_dim].member_dims[member_idx];
            return std::find(use.dims.begin(), use.dims.end(), dim) != use.dims.end();
          };
          // Rule 4 of shared/validation/README.md on the shared loops alone: the tensor is refetched
          // once per iteration of the loops outside its innermost indexing loop that do not index it.
          int innermost = -1;
          for (int position = 0; position < static_cast<int>(split.size()); ++position) {
            if (indexes(split[position])) innermost = position;
          }
          double refetch = 1.0;
          for (int position = 0; position < innermost; ++position) {
            if (!indexes(split[position])) refetch *= static_cast<double>(tiling.factors[split[position]]);
          }
          // A per-tile footprint above the on-chip level that would hold it forces the member to
          // split it at DRAM, refetching about that many times more.
          double footprint = 1.0;
          for (const int dim : use.dims) {
            double extent = static_cast<double>(member.op.dims[dim].size);
            for (int chain_dim = 0; chain_dim < num_chain_dims; ++chain_dim) {
              if (group_.chain_dims[chain_dim].member_dims[member_idx] == dim) {
                extent /= static_cast<double>(tiling.factors[chain_dim]);
              }
            }
            footprint *= extent;
          }
          for (int level_idx = 1; level_idx < num_levels; ++level_idx) {
            const arch::StorageLevel& level = architecture_.levels[level_idx];
            if ((level.keeps_roles & arch::RoleBit(use.role)) == 0) continue;
            const std::int64_t usable = UsableWords(level);
            if (usable != mapping::kUnboundedCapacity) {
              const double capacity = static_cast<double>(usable) * static_cast<double>(level.instances);
              refetch *= std::max(1.0, std::ceil(footprint / capacity));
            }
            break;
          }
          // An output refetched as partial sums is also read back.
          if (use.role == workload::TensorRole::kOutput && refetch > 1.0) refetch *= 2.0;
          traffic += static_cast<double>(member.op.TensorElements(use)) * use.word_bits / 8.0 * refetch;
        }
      }
      ranked.push_back({traffic, tiling});
    } while (std::next_permutation(split.begin(), split.end()));
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return std::forward_as_tuple(a.traffic_bytes, a.tiling.NumTiles(), a.tiling.factors, a.tiling.order) <
           std::forward_as_tuple(b.traffic_bytes, b.tiling.NumTiles(), b.tiling.factors, b.tiling.order);
  });
  std::vector<SharedTiling> picks;
  if (ranked.empty() || max_tilings < 1) return picks;
  const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(max_tilings), ranked.size());
  // Ranks ⌊n^(i/(count−1))⌋ − 1: dense at the best end of the ranking, reaching its worst; a
  // collision moves to the next free rank.
  std::vector<std::size_t> ranks;
  for (std::size_t pick = 0; pick < count; ++pick) {
    std::size_t rank = 0;
    if (count > 1) {
      const double exponent = static_cast<double>(pick) / static_cast<double>(count - 1);
      rank = static_cast<std::size_t>(std::floor(std::pow(static_cast<double>(ranked.size()), exponent))) - 1;
    }
    rank = std::min(rank, ranked.size() - 1);
    while (std::find(ranks.begin(), ranks.end(), rank) != ranks.end() && rank + 1 < ranked.size()) ++rank;
    if (std::find(ranks.begin(), ranks.end(), rank) == ranks.end()) ranks.push_back(rank);
  }
  std::sort(ranks.begin(), ranks.end());
  for (const std::size_t rank : ranks) picks.push_back(ranked[rank].tiling);
  return picks;
}

std::optional<std::vector<MemberProblem>> GroupModel::MemberProblems(const SharedTiling& tiling) const {
  std::vector<MemberProblem> problems;
  for (int member_idx = 0; member_idx < num_members(); ++member_idx) {
    const Member& member = members_[member_idx];
    arch::Architecture architecture = member.architecture;
    const std::vector<std::int64_t> reserved = ReservedWords(member_idx, tiling);
    for (int level_idx = 0; level_idx < architecture.num_levels(); ++level_idx) {
      arch::StorageLevel& level = architecture.levels[level_idx];
      if (reserved[level_idx] == 0 || !level.capacity_words) continue;
      const auto reserved_capacity =
          static_cast<std::int64_t>(std::ceil(static_cast<double>(reserved[level_idx]) * level.multiple_buffering));
      if (*level.capacity_words <= reserved_capacity) return std::nullopt;
      level.capacity_words = *level.capacity_words - reserved_capacity;
    }
    const auto chain_dim_of = [&](int dim) {
      for (int chain_dim = 0; chain_dim < static_cast<int>(group_.chain_dims.size()); ++chain_dim) {
        if (group_.chain_dims[chain_dim].member_dims[member_idx] == dim) return chain_dim;
      }
      return -1;
    };
    workload::Op op = member.op;
    if (op.kind == workload::OpKind::kSoftmax && op.reduced_dim) {
      const int chain_dim = chain_dim_of(*op.reduced_dim);
      if (chain_dim >= 0 && tiling.factors[chain_dim] > 1) {
        // online_softmax (DESIGN §2.8.1): each shared tile holds part of every row; the partial
        // results are rescaled once more per element (one extra pass of one multiply). The rows no
        // longer need to be whole, so the passes sweep the tile held at the engine's level.
        op.passes += 1;
        op.ops_per_element.push_back(1.0);
        op.reduced_dim.reset();
      }
    }
    MemberProblem member_problem;
    member_problem.problem = mapping::Problem::Build(op, architecture, {.on_chip_tensors = member.intermediates});
    mapping::Constraints& constraints = member_problem.constraints;
    mapping::LevelConstraints& dram = constraints.levels[0];
    for (int chain_dim = 0; chain_dim < static_cast<int>(group_.chain_dims.size()); ++chain_dim) {
      dram.temporal_factor[group_.chain_dims[chain_dim].member_dims[member_idx]] = tiling.factors[chain_dim];
    }
    for (const int chain_dim : tiling.order) {
      dram.order_prefix.push_back(group_.chain_dims[chain_dim].member_dims[member_idx]);
    }
    // An intermediate's tile at its level is the whole shared tile: no other DRAM loop over its
    // dims, and no temporal loop between DRAM and its level.
    for (int tensor = 0; tensor < static_cast<int>(op.tensors.size()); ++tensor) {
      const int hold = member.hold_level[tensor];
      if (hold < 0) continue;
      for (const int dim : op.tensors[tensor].dims) {
        if (chain_dim_of(dim) < 0) dram.temporal_factor[dim] = 1;
        for (int level_idx = 1; level_idx < hold; ++level_idx) constraints.levels[level_idx].temporal_factor[dim] = 1;
      }
    }
    for (int level_idx = 0; level_idx < static_cast<int>(member.fixed_keeps.size()); ++level_idx) {
      if (member.fixed_keeps[level_idx]) constraints.levels[level_idx].keeps = *member.fixed_keeps[level_idx];
    }
    problems.push_back(std::move(member_problem));
  }
  return problems;
}

pareto::Objectives GroupModel::Pipeline(const pareto::Objectives& pe, const pareto::Objectives& vector,
                                        double tiles) const {
  if (!Pipelined()) return {pe.latency_cycles + vector.latency_cycles, pe.energy_pj + vector.energy_pj};
  const double latency =
      std::max(pe.latency_cycles, vector.latency_cycles) + std::min(pe.latency_cycles, vector.latency_cycles) / tiles;
  // Each member was charged static power over its own cycles; the group pays it over its latency.
  const double energy = pe.energy_pj + vector.energy_pj +
                        static_energy_pj_per_cycle_ * (latency - pe.latency_cycles - vector.latency_cycles);
  return {latency, energy};
}

pareto::Objectives GroupModel::CombineObjectives(const SharedTiling& tiling,
                                                 const std::vector<pareto::Objectives>& member_objectives) const {
  pareto::Objectives pe = pe_moves_;
  pareto::Objectives vector = vector_moves_;
  for (int member_idx = 0; member_idx < num_members(); ++member_idx) {
    pareto::Objectives& sum = members_[member_idx].on_vector_unit ? vector : pe;
    sum.latency_cycles += member_objectives[member_idx].latency_cycles;
    sum.energy_pj += member_objectives[member_idx].energy_pj;
  }
  return Pipeline(pe, vector, static_cast<double>(tiling.NumTiles()));
}

pareto::Front<MemberChoice> GroupModel::CombineFronts(
    const SharedTiling& tiling, const std::vector<const pareto::Front<mapping::Mapping>*>& member_fronts,
    double relative_cell) const {
  if (static_cast<int>(member_fronts.size()) != num_members()) {
    throw util::InternalError("GroupModel::CombineFronts: one front per member expected");
  }
  for (const auto* front : member_fronts) {
    if (front == nullptr || front->empty()) return {};
  }
  std::vector<int> pe_members;
  std::vector<int> vector_members;
  for (int member_idx = 0; member_idx < num_members(); ++member_idx) {
    (members_[member_idx].on_vector_unit ? vector_members : pe_members).push_back(member_idx);
  }
  const pareto::Front<MemberChoice> pe = FoldMembers(pe_members, member_fronts, pe_moves_, relative_cell);
  const pareto::Front<MemberChoice> vector = FoldMembers(vector_members, member_fronts, vector_moves_, relative_cell);
  if (!Pipelined()) return pareto::MinkowskiSum(pe, vector, 1.0, relative_cell, MergeChoices);
  // The pipelined latency is non-decreasing in each unit's sum, so only the two partial fronts'
  // points can give non-dominated group points.
  const double tiles = static_cast<double>(tiling.NumTiles());
  pareto::Front<MemberChoice> combined;
  for (const auto& a : pe.points()) {
    for (const auto& b : vector.points()) {
      const pareto::Objectives objectives = Pipeline(a.objectives, b.objectives, tiles);
      if (combined.WouldInsert(objectives)) combined.Insert(objectives, MergeChoices(a.payload, b.payload));
    }
  }
  return pareto::ThinByLogGrid(combined, relative_cell);
}

}  // namespace loopfront::fusion
