// An experiment's output folder bound to the experiment that writes it (issue 15, item 3;
// docs/experiments.md "Output folders"): what a point file must carry to count as a result of the
// point it is named after, the advisory lock that keeps two runs out of one folder, and the removal of
// the temporaries a killed run left.
//
// Binding. Every points/<id>.json records `binding.point_hash`, PointHash of its resolved
// configuration (Point::config: workload, architecture and sweep, fusion, searcher and parameters,
// objectives, cost model and parameters, budget, seed, tilings, baseline, random mappings) and of
// loopfront's version: FNV-1a 64 (util/hash.h, the same on every machine and run) of the text
// "loopfront-point\n<version>\n<config as compact JSON>", as 16 lowercase hex digits. A file is a
// result of the point it is named after only when its hash equals the point's; anything else (a
// file of another budget, seed, searcher or experiment, of an older loopfront, a truncated or
// corrupt file, a directory or FIFO at the path) is reported with the path and the reason and never
// enters the tables. The manifest records the experiment's ids and the experiment-wide part of the
// configuration (`binding`), so that `merge` can check its sources without the experiment file.
//
// Lock. A run holds flock(2) locks on files inside the folder for as long as it writes there:
//   - a whole run (shard 0/1) and `merge` hold `.loopfront.lock` exclusively: a second run fails at
//     once naming the folder and the holder's pid;
//   - a shard I/N holds `.loopfront.lock` shared (so the shards of one experiment, writing disjoint
//     point files, run side by side as before) and `.loopfront.shard-I-of-N.lock` exclusively (so
//     the same shard does not run twice).
// Each shard rebuilds the tables from the point files present when it ends, each write atomic, so the
// last shard to end leaves complete tables. MPI ranks do not lock: rank 0 alone writes. flock is
// per host on most network filesystems: shards on different nodes are kept apart by their indices,
// not by the lock.
//
// Temporaries. io::WriteFileAtomically writes `.<name>.tmp.<pid>.<counter>` beside its target, and
// `merge` builds `.<folder>.merge.tmp.<pid>` beside the destination. The holder of the exclusive lock
// removes every such file of the folder and of its points/ on start (a shard, holding the lock
// shared, removes them only when it could take it exclusively first, i.e. no other run was there).
//
// Thread-safety: the functions are pure or touch only the named folder; an OutputLock is owned by one
// thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/shard.h"

namespace loopfront::experiment {

// PointHash for an explicit version (tests pin it); PointHash uses this build's.
std::string PointHashFor(const nlohmann::ordered_json& config, const std::string& version);
std::string PointHash(const nlohmann::ordered_json& config);

// The experiment-wide part of a point's configuration: searcher, params, objectives, cost model and
// its params, budget, seed, tilings, baseline, random mappings (the keys present).
nlohmann::ordered_json SearchPart(const nlohmann::ordered_json& config);

// The points an output folder is expected to hold.
struct ExpectedPoints {
  std::string experiment;                         // its name
  std::vector<std::string> ids;                   // sorted
  nlohmann::ordered_json search;                  // SearchPart of its points (they share it)
  std::string digest;                             // FNV-1a 64 of the version, the ids and `search`, 16 hex digits
  std::vector<nlohmann::ordered_json> configs{};  // from an expansion: every point's config (for messages)
  bool Has(const std::string& id) const;
};

ExpectedPoints ExpectPoints(const Experiment& experiment, const std::vector<Point>& points);
// The manifest's `binding` and back; nullopt when a manifest has none (an older loopfront's).
nlohmann::ordered_json BindingJson(const ExpectedPoints& expected);
std::optional<ExpectedPoints> ExpectedFromManifest(const nlohmann::ordered_json& manifest);

// What the file at `path` (named after point `id`) is to `expected`.
struct PointFileCheck {
  enum class State {
    kMissing,   // no file: the point is pending
    kDone,      // a result of this point
    kStale,     // a regular file that is not (another budget, experiment, version; corrupt): rerun over it
    kNotAFile,  // a directory, FIFO, socket or device at the path: never opened, never removed
  };
  State state = State::kMissing;
  std::string problem{};              // kStale, kNotAFile: "<path>: <why>"
  nlohmann::ordered_json document{};  // kDone: the file's content
};

// Checks the file type first (a FIFO is never opened), then reads and parses the file and compares its
// binding with the point's hash (`expected_hash`, or, empty, PointHash of the file's own config when
// the id is one of `expected`'s).
PointFileCheck CheckPointFile(const std::filesystem::path& path, const std::string& id,
                              const std::string& expected_hash, const ExpectedPoints& expected);

// The `.json` entries of folder/points (any file type), sorted by name; dot files are skipped.
std::vector<std::filesystem::path> PointEntries(const std::filesystem::path& folder);

// The advisory lock of an output folder (see above). Throws util::ConfigError (exit 2) naming the
// folder and, when known, the holder's pid when another run holds it.
class OutputLock {
 public:
  static OutputLock Acquire(const std::filesystem::path& folder, const Shard& shard);
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&&) = delete;
  OutputLock(const OutputLock&) = delete;
  ~OutputLock();
  // Whether this process held the folder exclusively at some point (it removed stale temporaries).
  bool exclusive() const { return exclusive_; }

 private:
  OutputLock() = default;
  int folder_descriptor_ = -1;
  int shard_descriptor_ = -1;
  bool exclusive_ = false;
};

// Removes the temporaries of io::WriteFileAtomically and of `merge` in `folder` and folder/points (by
// their exact name pattern only). Call with the exclusive lock held. Returns what it removed.
std::vector<std::filesystem::path> RemoveStaleTemporaries(const std::filesystem::path& folder);

}  // namespace loopfront::experiment
