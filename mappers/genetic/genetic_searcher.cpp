#include "mappers/genetic/genetic_searcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "loopfront/search/ask_tell.h"
#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"

namespace loopfront::search {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// An individual's fitness; its genome is kept beside it (GeneticSteps), so that ranking and survival
// move these few bytes instead of whole genomes.
struct Individual {
  Evaluation evaluation;
  std::array<double, 2> values{};  // objectives to minimize (the second is 0 for a scalar)
  int rank = 0;                    // 0 = first front
  double crowding = 0.0;
};

void SetValues(Objective objective, Individual& individual) {
  const Evaluation& evaluation = individual.evaluation;
  if (!evaluation.feasible) {
    individual.values = {kInfinity, kInfinity};
  } else if (objective == Objective::kLatencyEnergy) {
    individual.values = {std::log(evaluation.objectives.latency_cycles), std::log(evaluation.objectives.energy_pj)};
  } else {
    individual.values = {std::log(ScalarObjective(objective, evaluation.objectives)), 0.0};
  }
}

// Elitist survival (Deb et al. 2002, Sec. III-C): ranks of the pool (parents, then children), crowding
// distances, and the survivors in order — by rank, then crowding distance descending, then position
// in the pool (parents before children). The same order a sort of the whole pool by those keys gives,
// with less work per generation (this ran for a quarter of a whole-model search, issue 16):
//  - the fronts come from the pool in (f1, f2, position) order; the parents are already in that
//    order from the last generation, so only the children are sorted, then merged with them;
//  - crowding distances and the by-crowding sorts are computed only for the fronts that reach the
//    survivors: nothing reads the others (the survivors' ranks and crowding distances feed the
//    tournament; a front cut by the survivors is sorted whole, so its prefix is the same).
// Reused across generations: clearing keeps the capacity, so steady state allocates nothing.
// A generation calls PrepareParents and PrepareChildren (in either order, or concurrently: each reads
// its own part of the pool and writes its own members), then Select.
class Survival {
 public:
  // The parents' keys: `pool`'s first `num_parents` individuals, the survivors of the last Select in
  // its order (none after Clear), in (f1, f2, position) order, and the infeasible ones in pool order.
  void PrepareParents(const std::vector<Individual>& pool, int num_parents) {
    if (static_cast<int>(parents_by_values_.size()) != num_parents) {
      throw util::InternalError("genetic survival: the parents are not the last generation's survivors");
    }
    parent_keys_.clear();
    for (const int index : parents_by_values_) {
      const Individual& parent = pool[index];
      if (parent.evaluation.feasible) parent_keys_.push_back({parent.values[0], parent.values[1], index});
    }
    infeasible_parents_.clear();
    for (int index = 0; index < num_parents; ++index) {
      if (!pool[index].evaluation.feasible) infeasible_parents_.push_back(index);
    }
  }
  // The children's keys: `pool`'s individuals from `num_parents` on, sorted by (f1, f2, position),
  // and the infeasible ones in pool order.
  void PrepareChildren(const std::vector<Individual>& pool, int num_parents) {
    const int count = static_cast<int>(pool.size());
    child_keys_.clear();
    infeasible_children_.clear();
    for (int index = num_parents; index < count; ++index) {
      const Individual& child = pool[index];
      if (child.evaluation.feasible) {
        child_keys_.push_back({child.values[0], child.values[1], index});
      } else {
        infeasible_children_.push_back(index);
      }
    }
    std::sort(child_keys_.begin(), child_keys_.end(), ValuesLess{});
  }
  // Ranks `pool` (prepared: PrepareParents, PrepareChildren) and puts the best `survivors` positions
  // in order().
  void Select(std::vector<Individual>& pool, int survivors) {
    const int count = static_cast<int>(pool.size());
    MergeByValues();
    // Assign fronts: in this order, a point is dominated by an earlier one of front r iff the last
    // point of r has f2 ≤ its f2; the last f2 of the fronts increases with r, so binary search.
    front_last_f2_.clear();
    const int num_feasible = static_cast<int>(by_values_.size());
    for (int position = 0; position < num_feasible; ++position) {
      const ValuesKey& key = by_values_[position];
      Individual& individual = pool[key.position];
      if (position > 0 && by_values_[position - 1].f1 == key.f1 && by_values_[position - 1].f2 == key.f2) {
        individual.rank = -1;  // a duplicate, ranked below every distinct individual
        continue;
      }
      const int num_fronts = static_cast<int>(front_last_f2_.size());
      const int front = FrontOf(key.f2);
      individual.rank = front;
      if (front == num_fronts) {
        front_last_f2_.push_back(key.f2);
      } else {
        front_last_f2_[front] = key.f2;
      }
    }
    const int num_fronts = static_cast<int>(front_last_f2_.size());
    front_sizes_.assign(num_fronts, 0);
    for (Individual& individual : pool) {
      if (!individual.evaluation.feasible) {
        individual.rank = num_fronts + 1;
      } else if (individual.rank < 0) {
        individual.rank = num_fronts;
      } else {
        ++front_sizes_[individual.rank];
      }
      individual.crowding = 0.0;
    }
    // The fronts that hold survivors: 0 .. needed_fronts − 1.
    int needed_fronts = 0;
    for (int taken = 0; needed_fronts < num_fronts && taken < survivors; ++needed_fronts) {
      taken += front_sizes_[needed_fronts];
    }
    // The members of those fronts in (f1, f2) order, front after front, in one array (a counting
    // sort by rank). In a whole-model search a generation's pool of 128 averages ~25 fronts, most of
    // one or two members, and ~55 duplicates: per-front bookkeeping, not crowding, is what costs.
    // This array and the small-front path below took 6% off Select's instructions (callgrind).
    front_begin_.resize(needed_fronts + 1);
    front_begin_[0] = 0;
    for (int front = 0; front < needed_fronts; ++front)
      front_begin_[front + 1] = front_begin_[front] + front_sizes_[front];
    front_members_.resize(front_begin_[needed_fronts]);
    front_fill_.assign(front_begin_.begin(), front_begin_.end() - 1);
    for (const ValuesKey& key : by_values_) {
      const int rank = pool[key.position].rank;
      if (rank < needed_fronts) front_members_[front_fill_[rank]++] = key.position;
    }
    // Crowding distance per front (Deb et al. 2002, Sec. III-B): members of a front in (f1, f2)
    // order are sorted by f1 ascending, hence f2 descending; the extremes get infinity.
    order_.clear();
    for (int front_idx = 0; front_idx < needed_fronts; ++front_idx) {
      const std::span<const int> front(front_members_.data() + front_begin_[front_idx],
                                       front_members_.data() + front_begin_[front_idx + 1]);
      const int size = static_cast<int>(front.size());
      pool[front.front()].crowding = kInfinity;
      pool[front.back()].crowding = kInfinity;
      if (size <= 2) {
        // Every member is an extreme (infinity): the order below is by position alone.
        order_.push_back(std::min(front.front(), front.back()));
        if (size == 2) order_.push_back(std::max(front.front(), front.back()));
        continue;
      }
      for (int objective = 0; objective < 2; ++objective) {
        const double low = std::min(pool[front.front()].values[objective], pool[front.back()].values[objective]);
        const double high = std::max(pool[front.front()].values[objective], pool[front.back()].values[objective]);
        if (high <= low) continue;
        for (int position = 1; position + 1 < size; ++position) {
          pool[front[position]].crowding +=
              std::fabs(pool[front[position + 1]].values[objective] - pool[front[position - 1]].values[objective]) /
              (high - low);
        }
      }
      by_crowding_.clear();
      for (int index : front) by_crowding_.push_back({pool[index].crowding, index});
      std::sort(by_crowding_.begin(), by_crowding_.end(), [](const CrowdingKey& a, const CrowdingKey& b) {
        if (a.crowding != b.crowding) return a.crowding > b.crowding;
        return a.position < b.position;
      });
      for (const CrowdingKey& key : by_crowding_) order_.push_back(key.position);
    }
    // Then the duplicates, then the infeasible, each in pool order (their crowding distances are 0).
    for (int rank = num_fronts; rank <= num_fronts + 1; ++rank) {
      for (int index = 0; index < count && static_cast<int>(order_.size()) < survivors; ++index) {
        if (pool[index].rank == rank) order_.push_back(index);
      }
    }
    order_.resize(std::min<std::size_t>(order_.size(), static_cast<std::size_t>(survivors)));
    // The survivors in (f1, f2, position) order for the next Select, by their positions there (their
    // indices in order()). Ties in (f1, f2) keep their relative order: among equal values the first is
    // the only one not ranked a duplicate, and the duplicates (crowding 0) survive in pool order.
    new_position_.assign(count, -1);
    for (int position = 0; position < static_cast<int>(order_.size()); ++position) {
      new_position_[order_[position]] = position;
    }
    // Every pool member is once in by_values_ or an infeasible list. Without a branch per member
    // (whether it survives mispredicted, about half do: a twelfth of Tell's own samples, perf): each
    // one's new position is stored, and the write advances past survivors only, so the vector holds
    // a slot per pool member until it is cut to the survivors.
    parents_by_values_.resize(static_cast<std::size_t>(count));
    int* next_parent = parents_by_values_.data();
    const auto append_if_survivor = [&](int index) {
      *next_parent = new_position_[index];
      next_parent += *next_parent >= 0 ? 1 : 0;
    };
    for (const ValuesKey& key : by_values_) append_if_survivor(key.position);
    for (const int index : infeasible_parents_) append_if_survivor(index);
    for (const int index : infeasible_children_) append_if_survivor(index);
    parents_by_values_.resize(order_.size());
  }
  // Forgets the survivors: the next Select's pool has no parents.
  void Clear() { parents_by_values_.clear(); }
  // The survivors' pool positions, best first.
  const std::vector<int>& order() const { return order_; }

