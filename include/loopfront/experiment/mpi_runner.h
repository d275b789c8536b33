// Running an experiment's points on MPI ranks (DESIGN §2.9; docs/experiments.md, "MPI"). Compiled
// only in the MPI build (-DLOOPFRONT_MPI=ON, which defines LOOPFRONT_MPI); this header names no MPI
// type, so nothing else depends on <mpi.h>.
//
// `mpirun -n K loopfront run EXP.yaml`: rank 0 does everything a single process does (resume,
// shard, manifest, progress, tables, plots) except running the points: its RunExperiment gets
// MpiCoordinator::Schedule as the scheduler, which hands the next pending point to whichever worker
// (rank 1..K-1) asks, on request, so long and short points balance. A worker runs the point
// (RunPointOutcome, with its own --threads) and sends the result document back; only rank 0 writes
// files. With an evaluation budget the results equal a single process's (runner.h, "Determinism").
//
// Protocol (all messages between rank 0 and one worker, in order):
//   worker → 0  report: {"status": "ready"} first (or "error" when the worker could not load the
//               experiment), then per point "done" (with the document), "failed" (with the message),
//               "interrupted" (a stop cut its search short; with the signal), "mismatch" (it has
//               no such point: the ranks were started with different experiments) or "error" (a bug);
//   0 → worker  control: after each report, the next point's index or "finish"; while the worker
//               runs a point, at most one "stop" (rank 0 was signalled: cut the search short);
//   0 → all     at the end, the exit code (a broadcast), so every rank exits with rank 0's code.
// A signal on any rank stops the whole run: a worker's "interrupted" stops rank 0, which stops the
// other workers; finished points are written, the tables rebuilt, and every rank returns 128+signal.
//
// Thread-safety: only the thread that created the session makes MPI calls (MPI_THREAD_FUNNELED); a
// worker runs its point on a second thread meanwhile.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/runner.h"

namespace loopfront::experiment {

// MPI_Init_thread on construction, MPI_Finalize on destruction: one per process, for `run` only.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Rank 0's side of the protocol.
class MpiCoordinator {
 public:
  explicit MpiCoordinator(const MpiSession& session);

  // A PointScheduler (runner.h): hands each of `pending` to the next worker that asks and passes
  // what comes back to `record`; returns once every worker has reported the point it held. Throws
  // util::ConfigError when a worker could not load the experiment or runs another one (other
  // options), util::InternalError on a worker's bug (call Finish then, as for any exception).
  void Schedule(const std::vector<const Point*>& pending, const PointRecorder& record);

  // Releases every worker still waiting or running a point (that point is stopped and dropped),
  // then sends every rank `exit_code`. Call exactly once, also when rank 0 failed before Schedule.
  void Finish(int exit_code);

 private:
  struct Worker {
    bool released = false;  // sent "finish"
    bool busy = false;      // holds a point, no report yet
    bool stop_sent = false;
    std::int64_t pending_index = -1;  // the point it holds, in Schedule's `pending`
  };
  // Waits for the next report (polling, so that a signal on rank 0 is noticed and passed on to the
  // busy workers) and returns its sender and text.
  std::pair<int, std::string> NextReport();

  std::vector<Worker> workers_;  // by rank; [0] unused
  bool finished_ = false;
};

// A worker's side (ranks > 0): reports ready, runs every point rank 0 hands it with `threads`
// threads, sends back what RunPointOutcome gives, until rank 0 says finish. `experiment` and `points`
// are null when this rank could not load the experiment; `load_error` then says why and rank 0
// fails the run. Returns the exit code rank 0 sends at the end.
int ServeMpiWorker(const Experiment* experiment, const std::vector<Point>* points, int threads,
                   const std::string& load_error);

}  // namespace loopfront::experiment
