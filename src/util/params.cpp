#include "loopfront/util/params.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "loopfront/util/strings.h"

namespace loopfront::util {
namespace {

std::string TypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "number";
    case ParamType::kBool:
      return "bool";
  }
  return "?";
}

std::vector<std::string> Names(const std::vector<ParamSpec>& specs) {
  std::vector<std::string> names;
  for (const ParamSpec& spec : specs) names.push_back(spec.name);
  return names;
}

const ParamSpec* FindSpec(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (const ParamSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::string ExpectedParamValue(const ParamSpec& spec) {
  if (spec.type == ParamType::kBool) return "true or false";
  return fmt::format("{} {} in {}..{}", spec.type == ParamType::kInt ? "an integer" : "a number", spec.name,
                     util::FormatNumber(spec.min_value), util::FormatNumber(spec.max_value));
}

std::optional<double> ParseParamValue(const ParamSpec& spec, const std::string& text) {
  if (spec.type == ParamType::kBool) {
    if (text == "true") return 1.0;
    if (text == "false") return 0.0;
    return std::nullopt;
  }
  double value = 0;
  if (spec.type == ParamType::kInt) {
    const std::optional<std::int64_t> parsed = util::ParseInt64(text);
    if (!parsed) return std::nullopt;
    value = static_cast<double>(*parsed);
  } else {
    char* end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) return std::nullopt;
  }
  if (value < spec.min_value || value > spec.max_value) return std::nullopt;
  return value;
}

double ParamValues::Get(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) throw util::InternalError("parameter '" + name + "' was never declared");
  return found->second;
}

std::int64_t ParamValues::Int(const std::string& name) const { return static_cast<std::int64_t>(Get(name)); }
double ParamValues::Double(const std::string& name) const { return Get(name); }
bool ParamValues::Bool(const std::string& name) const { return Get(name) != 0; }

ParamValues DefaultParams(const std::vector<ParamSpec>& specs) {
  std::map<std::string, double> values;
  for (const ParamSpec& spec : specs) values[spec.name] = spec.default_value;
  return ParamValues(std::move(values));
}

ParamValues ResolveParams(const std::string& owner, const std::vector<ParamSpec>& specs,
                          const std::vector<std::string>& assignments, util::Diagnostics& diagnostics,
                          const std::string& flag) {
  std::map<std::string, double> values = DefaultParams(specs).values();
  for (const std::string& assignment : assignments) {
    const std::size_t equals = assignment.find('=');
    const std::string name = assignment.substr(0, equals);
    const ParamSpec* spec = FindSpec(specs, name);
    if (equals == std::string::npos || spec == nullptr) {
      const std::vector<std::string> names = Names(specs);
      diagnostics.Add({.path = flag,
                       .message = fmt::format("expected NAME=VALUE with NAME one of {} ({}), got '{}'{}",
                                              names.empty() ? std::string("(none)") : util::Join(names, ", "), owner,
                                              assignment, util::DidYouMeanHint(name, names))});
      continue;
    }
    const std::optional<double> value = ParseParamValue(*spec, assignment.substr(equals + 1));
    if (!value) {
      diagnostics.Add(
          {.path = flag + " " + name,
           .message = fmt::format("expected {}, got '{}'", ExpectedParamValue(*spec), assignment.substr(equals + 1))});
      continue;
    }
    values[name] = *value;
  }
  return ParamValues(std::move(values));
}

std::string DescribeParam(const ParamSpec& spec) {
  if (spec.type == ParamType::kBool) {
    return fmt::format("{} (bool, default {}): {}", spec.name, spec.default_value != 0 ? "true" : "false",
                       spec.description);
  }
  return fmt::format("{} ({}, default {}, {}..{}): {}", spec.name, TypeName(spec.type),
                     util::FormatNumber(spec.default_value), util::FormatNumber(spec.min_value),
                     util::FormatNumber(spec.max_value), spec.description);
}

}  // namespace loopfront::util
