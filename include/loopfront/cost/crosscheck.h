// Compares a Cost with a reference case's expected results (shared/validation/README.md), quantity
// by quantity: MACs, cycles, utilization, MAC energy and utilized MACs, total energy, each level's
// cycles, and per level × tensor the reads, fills, updates (totals and per instance), tile words,
// utilized instances and energies (total and per instance), the set of records (which tensors each
// level keeps), and the link transfers.
//
// Counts and cycles must be identical. Energies must agree within
// `energy_relative_tolerance` × |expected| + 1e-6 pJ (the references are rounded to 1e-6 pJ).
// Utilization must agree within 1e-9 (the references are rounded to 1e-9).
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loopfront/cost/cost.h"
#include "loopfront/cost/reference_case.h"

namespace loopfront::cost {

enum class QuantityKind { kCount, kEnergy, kRatio };

struct CrosscheckMismatch {
  std::string case_name;
  std::string level;   // "-" for op-wide quantities
  std::string tensor;  // "-" for level-wide and op-wide quantities
  std::string quantity;
  std::string expected;
  std::string got;
  QuantityKind kind = QuantityKind::kCount;

  // "<case> <level> <tensor> <quantity>: expected <e>, got <g>"
  std::string ToString() const;
};

struct CrosscheckOptions {
  double energy_relative_tolerance = 0.005;
};

struct CrosscheckResult {
  std::int64_t quantities = 0;  // quantities compared
  std::vector<CrosscheckMismatch> mismatches;
};

CrosscheckResult Crosscheck(const cost::ReferenceCase& reference, const Cost& cost,
                            const CrosscheckOptions& options = {});

}  // namespace loopfront::cost
