// Compiled only with -DLOOPFRONT_MPI=ON (CMakeLists.txt); the protocol is described in
// include/loopfront/experiment/mpi_runner.h.
#include "loopfront/experiment/mpi_runner.h"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <thread>

#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"

namespace loopfront::experiment {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kReportTag = 1;   // worker → rank 0: a JSON report
constexpr int kControlTag = 2;  // rank 0 → worker: {kind, value} as two int64

enum ControlKind : std::int64_t { kAssign = 0, kFinish = 1, kStop = 2 };

// How often a waiting rank looks for a message: rank 0 and a worker running a point sleep between
// looks instead of spinning in a blocking MPI call, so they leave the cores to the searches and
// notice a signal.
constexpr auto kPollInterval = std::chrono::milliseconds(10);

void SendControl(int rank, ControlKind kind, std::int64_t value) {
  const std::array<std::int64_t, 2> message = {kind, value};
  MPI_Send(message.data(), 2, MPI_INT64_T, rank, kControlTag, MPI_COMM_WORLD);
}

// A control message from rank 0, if one is waiting.
bool PollControl(std::array<std::int64_t, 2>& message) {
  int waiting = 0;
  MPI_Iprobe(0, kControlTag, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE);
  if (waiting == 0) return false;
  MPI_Recv(message.data(), 2, MPI_INT64_T, 0, kControlTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return true;
}

std::array<std::int64_t, 2> WaitControl() {
  std::array<std::int64_t, 2> message{};
  while (!PollControl(message)) std::this_thread::sleep_for(kPollInterval);
  return message;
}

void SendReport(const Json& report) {
  const std::string text = report.dump();
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kReportTag, MPI_COMM_WORLD);
}

// Rank 0's exit code to every rank. Non-blocking and polled: the workers wait here while rank 0
// rebuilds the tables and plots, and a blocking MPI call would spin on a core it needs.
int BroadcastExitCode(int exit_code) {
  MPI_Request request;
  MPI_Ibcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done != 0) return exit_code;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Runs `point` on a second thread while this (the MPI) thread passes on a "stop" from rank 0.
Json RunPointReport(const Experiment& experiment, const Point& point, int threads) {
  PointOutcome outcome;
  std::exception_ptr error;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    try {
      outcome = RunPointOutcome(experiment, point, threads);
    } catch (...) {
      error = std::current_exception();
    }
    done.store(true);
  });
  while (!done.load()) {
    std::array<std::int64_t, 2> control{};
    if (PollControl(control) && control[0] == kStop) util::RequestStop(static_cast<int>(control[1]));
    std::this_thread::sleep_for(kPollInterval);
  }
  runner.join();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& exception) {
      return {{"status", "error"}, {"message", exception.what()}};
    } catch (...) {
      return {{"status", "error"}, {"message", "an exception that is not a std::exception"}};
    }
  }
  switch (outcome.status) {
    case PointOutcome::Status::kDone:
      return {{"status", "done"}, {"document", std::move(outcome.document)}};
    case PointOutcome::Status::kFailed:
      return {{"status", "failed"}, {"failure", outcome.failure}};
    case PointOutcome::Status::kInterrupted:
      break;
  }
  return {{"status", "interrupted"}, {"signal", util::StopSignal()}};
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw util::InternalError("the MPI library does not support MPI_THREAD_FUNNELED");
  }
}

MpiSession::~MpiSession() { MPI_Finalize(); }

MpiCoordinator::MpiCoordinator(const MpiSession& session) : workers_(static_cast<std::size_t>(session.size())) {
  workers_.front().released = true;  // rank 0 itself
}

