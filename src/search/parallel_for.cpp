// The OpenMP side of ParallelForRanges and WithParallelTeam (search/search_run.h): the only file of
// search/ that includes <omp.h>, so that OpenMP stays out of the public headers.
//
// Two ways to run a loop in parallel:
// - Alone (no team on this thread): one OpenMP parallel region per call, split statically.
// - In a team (WithParallelTeam, one OpenMP region for a whole search): the caller publishes the loop,
//   and the caller and the members claim its chunks, each from its own share first, then from the
//   others'. The caller waits only for chunks a member has claimed, never for a member that has not
//   started. A parallel region ends at a barrier, so with a region per step every step waited for
//   its slowest member; on a loaded machine (a descheduled member) that was a scheduler slice,
//   milliseconds, per genetic generation of ~60 µs per thread, and 2 threads ran slower than 1
//   (bench/README.md). A team pays that barrier once per search.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "loopfront/search/search_run.h"

namespace loopfront::search {
namespace {

// The team for `threads` requested over `count` indices: exactly `threads` (never more members than
// indices). `--threads N` means N (issue #16): on a cluster node the user's allocated cores must
// be used, and on a shared machine a user who asks for 2 threads gets 2. OpenMP's dynamic
// adjustment (which may shrink a team to the processors the load average leaves idle) is off unless
// the user sets OMP_DYNAMIC=true; then the runtime applies it and the split follows the team
// actually formed. Bodies write only their own index's results, so the outcome never depends on
// the team size.
int TeamSize(int threads, std::int64_t count) {
  return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, count)));
}

// Range `part` of `parts` contiguous ranges over [0, count): count / parts indices each, the first
// count % parts one larger (what a static schedule gives).
struct Range {
  std::int64_t begin;
  std::int64_t end;
};
Range Part(std::int64_t count, std::int64_t parts, std::int64_t part) {
  const std::int64_t base = count / parts;
  const std::int64_t extra = count % parts;
  const std::int64_t begin = part * base + std::min(part, extra);
  return {begin, begin + base + (part < extra ? 1 : 0)};
}

// One spin of a busy wait: the CPU's pause hint where there is one (it frees the core's pipeline
// for its sibling hyperthread and saves power), otherwise nothing.
void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// How long a member spins for the next loop before it sleeps. A searcher's serial part between two
// loops (genetic's Tell, ~10–40 µs a generation) fits well within it, so a member on a quiet machine
// is awake when the loop comes and the caller makes no system call to wake it; a member that sleeps
// costs the caller one futex wake (a few µs) at the next loop. On a loaded machine a spinning member
// takes this long from other processes between loops (libgomp spins up to 300,000 pauses, a few ms,
// at its barriers by default).
constexpr std::chrono::microseconds kSpinBeforeSleep{200};

// Chunks per member. The caller's worst wait is one chunk held by a descheduled member, 1/8 of a
// member's share; a chunk costs a compare-and-swap and an indirect call (~tens of ns), about 1% of
// the smallest loop that runs in parallel (a genetic generation of 64 children on 2 threads, ~4
// µs per chunk).
constexpr std::int64_t kChunksPerMember = 8;

// A member's claim word: which loop (its sequence number) and which chunks of its share are left,
// in one atomic, so that a member that sees a loop late can never claim a chunk of the next one.
// Bits 63..32: loop sequence number; 31..16: the end of the share; 15..0: its next chunk.
constexpr std::uint64_t kMaxChunks = 0xFFFF;
std::uint64_t ClaimWord(std::uint32_t loop, std::int64_t begin, std::int64_t end) {
  return std::uint64_t{loop} << 32 | static_cast<std::uint64_t>(end) << 16 | static_cast<std::uint64_t>(begin);
}
std::uint32_t LoopOf(std::uint64_t word) { return static_cast<std::uint32_t>(word >> 32); }
std::int64_t EndOf(std::uint64_t word) { return static_cast<std::int64_t>(word >> 16 & kMaxChunks); }
std::int64_t NextOf(std::uint64_t word) { return static_cast<std::int64_t>(word & kMaxChunks); }

