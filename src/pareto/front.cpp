#include "loopfront/pareto/front.h"

namespace loopfront::pareto {

double Hypervolume(const std::vector<Objectives>& front, const Objectives& reference) {
  std::vector<Objectives> inside;
  for (const Objectives& point : front) {
    if (point.latency_cycles < reference.latency_cycles && point.energy_pj < reference.energy_pj) {
      inside.push_back(point);
    }
  }
  std::sort(inside.begin(), inside.end(), [](const Objectives& a, const Objectives& b) {
    return a.latency_cycles != b.latency_cycles ? a.latency_cycles < b.latency_cycles : a.energy_pj < b.energy_pj;
  });
  // Sweep by latency: each point adds the strip between its energy and the lowest energy so far.
  double volume = 0;
  double ceiling_energy = reference.energy_pj;
  for (const Objectives& point : inside) {
    if (point.energy_pj >= ceiling_energy) continue;
    volume += (reference.latency_cycles - point.latency_cycles) * (ceiling_energy - point.energy_pj);
    ceiling_energy = point.energy_pj;
  }
  return volume;
}

double DistanceToReference(const std::vector<Objectives>& front, const std::vector<Objectives>& reference_front) {
  if (front.empty()) return std::numeric_limits<double>::infinity();
  if (reference_front.empty()) return 0;
  double total = 0;
  for (const Objectives& reference : reference_front) {
    double best = std::numeric_limits<double>::infinity();
    for (const Objectives& point : front) {
      const double latency_excess = std::max(0.0, std::log(point.latency_cycles / reference.latency_cycles));
      const double energy_excess = std::max(0.0, std::log(point.energy_pj / reference.energy_pj));
      best = std::min(best, std::hypot(latency_excess, energy_excess));
    }
    total += best;
  }
  return total / static_cast<double>(reference_front.size());
}

}  // namespace loopfront::pareto
