// The planner's table of searches: every distinct search of a whole-model run, added in a fixed
// order and run in batches (the op searches with the screening round, then the refinement).
//
// Why a table: the same search is asked for many times (an op shape in every layer and every
// decode step, a member search by equal groups); the table runs it once and hands every asker the
// same record index. Why batches: one parallel run over many independent searches keeps every core
// busy, where each search alone (a few thousand evaluations) would not.
//
// Determinism: a search's seed derives from its key's text, never from its index or from the order
// it runs in, so a batch may run in any order on any number of threads.
//
// Private to src/planner/. Thread-safety: one thread adds and runs; RunPending parallelises inside.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"
#include "src/planner/search_keys.h"

namespace loopfront::planner {

struct SearchTask {
  SearchKey key;
  mapping::Problem problem;
  mapping::Constraints constraints{};
  search::Budget budget;
  std::string label;  // for error messages: the op's name, or "<member> in <group>"

  bool is_op() const { return !key.member.has_value(); }
};

class SearchTable {
 public:
  // The record index of `task`'s search: a new one, or that of an equal key added before (the
  // first task added keeps its label).
  int Add(SearchTask task);

  const std::vector<SearchTask>& tasks() const { return tasks_; }

  // Runs the searches added since the last call, stores their records in `records` (resized to the
  // table) and adds their counts and time to `statistics` (threads: statistics.threads).
  void RunPending(const cost::CostModel& cost_model, const search::Searcher& searcher,
                  const ModelSearchOptions& options, std::vector<SearchRecord>& records,
                  ModelSearchStatistics& statistics);

 private:
  std::vector<SearchTask> tasks_;
  // A key's hash (SearchKeyHash) → the tasks whose keys have it (almost always one): Add hashes a key
  // once and compares it with the tasks' own keys. A map keyed by SearchKey hashed every key again
  // at each rehash (libstdc++ keeps no hash codes for a noexcept hasher) and copied every key with
  // its vectors: Add took 41k instructions a call, now 10k, and the planner's serial instructions
  // (callgrind, op budget 2,000, 1 thread) went 54.6 M → 39.9 M on BERT-Base 512 with fusion and
  // 78.0 M → 57.0 M on a LLaMA-2-7B decode generation.
  std::unordered_multimap<std::size_t, int> index_;
  std::size_t tasks_run_ = 0;
};

}  // namespace loopfront::planner