// A member's share of a loop's chunks, on a cache line of its own: claiming from one's own share
// does not move the line between cores.
struct alignas(64) Share {
  std::atomic<std::uint64_t> claim{0};
};

// The state a team shares. Each member starts on its own share of a loop's chunks (the contiguous
// part a static schedule would give it, so a member works on the same data loop after loop, e.g.
// the same annealing chains), then takes the chunks left in the others' shares. The loop's fields
// (count, chunks, body) are written by the caller before it publishes the shares' claim words
// (release) and read by a member only after it claimed a chunk of that loop (acquire); the caller
// does not start another loop before every claimed chunk is done, so they are stable while read.
struct TeamState {
  explicit TeamState(int threads) : shares(static_cast<std::size_t>(threads)) {}

  int members = 1;  // the team actually formed (thread 0 sets it before the first loop)
  std::vector<Share> shares;
  std::int64_t count = 0;
  std::int64_t chunks = 0;
  const util::FunctionRef<void(std::int64_t, std::int64_t)>* body = nullptr;
  alignas(64) std::atomic<std::int64_t> done{0};  // chunks of the current loop finished
  std::atomic<std::uint32_t> published{0};        // the current loop's sequence number, what members sleep on
  std::atomic<int> sleepers{0};                   // members asleep on `published`
  std::atomic<bool> closing{false};               // the team's body returned: members leave
  std::atomic<bool> failed{false};
  std::exception_ptr failure;  // the loop's first exception; written once, by whoever set `failed`
  bool in_loop = false;        // the caller is in Run (its own chunks may start loops: they run alone)

  // Member `self` claims and runs chunks of loop `loop`, its own share first, then the others',
  // until none is left (or the words moved to another loop); then counts them done at once.
  void Work(std::uint32_t loop, int self) {
    std::int64_t finished = 0;
    for (int offset = 0; offset < members; ++offset) {
      std::atomic<std::uint64_t>& claim = shares[static_cast<std::size_t>((self + offset) % members)].claim;
      std::uint64_t word = claim.load(std::memory_order_acquire);
      while (LoopOf(word) == loop && NextOf(word) < EndOf(word)) {
        if (!claim.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
          continue;  // `word` now holds the current value
        }
        if (!failed.load(std::memory_order_relaxed)) {
          const Range range = Part(count, chunks, NextOf(word));
          try {
            (*body)(range.begin, range.end);
          } catch (...) {
            if (!failed.exchange(true, std::memory_order_acq_rel)) failure = std::current_exception();
          }
        }
        ++finished;
        word = claim.load(std::memory_order_acquire);
      }
    }
    // Release: the chunks' results (and `failure`) are visible to the caller that sees the count.
    if (finished > 0) done.fetch_add(finished, std::memory_order_release);
  }

  // A member's life: wait for a loop, work on it, until the team closes.
  void Serve(int self) {
    // Loop 0 is none: a member that starts after the caller published its first loop joins it.
    std::uint32_t seen = 0;
    for (;;) {
      const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
      std::uint32_t now = published.load(std::memory_order_acquire);
      for (unsigned spins = 0; now == seen && !closing.load(std::memory_order_acquire);
           ++spins, now = published.load(std::memory_order_acquire)) {
        CpuRelax();
        // The clock is read every 64 spins only: a read costs more than a pause.
        if (spins % 64 == 63 && std::chrono::steady_clock::now() >= spin_until) {
          // Sequentially consistent with the caller's publish-then-count: either the caller sees
          // this sleeper and wakes it, or this member sees the new loop before it sleeps.
          sleepers.fetch_add(1, std::memory_order_seq_cst);
          if (published.load(std::memory_order_seq_cst) == seen && !closing.load(std::memory_order_seq_cst)) {
            published.wait(seen, std::memory_order_acquire);
          }
          sleepers.fetch_sub(1, std::memory_order_relaxed);
        }
      }
      if (closing.load(std::memory_order_acquire)) return;
      seen = now;
      Work(seen, self);
    }
  }

