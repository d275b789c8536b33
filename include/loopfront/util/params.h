// Declared parameters of plug-ins (searchers, cost models): each plug-in lists its parameters with
// a type, a default, a valid range and a one-line description (shown by `loopfront list`), in the
// manner of Ramulator 2's components. User values come from YAML (`search.params`,
// `cost_model.params`: io/param_reader.h) or the command line (`--param name=value`,
// `--cost-param name=value`); unknown names, wrong types and out-of-range values are
// configuration errors that name the plug-in and the valid parameters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/util/error.h"

namespace loopfront::util {

enum class ParamType { kInt, kDouble, kBool };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kInt;
  double default_value = 0;
  double min_value = 0;  // inclusive
  double max_value = 0;  // inclusive
  std::string description{};
};

// Resolved values: every declared parameter has one (the default unless the user gave it).
class ParamValues {
 public:
  ParamValues() = default;
  explicit ParamValues(std::map<std::string, double> values) : values_(std::move(values)) {}

  std::int64_t Int(const std::string& name) const;
  double Double(const std::string& name) const;
  bool Bool(const std::string& name) const;
  const std::map<std::string, double>& values() const { return values_; }

 private:
  double Get(const std::string& name) const;  // InternalError for an undeclared name (our bug)
  std::map<std::string, double> values_;
};

// The defaults of `specs`.
ParamValues DefaultParams(const std::vector<ParamSpec>& specs);

// `text` as a value of `spec` (a bool is 1 or 0); nullopt if it is not one or is out of range.
std::optional<double> ParseParamValue(const ParamSpec& spec, const std::string& text);
// What a value of `spec` must be, for "expected ..." messages: "an integer population in 4..100000".
std::string ExpectedParamValue(const ParamSpec& spec);

// From the command line: each item is `name=value`. Errors are collected into `diagnostics` with
// the path `flag` (`--param`, `--cost-param`); `owner` names the plug-in ("searcher genetic").
ParamValues ResolveParams(const std::string& owner, const std::vector<ParamSpec>& specs,
                          const std::vector<std::string>& assignments, Diagnostics& diagnostics,
                          const std::string& flag = "--param");

// "population (int, default 64, 2..100000): individuals per generation" — for `loopfront list`.
std::string DescribeParam(const ParamSpec& spec);

}  // namespace loopfront::util
