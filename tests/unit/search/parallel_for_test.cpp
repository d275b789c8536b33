// ParallelFor (search/search_run.h): every index exactly once for any thread count, exceptions
// come back to the caller, and the process-wide OpenMP dynamic setting is left alone.
#include <omp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "loopfront/search/search_run.h"

using loopfront::search::ParallelFor;
using loopfront::search::ParallelForRanges;

TEST_CASE("ParallelFor runs every index exactly once for any thread count", "[search][parallel]") {
  const int threads = GENERATE(1, 2, 3, 8);
  const std::int64_t count = GENERATE(0, 1, 2, 7, 1000);
  std::vector<std::atomic<int>> runs(static_cast<std::size_t>(count));
  ParallelFor(threads, count, [&](std::int64_t index) { runs[static_cast<std::size_t>(index)]++; });
  for (const std::atomic<int>& run : runs) CHECK(run.load() == 1);
}

TEST_CASE("ParallelForRanges partitions the indices into contiguous ranges", "[search][parallel]") {
  std::vector<std::atomic<int>> covered(100);
  std::atomic<int> ranges{0};
  ParallelForRanges(4, 100, [&](std::int64_t begin, std::int64_t end) {
    CHECK(begin < end);
    ranges++;
    for (std::int64_t index = begin; index < end; ++index) covered[static_cast<std::size_t>(index)]++;
  });
  CHECK(ranges.load() >= 1);
  CHECK(ranges.load() <= 4);
  for (const std::atomic<int>& times : covered) CHECK(times.load() == 1);
}

TEST_CASE("ParallelFor rethrows a body's exception after the loop", "[search][parallel]") {
  const int threads = GENERATE(1, 2);
  CHECK_THROWS_AS(ParallelFor(threads, 64,
                              [](std::int64_t index) {
                                if (index == 17) throw std::runtime_error("index 17");
                              }),
                  std::runtime_error);
}

TEST_CASE("ParallelFor leaves the process-wide OpenMP dynamic setting alone", "[search][parallel]") {
  const int before = omp_get_dynamic();
  std::atomic<int> inside{-1};
  ParallelFor(2, 64, [&](std::int64_t index) {
    if (index == 0) inside = omp_get_dynamic();
  });
  CHECK(inside.load() == before);
  CHECK(omp_get_dynamic() == before);
}

TEST_CASE("ParallelFor forms a team of exactly the threads asked, whatever the machine's load", "[search][parallel]") {
  // Issue #16: `--threads N` means N. The team used to shrink to the processors the load average
  // left idle; now only a user's OMP_DYNAMIC=true may let the runtime do that.
  if (std::getenv("OMP_DYNAMIC") != nullptr) {
    WARN("OMP_DYNAMIC is set: the runtime decides the team");
    return;
  }
  const int threads = GENERATE(2, 3, 5);
  std::atomic<int> ranges{0};
  ParallelForRanges(threads, 100, [&](std::int64_t begin, std::int64_t end) {
    CHECK(begin < end);
    ranges++;
  });
  CHECK(ranges.load() == threads);
  // Never more members than indices.
  std::atomic<int> few{0};
  ParallelForRanges(threads, 1, [&](std::int64_t, std::int64_t) { few++; });
  CHECK(few.load() == 1);
}
