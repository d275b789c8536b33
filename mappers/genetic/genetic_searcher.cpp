#include "mappers/genetic/genetic_searcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "loopfront/search/ask_tell.h"
#include "loopfront/search/search_run.h"

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

// Ranks and crowding distances of `pool`, and the order in which survivors are taken: by rank,
// then crowding distance descending, then position in the pool (parents before children).
class Survival {
 public:
  void Rank(std::vector<Individual>& pool) {
    const int count = static_cast<int>(pool.size());
    order_.resize(count);
    // Feasible individuals by (f1, f2, position); infeasible last.
    // Both sorts order by keys copied next to the position (no indirection per comparison); the
    // position breaks ties, so the order is total and any sort gives the same one.
    by_values_.resize(count);
    for (int index = 0; index < count; ++index) {
      by_values_[index] = {!pool[index].evaluation.feasible, pool[index].values, index};
    }
    std::sort(by_values_.begin(), by_values_.end(), [](const ValuesKey& a, const ValuesKey& b) {
      if (a.infeasible != b.infeasible) return b.infeasible;
      if (a.values != b.values) return a.values < b.values;
      return a.position < b.position;
    });
    for (int index = 0; index < count; ++index) order_[index] = by_values_[index].position;
    // Assign fronts: in this order, a point is dominated by an earlier one of front r iff the last
    // point of r has f2 ≤ its f2; the last f2 of the fronts increases with r, so binary search.
    front_last_f2_.clear();
    for (int position = 0; position < count; ++position) {
      Individual& individual = pool[order_[position]];
      if (!individual.evaluation.feasible) continue;
      if (position > 0 && pool[order_[position - 1]].evaluation.feasible &&
          pool[order_[position - 1]].values == individual.values) {
        individual.rank = -1;  // a duplicate, ranked below every distinct individual
        continue;
      }
      const auto front = std::upper_bound(front_last_f2_.begin(), front_last_f2_.end(), individual.values[1],
                                          [](double f2, double last) { return f2 < last; });
      individual.rank = static_cast<int>(front - front_last_f2_.begin());
      if (front == front_last_f2_.end()) {
        front_last_f2_.push_back(individual.values[1]);
      } else {
        *front = individual.values[1];
      }
    }
    const int num_fronts = static_cast<int>(front_last_f2_.size());
    for (Individual& individual : pool) {
      if (!individual.evaluation.feasible) {
        individual.rank = num_fronts + 1;
      } else if (individual.rank < 0) {
        individual.rank = num_fronts;
      }
      individual.crowding = 0.0;
    }
    // Crowding distance per front (Deb et al. 2002, Sec. III-B): members of a front in `order_` are
    // sorted by f1 ascending, hence f2 descending; the extremes get infinity.
    // Reused across generations: clearing keeps the capacity, so steady state allocates nothing.
    if (static_cast<int>(members_.size()) < num_fronts) members_.resize(num_fronts);
    for (int front = 0; front < num_fronts; ++front) members_[front].clear();
    for (int index : order_) {
      if (pool[index].rank < num_fronts) members_[pool[index].rank].push_back(index);
    }
    for (int front_idx = 0; front_idx < num_fronts; ++front_idx) {
      const std::vector<int>& front = members_[front_idx];
      const int size = static_cast<int>(front.size());
      pool[front.front()].crowding = kInfinity;
      pool[front.back()].crowding = kInfinity;
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
    }
    by_rank_.resize(count);
    for (int index = 0; index < count; ++index) by_rank_[index] = {pool[index].rank, pool[index].crowding, index};
    std::sort(by_rank_.begin(), by_rank_.end(), [](const RankKey& a, const RankKey& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.crowding != b.crowding) return a.crowding > b.crowding;
      return a.position < b.position;
    });
    for (int index = 0; index < count; ++index) order_[index] = by_rank_[index].position;
  }
  // Pool positions, best first.
  const std::vector<int>& order() const { return order_; }

 private:
  struct ValuesKey {
    bool infeasible;
    std::array<double, 2> values;
    int position;
  };
  struct RankKey {
    int rank;
    double crowding;
    int position;
  };
  std::vector<int> order_;
  std::vector<ValuesKey> by_values_;
  std::vector<RankKey> by_rank_;
  std::vector<double> front_last_f2_;
  std::vector<std::vector<int>> members_;
};

