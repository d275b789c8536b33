// Two-objective Pareto fronts of (latency, energy), both minimized (DESIGN §2.7).
//
// A point a dominates b when a is no worse in both objectives and better in at least one. A
// `Front<Payload>` keeps exactly the non-dominated points inserted so far, sorted by latency
// ascending (hence energy strictly descending), each with a payload (a mapping, a fusion plan, …).
// Ties: a point with exactly the objectives of a point already kept is not inserted, so the first
// one wins; searchers insert in a deterministic order to keep fronts reproducible.
//
// Also here: the knee (the point of smallest energy-delay product, the one reported everywhere),
// the hypervolume against a reference point, the distance of a front to a reference front, and
// the weighted Minkowski sum with log-grid thinning that combines per-op fronts into a model
// front (DESIGN §2.7.1).
//
// Units: latency in cycles, energy in pJ. Thread-safety: a Front is a value; no internal locking.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace loopfront::pareto {

struct Objectives {
  double latency_cycles = 0;
  double energy_pj = 0;

  double EdpPjCycles() const { return latency_cycles * energy_pj; }
  bool operator==(const Objectives&) const = default;
};

inline bool Dominates(const Objectives& a, const Objectives& b) {
  return a.latency_cycles <= b.latency_cycles && a.energy_pj <= b.energy_pj &&
         (a.latency_cycles < b.latency_cycles || a.energy_pj < b.energy_pj);
}

// True when a is no worse than b in both objectives (a dominates b or equals it).
inline bool WeaklyDominates(const Objectives& a, const Objectives& b) {
  return a.latency_cycles <= b.latency_cycles && a.energy_pj <= b.energy_pj;
}

template <typename Payload>
struct FrontPoint {
  Objectives objectives;
  Payload payload;
};

template <typename Payload>
class Front {
 public:
  using Point = FrontPoint<Payload>;

  // Inserts the point unless a kept point weakly dominates it; removes the points it dominates.
  // Returns whether it was inserted.
  bool Insert(const Objectives& objectives, Payload payload) {
    // First kept point with latency >= the new one's. Points before it are faster; the one just
    // before it has the lowest energy among the faster ones and is the only one that can dominate.
    auto position = std::lower_bound(points_.begin(), points_.end(), objectives.latency_cycles,
                                     [](const Point& point, double latency) {
                                       return point.objectives.latency_cycles < latency;
                                     });
    if (position != points_.begin() && std::prev(position)->objectives.energy_pj <= objectives.energy_pj) {
      return false;
    }
    if (position != points_.end() && WeaklyDominates(position->objectives, objectives)) return false;
    // Kept points from `position` on are no faster; those with energy >= the new one's are dominated.
    auto end_of_dominated = position;
    while (end_of_dominated != points_.end() && end_of_dominated->objectives.energy_pj >= objectives.energy_pj) {
      ++end_of_dominated;
    }
    position = points_.erase(position, end_of_dominated);
    points_.insert(position, Point{objectives, std::move(payload)});
    return true;
  }

  // Would Insert accept this point? (No payload needed: lets callers skip building it.)
  bool WouldInsert(const Objectives& objectives) const {
    auto position = std::lower_bound(points_.begin(), points_.end(), objectives.latency_cycles,
                                     [](const Point& point, double latency) {
                                       return point.objectives.latency_cycles < latency;
                                     });
    if (position != points_.begin() && std::prev(position)->objectives.energy_pj <= objectives.energy_pj) {
      return false;
    }
    return position == points_.end() || !WeaklyDominates(position->objectives, objectives);
  }

  // Inserts every point of `other`, in its order.
  void Merge(const Front& other) {
    for (const Point& point : other.points_) Insert(point.objectives, point.payload);
  }

  const std::vector<Point>& points() const { return points_; }
  std::size_t size() const { return points_.size(); }
  bool empty() const { return points_.empty(); }

  // The point of smallest energy-delay product (first such point on ties); nullptr when empty.
  const Point* Knee() const {
    const Point* best = nullptr;
    for (const Point& point : points_) {
      if (best == nullptr || point.objectives.EdpPjCycles() < best->objectives.EdpPjCycles()) best = &point;
    }
    return best;
  }
  const Point* MinLatency() const { return points_.empty() ? nullptr : &points_.front(); }
  const Point* MinEnergy() const { return points_.empty() ? nullptr : &points_.back(); }

  std::vector<Objectives> ObjectivesOnly() const {
    std::vector<Objectives> result;
    result.reserve(points_.size());
    for (const Point& point : points_) result.push_back(point.objectives);
    return result;
  }

 private:
  std::vector<Point> points_;  // latency ascending, energy strictly descending
};

