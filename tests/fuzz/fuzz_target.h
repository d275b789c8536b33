// The frame of every fuzz target of tests/fuzz/ (issue #15, item 6). A target is one file
// fuzz_<name>.cpp whose body feeds the input bytes through one of loopfront's public loaders:
//
//   LOOPFRONT_FUZZ_TARGET(csv) { io::CsvFile::Parse(input, "fuzz.csv"); }
//
// A util::ConfigError is the expected answer to a bad input and ends the run normally; any other
// exception, a crash, a hang or a sanitizer report is a finding. The same file builds two ways:
//  - with LOOPFRONT_FUZZ (clang, the `fuzz` preset) as a libFuzzer program of its own, whose
//    LLVMFuzzerTestOneInput aborts on a finding so that libFuzzer saves the input;
//  - into loopfront_fuzz_replay (LOOPFRONT_FUZZ_REPLAY, any compiler), which runs every target over
//    its committed corpus and crash files in the normal test suite (replay_main.cpp).
// Targets never search: a valid input may describe an hours-long search. They load and check, and a
// mapping is evaluated once by the cost model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "loopfront/mapping/problem.h"

namespace loopfront::fuzz {

using TargetFunction = void (*)(std::string_view input);

// Runs `target` on `input`: nullopt when it returned or threw util::ConfigError, else what went
// wrong ("uncaught std::out_of_range: ...").
std::optional<std::string> RunOne(TargetFunction target, std::string_view input);

// For loaders that read only from a path: writes `input` to a file named `file_name` in this
// process's scratch folder (created on first use under $TMPDIR, removed at exit) and returns its path.
std::filesystem::path WriteScratchFile(std::string_view input, const std::string& file_name);
// An empty folder of the scratch folder named `name` (emptied if it exists).
std::filesystem::path ScratchFolder(const std::string& name);

// The fixed op × architecture that mapping and constraints inputs are read against: the gemmini
// preset and `matmul m=64 n=64 k=64` (small, so one evaluation is cheap; dims m, n, k).
const mapping::Problem& FixedProblem();

}  // namespace loopfront::fuzz

#ifdef LOOPFRONT_FUZZ_REPLAY
// replay_main.cpp lists the targets (targets.h) and calls LoopfrontFuzz_<name>.
#define LOOPFRONT_FUZZ_TARGET(NAME) void LoopfrontFuzz_##NAME(std::string_view input)
#else
#define LOOPFRONT_FUZZ_TARGET(NAME)                                                           \
  static void LoopfrontFuzz_##NAME(std::string_view input);                                   \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {         \
    loopfront::fuzz::AbortOnFinding(loopfront::fuzz::RunOne(                                  \
        LoopfrontFuzz_##NAME, std::string_view(reinterpret_cast<const char*>(data), size)));  \
    return 0;                                                                                 \
  }                                                                                           \
  static void LoopfrontFuzz_##NAME(std::string_view input)

namespace loopfront::fuzz {
// Prints the finding and aborts, so that libFuzzer saves the input as a crash.
void AbortOnFinding(const std::optional<std::string>& finding);
}  // namespace loopfront::fuzz
#endif