 private:
  // A feasible individual's objectives (f1, f2) and position in the pool.
  struct ValuesKey {
    double f1;
    double f2;
    int position;
  };
  struct CrowdingKey {
    double crowding;
    int position;
  };
  // A function object, not a function: std::sort and std::merge then inline the comparison, where a
  // function pointer left g++ 12 a call through it in the out-of-line sort loop (2% of Select's
  // instructions, callgrind, issue 16).
  // The objectives compared one by one: std::array's == and < loop over the pair, and were a sixth
  // of Select's instructions (callgrind, issue 16).
  struct ValuesLess {
    bool operator()(const ValuesKey& a, const ValuesKey& b) const {
      if (a.f1 != b.f1) return a.f1 < b.f1;
      if (a.f2 != b.f2) return a.f2 < b.f2;
      return a.position < b.position;
    }
  };

  // The first front whose last f2 exceeds f2 (std::upper_bound over front_last_f2_, which is
  // nondecreasing). Up to kCountedFronts fronts, it is the number of fronts whose last f2 is not
  // above f2, counted (CountNotAbove); beyond, a binary search whose steps are conditional moves,
  // not branches: in a whole-model search half the points land in neither the first nor a new
  // front, where the branches of std::upper_bound mispredict (a tenth of Select's samples, perf,
  // issue 16). The binary search is a chain of dependent loads; the count's comparisons depend on
  // nothing but f2. On W_Q / gemmini (pools of 16–31 fronts in 99.8% of the generations) the front
  // search went from 26% to 16% of Tell's own samples (perf, 1 thread), for 0.6% more instructions
  // in the whole search (callgrind). Timed alone, per point of a generation of 128 (g++ 12 -O3, this
  // project's 2-CPU VM): 17–25 ns searched against 10–16 ns counted for 8–32 fronts, 29 against 23
  // ns at 64, the search faster past about 96 (a scalar objective has up to one front per distinct
  // point). Each step of the search keeps the answer in [base, base + length]: the fronts before
  // base hold a last f2 ≤ f2.
  int FrontOf(double f2) const {
    const double* base = front_last_f2_.data();
    std::size_t length = front_last_f2_.size();
    if (length <= kCountedFronts) return CountNotAbove(base, length, f2);
    while (length > 1) {
      const std::size_t half = length / 2;
      base = f2 < base[half] ? base : base + half;
      length -= half;
    }
    return static_cast<int>(base - front_last_f2_.data()) + (f2 < *base ? 0 : 1);
  }
  // 64: counting is still faster at 64 fronts, and slower past about 96 (timed above).
  static constexpr std::size_t kCountedFronts = 64;
  // The number of `values[0, length)` not above f2 by the binary search's comparison, !(f2 < value)
  // (so that a NaN would land where it does there). Two values per comparison, in GCC's generic
  // vectors (SSE2 on x86-64): g++ 12 leaves the plain loop scalar, a comparison and an add per value.
  static int CountNotAbove(const double* values, std::size_t length, double f2) {
    using Pair = double __attribute__((vector_size(16)));
    using PairMask = std::int64_t __attribute__((vector_size(16)));
    const Pair key = {f2, f2};
    PairMask above_masks = {0, 0};  // −1 per value above f2
    std::size_t index = 0;
    for (; index + 2 <= length; index += 2) {
      Pair pair;
      std::memcpy(&pair, values + index, sizeof pair);
      above_masks += key < pair;
    }
    std::size_t above = static_cast<std::size_t>(-(above_masks[0] + above_masks[1]));
    if (index < length && f2 < values[index]) ++above;
    return static_cast<int>(length - above);
  }