// Area dominated by `front` and bounded by `reference` (points beyond the reference add nothing).
// For comparing fronts of the same op, use the same reference point.
double Hypervolume(const std::vector<Objectives>& front, const Objectives& reference);

// How far `front` is from `reference_front`, in log space: the mean over reference points r of
// min over front points p of sqrt(Σ_objectives max(0, ln p − ln r)²) (IGD+ of Ishibuchi et al.,
// EMO 2015, on log objectives). 0 when `front` weakly dominates every reference point; about the
// relative excess otherwise (0.01 ≈ 1% worse). Infinity for an empty front.
double DistanceToReference(const std::vector<Objectives>& front, const std::vector<Objectives>& reference_front);

// Keeps at most one point per cell of a logarithmic grid of relative size `relative_cell`
// (0.005 = 0.5% per axis) — the one of smallest EDP within the cell — and always both extremes
// (minimum latency and minimum energy). The result is again a front.
template <typename Payload>
Front<Payload> ThinByLogGrid(const Front<Payload>& front, double relative_cell) {
  if (front.size() <= 2 || relative_cell <= 0) return front;
  const double log_cell = std::log1p(relative_cell);
  const auto cell_of = [&](const Objectives& objectives) {
    return std::pair<long long, long long>{
        static_cast<long long>(std::floor(std::log(std::max(objectives.latency_cycles, 1e-300)) / log_cell)),
        static_cast<long long>(std::floor(std::log(std::max(objectives.energy_pj, 1e-300)) / log_cell))};
  };
  const auto& points = front.points();
  std::vector<std::size_t> keep;
  std::optional<std::pair<long long, long long>> current_cell;
  for (std::size_t index = 0; index < points.size(); ++index) {
    const auto cell = cell_of(points[index].objectives);
    const bool extreme = index == 0 || index + 1 == points.size();
    if (!keep.empty() && current_cell == cell && !extreme) {
      // Same cell as the last kept point: keep whichever has the smaller EDP, unless that is an extreme.
      const std::size_t last = keep.back();
      if (last != 0 && points[index].objectives.EdpPjCycles() < points[last].objectives.EdpPjCycles()) {
        keep.back() = index;
      }
      continue;
    }
    keep.push_back(index);
    current_cell = cell;
  }
  Front<Payload> thinned;
  for (std::size_t index : keep) thinned.Insert(points[index].objectives, points[index].payload);
  return thinned;
}

// Weighted Minkowski sum: every pair (a from `left`, b from `right`) gives the point
// a + weight·b with payload combine(a.payload, b.payload); the result keeps the non-dominated ones
// and is thinned by ThinByLogGrid(relative_cell) (0 = no thinning). Ops run one after another, so
// the latency and energy of a model point are sums over its ops (DESIGN §2.7.1).
template <typename PayloadLeft, typename PayloadRight, typename Combine>
auto MinkowskiSum(const Front<PayloadLeft>& left, const Front<PayloadRight>& right, double weight,
                  double relative_cell, Combine combine) {
  using Result = std::invoke_result_t<Combine, const PayloadLeft&, const PayloadRight&>;
  // Candidates sorted by (latency, energy) so that insertion is deterministic and mostly appends.
  struct Candidate {
    Objectives objectives;
    std::size_t left_index;
    std::size_t right_index;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(left.size() * right.size());
  for (std::size_t left_index = 0; left_index < left.size(); ++left_index) {
    for (std::size_t right_index = 0; right_index < right.size(); ++right_index) {
      const Objectives& a = left.points()[left_index].objectives;
      const Objectives& b = right.points()[right_index].objectives;
      candidates.push_back({{a.latency_cycles + weight * b.latency_cycles, a.energy_pj + weight * b.energy_pj},
                            left_index,
                            right_index});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.objectives.latency_cycles != y.objectives.latency_cycles) {
      return x.objectives.latency_cycles < y.objectives.latency_cycles;
    }
    if (x.objectives.energy_pj != y.objectives.energy_pj) return x.objectives.energy_pj < y.objectives.energy_pj;
    return std::pair(x.left_index, x.right_index) < std::pair(y.left_index, y.right_index);
  });
  Front<Result> sum;
  double best_energy = std::numeric_limits<double>::infinity();
  for (const Candidate& candidate : candidates) {
    // Sorted by latency: a candidate is non-dominated iff its energy beats every faster one's.
    if (candidate.objectives.energy_pj >= best_energy) continue;
    best_energy = candidate.objectives.energy_pj;
    sum.Insert(candidate.objectives,
               combine(left.points()[candidate.left_index].payload, right.points()[candidate.right_index].payload));
  }
  return ThinByLogGrid(sum, relative_cell);
}

}  // namespace loopfront::pareto
