#include "loopfront/io/input.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "loopfront/io/json_reader.h"

namespace loopfront::io {
namespace {

std::atomic<std::int64_t> max_input_bytes{kDefaultMaxInputBytes};

// strerror's text with a lower-case first letter ("Permission denied" → "permission denied").
std::string Reason(int error_number) {
  std::string reason = std::strerror(error_number);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return reason;
}

std::string ProblemOfErrno(int error_number) {
  if (error_number == ENOENT) return "none at that path";
  if (error_number == EISDIR) return "one that is a directory";
  return "one that cannot be opened: " + Reason(error_number);
}

std::string KindOfFile(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

std::string TooLarge(std::int64_t limit_bytes, std::string_view size) {
  return fmt::format("one larger than the {} input limit (--max-input-bytes): {}", DescribeBytes(limit_bytes), size);
}

}  // namespace

std::int64_t MaxInputBytes() { return max_input_bytes.load(std::memory_order_relaxed); }

void SetMaxInputBytes(std::int64_t bytes) {
  if (bytes < 1) throw util::InternalError(fmt::format("SetMaxInputBytes({}): the limit must be positive", bytes));
  max_input_bytes.store(bytes, std::memory_order_relaxed);
}

std::string DescribeBytes(std::int64_t bytes) {
  constexpr std::int64_t kMiB = std::int64_t{1} << 20;
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  return fmt::format("{} bytes", bytes);
}

InputText ReadInputFile(const std::filesystem::path& path) {
  InputText result;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (a hang); the file's
  // kind is then checked on the descriptor itself (fstat), so nothing can swap the file between
  // the check and the read.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (descriptor < 0) {
    result.problem = ProblemOfErrno(errno);
    return result;
  }
  struct stat status {};
  if (::fstat(descriptor, &status) != 0) {
    result.problem = ProblemOfErrno(errno);
  } else if (S_ISDIR(status.st_mode)) {
    result.problem = "one that is a directory";
  } else if (!S_ISREG(status.st_mode)) {
    result.problem = fmt::format("one that is not a regular file ({})", KindOfFile(status.st_mode));
  }
  const std::int64_t limit_bytes = MaxInputBytes();
  if (result.ok() && status.st_size > limit_bytes) {
    result.problem = TooLarge(limit_bytes, fmt::format("{} bytes", status.st_size));
  }
  if (!result.ok()) {
    ::close(descriptor);
    return result;
  }
  // Read at most one byte past the limit: a file that grew since fstat (or a /proc file, whose
  // size reads 0) is still bounded.
  const std::size_t cap = static_cast<std::size_t>(limit_bytes) + 1;
  result.text.reserve(std::min<std::size_t>(static_cast<std::size_t>(status.st_size), cap));
  char buffer[65536];
  while (result.text.size() < cap) {
    const ssize_t got = ::read(descriptor, buffer, std::min(sizeof buffer, cap - result.text.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      result.problem = "one that cannot be read: " + Reason(errno);
      break;
    }
    if (got == 0) break;
    result.text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(descriptor);
  if (result.ok() && result.text.size() > static_cast<std::size_t>(limit_bytes)) {
    result.problem = TooLarge(limit_bytes, "more bytes than that");
  }
  if (!result.ok()) result.text.clear();
  return result;
}

std::optional<std::string> ReadInputFile(const std::filesystem::path& path, std::string_view what,
                                         util::Diagnostics& diagnostics) {
  InputText input = ReadInputFile(path);
  if (input.ok()) return std::move(input.text);
  diagnostics.Add(
      util::Diagnostic{.file = path.string(), .message = fmt::format("expected a readable {}, got {}", what, input.problem)});
  return std::nullopt;
}

std::string ReadInputFileOrThrow(const std::filesystem::path& path, std::string_view what) {
  util::Diagnostics diagnostics;
  std::optional<std::string> text = ReadInputFile(path, what, diagnostics);
  diagnostics.ThrowIfAny();
  return std::move(*text);
}

std::string NestingMessage() {
  return fmt::format("expected at most {} levels of nesting (lists and mappings inside each other), got nesting "
                     "deeper than {}",
                     kMaxNestingDepth, kMaxNestingDepth);
}

namespace {

void AddAt(util::Diagnostics& diagnostics, std::string_view text, std::size_t offset, const std::string& name,
           const std::string& message) {
  const auto [line, column] = LineColumnOfOffset(std::string(text.substr(0, offset)), offset);
  diagnostics.Add(util::Diagnostic{.file = name, .line = line, .column = column, .message = message});
}

bool IsJsonNumberCharacter(char character) {
  return std::isdigit(static_cast<unsigned char>(character)) || character == '-' || character == '+' ||
         character == '.' || character == 'e' || character == 'E';
}

}  // namespace

bool CheckJsonText(std::string_view text, const std::string& name, util::Diagnostics& diagnostics) {
  int depth = 0;
  bool nesting_reported = false;
  bool number_reported = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char character = text[at];
    if (character == '"') {
      // Skip the string (escapes included); an unterminated one is the parser's to report.
      for (++at; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] == '\\') ++at;
      }
    } else if (character == '[' || character == '{') {
      if (++depth > kMaxNestingDepth && !nesting_reported) {
        AddAt(diagnostics, text, at, name, NestingMessage());
        nesting_reported = true;
      }
    } else if (character == ']' || character == '}') {
      --depth;
    } else if ((std::isdigit(static_cast<unsigned char>(character)) || character == '-') && !number_reported) {
      std::size_t end = at;
      while (end < text.size() && IsJsonNumberCharacter(text[end])) ++end;
      const std::string token(text.substr(at, end - at));
      // nlohmann reads such a literal as ±inf (and writes it back as null), or throws out_of_range
      // when it ends a number inside a longer token (`1e3081e3`: it converts `1e3081`, then finds
      // the syntax error): refuse any prefix that is no finite double here, where its position is
      // known.
      char* parsed_end = nullptr;
      const double value = std::strtod(token.c_str(), &parsed_end);
      if (parsed_end != token.c_str() && !std::isfinite(value)) {
        const std::string number = token.substr(0, static_cast<std::size_t>(parsed_end - token.c_str()));
        AddAt(diagnostics, text, at, name, fmt::format("expected a finite number, got {}", number));
        number_reported = true;
      }
      at = end - 1;
    }
    if (nesting_reported && number_reported) break;
  }
  return !nesting_reported && !number_reported;
}

