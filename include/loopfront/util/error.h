// Errors in loopfront come in exactly two kinds (shared/STYLE.md, "Core shapes"):
//  - ConfigError: the user's input is wrong (a YAML key, a CLI value, a mapping that overflows a
//    buffer when the user asked to evaluate it). It carries every diagnostic found, not just the
//    first; `main` prints them one per line and exits with code 2.
//  - InternalError: a bug in loopfront. `main` prints it and exits with code 1.
// Expected failures on the hot path (an infeasible mapping) are values, never exceptions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace loopfront::util {

// One problem in the user's input, already formatted as
// `file:line:col: key.path: expected ..., got ...; hint` (or without position for CLI values).
struct Diagnostic {
  std::string file{};   // empty for command-line values
  int line = 0;       // 1-based; 0 = unknown
  int column = 0;     // 1-based; 0 = unknown
  std::string path{};   // dotted key path, e.g. `levels[2].capacity_bytes`
  std::string message{};  // "expected ..., got ...; hint"

  std::string ToString() const;
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  explicit ConfigError(const std::string& message);  // a single error without a position

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Collects diagnostics while a whole input is checked, so that all errors are reported together.
class Diagnostics {
 public:
  void Add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void Append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws ConfigError with everything collected, if anything was.
  void ThrowIfAny() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace loopfront::util
