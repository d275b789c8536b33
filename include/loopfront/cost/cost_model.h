// The cost-model plug-in interface (DESIGN §2.5) and the registry of cost models by name.
//
// A CostModel scores one mapping of one op on one architecture (a mapping::Problem compiled once
// per op × architecture). Contract of Evaluate, relied on by every searcher:
//  - const and re-entrant: searchers call it concurrently from many threads on one instance;
//  - allocation-free and string-free (it fills a fixed-size Cost);
//  - an infeasible mapping is a value (Cost::feasible == false with the reason), never an
//    exception; only a bug may throw (util::InternalError).
//
// Cost models live in cost_models/<name>/ and are registered explicitly, by name, in
// cost_models/register.cpp (no static self-registration: a static library's linker would drop
// it). The name is snake_case and equals the folder name and the YAML value `cost_model: <name>`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/cost/cost.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"

namespace loopfront::cost {

class CostModel {
 public:
  virtual ~CostModel() = default;

  virtual Cost Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const = 0;

  // The registered name (snake_case, = folder name) and a one-line description.
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
};

class CostModelRegistry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    std::function<std::unique_ptr<CostModel>()> factory;
  };

  // Throws util::InternalError on a duplicate or empty name (a registration bug).
  void Register(Entry entry);

  // Throws util::ConfigError for an unknown name, listing the known ones and a "did you mean".
  std::unique_ptr<CostModel> Create(std::string_view name) const;

  bool Contains(std::string_view name) const;
  std::vector<std::string> Names() const;  // in registration order
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// Registers every cost model of cost_models/ (defined in cost_models/register.cpp).
void RegisterBuiltinCostModels(CostModelRegistry& registry);

// The registry with every built-in cost model, built on first use (thread-safe initialization).
const CostModelRegistry& BuiltinCostModels();

}  // namespace loopfront::cost
