#include "loopfront/experiment/output_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "loopfront/io/input.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/strings.h"
#include "loopfront/version.h"

namespace loopfront::experiment {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// The keys of a point's configuration that every point of an experiment shares (ExpandPoints).
const std::vector<std::string> kSearchKeys = {"searcher", "params", "objectives", "cost_model",      "cost_params",
                                              "budget",   "seed",   "tilings",    "random_mappings", "baseline"};

std::string Hex64(std::uint64_t value) { return fmt::format("{:016x}", value); }

// What a file-type-checked path is, in words, or empty for a regular file (symlinks followed).
std::string NotARegularFile(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return errno == ENOENT ? "" : std::string("cannot be read: ") + std::strerror(errno);
  if (S_ISREG(info.st_mode)) return "";
  if (S_ISDIR(info.st_mode)) return "is a directory, not a point file";
  if (S_ISFIFO(info.st_mode)) return "is a FIFO, not a point file";
  if (S_ISSOCK(info.st_mode)) return "is a socket, not a point file";
  return "is a device, not a point file";
}

// Why a parsed point file is not a result of the point `id` of `expected`, or empty when it is.
std::string Mismatch(const Json& document, const std::string& id, const std::string& expected_hash,
                     const ExpectedPoints& expected) {
  for (const char* key : {"point_id", "index", "identity", "sweep", "summary", "fronts", "knee_ops"}) {
    if (!document.contains(key)) return fmt::format("not a complete loopfront point result (no `{}`)", key);
  }
  const auto binding = document.find("binding");
  if (binding == document.end() || !binding->is_object() || !binding->contains("point_hash")) {
    return "written by an older loopfront (no binding hash)";
  }
  const std::string version = binding->value("loopfront_version", std::string());
  if (version != kVersion) return fmt::format("written by loopfront {} (this is {})", version, kVersion);
  const auto config = document.find("config");
  if (config == document.end() || !config->is_object()) return "not a loopfront point result (no config)";
  const Json search = SearchPart(*config);
  std::vector<std::string> differing;
  for (const std::string& key : kSearchKeys) {
    const bool in_file = search.contains(key);
    const bool in_expected = expected.search.contains(key);
    if (in_file != in_expected || (in_file && search.at(key) != expected.search.at(key))) differing.push_back(key);
  }
  if (!differing.empty()) {
    std::vector<std::string> values;
    for (const std::string& key : differing) {
      values.push_back(fmt::format("{} {} instead of {}", key, search.value(key, Json()).dump(),
                                   expected.search.value(key, Json()).dump()));
    }
    return fmt::format("written with another {} ({})", util::Join(differing, "/"), util::Join(values, ", "));
  }
  const std::string recorded =
      binding->at("point_hash").is_string() ? binding->at("point_hash").get<std::string>() : "";
  const std::string own = PointHash(*config);
  if (recorded != own) return "its binding hash does not match its configuration (edited or corrupt)";
  if (!expected.Has(id) || document.value("point_id", std::string()) != id) return "written for another experiment";
  if (!expected_hash.empty() && own != expected_hash) return "written for another experiment";
  return "";
}

}  // namespace

std::string PointHashFor(const Json& config, const std::string& version) {
  return Hex64(util::Fnv1a64("loopfront-point\n" + version + "\n" + config.dump()));
}

std::string PointHash(const Json& config) { return PointHashFor(config, kVersion); }

Json SearchPart(const Json& config) {
  Json part = Json::object();
  for (const std::string& key : kSearchKeys) {
    if (config.contains(key)) part[key] = config.at(key);
  }
  return part;
}

bool ExpectedPoints::Has(const std::string& id) const { return std::binary_search(ids.begin(), ids.end(), id); }

namespace {

std::string Digest(const std::vector<std::string>& ids, const Json& search) {
  return Hex64(
      util::Fnv1a64(fmt::format("loopfront-experiment\n{}\n{}\n{}", kVersion, util::Join(ids, ","), search.dump())));
}

}  // namespace

ExpectedPoints ExpectPoints(const Experiment& experiment, const std::vector<Point>& points) {
  ExpectedPoints expected;
  expected.experiment = experiment.name;
  for (const Point& point : points) {
    expected.ids.push_back(point.id);
    expected.configs.push_back(point.config);
  }
  std::sort(expected.ids.begin(), expected.ids.end());
  expected.ids.erase(std::unique(expected.ids.begin(), expected.ids.end()), expected.ids.end());
  expected.search = points.empty() ? Json::object() : SearchPart(points.front().config);
  expected.digest = Digest(expected.ids, expected.search);
  return expected;
}