  // by_values_: the feasible individuals of the pool by (f1, f2, position); the infeasible ones are
  // in infeasible_parents_ then infeasible_children_, in pool order (all their objectives are +inf:
  // the order a sort by (feasible first, f1, f2, position) gives them, after every feasible one,
  // without sorting them). The parents are already in that order from the last Select, so only the
  // children are sorted (PrepareChildren), then merged with them. The sort and the merge order by
  // keys copied next to the position (no indirection per comparison); the position breaks ties, so
  // the order is total and any sort or merge gives the same one.
  void MergeByValues() {
    by_values_.resize(parent_keys_.size() + child_keys_.size());
    std::merge(parent_keys_.begin(), parent_keys_.end(), child_keys_.begin(), child_keys_.end(), by_values_.begin(),
               ValuesLess{});
  }

  std::vector<int> parents_by_values_;  // the last survivors' positions in (f1, f2, position) order
  std::vector<ValuesKey> parent_keys_;
  std::vector<ValuesKey> child_keys_;
  std::vector<ValuesKey> by_values_;
  std::vector<int> infeasible_parents_;
  std::vector<int> infeasible_children_;
  std::vector<double> front_last_f2_;
  std::vector<int> front_sizes_;
  std::vector<int> front_members_;  // the needed fronts' members, front f at [front_begin_[f], front_begin_[f + 1])
  std::vector<int> front_begin_;
  std::vector<int> front_fill_;
  std::vector<CrowdingKey> by_crowding_;
  std::vector<int> order_;
  std::vector<int> new_position_;
};

// Binary tournament (Deb et al. 2002): the lower rank wins, then the larger crowding distance.
// Returns the winner's position in `population`. Inline: g++ 12 kept it out of line, a call with its
// register saves twice per child (9 M of the 1,399 M instructions of a W_Q / gemmini search of
// 200,000 evaluations, callgrind).
inline std::size_t Tournament(const std::vector<Individual>& population, util::Rng& rng) {
  const std::size_t first = rng.Below(population.size());
  const std::size_t second = rng.Below(population.size());
  if (population[second].rank != population[first].rank) {
    return population[second].rank < population[first].rank ? second : first;
  }
  return population[second].crowding > population[first].crowding ? second : first;
}

}  // namespace