std::pair<int, std::string> MpiCoordinator::NextReport() {
  for (;;) {
    int waiting = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kReportTag, MPI_COMM_WORLD, &waiting, &status);
    if (waiting != 0) {
      int size = 0;
      MPI_Get_count(&status, MPI_CHAR, &size);
      std::string text(static_cast<std::size_t>(size), '\0');
      MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, kReportTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return {status.MPI_SOURCE, std::move(text)};
    }
    if (util::StopRequested()) {
      for (std::size_t rank = 1; rank < workers_.size(); ++rank) {
        Worker& worker = workers_[rank];
        if (!worker.busy || worker.stop_sent) continue;
        SendControl(static_cast<int>(rank), kStop, util::StopSignal());
        worker.stop_sent = true;
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

void MpiCoordinator::Schedule(const std::vector<const Point*>& pending, const PointRecorder& record) {
  // Takes one report of `rank`'s: records the point it held, or throws on an error.
  auto take = [&](int rank, const std::string& text) {
    Worker& worker = workers_[static_cast<std::size_t>(rank)];
    Json report;
    std::string status;
    try {
      report = Json::parse(text);
      status = report.at("status").get<std::string>();
    } catch (const nlohmann::json::exception& error) {
      throw util::InternalError(fmt::format("rank {} sent an unreadable report ({})", rank, error.what()));
    }
    if (!worker.busy) {
      if (status == "error") throw util::ConfigError(fmt::format("rank {}: {}", rank, report.value("message", "")));
      return;
    }
    const Point& point = *pending[static_cast<std::size_t>(worker.pending_index)];
    worker.busy = false;
    if (status == "done") {
      if (report.at("document").value("point_id", "") != point.id) {
        throw util::ConfigError(fmt::format(
            "rank {} returned another point for {} (#{}): do all ranks run the same experiment and options?", rank,
            point.id, point.index));
      }
      record(point, {PointOutcome::Status::kDone, std::move(report.at("document")), {}});
    } else if (status == "failed") {
      record(point, {PointOutcome::Status::kFailed, {}, report.at("failure").get<std::string>()});
    } else if (status == "interrupted") {
      // A signal that reached only this worker stops the whole run, as it would a single process.
      util::RequestStop(report.at("signal").get<int>());
    } else if (status == "mismatch") {
      throw util::ConfigError(fmt::format("rank {}: {}", rank, report.value("message", "")));
    } else {
      throw util::InternalError(
          fmt::format("rank {} on point {} (#{}): {}", rank, point.id, point.index, report.value("message", status)));
    }
  };

  std::size_t next = 0;
  auto all_released = [&] {
    return std::all_of(workers_.begin(), workers_.end(), [](const Worker& worker) { return worker.released; });
  };
  while (!all_released()) {
    const auto [rank, text] = NextReport();
    Worker& worker = workers_[static_cast<std::size_t>(rank)];
    try {
      take(rank, text);
    } catch (...) {
      // The sender waits for an answer: release it, so that Finish does not wait for it forever.
      worker = Worker{.released = true};
      SendControl(rank, kFinish, 0);
      throw;
    }
    if (!util::StopRequested() && next < pending.size()) {
      worker.busy = true;
      worker.stop_sent = false;
      worker.pending_index = static_cast<std::int64_t>(next);
      SendControl(rank, kAssign, pending[next]->index);
      ++next;
    } else {
      worker.released = true;
      SendControl(rank, kFinish, 0);
    }
  }
}

void MpiCoordinator::Finish(int exit_code) {
  if (finished_) return;
  finished_ = true;
  // A worker stops when its stop flag is set, which needs a signal number: on an error, SIGTERM.
  const int stop_signal = util::StopSignal() != 0 ? util::StopSignal() : SIGTERM;
  for (;;) {
    bool waiting = false;
    for (std::size_t rank = 1; rank < workers_.size(); ++rank) {
      Worker& worker = workers_[rank];
      waiting = waiting || !worker.released;
      // The run is over: a point still running is stopped, and its result dropped.
      if (worker.busy && !worker.stop_sent) {
        SendControl(static_cast<int>(rank), kStop, stop_signal);
        worker.stop_sent = true;
      }
    }
    if (!waiting) break;
    const int rank = NextReport().first;
    workers_[static_cast<std::size_t>(rank)] = Worker{.released = true};
    SendControl(rank, kFinish, 0);
  }
  BroadcastExitCode(exit_code);
}

int ServeMpiWorker(const Experiment* experiment, const std::vector<Point>* points, int threads,
                   const std::string& load_error) {
  const bool loaded = experiment != nullptr && points != nullptr;
  SendReport(loaded ? Json{{"status", "ready"}} : Json{{"status", "error"}, {"message", load_error}});
  for (;;) {
    const std::array<std::int64_t, 2> control = WaitControl();
    if (control[0] == kFinish) break;
    if (control[0] == kStop) {
      // A stop sent while this rank was reporting its point: it still holds for what follows.
      util::RequestStop(static_cast<int>(control[1]));
      continue;
    }
    const std::int64_t index = control[1];
    const auto point = loaded ? std::find_if(points->begin(), points->end(),
                                             [&](const Point& candidate) { return candidate.index == index; })
                              : std::vector<Point>::const_iterator();
    if (!loaded || point == points->end()) {
      SendReport(
          {{"status", "mismatch"},
           {"message", fmt::format("no point #{} here: do all ranks run the same experiment and options?", index)}});
      continue;
    }
    SendReport(RunPointReport(*experiment, *point, threads));
  }
  return BroadcastExitCode(0);
}

}  // namespace loopfront::experiment
