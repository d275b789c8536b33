// Runs the loopfront binary as a user would (LOOPFRONT_BINARY, set by tests/CMakeLists.txt) and
// captures its exit code, stdout and stderr, for the integration tests.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace loopfront::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out{};
  std::string err{};
};

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Runs `command` (shell words; quote them where needed) through the shell.
inline CommandResult RunCommand(const std::string& command) {
  // One scratch pair per process and call, so that tests run in parallel by ctest do not collide.
  static int call_index = 0;
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() /
      ("loopfront_cli_" + std::to_string(::getpid()) + "_" + std::to_string(call_index++));
  const std::string out_path = scratch.string() + ".out";
  const std::string err_path = scratch.string() + ".err";
  const std::string redirected = command + " >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(redirected.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

// `arguments` is appended to the binary's path as shell words; quote them where needed.
inline CommandResult RunLoopfront(const std::string& arguments) {
  return RunCommand(std::string("'") + LOOPFRONT_BINARY + "' " + arguments);
}

// Starts `words` (the first looked up on PATH) as a child process with stdout and stderr sent to
// /dev/null, and returns its pid (negative when fork fails); the caller waits for it.
inline pid_t StartQuietly(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

}  // namespace loopfront::testing