std::vector<util::ParamSpec> GeneticSearcher::Params() {
  return {
      {"population", util::ParamType::kInt, 64, 4, 100'000, "individuals per generation (and children per generation)"},
      {"crossover_probability", util::ParamType::kDouble, 0.9, 0, 1,
       "probability that a child mixes two parents' genes instead of copying one"},
      {"mutations", util::ParamType::kDouble, 1.0, 0, 16,
       "mean mutations per child (the integer part always, one more with the fractional part's probability)"},
      {"repair", util::ParamType::kBool, 1, 0, 1, "repair fanout and capacity overflows of children"},
      {"restart_stall", util::ParamType::kInt, kDefaultRestartStall, 0, 1'000'000'000,
       "generations in which no child survives in the first front before the population is re-sampled "
       "(the archive keeps every point found; 0 = never)"},
  };
}

GeneticSearcher::GeneticSearcher(const util::ParamValues& params)
    : population_(params.Int("population")),
      crossover_probability_(params.Double("crossover_probability")),
      mutations_(params.Double("mutations")),
      repair_(params.Bool("repair")),
      restart_stall_(params.Int("restart_stall")) {}

namespace {

// Steps (search/ask_tell.h): one generation each; child i of generation g draws from
// DeriveSeed(seed, {g, i}). Told, the children join the parents for the elitist survival.
class GeneticSteps final : public StepSearch {
 public:
  GeneticSteps(const Mapspace& mapspace, const SearchOptions& options, std::int64_t population,
               double crossover_probability, double mutations, bool repair, std::int64_t restart_stall)
      : mapspace_(mapspace),
        objective_(options.objective),
        seed_(options.seed),
        population_(population),
        crossover_probability_(crossover_probability),
        whole_mutations_(static_cast<int>(std::floor(mutations))),
        extra_mutation_(mutations - std::floor(mutations)),
        repair_(repair),
        restart_stall_(restart_stall),
        genomes_(static_cast<std::size_t>(population)) {
    parents_.reserve(static_cast<std::size_t>(population));
    pool_.reserve(2 * static_cast<std::size_t>(population));
  }

  // Sizes `batch` for the next generation (at most `limit` children); Propose then fills it.
  void BeginAsk(std::int64_t limit, std::vector<Genome>& batch) {
    batch.resize(static_cast<std::size_t>(std::min(population_, limit)));
    initial_ = parents_.empty();
  }

  // Child `index` of the generation begun. Reads only the parents: children may be proposed
  // concurrently, in any order.
  // A repaired child leaves its slot factors in `repaired` (RunStepLoop decodes from them).
  void Propose(std::int64_t index, Genome& child, Mapspace::RepairedFactors& repaired) const {
    util::Rng rng(util::DeriveSeed(seed_, {generation_, static_cast<std::uint64_t>(index)}));
    if (initial_) {
      mapspace_.Sample(rng, child);
    } else {
      const Genome& first = genomes_[parent_slots_[Tournament(parents_, rng)]];
      const Genome& second = genomes_[parent_slots_[Tournament(parents_, rng)]];
      if (rng.Chance(crossover_probability_)) {
        mapspace_.Crossover(first, second, rng, child);
      } else {
        child = first;
      }
      const int mutations = whole_mutations_ + (rng.Chance(extra_mutation_) ? 1 : 0);
      for (int mutation = 0; mutation < mutations; ++mutation) mapspace_.Mutate(rng, child);
    }
    if (repair_) mapspace_.Repair(rng, child, repaired);
  }

  void Ask(std::int64_t limit, int threads, std::vector<Genome>& batch) override {
    BeginAsk(limit, batch);
    // The caller evaluates the batch later, maybe changed: the factors are not handed on.
    ParallelFor(threads, static_cast<std::int64_t>(batch.size()), [&](std::int64_t index) {
      Mapspace::RepairedFactors unused;
      Propose(index, batch[index], unused);
    });
  }

  // Tell is the serial part of a generation (12% of a search's instructions on W_Q / gemmini, 1
  // thread, callgrind, issue 16): while it runs, the other members of RunStepLoop's team wait. So its
  // independent first half runs as two parts of one ParallelFor, side by side on a team of two or
  // more (the calling thread, member 0, starts on part 0, another member on part 1):
  //  part 0  the children into the pool, their objective values (two logarithms each) and their
  //          sorted keys (Survival::PrepareChildren);
  //  part 1  the archive's insertions (SearchRun::Record, in index order), then the parents into the
  //          pool and their keys (Survival::PrepareParents).
  // Neither part writes what the other reads (the children's and the parents' pool entries, keys and
  // lists are disjoint; Record writes only the run), and each runs whole on one thread in the serial
  // order, so the archive, `improved` and the survivors are those of running them one after the
  // other, for any thread count. The survival proper (Survival::Select) and the survivors' genomes
  // follow on the calling thread.
  bool Tell(std::span<const Genome> batch, std::span<const Evaluation> evaluations, SearchRun& run) override {
    const std::size_t count = batch.size();
    const int num_parents = static_cast<int>(parents_.size());
    pool_.resize(parents_.size() + count);
    bool improved = false;
    // Outside a team (ask/tell), a region of its own would cost more than the parts: one thread.
    ParallelFor(InParallelTeam() ? run.threads() : 1, 2, [&](std::int64_t part) {
      if (part == 0) {
        for (std::size_t index = 0; index < count; ++index) {
          Individual& child = pool_[static_cast<std::size_t>(num_parents) + index];
          child.evaluation = evaluations[index];
          SetValues(objective_, child);
        }
        survival_.PrepareChildren(pool_, num_parents);
      } else {
        for (std::size_t index = 0; index < count; ++index) improved |= run.Record(evaluations[index], batch[index]);
        std::copy(parents_.begin(), parents_.end(), pool_.begin());
        survival_.PrepareParents(pool_, num_parents);
      }
    });
    Survive(batch, num_parents);
    ++generation_;
    return improved;
  }

 private:
  // The elitist survival of the best `population` of the prepared pool (parents + the told
  // children), the survivors' genomes, and the restart decision.
  void Survive(std::span<const Genome> batch, int num_parents) {
    const int survivors = static_cast<int>(std::min(static_cast<std::size_t>(population_), pool_.size()));
    survival_.Select(pool_, survivors);
    // The survivors' genomes: a surviving parent keeps its slot, a surviving child is copied into a
    // slot no survivor holds (survivors ≤ population = slots), so no parent genome is copied.
    slot_taken_.assign(genomes_.size(), 0);
    for (const int pool_index : survival_.order()) {
      if (pool_index < num_parents) slot_taken_[parent_slots_[pool_index]] = 1;
    }
    // Sized once and written by position: a push_back per survivor loads and stores the vector's end
    // each time (the stores through its elements may alias it).
    const std::vector<int>& order = survival_.order();
    const std::size_t num_survivors = order.size();
    next_slots_.resize(num_survivors);
    parents_.resize(num_survivors);
    std::size_t free_slot = 0;
    bool child_in_front = false;
    for (std::size_t position = 0; position < num_survivors; ++position) {
      const int pool_index = order[position];
      parents_[position] = pool_[pool_index];
      if (pool_index < num_parents) {
        next_slots_[position] = parent_slots_[pool_index];
        continue;
      }
      child_in_front |= pool_[pool_index].rank == 0;
      while (slot_taken_[free_slot]) ++free_slot;
      slot_taken_[free_slot] = 1;
      genomes_[free_slot] = batch[pool_index - num_parents];
      next_slots_[position] = static_cast<int>(free_slot);
    }
    std::swap(parent_slots_, next_slots_);
    stalled_generations_ = child_in_front ? 0 : stalled_generations_ + 1;
    if (restart_stall_ > 0 && stalled_generations_ >= restart_stall_) {
      // Restart: the population has converged (no child has reached its first front for
      // restart_stall generations). The next Ask samples a fresh one; the run's archive keeps
      // everything found so far.
      parents_.clear();
      parent_slots_.clear();
      survival_.Clear();
      stalled_generations_ = 0;
    }
  }

  const Mapspace& mapspace_;
  Objective objective_;
  std::uint64_t seed_;
  std::int64_t population_;
  double crossover_probability_;
  int whole_mutations_;
  double extra_mutation_;
  bool repair_;
  std::int64_t restart_stall_;
  std::int64_t stalled_generations_ = 0;
  std::uint64_t generation_ = 0;
  bool initial_ = true;  // the generation begun samples (no parents: the first, or after a restart)
  std::vector<Individual> parents_;
  std::vector<Genome> genomes_;  // `population` slots; parents_[i]'s genome is genomes_[parent_slots_[i]]
  std::vector<int> parent_slots_;
  std::vector<int> next_slots_;  // the survivors' slots, swapped with parent_slots_
  // Bytes, not std::vector<bool>: its bit arithmetic per access was 3% of Tell's instructions.
  std::vector<std::uint8_t> slot_taken_;
  std::vector<Individual> pool_;
  Survival survival_;
};

}  // namespace

std::unique_ptr<StepSearch> GeneticSearcher::Steps(const Mapspace& mapspace, const SearchOptions& options) const {
  return std::make_unique<GeneticSteps>(mapspace, options, population_, crossover_probability_, mutations_, repair_,
                                        restart_stall_);
}

SearchResult GeneticSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                     const SearchOptions& options) const {
  SearchRun run(mapspace, options, kName);
  GeneticSteps steps(mapspace, options, population_, crossover_probability_, mutations_, repair_, restart_stall_);
  return RunProposedSteps(steps, mapspace, cost_model, run);
}

}  // namespace loopfront::search