  // Runs body over [0, count) with the members: the caller's side of a loop.
  void Run(std::int64_t loop_count, const util::FunctionRef<void(std::int64_t, std::int64_t)>& loop_body) {
    in_loop = true;
    count = loop_count;
    body = &loop_body;
    failed.store(false, std::memory_order_relaxed);
    failure = nullptr;
    done.store(0, std::memory_order_relaxed);
    chunks = std::min({loop_count, kChunksPerMember * members, static_cast<std::int64_t>(kMaxChunks)});
    const std::uint32_t loop = published.load(std::memory_order_relaxed) + 1;
    for (int member = 0; member < members; ++member) {
      const Range share = Part(chunks, members, member);
      shares[static_cast<std::size_t>(member)].claim.store(ClaimWord(loop, share.begin, share.end),
                                                           std::memory_order_release);
    }
    published.store(loop, std::memory_order_seq_cst);
    if (sleepers.load(std::memory_order_seq_cst) > 0) published.notify_all();
    Work(loop, 0);
    // Every chunk is claimed; wait only for those a member is running. Yield after a while, so that
    // a member descheduled on this core can finish its chunk.
    for (int spins = 0; done.load(std::memory_order_acquire) < chunks;) {
      if (spins < 1024) {
        ++spins;
        CpuRelax();
      } else {
        std::this_thread::yield();
      }
    }
    in_loop = false;
    if (failed.load(std::memory_order_acquire)) std::rethrow_exception(failure);
  }

  void Close() {
    closing.store(true, std::memory_order_seq_cst);
    published.fetch_add(1, std::memory_order_seq_cst);
    published.notify_all();
  }
};

// The team of the search running on this thread, if any (WithParallelTeam's body).
thread_local TeamState* current_team = nullptr;

}  // namespace

void WithParallelTeam(int threads, util::FunctionRef<void()> body) {
  if (threads <= 1 || current_team != nullptr) {
    // One thread, or already inside a team on this thread: loops go on as they would without it.
    body();
    return;
  }
  TeamState state(threads);
  std::exception_ptr failure;
#pragma omp parallel num_threads(threads)
  {
    if (omp_get_thread_num() == 0) {
      // The runtime may give fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT): loops are
      // shared by the team actually formed.
      state.members = omp_get_num_threads();
      current_team = &state;
      try {
        body();
      } catch (...) {
        failure = std::current_exception();
      }
      current_team = nullptr;
      state.Close();
    } else {
      state.Serve(omp_get_thread_num());
    }
  }
  if (failure) std::rethrow_exception(failure);
}

bool InParallelTeam() { return current_team != nullptr && current_team->members > 1 && !current_team->in_loop; }

void ParallelForRanges(int threads, std::int64_t count, util::FunctionRef<void(std::int64_t, std::int64_t)> body) {
  if (count <= 0) return;
  if (threads <= 1 || count == 1) {
    body(0, count);
    return;
  }
  if (current_team != nullptr) {
    // A loop inside a chunk of the team's loop runs alone, as on the members (where OpenMP does
    // not nest regions).
    if (current_team->members <= 1 || current_team->in_loop) {
      body(0, count);
    } else {
      current_team->Run(count, body);
    }
    return;
  }
  const int team = TeamSize(threads, count);
  std::exception_ptr failure;
  std::once_flag failure_once;
#pragma omp parallel num_threads(team)
  {
    // The runtime may give fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT): split by the
    // team actually formed, in contiguous ranges as a static schedule would.
    const Range range = Part(count, omp_get_num_threads(), omp_get_thread_num());
    if (range.begin < range.end) {
      try {
        body(range.begin, range.end);
      } catch (...) {
        std::call_once(failure_once, [&] { failure = std::current_exception(); });
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace loopfront::search
