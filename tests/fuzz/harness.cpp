#include "fuzz_target.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <typeinfo>

#include "loopfront/arch/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"

namespace loopfront::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path& ScratchRoot() {
  static fs::path root;
  return root;
}

void RemoveScratch() {
  std::error_code ignored;
  if (!ScratchRoot().empty()) fs::remove_all(ScratchRoot(), ignored);
}

// The scratch folder, made on first use. The process also moves into an empty folder of it, so that
// a relative path written in a fuzzed input (an experiment's `workload: x.yaml`) names nothing
// rather than a file of the source tree.
const fs::path& Scratch() {
  if (ScratchRoot().empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/loopfront-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("fuzz harness: cannot create " + pattern);
    ScratchRoot() = pattern;
    std::atexit(RemoveScratch);
    fs::create_directories(ScratchRoot() / "cwd");
    fs::current_path(ScratchRoot() / "cwd");
  }
  return ScratchRoot();
}

}  // namespace

std::optional<std::string> RunOne(TargetFunction target, std::string_view input) {
  try {
    target(input);
  } catch (const util::ConfigError&) {
    // The expected answer to a bad input.
  } catch (const util::InternalError& error) {
    return std::string("uncaught loopfront::util::InternalError: ") + error.what();
  } catch (const std::exception& error) {
    return std::string("uncaught ") + typeid(error).name() + ": " + error.what();
  } catch (...) {
    return std::string("uncaught exception of an unknown type");
  }
  return std::nullopt;
}

#ifndef LOOPFRONT_FUZZ_REPLAY
void AbortOnFinding(const std::optional<std::string>& finding) {
  if (!finding) return;
  std::fprintf(stderr, "loopfront fuzz finding: %s\n", finding->c_str());
  std::abort();
}
#endif

fs::path WriteScratchFile(std::string_view input, const std::string& file_name) {
  const fs::path path = Scratch() / file_name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(input.data(), static_cast<std::streamsize>(input.size()));
  if (!out) throw std::runtime_error("fuzz harness: cannot write " + path.string());
  return path;
}

fs::path ScratchFolder(const std::string& name) {
  const fs::path path = Scratch() / name;
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

const mapping::Problem& FixedProblem() {
  static const mapping::Problem problem =
      mapping::Problem::Build(workload::ParseOpSpec("matmul m=64 n=64 k=64"), arch::LoadArchitecture("gemmini"));
  return problem;
}

}  // namespace loopfront::fuzz
