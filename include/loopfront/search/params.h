// Declared parameters of plug-ins (searchers, cost models): each plug-in lists its parameters with
// a type, a default, a valid range and a one-line description (shown by `loopfront list`), in the
// manner of Ramulator 2's components. User values come from YAML (`search.params`) or the command
// line (`--param name=value`); unknown names, wrong types and out-of-range values are
// configuration errors that name the plug-in and the valid parameters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/util/error.h"

namespace loopfront::io {
class YamlValue;
}  // namespace loopfront::io

namespace loopfront::search {

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

// From YAML: `params` must be a mapping of declared names to values of the declared type and range.
// Errors go to the value's diagnostics with file:line:col.
ParamValues ResolveParams(const std::string& owner, const std::vector<ParamSpec>& specs, const io::YamlValue& params);

// From the command line: each item is `name=value`. Errors are collected into `diagnostics`
// with the path `--param`.
ParamValues ResolveParams(const std::string& owner, const std::vector<ParamSpec>& specs,
                          const std::vector<std::string>& assignments, util::Diagnostics& diagnostics);

// "population (int, default 64, 2..100000): individuals per generation" — for `loopfront list`.
std::string DescribeParam(const ParamSpec& spec);

}  // namespace loopfront::search
