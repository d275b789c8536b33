#include "loopfront/io/output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "loopfront/util/error.h"

namespace loopfront::io {
namespace {

[[noreturn]] void ThrowWriteError(const std::filesystem::path& path, const std::string& reason) {
  throw util::ConfigError(std::vector<util::Diagnostic>{
      util::Diagnostic{.file = path.string(), .message = "expected a writable output location, got: " + reason}});
}

}  // namespace

void WriteFileAtomically(const std::filesystem::path& path, std::string_view content) {
  std::error_code error;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) ThrowWriteError(path, error.message());
  }
  // A unique temporary name beside the target (same filesystem, so rename is atomic); the pid and
  // a counter keep concurrent writers (threads, MPI ranks, shards) apart.
  static std::atomic<std::uint64_t> counter{0};
  const std::filesystem::path temporary =
      path.parent_path() / fmt::format(".{}.tmp.{}.{}", path.filename().string(), ::getpid(), counter++);
  const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) ThrowWriteError(path, std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t result = ::write(descriptor, content.data() + written, content.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(descriptor);
      ::unlink(temporary.c_str());
      ThrowWriteError(path, reason);
    }
    written += static_cast<std::size_t>(result);
  }
  // The data must be on disk before the rename makes it visible, or a crash could expose an empty file.
  if (::fsync(descriptor) != 0 || ::close(descriptor) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    ThrowWriteError(path, reason);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    ThrowWriteError(path, reason);
  }
}

}  // namespace loopfront::io
