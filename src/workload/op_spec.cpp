#include "loopfront/workload/op_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"

namespace loopfront::workload {
namespace {

constexpr std::int64_t kDefaultBits = 8;  // survey Sec. 2.2: 8-bit everything
// Strides and dilations: the coefficients of an affine index (workload/limits.h).
constexpr util::IntRange kConvParameterRange{1, kMaxCoefficient};

enum class SpecKind { kMatmul, kBmm, kMatvec, kConv, kDwConv, kSoftmax, kLayerNorm, kRmsNorm, kGelu, kSilu, kAdd, kMul };

struct KindInfo {
  SpecKind kind;
  std::string_view name;
  std::vector<std::string_view> required_dims;
  std::vector<std::string_view> optional_dims;
  std::vector<std::string_view> parameters{};  // positive integers that are not dims
};

// Convolutions: `stride` sets both strides, `stride_w`/`stride_h` one each (likewise dilation).
const std::vector<std::string_view> kConvParameters = {"stride",   "stride_w",   "stride_h",
                                                       "dilation", "dilation_w", "dilation_h"};

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kinds = {
      {SpecKind::kMatmul, "matmul", {"m", "n", "k"}, {}},
      {SpecKind::kBmm, "bmm", {"m", "n", "k"}, {"b", "h"}},
      {SpecKind::kMatvec, "matvec", {"n", "k"}, {}},
      {SpecKind::kConv, "conv", {"c", "m", "p", "q", "r", "s"}, {"n"}, kConvParameters},
      {SpecKind::kDwConv, "dwconv", {"g", "p", "q", "r", "s"}, {"n"}, kConvParameters},
      {SpecKind::kSoftmax, "softmax", {"m", "n"}, {"b", "h"}},
      {SpecKind::kLayerNorm, "layernorm", {"m", "n"}, {}},
      {SpecKind::kRmsNorm, "rmsnorm", {"m", "n"}, {}},
      {SpecKind::kGelu, "gelu", {"m", "n"}, {}},
      {SpecKind::kSilu, "silu", {"m", "n"}, {}},
      {SpecKind::kAdd, "add", {"m", "n"}, {}},
      {SpecKind::kMul, "mul", {"m", "n"}, {}},
  };
  return kinds;
}

std::vector<std::string> ToStrings(const std::vector<std::string_view>& views) { return {views.begin(), views.end()}; }

bool IsPlainName(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' || character == '-' ||
           character == '.';
  });
}

// Splits on spaces, keeping each token's 1-based column for messages.
std::vector<std::pair<std::string_view, int>> Tokenize(std::string_view text) {
  std::vector<std::pair<std::string_view, int>> tokens;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position])) != 0) ++position;
    const std::size_t start = position;
    while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position])) == 0) ++position;
    if (position > start) tokens.emplace_back(text.substr(start, position - start), static_cast<int>(start) + 1);
  }
  return tokens;
}

class OpSpecParser {
 public:
  OpSpecParser(std::string_view text, std::string_view label) : text_(text), label_(label) {}

  Op Parse() {
    const std::vector<std::pair<std::string_view, int>> tokens = Tokenize(text_);
    if (tokens.empty()) {
      Problem(fmt::format("expected an op such as \"matmul m=512 n=768 k=768\" (kinds: {}), got an empty string",
                          util::Join(OpSpecKinds(), ", ")));
      Throw();
    }
    const auto [kind_text, kind_column] = tokens.front();
    const KindInfo* info = nullptr;
    for (const KindInfo& candidate : Kinds()) {
      if (candidate.name == kind_text) info = &candidate;
    }
    if (info == nullptr) {
      Problem(fmt::format("expected an op kind ({}) as the first word, got '{}'{}", util::Join(OpSpecKinds(), ", "),
                          kind_text, util::DidYouMeanHint(kind_text, OpSpecKinds())));
      Throw();
    }
    std::vector<std::string> keys = ToStrings(info->required_dims);
    for (std::string_view dim : info->optional_dims) keys.emplace_back(dim);
    for (std::string_view parameter : info->parameters) keys.emplace_back(parameter);
    keys.emplace_back("bits");
    keys.emplace_back("name");

    std::map<std::string, std::string, std::less<>> values;
    for (std::size_t index = 1; index < tokens.size(); ++index) {
      const auto [token, column] = tokens[index];
      const std::size_t equals = token.find('=');
      if (equals == std::string_view::npos || equals == 0) {
        Problem(fmt::format("expected key=value (keys of {}: {}) at column {}, got '{}'", info->name,
                            util::Join(keys, ", "), column, token));
        continue;
      }
      const std::string key(token.substr(0, equals));
      const std::string value(token.substr(equals + 1));
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Problem(fmt::format("expected one of the keys {} for {}, got '{}' at column {}{}", util::Join(keys, ", "),
                            info->name, key, column, util::DidYouMeanHint(key, keys)));
        continue;
      }
      if (!values.emplace(key, value).second) {
        Problem(fmt::format("expected each key once, got '{}' again at column {}", key, column));
      }
    }

