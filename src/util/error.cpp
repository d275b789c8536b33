#include "loopfront/util/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "loopfront/util/strings.h"

namespace loopfront::util {
namespace {

std::string JoinDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!text.empty()) text += '\n';
    text += diagnostic.ToString();
  }
  return text;
}

}  // namespace

std::string Diagnostic::ToString() const {
  // File names, key paths and messages echo the user's text (a key, a label, a value): control
  // characters in them are shown escaped, so a diagnostic is one line and cannot drive the
  // terminal. A message's own line breaks (a list of choices, gnuplot's output) stay.
  std::string prefix;
  if (!file.empty()) {
    prefix = line > 0 ? fmt::format("{}:{}:{}: ", EscapeControl(file), line, column)
                      : fmt::format("{}: ", EscapeControl(file));
  }
  if (!path.empty()) prefix += EscapeControl(path) + ": ";
  std::string shown;
  for (const std::string& message_line : Split(message, '\n')) {
    if (!shown.empty()) shown += '\n';
    shown += EscapeControl(message_line);
  }
  return prefix + shown;
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(JoinDiagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ConfigError::ConfigError(const std::string& message)
    : std::runtime_error(message), diagnostics_{Diagnostic{.message = message}} {}

void Diagnostics::ThrowIfAny() const {
  if (items_.empty()) return;
  // Report in file order, whatever order the checks ran in.
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  throw ConfigError(std::move(sorted));
}

}  // namespace loopfront::util
