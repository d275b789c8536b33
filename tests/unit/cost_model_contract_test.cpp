// The CostModel contract of include/loopfront/cost/cost_model.h, checked directly: Evaluate
// allocates nothing (feasible or not) and gives identical results when called concurrently.
//
// Allocation counting replaces the global operator new/delete of the test binary. They only count
// (into a thread-local counter) and forward to malloc/free, so every other test is unaffected.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <new>
#include <thread>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "tests/unit/cost_fixtures.h"

namespace {
thread_local long allocations_on_this_thread = 0;
}  // namespace

// Every unaligned form is replaced, so that no allocation made by one family (e.g. ASan's own
// nothrow operator new, which Catch2 uses) is released by the other (ASan reports that as an
// alloc-dealloc mismatch). The aligned forms stay the runtime's, in matching pairs.
// g++ cannot see that these replacements are malloc-based on both sides, hence the pragma.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  ++allocations_on_this_thread;
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) return pointer;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations_on_this_thread;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& nothrow) noexcept { return ::operator new(size, nothrow); }
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
#pragma GCC diagnostic pop

using loopfront::cost::Cost;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using namespace loopfront::testing;

namespace {

// A Gemmini-like 4-level problem: DRAM → scratchpad → 16 accumulators → 256 registers → 16×16.
Problem GemminiLikeProblem() {
  return Problem::Build(MakeGemm(512, 768, 768),
                        MakeArch({{.name = "DRAM", .vector_words = 8, .shared_bandwidth = 8.0},
                                  {.name = "scratchpad", .capacity_words = 262144, .vector_words = 16},
                                  {.name = "accumulator", .capacity_words = 1024, .mesh_x = 16},
                                  {.name = "weight_reg", .capacity_words = 1, .mesh_x = 16, .mesh_y = 16}},
                                 16, 16));
}

}  // namespace

TEST_CASE("Evaluate allocates nothing, for feasible and infeasible mappings", "[cost]") {
  const Problem problem = GemminiLikeProblem();
  const std::string model_name = GENERATE(from_range(loopfront::cost::BuiltinCostModels().Names()));
  INFO(model_name);
  const auto model = loopfront::cost::BuiltinCostModels().Create(model_name);
  const auto feasible =
      ParseMapping("DRAM[M2 K2 N48] scratchpad{A,B}[K24 | x:N16] accumulator{Z}[| y:K16] weight_reg{B}[M256]", problem);
  // The scratchpad would hold A = 512 × 768 words > 262144.
  const auto too_big =
      ParseMapping("DRAM[N48] scratchpad{A,B}[K48 | x:N16] accumulator{Z}[| y:K16] weight_reg{B}[M512]", problem);
  // The counter sees allocations (a direct call: new-expressions may be elided).
  const long probe_start = allocations_on_this_thread;
  ::operator delete(::operator new(16));
  REQUIRE(allocations_on_this_thread == probe_start + 1);

  const long before = allocations_on_this_thread;
  const Cost good = model->Evaluate(problem, feasible);
  const Cost bad = model->Evaluate(problem, too_big);
  const long after = allocations_on_this_thread;
  CHECK(after == before);
  CHECK(good.feasible);
  CHECK_FALSE(bad.feasible);
  CHECK(bad.check.violation == loopfront::mapping::Violation::kCapacityExceeded);
}

TEST_CASE("Evaluate gives the same result from concurrent threads", "[cost]") {
  const Problem problem = GemminiLikeProblem();
  const loopfront::cost::DataflowModel model;
  const auto mapping =
      ParseMapping("DRAM[N48 M2 K2] scratchpad{A,B}[K24 | x:N16] accumulator{Z}[| y:K16] weight_reg{B}[M256]", problem);
  const Cost reference = model.Evaluate(problem, mapping);
  REQUIRE(reference.feasible);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int repeat = 0; repeat < 2000; ++repeat) {
        const Cost cost = model.Evaluate(problem, mapping);
        if (cost.cycles != reference.cycles || cost.energy_pj != reference.energy_pj) ++mismatches[thread_idx];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
