// The bad-input folder (shared/STYLE.md, "Tests"): every tests/bad_inputs/*.yaml (or *.json) holds one error.
// Its first line is `# expect: <part of the message>`; an optional second line
// `# expect-at: LINE:COL` pins the position. For each file, `loopfront validate FILE` must exit
// with code 2 and print a diagnostic line `FILE:LINE:COL: ...` that contains the expected text
// (at exactly LINE:COL when given). A file that is not a loopfront document (a Timeloop input)
// names the command to run on it in a line `# command: ARGS` among its first lines (e.g.
// `# command: eval --timeloop`): `loopfront ARGS FILE` then replaces `validate FILE`.
// A JSON case (a Hugging Face config.json, which cannot hold comments) keeps these lines in a
// sidecar file NAME.json.expect beside it.
// New cases need no code: drop a file in the folder.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

namespace {

struct Expectation {
  std::string message{};
  std::string position{};  // "LINE:COL" or empty
  std::string command = "validate";
};

Expectation ReadExpectation(const std::filesystem::path& file) {
  const std::filesystem::path expectations =
      file.extension() == ".json" ? std::filesystem::path(file.string() + ".expect") : file;
  const std::vector<std::string> lines = loopfront::util::Split(loopfront::testing::ReadWholeFile(expectations), '\n');
  Expectation expectation;
  const std::string expect_prefix = "# expect: ";
  const std::string at_prefix = "# expect-at: ";
  if (!lines.empty() && lines[0].starts_with(expect_prefix))
    expectation.message = lines[0].substr(expect_prefix.size());
  if (lines.size() > 1 && lines[1].starts_with(at_prefix)) expectation.position = lines[1].substr(at_prefix.size());
  const std::string command_prefix = "# command: ";
  for (std::size_t index = 1; index < std::min<std::size_t>(lines.size(), 3); ++index) {
    if (lines[index].starts_with(command_prefix)) expectation.command = lines[index].substr(command_prefix.size());
  }
  return expectation;
}

}  // namespace

TEST_CASE("Every bad input is rejected with exit code 2, a position and the expected message", "[integration][bad]") {
  const std::filesystem::path folder = std::filesystem::path(LOOPFRONT_TESTS_DIR) / "bad_inputs";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 22);

  for (const std::filesystem::path& file : files) {
    INFO(file.filename().string());
    const Expectation expectation = ReadExpectation(file);
    REQUIRE_FALSE(expectation.message.empty());  // the first line must say what to expect
    const loopfront::testing::CommandResult result =
        loopfront::testing::RunLoopfront(expectation.command + " '" + file.string() + "'");
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());

    // A diagnostic line that starts with FILE:LINE:COL: and contains the expected text.
    const std::string prefix = file.string() + ":";
    bool found = false;
    for (const std::string& line : loopfront::util::Split(result.err, '\n')) {
      if (!line.starts_with(prefix)) continue;
      // The rest reads LINE:COL: message, with LINE and COL positive integers.
      const std::string rest = line.substr(prefix.size());
      const std::vector<std::string> fields = loopfront::util::Split(rest, ':');
      if (fields.size() < 3) continue;
      const std::optional<std::int64_t> position_line = loopfront::util::ParseInt64(fields[0]);
      const std::optional<std::int64_t> position_column = loopfront::util::ParseInt64(fields[1]);
      if (!position_line || !position_column || *position_line < 1 || *position_column < 1) continue;
      if (!expectation.position.empty() && fields[0] + ":" + fields[1] != expectation.position) continue;
      if (rest.find(expectation.message) != std::string::npos) found = true;
    }
    CHECK(found);
  }
}