Json BindingJson(const ExpectedPoints& expected) {
  return {{"experiment_digest", expected.digest}, {"search", expected.search}, {"point_ids", expected.ids}};
}

std::optional<ExpectedPoints> ExpectedFromManifest(const Json& manifest) {
  const auto binding = manifest.find("binding");
  if (binding == manifest.end() || !binding->is_object()) return std::nullopt;
  try {
    ExpectedPoints expected;
    expected.experiment = manifest.value("experiment", std::string());
    expected.ids = binding->at("point_ids").get<std::vector<std::string>>();
    std::sort(expected.ids.begin(), expected.ids.end());
    expected.search = binding->at("search");
    expected.digest = binding->at("experiment_digest").get<std::string>();
    return expected;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

PointFileCheck CheckPointFile(const fs::path& path, const std::string& id, const std::string& expected_hash,
                              const ExpectedPoints& expected) {
  PointFileCheck check;
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error)) && !fs::is_symlink(fs::symlink_status(path, error))) return check;
  if (const std::string what = NotARegularFile(path); !what.empty()) {
    check.state = PointFileCheck::State::kNotAFile;
    check.problem = fmt::format("{}: {}", path.string(), what);
    return check;
  }
  if (!fs::exists(path, error)) return check;  // a dangling symlink: as absent
  const io::InputText input = io::ReadInputFile(path);
  if (!input.ok()) {
    check.state = PointFileCheck::State::kStale;
    check.problem = fmt::format("{}: expected a readable point file, got {}", path.string(), input.problem);
    return check;
  }
  // A user may have edited or replaced a point file: its nesting and numbers are checked like any
  // JSON input before nlohmann (which recurses) reads it.
  util::Diagnostics text_problems;
  if (!io::CheckJsonText(input.text, path.string(), text_problems)) {
    check.state = PointFileCheck::State::kStale;
    check.problem = text_problems.items().front().ToString();
    return check;
  }
  Json document;
  try {
    document = Json::parse(input.text);
  } catch (const nlohmann::json::exception& parse_error) {
    check.state = PointFileCheck::State::kStale;
    check.problem = fmt::format("{}: truncated or corrupt ({})", path.string(), parse_error.what());
    return check;
  }
  if (!document.is_object()) {
    check.state = PointFileCheck::State::kStale;
    check.problem = fmt::format("{}: not a loopfront point result", path.string());
    return check;
  }
  if (const std::string why = Mismatch(document, id, expected_hash, expected); !why.empty()) {
    check.state = PointFileCheck::State::kStale;
    check.problem = fmt::format("{}: {}", path.string(), why);
    return check;
  }
  check.state = PointFileCheck::State::kDone;
  check.document = std::move(document);
  return check;
}

std::vector<fs::path> PointEntries(const fs::path& folder) {
  std::vector<fs::path> entries;
  const fs::path directory = folder / "points";
  std::error_code error;
  if (!fs::is_directory(directory, error)) return entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(".") && entry.path().extension() == ".json") entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

namespace {

constexpr const char* kFolderLockName = ".loopfront.lock";

// Opens (creating) a lock file and takes `operation` (LOCK_EX or LOCK_SH) without blocking; -1 when
// another process holds a conflicting lock.
int TryLock(const fs::path& path, int operation) {
  const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    throw util::ConfigError(std::vector<util::Diagnostic>{
        util::Diagnostic{.file = path.string(),
                         .message = std::string("expected a writable output folder, got: ") + std::strerror(errno)}});
  }
  while (::flock(descriptor, operation | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    ::close(descriptor);
    return -1;
  }
  return descriptor;
}

// Records this process's pid in a lock file it holds exclusively (for the message of the next one).
void WritePid(int descriptor) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(descriptor, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(descriptor, text.data(), text.size(), 0);
  }
}

std::string HolderText(const fs::path& path) {
  std::ifstream stream(path);
  long pid = 0;
  if (stream >> pid && pid > 0) return fmt::format(" (pid {})", pid);
  return "";
}