    Op op;
    op.name = std::string(info->name);
    if (const auto name = values.find("name"); name != values.end()) {
      if (IsPlainName(name->second)) {
        op.name = name->second;
      } else {
        Problem(fmt::format("name: expected letters, digits, '_', '-' or '.', got '{}'", name->second));
      }
    }
    const int bits = static_cast<int>(ReadInt(values, "bits", util::kElementBitsRange).value_or(kDefaultBits));
    std::map<std::string_view, std::int64_t> sizes;
    for (std::string_view dim : info->required_dims) {
      if (!values.contains(dim)) {
        Problem(fmt::format("expected {}=SIZE ({} needs {}), got none", dim, info->name,
                            util::Join(ToStrings(info->required_dims), ", ")));
        continue;
      }
      if (const std::optional<std::int64_t> size = ReadInt(values, dim, util::kCountRange)) sizes[dim] = *size;
    }
    for (std::string_view dim : info->optional_dims) {
      if (const std::optional<std::int64_t> size = ReadInt(values, dim, util::kCountRange)) sizes[dim] = *size;
    }
    for (std::string_view parameter : info->parameters) {
      if (const std::optional<std::int64_t> value = ReadInt(values, parameter, kConvParameterRange)) {
        sizes[parameter] = *value;
      }
    }
    for (std::string_view both : {"stride", "dilation"}) {
      for (std::string_view axis : {"_w", "_h"}) {
        const std::string one = std::string(both) + std::string(axis);
        if (values.contains(both) && values.contains(one)) {
          Problem(fmt::format("expected {} or {}, got both", both, one));
        }
      }
    }
    if (!problems_.empty()) Throw();
    Build(*info, sizes, bits, op);
    for (const std::string& problem : CheckOp(op)) Problem(problem);
    if (!problems_.empty()) Throw();
    return op;
  }

 private:
  // The integer value of `key` inside `range` (dims and sizes: util::kCountRange); nullopt if absent
  // or wrong.
  std::optional<std::int64_t> ReadInt(const std::map<std::string, std::string, std::less<>>& values,
                                      std::string_view key, const util::IntRange& range) {
    const auto found = values.find(key);
    if (found == values.end()) return std::nullopt;
    const std::optional<std::int64_t> value = util::ParseInt64(found->second);
    if (!value || !range.Contains(*value)) {
      Problem(fmt::format("{}: expected {}, got '{}'", key, util::DescribeRange(range), found->second));
      return std::nullopt;
    }
    return value;
  }

  static void Build(const KindInfo& info, const std::map<std::string_view, std::int64_t>& sizes, int bits, Op& op) {
    auto size_of = [&](std::string_view dim, std::int64_t fallback) {
      const auto found = sizes.find(dim);
      return found == sizes.end() ? fallback : found->second;
    };
    auto add_tensor = [&](std::string name, TensorRole role, const std::vector<std::string_view>& dims) {
      Tensor tensor{.name = std::move(name), .role = role, .dims = {}, .word_bits = bits};
      for (std::string_view dim : dims) tensor.dims.push_back(op.DimIndex(dim));
      op.tensors.push_back(std::move(tensor));
    };
    // A convolution parameter: `stride_w`, else `stride`, else 1 (likewise dilation).
    auto parameter = [&](std::string_view both, std::string_view one) { return size_of(one, size_of(both, 1)); };
    switch (info.kind) {
      case SpecKind::kConv:
      case SpecKind::kDwConv: {
        const bool depthwise = info.kind == SpecKind::kDwConv;
        const std::string name = op.name;
        op = MakeConvolution({.name = name,
                              .n = size_of("n", 1),
                              .c = size_of("c", 1),
                              .m = size_of("m", 1),
                              .groups = depthwise ? size_of("g", 1) : 0,
                              .p = size_of("p", 1),
                              .q = size_of("q", 1),
                              .r = size_of("r", 1),
                              .s = size_of("s", 1),
                              .stride_w = parameter("stride", "stride_w"),
                              .stride_h = parameter("stride", "stride_h"),
                              .dilation_w = parameter("dilation", "dilation_w"),
                              .dilation_h = parameter("dilation", "dilation_h"),
                              .bits = bits});
        return;
      }
      case SpecKind::kMatmul:
      case SpecKind::kMatvec:
        op.kind = OpKind::kContraction;
        op.dims = {{"m", info.kind == SpecKind::kMatvec ? 1 : size_of("m", 1)},
                   {"n", size_of("n", 1)},
                   {"k", size_of("k", 1)}};
        add_tensor("A", TensorRole::kInput, {"m", "k"});
        add_tensor("B", TensorRole::kWeight, {"k", "n"});
        add_tensor("Z", TensorRole::kOutput, {"m", "n"});
        return;
      case SpecKind::kBmm:
        op.kind = OpKind::kContraction;
        op.dims = {{"b", size_of("b", 1)},
                   {"h", size_of("h", 1)},
                   {"m", size_of("m", 1)},
                   {"n", size_of("n", 1)},
                   {"k", size_of("k", 1)}};
        add_tensor("A", TensorRole::kInput, {"b", "h", "m", "k"});
        add_tensor("B", TensorRole::kWeight, {"b", "h", "k", "n"});
        add_tensor("Z", TensorRole::kOutput, {"b", "h", "m", "n"});
        return;
      default:
        break;
    }
    static const std::map<SpecKind, OpKind> kVectorKinds = {
        {SpecKind::kSoftmax, OpKind::kSoftmax}, {SpecKind::kLayerNorm, OpKind::kLayerNorm},
        {SpecKind::kRmsNorm, OpKind::kRmsNorm}, {SpecKind::kGelu, OpKind::kGelu},
        {SpecKind::kSilu, OpKind::kSilu},       {SpecKind::kAdd, OpKind::kAdd},
        {SpecKind::kMul, OpKind::kMul}};
    op.kind = kVectorKinds.at(info.kind);
    const VectorOpProfile profile = DefaultVectorProfile(op.kind);
    op.passes = profile.passes;
    op.ops_per_element = profile.ops_per_element;
    std::vector<std::string_view> dims;
    // Softmax over per-head scores has the builder's b, h dims when given (transformer.cpp).
    for (std::string_view dim : {"b", "h"}) {
      if (sizes.contains(dim)) dims.push_back(dim);
    }
    dims.push_back("m");
    dims.push_back("n");
    for (std::string_view dim : dims) op.dims.push_back({std::string(dim), size_of(dim, 1)});
    add_tensor("A", TensorRole::kInput, dims);
    if (info.kind == SpecKind::kAdd || info.kind == SpecKind::kMul) add_tensor("B", TensorRole::kInput, dims);
    add_tensor("Z", TensorRole::kOutput, dims);
    // Softmax and the norms reduce along the feature / key dim n, as the builder's ops do.
    if (info.kind == SpecKind::kSoftmax || info.kind == SpecKind::kLayerNorm || info.kind == SpecKind::kRmsNorm) {
      op.reduced_dim = op.DimIndex("n");
    }
  }

  void Problem(std::string message) { problems_.push_back(std::move(message)); }

  [[noreturn]] void Throw() const {
    std::vector<util::Diagnostic> diagnostics;
    for (const std::string& problem : problems_) {
      diagnostics.push_back(
          util::Diagnostic{.path = std::string(label_), .message = fmt::format("{} (in \"{}\")", problem, text_)});
    }
    throw util::ConfigError(std::move(diagnostics));
  }

  std::string_view text_;
  std::string_view label_;
  std::vector<std::string> problems_;
};

}  // namespace

Op ParseOpSpec(std::string_view text, std::string_view label) { return OpSpecParser(text, label).Parse(); }

std::vector<std::string> OpSpecKinds() {
  std::vector<std::string> names;
  for (const KindInfo& info : Kinds()) names.emplace_back(info.name);
  return names;
}

}  // namespace loopfront::workload
