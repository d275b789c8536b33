// Issue 15, items 4 and 5 through the command line: a user's bad path is exit 2 with the path and
// the reason (never "internal error"); directories, FIFOs, devices, symlink loops, unreadable and
// oversized files are refused without hanging or reading them whole; JSON and YAML nested deeper
// than io::kMaxNestingDepth are refused with a position, not a stack overflow; labels with control
// characters are shown escaped. Single-file cases live in tests/bad_inputs/ (json_*, yaml_*,
// crosscheck_*); these need a special file or a flag.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "loopfront/io/input.h"
#include "loopfront/report/table.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

namespace {

namespace fs = std::filesystem;
using loopfront::testing::RunLoopfront;

fs::path Scratch(const std::string& name) {
  const fs::path directory = fs::temp_directory_path() / ("loopfront_limits_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

void Write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A small valid document: an architecture preset's YAML.
std::string SmallArchitecture() {
  return loopfront::testing::ReadWholeFile(fs::path(LOOPFRONT_TESTS_DIR) / ".." / "architectures" / "eyeriss-like.yaml");
}

void CheckUserError(const loopfront::testing::CommandResult& result, const std::string& path,
                    const std::string& reason) {
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains(path) && Catch::Contains(reason));
  CHECK_THAT(result.err, !Catch::Contains("internal error"));
}

}  // namespace

TEST_CASE("A directory, a FIFO, a device or a symlink loop as an input is the user's error", "[integration][limits]") {
  const fs::path directory = Scratch("kinds");
  CheckUserError(RunLoopfront("validate '" + directory.string() + "'"), directory.string(), "is a directory");
  CheckUserError(RunLoopfront("crosscheck '" + directory.string() + "/none.json'"), "none.json", "");

  const fs::path fifo = directory / "fifo.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // No writer ever opens the FIFO: reading it would hang; `timeout` turns a hang into exit 124.
  CheckUserError(loopfront::testing::RunCommand("timeout 20 '" + std::string(LOOPFRONT_BINARY) + "' validate '" +
                                                fifo.string() + "'"),
                 fifo.string(), "is not a regular file (a FIFO)");

  CheckUserError(
      loopfront::testing::RunCommand("timeout 20 '" + std::string(LOOPFRONT_BINARY) + "' validate /dev/zero"),
      "/dev/zero", "is not a regular file (a character device)");

  const fs::path loop = directory / "loop.yaml";
  fs::create_symlink(loop, loop);
  CheckUserError(RunLoopfront("validate '" + loop.string() + "'"), loop.string(), "too many levels of symbolic links");
  fs::remove_all(directory);
}

TEST_CASE("An unreadable input is 'permission denied', exit 2", "[integration][limits]") {
  // root reads any file whatever its mode (CI runs as root), so chmod cannot make one unreadable.
  if (::geteuid() == 0) {
    WARN("running as root: permission denied cannot be produced with chmod; case skipped");
    return;
  }
  const fs::path directory = Scratch("permission");
  const fs::path file = directory / "arch.yaml";
  Write(file, SmallArchitecture());
  fs::permissions(file, fs::perms::none);
  CheckUserError(RunLoopfront("validate '" + file.string() + "'"), file.string(), "permission denied");
  fs::permissions(file, fs::perms::owner_all);
  fs::remove_all(directory);
}

TEST_CASE("The input size limit (--max-input-bytes) bounds every input file, 64 MiB by default", "[integration][limits]") {
  const fs::path directory = Scratch("size");
  const fs::path file = directory / "arch.yaml";
  const std::string text = SmallArchitecture();
  REQUIRE(text.size() > 100);
  Write(file, text);
  CHECK(RunLoopfront("validate '" + file.string() + "'").exit_code == 0);
  // Before or after the subcommand.
  CheckUserError(RunLoopfront("--max-input-bytes 100 validate '" + file.string() + "'"), file.string(),
                 "larger than the 100 bytes input limit (--max-input-bytes)");
  CheckUserError(RunLoopfront("validate '" + file.string() + "' --max-input-bytes 100"), file.string(),
                 "larger than the 100 bytes input limit (--max-input-bytes)");
  CHECK(RunLoopfront("validate '" + file.string() + "' --max-input-bytes 1000000").exit_code == 0);
  CheckUserError(RunLoopfront("validate '" + file.string() + "' --max-input-bytes 0"), "--max-input-bytes",
                 "expected an integer in [1, 1099511627776], got 0");
  CheckUserError(RunLoopfront("validate '" + file.string() + "' --max-input-bytes lots"), "--max-input-bytes",
                 "got 'lots'");

  // A sparse file of 65 MiB costs no disk and is refused on its size, before any byte is read.
  const fs::path big = directory / "big.yaml";
  Write(big, "a: 1\n");
  fs::resize_file(big, (std::uintmax_t{65} << 20));
  CheckUserError(RunLoopfront("validate '" + big.string() + "'"), big.string(),
                 "larger than the 64 MiB input limit (--max-input-bytes)");
  CHECK_THAT(RunLoopfront("--help").out, Catch::Contains("--max-input-bytes"));
  fs::remove_all(directory);
}

TEST_CASE("The library's input limit is a setting the CLI sets", "[io][limits]") {
  const fs::path directory = Scratch("library");
  const fs::path file = directory / "text.json";
  Write(file, "[1, 2, 3]");
  CHECK(loopfront::io::MaxInputBytes() == loopfront::io::kDefaultMaxInputBytes);
  CHECK(loopfront::io::ReadInputFile(file).ok());
  loopfront::io::SetMaxInputBytes(4);
  const loopfront::io::InputText refused = loopfront::io::ReadInputFile(file);
  loopfront::io::SetMaxInputBytes(loopfront::io::kDefaultMaxInputBytes);
  CHECK_FALSE(refused.ok());
  CHECK(refused.text.empty());
  CHECK_THAT(refused.problem, Catch::Contains("larger than the 4 bytes input limit"));
  CHECK_THROWS_AS(loopfront::io::SetMaxInputBytes(0), loopfront::util::InternalError);
  fs::remove_all(directory);
}

TEST_CASE("100,000 levels of JSON or YAML are refused at the level past the limit, not by a crash",
          "[integration][limits]") {
  const fs::path directory = Scratch("deep");
  const int kDepth = 100000;
  const fs::path json = directory / "deep_case.json";
  Write(json, std::string(kDepth, '[') + std::string(kDepth, ']'));
  const auto crosscheck = RunLoopfront("crosscheck '" + json.string() + "'");
  CheckUserError(crosscheck, json.string() + ":1:257:", "nesting deeper than 256");

  const fs::path flow = directory / "deep_flow.yaml";
  Write(flow, "name: " + std::string(kDepth, '[') + std::string(kDepth, ']') + "\n");
  CheckUserError(RunLoopfront("validate '" + flow.string() + "'"), flow.string() + ":1:262:",
                 "nesting deeper than 256");

  std::string block;
  for (int level = 0; level < 3000; ++level) block += std::string(static_cast<std::size_t>(level), ' ') + "k:\n";
  const fs::path indented = directory / "deep_block.yaml";
  Write(indented, block);
  CheckUserError(RunLoopfront("validate '" + indented.string() + "'"), indented.string() + ":257:",
                 "nesting deeper than 256");

  // A point file in an output folder is an input too (`merge`, resume, `plot`'s tables).
  const fs::path points = directory / "out" / "points";
  fs::create_directories(points);
  Write(points / "deep.json", std::string(kDepth, '{') );
  const auto merged = RunLoopfront("merge '" + (directory / "merged").string() + "' '" + (directory / "out").string() + "'");
  INFO(merged.err);
  CHECK(merged.exit_code == 2);
  CHECK_THAT(merged.err, !Catch::Contains("internal error"));
  fs::remove_all(directory);
}

TEST_CASE("Control characters in labels are escaped on the terminal, CSV quotes them", "[report][limits]") {
  CHECK(loopfront::util::EscapeControl("a\nb\tc\x1b[31md\x7f") == "a\\nb\\tc\\x1b[31md\\x7f");
  CHECK(loopfront::util::EscapeControl("caf\xc3\xa9 \xc2\x9b") == "caf\xc3\xa9 \\u009b");
  CHECK(loopfront::util::EscapeControl("a\\b", true) == "a\\\\b");

  loopfront::report::Table table({{.name = "op"}, {.name = "count", .kind = loopfront::report::ColumnKind::kInteger}});
  table.Row().Add("q,\"proj\"\nnext\x1b[2J").Add(std::int64_t{3});
  const std::string csv = loopfront::report::WriteCsv(table);
  CHECK(csv == "op,count\n\"q,\"\"proj\"\"\nnext\x1b[2J\",3\n");
  const std::string text = loopfront::report::WriteText(table, {});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK_THAT(text, Catch::Contains("q,\"proj\"\\nnext\\x1b[2J"));

  loopfront::util::Diagnostic diagnostic{
      .file = "a.yaml", .line = 1, .column = 2, .path = "name\x1b", .message = "got 'x\x07'\nsecond line"};
  CHECK(diagnostic.ToString() == "a.yaml:1:2: name\\x1b: got 'x\\x07'\nsecond line");
}

TEST_CASE("A YAML value with an escape sequence is shown escaped in the diagnostic", "[integration][limits]") {
  const fs::path directory = Scratch("escape");
  const fs::path file = directory / "bad.yaml";
  Write(file, "name: \"evil\\e[31m\\nname\"\nlevels: 3\n");
  const auto result = RunLoopfront("validate '" + file.string() + "'");
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find('\x1b') == std::string::npos);
  fs::remove_all(directory);
}