[[noreturn]] void ThrowBusy(const fs::path& folder, const fs::path& lock_file, const std::string& what) {
  throw util::ConfigError(fmt::format(
      "{}: another loopfront {}{} is writing this output folder; wait for it to end or choose another --output",
      folder.string(), what, HolderText(lock_file)));
}

}  // namespace

OutputLock OutputLock::Acquire(const fs::path& folder, const Shard& shard) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw util::ConfigError(std::vector<util::Diagnostic>{util::Diagnostic{
        .file = folder.string(), .message = "expected a writable output folder, got: " + error.message()}});
  }
  OutputLock lock;
  const fs::path folder_lock = folder / kFolderLockName;
  if (shard.count <= 1) {
    lock.folder_descriptor_ = TryLock(folder_lock, LOCK_EX);
    if (lock.folder_descriptor_ < 0) ThrowBusy(folder, folder_lock, "run or merge");
    WritePid(lock.folder_descriptor_);
    lock.exclusive_ = true;
    return lock;
  }
  const fs::path shard_lock = folder / fmt::format(".loopfront.shard-{}-of-{}.lock", shard.index, shard.count);
  lock.shard_descriptor_ = TryLock(shard_lock, LOCK_EX);
  if (lock.shard_descriptor_ < 0)
    ThrowBusy(folder, shard_lock, fmt::format("run of shard {}/{}", shard.index, shard.count));
  WritePid(lock.shard_descriptor_);
  // Alone in the folder? Then this shard may clean up; either way it ends holding the lock shared.
  lock.folder_descriptor_ = TryLock(folder_lock, LOCK_EX);
  if (lock.folder_descriptor_ >= 0) {
    lock.exclusive_ = true;
    while (::flock(lock.folder_descriptor_, LOCK_SH) != 0 && errno == EINTR) {
    }
    return lock;
  }
  lock.folder_descriptor_ = TryLock(folder_lock, LOCK_SH);
  if (lock.folder_descriptor_ < 0) ThrowBusy(folder, folder_lock, "run or merge");
  return lock;
}

OutputLock::OutputLock(OutputLock&& other) noexcept
    : folder_descriptor_(other.folder_descriptor_),
      shard_descriptor_(other.shard_descriptor_),
      exclusive_(other.exclusive_) {
  other.folder_descriptor_ = -1;
  other.shard_descriptor_ = -1;
}

OutputLock::~OutputLock() {
  // Closing the descriptor releases the flock; the lock files stay (removing them would race with
  // a process that opened them and is about to lock).
  if (folder_descriptor_ >= 0) ::close(folder_descriptor_);
  if (shard_descriptor_ >= 0) ::close(shard_descriptor_);
}

std::vector<fs::path> RemoveStaleTemporaries(const fs::path& folder) {
  // io::WriteFileAtomically's `.<name>.tmp.<pid>.<counter>`; merge's `.<name>.merge.tmp.<pid>`.
  static const std::regex kWriteTemporary(R"(\..+\.tmp\.[0-9]+\.[0-9]+)");
  static const std::regex kMergeTemporary(R"(\..+\.merge\.tmp\.[0-9]+)");
  std::vector<fs::path> removed;
  const auto sweep = [&](const fs::path& directory) {
    std::error_code error;
    if (!fs::is_directory(directory, error)) return;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
      const std::string name = entry.path().filename().string();
      if (!std::regex_match(name, kWriteTemporary) || !entry.is_regular_file(error)) continue;
      std::error_code remove_error;
      fs::remove_all(entry.path(), remove_error);
      if (!remove_error) removed.push_back(entry.path());
    }
  };
  sweep(folder);
  sweep(folder / "points");
  // A merge's temporary folder sits beside its destination.
  fs::path absolute = fs::absolute(folder).lexically_normal();
  if (absolute.filename().empty()) absolute = absolute.parent_path();
  {
    const fs::path parent = absolute.parent_path();
    std::error_code error;
    const std::string prefix = fmt::format(".{}.merge.tmp.", absolute.filename().string());
    if (fs::is_directory(parent, error)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix) || !std::regex_match(name, kMergeTemporary)) continue;
        std::error_code remove_error;
        fs::remove_all(entry.path(), remove_error);
        if (!remove_error) removed.push_back(entry.path());
      }
    }
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

}  // namespace loopfront::experiment
