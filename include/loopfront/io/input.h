// Reading a user's input file, with the limits every input has (issue 15, items 4 and 5). Every
// loader reads through ReadInputFile (YAML, JSON, CSV, reference cases, point files, shape sweeps),
// so each gets the same checks and the same messages:
//   - only regular files: a directory is refused ("is a directory"), so is a FIFO, a socket or a
//     device such as /dev/zero ("is not a regular file"), without ever blocking on it;
//   - at most MaxInputBytes() bytes (64 MiB by default; `--max-input-bytes N` raises it), checked
//     on the size stat reports and again while reading (a file that grows, a /proc file of size 0),
//     so no input costs more memory than the limit;
//   - the system's reason in words for anything else: "permission denied", "too many levels of
//     symbolic links", "none at that path".
// And the nesting limit of recursive documents: JSON and YAML deeper than kMaxNestingDepth are
// refused at the position where the limit is crossed, before any parser or recursive walk sees
// them (yaml-cpp's parser and loopfront's tree walks recurse; 100,000 levels overflow the stack).
//
// Thread-safety: the limit is an atomic, read by any thread; set it before loading (the CLI does so
// once while parsing its flags).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "loopfront/util/error.h"

namespace loopfront::io {

// The default input size limit: 64 MiB holds a 400,000-line experiment or a Timeloop folder's
// biggest file many times over, and is small enough that a wrong path (a disk image, a log) fails
// at once instead of filling the memory of a cluster node.
inline constexpr std::int64_t kDefaultMaxInputBytes = std::int64_t{64} << 20;

// The deepest nesting (lists and mappings inside each other) of any JSON or YAML input. loopfront's
// own documents nest at most ~8 levels deep (an experiment's sweep of an architecture's level);
// 256 leaves room for any hand-written or generated file, while a recursive walk of 256 levels
// uses a few hundred kilobytes of stack at most.
inline constexpr int kMaxNestingDepth = 256;

// The current input size limit in bytes (kDefaultMaxInputBytes until set).
std::int64_t MaxInputBytes();
// Sets the limit (`--max-input-bytes`); throws util::InternalError below 1 (the CLI checks its
// flag against util::kInputBytesRange first).
void SetMaxInputBytes(std::int64_t bytes);
// "64 MiB" for a whole number of MiB, else "1000 bytes".
std::string DescribeBytes(std::int64_t bytes);

// What reading an input file gave: its text, or why it cannot be read.
struct InputText {
  std::string text{};
  // Empty when read; else what follows "got" in `expected a readable <what>, got <problem>`:
  // "none at that path", "one that is a directory", "one that is not a regular file (a FIFO)",
  // "one that cannot be opened: permission denied", "one larger than the 64 MiB input limit
  // (--max-input-bytes): 70000000 bytes", …
  std::string problem{};
  bool ok() const { return problem.empty(); }
};

// Reads all of `path` with the checks above. Never throws on the user's path.
InputText ReadInputFile(const std::filesystem::path& path);
// Reads `path`, or records `PATH: expected a readable <what>, got <problem>` in `diagnostics` and
// returns nullopt. `what` names the kind of file: "YAML file", "JSON file", "CSV file".
std::optional<std::string> ReadInputFile(const std::filesystem::path& path, std::string_view what,
                                         util::Diagnostics& diagnostics);
// Reads `path`, or throws util::ConfigError with that diagnostic.
std::string ReadInputFileOrThrow(const std::filesystem::path& path, std::string_view what);

// Where a nesting limit is crossed in a text: the byte offset of the opening bracket (JSON, YAML
// flow) or of the line's first character (YAML block) that is one level too deep.
struct NestingExcess {
  std::size_t offset = 0;
};

// Checks JSON text before a parser sees it: the nesting depth (arrays and objects, outside strings)
// and the numbers (a literal such as 1e999 that is not a finite double). Records a positioned
// diagnostic for the first problem of each kind (`nesting deeper than 256 levels …`, `expected a
// finite number, got 1e999`) and returns false if any. Text that is not JSON at all is left to the
// parser: this check only looks at brackets, strings and number tokens.
bool CheckJsonText(std::string_view text, const std::string& name, util::Diagnostics& diagnostics);

// Checks YAML text before yaml-cpp sees it: a conservative count of nesting (flow brackets outside
// quotes and comments, plus block levels by indentation and `- ` items) that is never below the
// depth yaml-cpp's tree will have for documents without aliases. Records `nesting deeper than 256
// levels` at the line where the limit is crossed and returns false.
bool CheckYamlNesting(std::string_view text, const std::string& name, util::Diagnostics& diagnostics);

// The message of a document nested too deeply: "nesting deeper than 256 levels (lists and mappings
// inside each other); loopfront's inputs need fewer than 10".
std::string NestingMessage();

}  // namespace loopfront::io