namespace {

// The column of the first character of a line that is not a space.
std::size_t IndentOf(std::string_view line) {
  std::size_t column = 0;
  while (column < line.size() && line[column] == ' ') ++column;
  return column;
}

// Whether a line's content ends by opening a block scalar (`key: |`, `- >-`, `|2`): its following
// more-indented lines are text, not nesting.
bool OpensBlockScalar(std::string_view content) {
  std::size_t end = content.size();
  while (end > 0 && (content[end - 1] == ' ' || content[end - 1] == '\r')) --end;
  std::size_t start = end;
  while (start > 0 && (content[start - 1] == '+' || content[start - 1] == '-' ||
                       std::isdigit(static_cast<unsigned char>(content[start - 1])))) {
    --start;
  }
  if (start == 0 || (content[start - 1] != '|' && content[start - 1] != '>')) return false;
  return start == 1 || content[start - 2] == ' ';
}

}  // namespace

bool CheckYamlNesting(std::string_view text, const std::string& name, util::Diagnostics& diagnostics) {
  // Block levels: the indentation of each open block (a mapping's keys, a list's items), innermost
  // last, as Python's tokenizer tracks indentation.
  std::vector<std::size_t> block_columns;
  int flow_depth = 0;
  std::optional<std::size_t> block_scalar_indent;  // inside a block scalar opened at this indent
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    const std::size_t indent = IndentOf(line);
    const bool blank = indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (block_scalar_indent && (blank || indent > *block_scalar_indent)) {
      line_start = line_end + 1;
      continue;
    }
    block_scalar_indent.reset();
    if (blank) {
      line_start = line_end + 1;
      continue;
    }
    std::size_t column = indent;
    if (flow_depth == 0) {
      while (!block_columns.empty() && block_columns.back() > column) block_columns.pop_back();
      if (block_columns.empty() || block_columns.back() < column) block_columns.push_back(column);
      // Each `- ` (or `? `) opens a list item, i.e. one more level, at the column after it.
      std::size_t level_start = column;
      while (true) {
        if (static_cast<int>(block_columns.size()) > kMaxNestingDepth) {
          AddAt(diagnostics, text, line_start + std::min(level_start, line.size()), name, NestingMessage());
          return false;
        }
        if (!(column + 1 < line.size() && (line[column] == '-' || line[column] == '?') &&
              (line[column + 1] == ' ' || line[column + 1] == '\r'))) {
          break;
        }
        level_start = column;
        column += 2;
        while (column < line.size() && line[column] == ' ') ++column;
        block_columns.push_back(column);
      }
    }
    // Flow brackets outside quotes and comments.
    char quote = '\0';
    for (std::size_t at = column; at < line.size(); ++at) {
      const char character = line[at];
      if (quote != '\0') {
        if (character == '\\' && quote == '"') {
          ++at;
        } else if (character == quote) {
          quote = '\0';
        }
        continue;
      }
      if (character == '#' && (at == 0 || line[at - 1] == ' ' || line[at - 1] == '\t')) break;
      if ((character == '"' || character == '\'') && (at == 0 || std::string_view(" \t[{,:").find(line[at - 1]) !=
                                                                      std::string_view::npos)) {
        quote = character;
      } else if (character == '[' || character == '{') {
        ++flow_depth;
        if (static_cast<int>(block_columns.size()) + flow_depth > kMaxNestingDepth) {
          AddAt(diagnostics, text, line_start + at, name, NestingMessage());
          return false;
        }
      } else if ((character == ']' || character == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    if (flow_depth == 0 && OpensBlockScalar(line.substr(column))) block_scalar_indent = indent;
    line_start = line_end + 1;
  }
  return true;
}

}  // namespace loopfront::io
