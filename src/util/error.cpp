#include "loopfront/util/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

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
  std::string prefix;
  if (!file.empty()) {
    prefix = line > 0 ? fmt::format("{}:{}:{}: ", file, line, column) : fmt::format("{}: ", file);
  }
  if (!path.empty()) prefix += path + ": ";
  return prefix + message;
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
