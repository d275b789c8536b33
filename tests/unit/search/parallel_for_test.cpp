// ParallelFor and WithParallelTeam (search/search_run.h): every index exactly once for any thread
// count, alone or in a team, exceptions come back to the caller, and the process-wide OpenMP
// dynamic setting is left alone.
#include <omp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

#include "loopfront/search/search_run.h"

using loopfront::search::InParallelTeam;
using loopfront::search::ParallelFor;
using loopfront::search::ParallelForRanges;
using loopfront::search::WithParallelTeam;

TEST_CASE("ParallelFor runs every index exactly once for any thread count", "[search][parallel]") {
  const int threads = GENERATE(1, 2, 3, 8);
  const std::int64_t count = GENERATE(0, 1, 2, 7, 1000);
  std::vector<std::atomic<int>> runs(static_cast<std::size_t>(count));
  ParallelFor(threads, count, [&](std::int64_t index) { runs[static_cast<std::size_t>(index)]++; });
  for (const std::atomic<int>& run : runs) CHECK(run.load() == 1);
}

// Runs `loop(count, body)` with a body that checks its range is not empty and counts its indices;
// checks every index of [0, count) was in exactly one range. Returns the number of ranges.
template <typename Loop>
int CountPartition(std::int64_t count, Loop loop) {
  std::vector<std::atomic<int>> covered(static_cast<std::size_t>(count));
  std::atomic<int> ranges{0};
  loop(count, [&](std::int64_t begin, std::int64_t end) {
    CHECK(begin < end);
    ranges++;
    for (std::int64_t index = begin; index < end; ++index) covered[static_cast<std::size_t>(index)]++;
  });
  for (const std::atomic<int>& times : covered) CHECK(times.load() == 1);
  return ranges.load();
}

TEST_CASE("ParallelForRanges partitions the indices into contiguous ranges", "[search][parallel]") {
  const int ranges = CountPartition(100, [](std::int64_t count, auto body) { ParallelForRanges(4, count, body); });
  CHECK(ranges >= 1);
  CHECK(ranges <= 4);
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

TEST_CASE("A team runs every index of every loop exactly once", "[search][parallel]") {
  const int threads = GENERATE(1, 2, 3, 8);
  // Loops of every size in a row, so that a member late for one loop meets the next one.
  const std::vector<std::int64_t> counts = {0, 1, 2, 7, 1000, 3, 64, 100'000, 1, 5};
  std::vector<std::vector<std::atomic<int>>> runs;
  runs.reserve(counts.size() * 20);
  WithParallelTeam(threads, [&] {
    for (int round = 0; round < 20; ++round) {
      for (const std::int64_t count : counts) {
        std::vector<std::atomic<int>>& loop = runs.emplace_back(static_cast<std::size_t>(count));
        ParallelFor(threads, count, [&](std::int64_t index) { loop[static_cast<std::size_t>(index)]++; });
      }
    }
  });
  int wrong = 0;
  for (const std::vector<std::atomic<int>>& loop : runs) {
    for (const std::atomic<int>& run : loop) wrong += run.load() != 1 ? 1 : 0;
  }
  CHECK(wrong == 0);
}

TEST_CASE("A team's chunks are contiguous ranges that partition each loop", "[search][parallel]") {
  const int ranges = CountPartition(
      1000, [](std::int64_t count, auto body) { WithParallelTeam(4, [&] { ParallelForRanges(4, count, body); }); });
  // Up to 8 chunks per member.
  CHECK(ranges >= 1);
  CHECK(ranges <= 32);
}

TEST_CASE("A team wakes members that slept between loops", "[search][parallel]") {
  // Members sleep after spinning 200 µs; 2 ms between loops puts them to sleep every time.
  std::atomic<int> total{0};
  WithParallelTeam(2, [&] {
    for (int loop = 0; loop < 5; ++loop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      ParallelFor(2, 100, [&](std::int64_t) { total++; });
    }
  });
  CHECK(total.load() == 500);
}

TEST_CASE("A team has exactly the threads asked, and loops in its members run alone", "[search][parallel]") {
  if (std::getenv("OMP_DYNAMIC") != nullptr) {
    WARN("OMP_DYNAMIC is set: the runtime decides the team");
    return;
  }
  const int threads = GENERATE(2, 3);
  std::atomic<int> team_size{0};
  std::atomic<int> inner_runs{0};
  WithParallelTeam(threads, [&] {
    ParallelFor(threads, 64, [&](std::int64_t index) {
      if (index == 0) team_size = omp_get_num_threads();
      // A loop inside a loop: on a member it is a region of its own (nested: one thread), on the
      // caller it runs alone too; either way every index once, and no deadlock.
      ParallelFor(threads, 3, [&](std::int64_t) { inner_runs++; });
    });
    // A team inside the team: just its body.
    WithParallelTeam(threads, [&] { ParallelFor(threads, 10, [&](std::int64_t) { inner_runs++; }); });
  });
  CHECK(team_size.load() == threads);
  CHECK(inner_runs.load() == 64 * 3 + 10);
}

TEST_CASE("InParallelTeam is true only on a team's thread, between its loops", "[search][parallel]") {
  if (std::getenv("OMP_DYNAMIC") != nullptr) {
    WARN("OMP_DYNAMIC is set: the runtime decides the team");
    return;
  }
  CHECK_FALSE(InParallelTeam());
  bool in_one_thread_team = true;
  WithParallelTeam(1, [&] { in_one_thread_team = InParallelTeam(); });
  CHECK_FALSE(in_one_thread_team);
  bool in_team = false;
  std::atomic<int> in_chunks{0};
  WithParallelTeam(2, [&] {
    in_team = InParallelTeam();
    ParallelFor(2, 16, [&](std::int64_t) {
      if (InParallelTeam()) in_chunks++;
    });
  });
  CHECK(in_team);
  CHECK(in_chunks.load() == 0);
  CHECK_FALSE(InParallelTeam());
}

TEST_CASE("A team rethrows a loop's exception and goes on with the next loop", "[search][parallel]") {
  std::atomic<int> after{0};
  WithParallelTeam(2, [&] {
    CHECK_THROWS_AS(ParallelFor(2, 64,
                                [](std::int64_t index) {
                                  if (index == 40) throw std::runtime_error("index 40");
                                }),
                    std::runtime_error);
    ParallelFor(2, 64, [&](std::int64_t) { after++; });
  });
  CHECK(after.load() == 64);
}

TEST_CASE("WithParallelTeam rethrows its body's exception after the team left", "[search][parallel]") {
  const int threads = GENERATE(1, 2);
  std::atomic<int> runs{0};
  CHECK_THROWS_AS(WithParallelTeam(threads,
                                   [&] {
                                     ParallelFor(threads, 10, [&](std::int64_t) { runs++; });
                                     throw std::runtime_error("the search failed");
                                   }),
                  std::runtime_error);
  CHECK(runs.load() == 10);
  // The thread is no longer in a team: a loop forms a region of its own again.
  std::atomic<int> team_size{0};
  ParallelFor(2, 2, [&](std::int64_t index) {
    if (index == 0) team_size = omp_get_num_threads();
  });
  if (std::getenv("OMP_DYNAMIC") == nullptr) CHECK(team_size.load() == 2);
}
