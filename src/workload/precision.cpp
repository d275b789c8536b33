#include "loopfront/workload/precision.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <string>

#include "loopfront/util/error.h"

namespace loopfront::workload {
namespace {

// The word sizes CheckTransformerSpec accepts for `bits`.
constexpr int kMinBits = 1;
constexpr int kMaxBits = 64;

struct Token {
  std::string_view name;
  std::optional<int> PrecisionSpec::*field;
  std::string_view meaning;
};
// `acc` before `a`: the longest name is matched first.
constexpr std::array<Token, 4> kTokens = {{{"acc", &PrecisionSpec::accumulators, "accumulators"},
                                           {"kv", &PrecisionSpec::kv_cache, "KV cache"},
                                           {"w", &PrecisionSpec::weights, "weights"},
                                           {"a", &PrecisionSpec::activations, "activations"}}};

[[noreturn]] void Fail(std::string_view option, std::string_view text, const std::string& problem) {
  throw util::ConfigError({util::Diagnostic{
      .path = std::string(option),
      .message = fmt::format("expected tokens w, a, kv, acc, each followed by its bits (1..64) and each at most once, "
                             "e.g. w4a16kv8, got '{}': {}",
                             text, problem)}});
}

}  // namespace

PrecisionSpec ParsePrecisionSpec(std::string_view text, std::string_view option) {
  std::string lower(text);
  for (char& character : lower) character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  if (lower.empty()) Fail(option, text, "it is empty");
  PrecisionSpec spec;
  std::size_t position = 0;
  while (position < lower.size()) {
    const Token* token = nullptr;
    for (const Token& candidate : kTokens) {
      if (std::string_view(lower).substr(position).starts_with(candidate.name)) {
        token = &candidate;
        break;
      }
    }
    if (token == nullptr) {
      Fail(option, text,
           fmt::format("'{}' at character {} is not w, a, kv or acc", text.substr(position), position + 1));
    }
    position += token->name.size();
    const std::size_t digits_begin = position;
    while (position < lower.size() && std::isdigit(static_cast<unsigned char>(lower[position]))) ++position;
    const std::string_view digits = std::string_view(lower).substr(digits_begin, position - digits_begin);
    if (digits.empty()) Fail(option, text, fmt::format("'{}' has no bits after it", token->name));
    // At most 3 digits reach the range check; longer ones are out of range anyway.
    const int bits = digits.size() > 3 ? kMaxBits + 1 : std::stoi(std::string(digits));
    if (bits < kMinBits || bits > kMaxBits) {
      Fail(option, text, fmt::format("{} bits {} are outside {}..{}", token->meaning, digits, kMinBits, kMaxBits));
    }
    std::optional<int>& field = spec.*(token->field);
    if (field) Fail(option, text, fmt::format("'{}' ({}) is given twice", token->name, token->meaning));
    field = bits;
  }
  return spec;
}

Precision ResolvePrecision(const PrecisionSpec& spec, int bits) {
  const Precision defaults;
  return Precision{.weights = spec.weights.value_or(bits),
                   .activations = spec.activations.value_or(bits),
                   .kv_cache = spec.kv_cache.value_or(bits),
                   .accumulators = spec.accumulators.value_or(defaults.accumulators)};
}

Precision PrecisionOverride(std::string_view text, std::string_view option, const WorkloadSpec& spec) {
  const PrecisionSpec parsed = ParsePrecisionSpec(text, option);
  if (!spec.transformer) {
    throw util::ConfigError({util::Diagnostic{
        .path = std::string(option),
        .message = fmt::format("expected a transformer workload, got the op list '{}', whose tensors give their own "
                               "word_bits",
                               spec.name)}});
  }
  return ResolvePrecision(parsed, spec.transformer->bits);
}

}  // namespace loopfront::workload