// Binary tournament (Deb et al. 2002): the lower rank wins, then the larger crowding distance.
// Returns the winner's position in `population`.
std::size_t Tournament(const std::vector<Individual>& population, util::Rng& rng) {
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
        children_(static_cast<std::size_t>(population)) {
    parents_.reserve(static_cast<std::size_t>(population));
    pool_.reserve(2 * static_cast<std::size_t>(population));
  }

  void Ask(std::int64_t limit, int threads, std::vector<Genome>& batch) override {
    batch.resize(static_cast<std::size_t>(std::min(population_, limit)));
    const bool initial = parents_.empty();
    ParallelFor(threads, static_cast<std::int64_t>(batch.size()), [&](std::int64_t index) {
      util::Rng rng(util::DeriveSeed(seed_, {generation_, static_cast<std::uint64_t>(index)}));
      Genome& child = batch[index];
      if (initial) {
        mapspace_.Sample(rng, child);
      } else {
        const Genome& first = parent_genomes_[Tournament(parents_, rng)];
        const Genome& second = parent_genomes_[Tournament(parents_, rng)];
        if (rng.Chance(crossover_probability_)) {
          mapspace_.Crossover(first, second, rng, child);
        } else {
          child = first;
        }
        const int mutations = whole_mutations_ + (rng.Chance(extra_mutation_) ? 1 : 0);
        for (int mutation = 0; mutation < mutations; ++mutation) mapspace_.Mutate(rng, child);
      }
      if (repair_) mapspace_.Repair(rng, child);
    });
  }

  bool Tell(std::span<const Genome> batch, std::span<const Evaluation> evaluations, SearchRun& run) override {
    const std::size_t count = batch.size();
    bool improved = false;
    for (std::size_t index = 0; index < count; ++index) {
      Individual& child = children_[index];
      child.evaluation = evaluations[index];
      SetValues(objective_, child);
      improved |= run.Record(child.evaluation, batch[index]);
    }
    // Elitist survival of the best `population` of parents + children.
    pool_.assign(parents_.begin(), parents_.end());
    pool_.insert(pool_.end(), children_.begin(), children_.begin() + static_cast<std::ptrdiff_t>(count));
    survival_.Rank(pool_);
    const std::size_t survivors = std::min(static_cast<std::size_t>(population_), pool_.size());
    const std::size_t num_parents = parents_.size();
    bool child_in_front = false;
    parents_.clear();
    // The survivors' genomes: from the parents' (pool positions below num_parents) or the batch's.
    if (next_genomes_.size() < survivors) next_genomes_.resize(survivors);
    for (std::size_t position = 0; position < survivors; ++position) {
      const auto pool_index = static_cast<std::size_t>(survival_.order()[position]);
      const bool is_child = pool_index >= num_parents;
      child_in_front |= is_child && pool_[pool_index].rank == 0;
      parents_.push_back(pool_[pool_index]);
      next_genomes_[position] = is_child ? batch[pool_index - num_parents] : parent_genomes_[pool_index];
    }
    std::swap(parent_genomes_, next_genomes_);
    stalled_generations_ = child_in_front ? 0 : stalled_generations_ + 1;
    if (restart_stall_ > 0 && stalled_generations_ >= restart_stall_) {
      // Restart: the population has converged (no child has reached its first front for
      // restart_stall generations). The next Ask samples a fresh one; the run's archive keeps
      // everything found so far.
      parents_.clear();
      stalled_generations_ = 0;
    }
    ++generation_;
    return improved;
  }

 private:
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
  std::vector<Individual> parents_;
  std::vector<Genome> parent_genomes_;  // parent_genomes_[i] is parents_[i]'s genome
  std::vector<Genome> next_genomes_;    // the survivors' genomes, swapped with parent_genomes_
  std::vector<Individual> children_;
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
  return RunSteps(steps, mapspace, cost_model, run);
}

}  // namespace loopfront::search
