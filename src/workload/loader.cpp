#include "loopfront/workload/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "loopfront/io/presets.h"
#include "loopfront/util/checked.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/hf_config.h"

namespace loopfront::workload {
namespace {

using io::YamlMap;
using io::YamlValue;

const std::vector<std::string> kTransformerDocumentKeys = {"name", std::string(kTransformerKey)};
const std::vector<std::string> kOpListDocumentKeys = {"name", "bits", std::string(kOpListKey)};
const std::vector<std::string> kTransformerKeys = {"d_model",    "heads", "d_head",         "d_ff",   "layers",
                                                   "seq_len",    "batch", "phase",          "kv_len", "bits",
                                                   "activation", "norm",  "norm_placement", "decoder",
                                                   "patch_embedding", "kv_heads", "vocab", "positions",
                                                   "max_positions", "token_types", "lm_head", "tie_embeddings",
                                                   "qkv_bias", "out_bias", "mlp_bias", "sliding_window", "moe",
                                                   "precision"};
const std::vector<std::string> kPrecisionKeys = {"weights", "activations", "kv_cache", "accumulators"};
const std::vector<std::string> kOpKeys = {"name",      "kind",        "class",          "dims",
                                          "tensors",   "count",       "passes",         "ops_per_element",
                                          "functions", "reduced_dim", "coefficients"};
const std::vector<std::string> kTensorKeys = {"name", "role", "dims", "bits", "data"};
// A stride or dilation of an affine index (workload/limits.h).
constexpr util::IntRange kCoefficientRange{1, kMaxCoefficient};

// Names end up in CSV columns and mapping strings: letters, digits, '_', '-', '.'.
bool IsPlainName(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' || character == '-' ||
           character == '.';
  });
}

// Dim names are identifiers: they appear in einsum-like strings (`S[b,h,m,n]`).
bool IsIdentifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0])) != 0) return false;
  return std::all_of(text.begin(), text.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_';
  });
}

std::optional<std::string> ReadName(const YamlValue& value) {
  std::optional<std::string> text = value.AsString();
  if (!text) return std::nullopt;
  if (!IsPlainName(*text)) {
    value.ErrorExpected("a name of letters, digits, '_', '-' or '.'");
    return std::nullopt;
  }
  return text;
}

std::optional<int> ReadBits(const YamlValue& value) {
  const std::optional<std::int64_t> bits = value.AsIntIn(util::kElementBitsRange);
  if (!bits) return std::nullopt;
  return static_cast<int>(*bits);
}

// Reads an optional document-level `name:`.
std::string ReadDocumentName(const YamlMap& map, const std::string& default_name) {
  if (const std::optional<YamlValue> value = map.Get("name")) {
    if (std::optional<std::string> name = ReadName(*value)) return *name;
  }
  return default_name;
}

void ThrowIfAny(const io::YamlDocument& document) {
  // Every YamlValue of a document reports into the Diagnostics given to YamlDocument::Load*.
  document.root().diagnostics().ThrowIfAny();
}

// After a read that failed: the reader recorded why, so this always throws ConfigError.
[[noreturn]] void Fail(const io::YamlDocument& document) {
  ThrowIfAny(document);
  throw util::InternalError("a workload reader failed without recording a diagnostic");
}

// ---- Transformer specs ------------------------------------------------------------------------

template <typename Enum>
std::optional<Enum> ReadChoice(const YamlMap& map, const std::string& key, const std::vector<std::string>& names,
                               std::optional<Enum> (*parse)(std::string_view)) {
  const std::optional<YamlValue> value = map.Get(key);
  if (!value) return std::nullopt;
  const std::optional<std::string> text = value->AsChoice(names);
  return text ? parse(*text) : std::nullopt;
}

// ---- Op lists ---------------------------------------------------------------------------------

// Where an op and its tensors are in the file, to position graph-level problems.
struct OpPosition {
  YamlValue op;
  std::optional<YamlValue> name{};
  std::vector<std::optional<YamlValue>> tensor_names{};
  std::vector<bool> data_given{};  // per tensor: whether the file gave `data:`
};

// `dims:` of an op: name → size in kCountRange, in file order. A vector op (`vector_op`) may not
// name a dim `pass`: the mapping layer adds a dim of that name over its passes.
bool ReadDims(const YamlValue& value, Op& op, std::vector<YamlValue>& dim_keys, bool vector_op) {
  const std::optional<YamlMap> dims = value.AsOpenMap();
  if (!dims) return false;
  bool ok = true;
  if (dims->entries().empty()) {
    value.ErrorExpected("a mapping of dim names to sizes, e.g. {m: 512, n: 768, k: 768}");
    return false;
  }
  for (const YamlMap::Entry& entry : dims->entries()) {
    const std::string name = entry.key.Text();
    if (!IsIdentifier(name)) {
      entry.key.ErrorExpected("a dim name that is an identifier (letters, digits, '_')");
      ok = false;
      continue;
    }
    if (vector_op && name == kPassDimName) {
      entry.key.Error(fmt::format("expected a dim name other than '{}' on a vector op, got '{}' (the name of the "
                                  "dim over its passes)",
                                  kPassDimName, name));
      ok = false;
      continue;
    }
    const std::optional<std::int64_t> size = entry.value.AsIntIn(util::kCountRange);
    if (!size) {
      ok = false;
      continue;
    }
    op.dims.push_back(Dim{.name = name, .size = *size});
    dim_keys.push_back(entry.key);
  }
  return ok;
}

std::vector<std::string> DimNames(const Op& op) {
  std::vector<std::string> names;
  for (const Dim& dim : op.dims) names.push_back(dim.name);
  return names;
}

// A dim name used by a tensor or reduced_dim: must be one of the op's dims.
std::optional<int> ReadDimReference(const YamlValue& value, const Op& op) {
  const std::optional<std::string> name = value.AsString();
  if (!name) return std::nullopt;
  const int index = op.DimIndex(*name);
  if (index < 0) {
    const std::vector<std::string> names = DimNames(op);
    value.Error(fmt::format("expected one of the op's dims {}, got unknown dim '{}'{}", util::Join(names, ", "), *name,
                            util::DidYouMeanHint(*name, names)));
    return std::nullopt;
  }
  return index;
}

struct TensorRead {
  std::optional<Tensor> tensor;
  std::optional<YamlValue> name_node;
  std::optional<YamlValue> role_node;
  std::optional<YamlValue> dims_node;
  bool data_given = false;
};

// The named coefficients of an op's affine indices (`coefficients: {Wstride: 2}`).
using Coefficients = std::map<std::string, std::int64_t>;

// An affine index (docs/workloads.md, "Convolutions"): a list of terms `[dim]` or
// `[dim, coefficient]`, the coefficient a positive integer or a name in the op's `coefficients`.
std::optional<std::vector<IndexTerm>> ReadAffineIndex(const YamlValue& value, const Op& op,
                                                     const Coefficients& coefficients) {
  const std::optional<std::vector<YamlValue>> terms = value.AsList();
  if (!terms) return std::nullopt;
  if (terms->empty()) {
    value.ErrorExpected("a non-empty list of terms [dim] or [dim, coefficient]");
    return std::nullopt;
  }
  std::vector<IndexTerm> index;
  bool ok = true;
  if (terms->size() > static_cast<std::size_t>(kMaxIndexTerms)) {
    value.Error(fmt::format("expected at most {} terms per affine index, got {}", kMaxIndexTerms, terms->size()));
    return std::nullopt;
  }
  for (const YamlValue& term : *terms) {
    const std::optional<std::vector<YamlValue>> parts = term.AsList();
    if (!parts || parts->empty() || parts->size() > 2) {
      if (parts) term.ErrorExpected("a term [dim] or [dim, coefficient]");
      ok = false;
      continue;
    }
    const std::optional<int> dim = ReadDimReference(parts->front(), op);
    if (!dim) {
      ok = false;
      continue;
    }
    IndexTerm parsed{.dim = *dim};
    if (parts->size() == 2) {
      const YamlValue& coefficient = (*parts)[1];
      const std::optional<std::string> text = coefficient.AsString();
      if (text && !text->empty() && std::isdigit(static_cast<unsigned char>(text->front())) == 0) {
        const auto found = coefficients.find(*text);
        if (found == coefficients.end()) {
          std::vector<std::string> names;
          for (const auto& [name, unused] : coefficients) names.push_back(name);
          coefficient.Error(fmt::format("expected a positive integer or a name in the op's coefficients ({}), got '{}'{}",
                                        names.empty() ? "none" : util::Join(names, ", "), *text,
                                        util::DidYouMeanHint(*text, names)));
          ok = false;
          continue;
        }
        parsed.coefficient = found->second;
        parsed.coefficient_name = *text;
      } else if (const std::optional<std::int64_t> number = coefficient.AsIntIn(kCoefficientRange)) {
        parsed.coefficient = *number;
      } else {
        ok = false;
        continue;
      }
    }
    index.push_back(std::move(parsed));
  }
  if (!ok) return std::nullopt;
  return index;
}

TensorRead ReadTensor(const YamlValue& value, const Op& op, bool dims_ok, int default_bits,
                      const Coefficients& coefficients) {
  TensorRead read;
  const std::optional<YamlMap> map = value.AsMap(kTensorKeys);
  if (!map) return read;
  Tensor tensor;
  tensor.word_bits = default_bits;
  bool ok = true;
  read.name_node = map->Require("name", "the tensor's name; ops connect through tensor names");
  if (read.name_node) {
    const std::optional<std::string> name = ReadName(*read.name_node);
    ok = ok && name.has_value();
    if (name) tensor.name = *name;
  } else {
    ok = false;
  }
  read.role_node = map->Require("role", "input, weight or output");
  if (read.role_node) {
    const std::optional<std::string> role = read.role_node->AsChoice(TensorRoleNames());
    ok = ok && role.has_value();
    if (role) tensor.role = *ParseTensorRole(*role);
  } else {
    ok = false;
  }
  read.dims_node = map->Require("dims", "the list of dims the tensor is indexed by, outermost first");
  if (read.dims_node) {
    const std::optional<std::vector<YamlValue>> items = read.dims_node->AsList();
    if (items && dims_ok) {
      std::set<int> seen;
      std::vector<std::vector<IndexTerm>> indices;
      bool affine = false;
      for (const YamlValue& item : *items) {
        std::vector<IndexTerm> index;
        if (item.IsList()) {
          // An affine index, such as a convolution input's width [[r, Wdilation], [p, Wstride]].
          affine = true;
          std::optional<std::vector<IndexTerm>> terms = ReadAffineIndex(item, op, coefficients);
          if (!terms) {
            ok = false;
            continue;
          }
          index = std::move(*terms);
        } else {
          const std::optional<int> dim = ReadDimReference(item, op);
          if (!dim) {
            ok = false;
            continue;
          }
          index.push_back({.dim = *dim});
        }
        for (const IndexTerm& term : index) {
          if (!seen.insert(term.dim).second) {
            item.Error(fmt::format("expected each dim once per tensor, got '{}' again", op.dims[term.dim].name));
            ok = false;
            continue;
          }
          tensor.dims.push_back(term.dim);
        }
        indices.push_back(std::move(index));
      }
      if (affine) tensor.affine_indices = std::move(indices);
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const std::optional<YamlValue> bits = map->Get("bits")) {
    const std::optional<int> word_bits = ReadBits(*bits);
    ok = ok && word_bits.has_value();
    if (word_bits) tensor.word_bits = *word_bits;
  }
  if (const std::optional<YamlValue> data = map->Get("data")) {
    const std::optional<std::string> text = data->AsChoice(TensorDataNames());
    ok = ok && text.has_value();
    if (text) tensor.data = *ParseTensorData(*text);
    read.data_given = true;
  }
  if (ok) read.tensor = tensor;
  return read;
}

// `functions:` of a vector op: one map per pass from function names to counts per element. Empty
// when the list is empty or wrong (problems are recorded in the diagnostics).
std::vector<FunctionMix> ReadFunctionMixes(const YamlValue& value) {
  const std::optional<std::vector<YamlValue>> items = value.AsList();
  if (!items) return {};
  if (items->empty()) {
    value.ErrorExpected("a non-empty list of function mixes, one per pass");
    return {};
  }
  std::vector<FunctionMix> mixes;
  for (const YamlValue& item : *items) {
    const std::optional<YamlMap> map = item.AsMap(MathFunctionNames());
    if (!map) continue;
    FunctionMix mix{};
    for (const YamlMap::Entry& entry : map->entries()) {
      const std::optional<double> count = entry.value.AsDoubleIn(util::kOpsPerElementRange);
      const std::optional<std::string> name = entry.key.AsString();
      const std::optional<MathFunction> function = name ? ParseMathFunction(*name) : std::nullopt;
      if (count && function) mix[static_cast<int>(*function)] = *count;
    }
    mixes.push_back(mix);
  }
  return mixes;
}

// Vector-op settings: passes, ops_per_element, functions, reduced_dim (defaults per kind, op.h).
// `functions` without `ops_per_element` gives each pass as many operations as its counts sum to.
// Problems are recorded in the map's diagnostics.
void ReadVectorSettings(const YamlMap& map, Op& op, bool dims_ok) {
  const VectorOpProfile profile = DefaultVectorProfile(op.kind);
  const std::optional<YamlValue> passes_node = map.Get("passes");
  const std::optional<YamlValue> ops_node = map.Get("ops_per_element");
  const std::optional<YamlValue> functions_node = map.Get("functions");
  std::optional<std::int64_t> passes;
  if (passes_node) passes = passes_node->AsIntIn(util::kCountRange);
  if (functions_node) {
    const std::size_t errors_before = map.self().diagnostics().size();
    std::vector<FunctionMix> functions = ReadFunctionMixes(*functions_node);
    if (map.self().diagnostics().size() != errors_before) return;
    if (passes && static_cast<std::size_t>(*passes) != functions.size()) {
      functions_node->Error(
          fmt::format("expected {} entries, one per pass (passes: {}), got {}", *passes, *passes, functions.size()));
      return;
    }
    op.functions = std::move(functions);
    if (!ops_node) {
      op.passes = static_cast<int>(op.functions.size());
      op.ops_per_element.clear();
      for (const FunctionMix& mix : op.functions) {
        op.ops_per_element.push_back(std::accumulate(mix.begin(), mix.end(), 0.0));
      }
    }
  }
  if (ops_node) {
    const std::optional<std::vector<YamlValue>> items = ops_node->AsList();
    if (!items) return;
    std::vector<double> ops_per_element;
    for (const YamlValue& item : *items) {
      if (const std::optional<double> ops = item.AsDoubleIn(util::kOpsPerElementRange)) ops_per_element.push_back(*ops);
    }
    if (items->empty()) {
      ops_node->ErrorExpected("a non-empty list of operations per element, one per pass");
      return;
    }
    if (passes && static_cast<std::size_t>(*passes) != items->size()) {
      ops_node->Error(
          fmt::format("expected {} entries, one per pass (passes: {}), got {}", *passes, *passes, items->size()));
      return;
    }
    if (functions_node && op.functions.size() != items->size()) {
      ops_node->Error(fmt::format("expected {} entries, one per pass (as many as functions), got {}",
                                  op.functions.size(), items->size()));
      return;
    }
    op.passes = static_cast<int>(items->size());
    op.ops_per_element = std::move(ops_per_element);
  } else if (functions_node) {
    // Passes and operations come from the functions (above).
  } else if (passes && *passes != profile.passes) {
    passes_node->ErrorExpected(fmt::format("{} passes (the default of {}), or an ops_per_element list beside passes",
                                           profile.passes, ToString(op.kind)),
                               "; ops_per_element says what each pass costs");
    return;
  } else {
    op.passes = profile.passes;
    op.ops_per_element = profile.ops_per_element;
  }

  if (const std::optional<YamlValue> reduced = map.Get("reduced_dim")) {
    if (dims_ok) op.reduced_dim = ReadDimReference(*reduced, op);
  }
}

// Checks across the keys of one op, positioned at the key to change.
void CheckOpShape(const YamlMap& op_map, const Op& op, const YamlValue& dims_value,
                  const std::vector<YamlValue>& dim_keys, const std::vector<TensorRead>& tensors,
                  const YamlValue& tensors_value) {
  // The mapping layer's limits (workload/limits.h): dims with the pass dim, tensors, points.
  const bool has_pass_dim = !op.IsContraction() && op.passes > 1;
  const std::size_t mapped_dims = op.dims.size() + (has_pass_dim ? 1 : 0);
  if (mapped_dims > static_cast<std::size_t>(kMaxOpDims)) {
    dims_value.Error(fmt::format("expected at most {} dims{}, got {}", kMaxOpDims,
                                 has_pass_dim ? " with the pass dim of a multi-pass vector op" : "", mapped_dims));
    return;
  }
  if (tensors.size() > static_cast<std::size_t>(kMaxOpTensors)) {
    tensors_value.Error(fmt::format("expected at most {} tensors per op, got {}", kMaxOpTensors, tensors.size()));
    return;
  }
  const Tensor* first_output = nullptr;
  bool reads_something = false;
  std::vector<bool> dim_used(op.dims.size(), false);
  for (const TensorRead& read : tensors) {
    const Tensor& tensor = *read.tensor;
    for (const int dim : tensor.dims) dim_used[static_cast<std::size_t>(dim)] = true;
    if (tensor.IsAffine() && !op.IsContraction()) {
      read.dims_node->Error(fmt::format("expected plain dims on the tensors of a {} op, got an affine index on '{}' "
                                        "(only contractions slide windows)",
                                        ToString(op.kind), tensor.name));
    }
    if (tensor.role != TensorRole::kOutput) {
      reads_something = true;
      continue;
    }
    if (first_output != nullptr) {
      read.role_node->Error(
          fmt::format("expected exactly one tensor with role output per op, got a second output "
                      "'{}' (the first is '{}')",
                      tensor.name, first_output->name));
      continue;
    }
    first_output = &tensor;
    if (tensor.IsAffine()) {
      read.dims_node->Error(fmt::format(
          "expected plain dims on the output '{}', got an affine index (loopfront models sliding windows on inputs "
          "and weights only)",
          tensor.name));
    }
    if (!op.IsContraction() && tensor.dims.size() != op.dims.size()) {
      std::vector<std::string> missing;
      for (std::size_t dim = 0; dim < op.dims.size(); ++dim) {
        if (std::find(tensor.dims.begin(), tensor.dims.end(), static_cast<int>(dim)) == tensor.dims.end()) {
          missing.push_back(op.dims[dim].name);
        }
      }
      read.dims_node->Error(fmt::format(
          "expected the output of a {} op to index every dim of the op ({}), got one without {}; a vector op works "
          "element-wise over its output",
          ToString(op.kind), util::Join(DimNames(op), ", "), util::Join(missing, ", ")));
    }
  }
  if (first_output == nullptr) tensors_value.Error("expected exactly one tensor with role output, got none");
  if (!reads_something) tensors_value.Error("expected at least one input or weight tensor, got only the output");
  for (std::size_t dim = 0; dim < op.dims.size(); ++dim) {
    if (!dim_used[dim]) {
      dim_keys[dim].Error(
          fmt::format("expected every dim to be indexed by some tensor, got '{}' indexed by none", op.dims[dim].name));
    }
  }
  // Up to 8 sizes of up to 2^40 can overflow int64, so the product is formed in long double; it is
  // exact below 2^52, the only range where it is used as an integer.
  long double points = has_pass_dim ? static_cast<long double>(op.passes) : 1;
  for (const Dim& dim : op.dims) points *= static_cast<long double>(dim.size);
  if (points >= static_cast<long double>(kMaxIterationPoints)) {
    dims_value.Error(fmt::format("expected fewer than 2^52 iteration points per op{} (the product of the dims), got "
                                 "{:.3g}",
                                 has_pass_dim ? " with its passes" : "", static_cast<double>(points)));
    return;
  }
  for (const TensorRead& read : tensors) {
    const Tensor& tensor = *read.tensor;
    if (!tensor.IsAffine()) continue;
    long double elements = 1;
    for (const std::vector<IndexTerm>& index : tensor.affine_indices) {
      long double extent = 1;
      for (const IndexTerm& term : index) {
        extent += static_cast<long double>(term.coefficient) * static_cast<long double>(op.dims[term.dim].size - 1);
      }
      elements *= extent;
    }
    if (elements >= static_cast<long double>(kMaxIterationPoints)) {
      read.dims_node->Error(fmt::format("expected fewer than 2^52 elements in tensor '{}', got {:.3g}", tensor.name,
                                        static_cast<double>(elements)));
      return;
    }
  }
  // One op's work over its executions, count × points, is counted in int64 (workload/analysis.h).
  if (!util::CheckedMul(static_cast<std::int64_t>(points), op.count)) {
    const std::optional<YamlValue> count = op_map.Get("count");
    (count ? *count : op_map.self())
        .Error(fmt::format("expected a count whose product with the op's {:.3g} iteration points stays below 2^63, "
                           "got {}",
                           static_cast<double>(points), op.count));
  }
}

// Tensors without `data:`: a weight no op writes is a model parameter, anything else an
// activation. Then Op::parameters: each parameter tensor's elements × count, at the first op (in
// file order) that reads it, so a table shared by two ops counts once. The workload's totals
// (Σ count, Σ MACs × count, Σ parameters) are counted in int64 by workload/analysis.h: an op that
// makes one of them overflow is an error at that op.
void AssignTensorData(std::vector<Op>& ops, const std::vector<OpPosition>& positions) {
  std::optional<std::int64_t> total_count = 0;
  std::optional<std::int64_t> total_macs = 0;
  std::optional<std::int64_t> total_parameters = 0;
  std::set<std::string> written;
  for (const Op& op : ops) written.insert(op.Output().name);
  std::set<std::string> counted;
  for (std::size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
    Op& op = ops[op_idx];
    for (std::size_t tensor_idx = 0; tensor_idx < op.tensors.size(); ++tensor_idx) {
      Tensor& tensor = op.tensors[tensor_idx];
      if (!positions[op_idx].data_given[tensor_idx]) {
        const bool parameter = tensor.role == TensorRole::kWeight && !written.contains(tensor.name);
        tensor.data = parameter ? TensorData::kParameter : TensorData::kActivation;
      }
      if (tensor.data == TensorData::kParameter && counted.insert(tensor.name).second) {
        const std::optional<std::int64_t> parameters = util::CheckedMul(op.TensorElements(tensor), op.count);
        const std::optional<std::int64_t> sum = parameters ? util::CheckedAdd(op.parameters, *parameters) : std::nullopt;
        if (sum) op.parameters = *sum;
        total_parameters = sum && total_parameters ? util::CheckedAdd(*total_parameters, *parameters) : std::nullopt;
      }
    }
    if (total_count) total_count = util::CheckedAdd(*total_count, op.count);
    // CheckOpShape proved that Macs() × count fits.
    if (total_macs) total_macs = util::CheckedAdd(*total_macs, op.Macs() * op.count);
    if (!total_count || !total_macs || !total_parameters) {
      positions[op_idx].op.Error(fmt::format(
          "expected a workload whose total {} stays below 2^63, got more with op '{}' (reduce its count or dims)",
          !total_count ? "op count" : !total_macs ? "MACs (Σ MACs × count)" : "parameters (Σ elements × count)",
          op.name));
      return;
    }
  }
}

std::optional<Op> ReadOp(const YamlValue& value, int default_bits, OpPosition& position) {
  const std::size_t errors_before = value.diagnostics().size();
  const std::optional<YamlMap> map = value.AsMap(kOpKeys);
  if (!map) return std::nullopt;
  Op op;
  position.name = map->Require("name", "the op's name");
  if (position.name) {
    if (const std::optional<std::string> text = ReadName(*position.name)) op.name = *text;
  }
  bool kind_ok = false;
  if (const std::optional<YamlValue> kind = map->Require("kind", "contraction or a vector op kind")) {
    if (const std::optional<std::string> text = kind->AsChoice(OpKindNames())) {
      op.kind = *ParseOpKind(*text);
      kind_ok = true;
    }
  }
  if (const std::optional<YamlValue> op_class = map->Get("class")) {
    if (const std::optional<std::string> text = op_class->AsChoice(OpClassNames())) op.op_class = *ParseOpClass(*text);
  }
  if (const std::optional<YamlValue> count = map->Get("count")) {
    if (const std::optional<std::int64_t> value_read = count->AsIntIn(util::kCountRange)) op.count = *value_read;
  }
  std::vector<YamlValue> dim_keys;
  std::optional<YamlValue> dims_value;
  bool dims_ok = false;
  if (const std::optional<YamlValue> dims = map->Require("dims", "a mapping of dim names to sizes")) {
    dims_ok = ReadDims(*dims, op, dim_keys, kind_ok && !op.IsContraction());
    dims_value = dims;
  }

  Coefficients coefficients;
  if (const std::optional<YamlValue> coefficients_value = map->Get("coefficients")) {
    if (const std::optional<YamlMap> entries = coefficients_value->AsOpenMap()) {
      for (const YamlMap::Entry& entry : entries->entries()) {
        const std::optional<std::string> name = ReadName(entry.key);
        const std::optional<std::int64_t> number = entry.value.AsIntIn(kCoefficientRange);
        if (name && number) coefficients[*name] = *number;
      }
    }
  }
  std::vector<TensorRead> tensors;
  const std::optional<YamlValue> tensors_value = map->Require("tensors", "the list of the op's tensors");
  if (tensors_value) {
    if (const std::optional<std::vector<YamlValue>> items = tensors_value->AsList()) {
      if (items->empty()) tensors_value->ErrorExpected("a non-empty list of tensors");
      std::map<std::string, int> first_line_of_tensor;
      for (const YamlValue& item : *items) {
        TensorRead read = ReadTensor(item, op, dims_ok, default_bits, coefficients);
        if (read.tensor) {
          const auto [seen, inserted] = first_line_of_tensor.emplace(read.tensor->name, read.name_node->line());
          if (!inserted) {
            read.name_node->Error(
                fmt::format("expected each tensor name once per op, got '{}' again (first at line {})",
                            read.tensor->name, seen->second));
          }
        }
        tensors.push_back(std::move(read));
      }
    }
  }

  if (kind_ok) {
    if (op.IsContraction()) {
      for (const std::string key : {"passes", "ops_per_element", "functions", "reduced_dim"}) {
        if (const std::optional<YamlValue> misplaced = map->Get(key)) {
          misplaced->ErrorExpected(fmt::format("no '{}' on a contraction (a vector-op setting)", key));
        }
      }
    } else {
      ReadVectorSettings(*map, op, dims_ok);
    }
  }

  if (value.diagnostics().size() != errors_before) return std::nullopt;
  for (const TensorRead& read : tensors) {
    op.tensors.push_back(*read.tensor);
    position.tensor_names.push_back(read.name_node);
    position.data_given.push_back(read.data_given);
  }
  CheckOpShape(*map, op, *dims_value, dim_keys, tensors, *tensors_value);
  // Softmax and the norms reduce along a dim; by default the innermost dim of the output.
  const bool reduces = op.kind == OpKind::kSoftmax || op.kind == OpKind::kLayerNorm || op.kind == OpKind::kRmsNorm;
  if (reduces && !op.reduced_dim && value.diagnostics().size() == errors_before) {
    op.reduced_dim = op.Output().dims.back();
  }
  if (value.diagnostics().size() != errors_before) return std::nullopt;
  return op;
}

// `heads` or `d_ff`: one positive integer for every layer, or a list with one per layer.
struct PerLayerRead {
  std::optional<YamlValue> node{};
  std::optional<std::int64_t> single{};
  std::vector<std::int64_t> list{};  // non-empty when the key is a list whose entries all read
  bool ok = false;
};

PerLayerRead ReadPerLayer(const YamlMap& map, const std::string& key, const std::string& what) {
  PerLayerRead read;
  read.node = map.Require(key, what);
  if (!read.node) return read;
  if (!read.node->IsList()) {
    read.single = read.node->AsIntIn(util::kCountRange);
    read.ok = read.single.has_value();
    return read;
  }
  const std::optional<std::vector<YamlValue>> items = read.node->AsList();
  if (!items) return read;
  if (items->empty()) {
    read.node->ErrorExpected("a positive integer or a non-empty list of one per layer");
    return read;
  }
  bool ok = true;
  for (const YamlValue& item : *items) {
    if (const std::optional<std::int64_t> entry = item.AsIntIn(util::kCountRange)) {
      read.list.push_back(*entry);
    } else {
      ok = false;
    }
  }
  read.ok = ok;
  if (!ok) read.list.clear();
  return read;
}

// `precision:` — missing entries: `bits` for weights, activations and kv_cache, 32 for accumulators.
std::optional<Precision> ReadPrecision(const YamlValue& value, int bits) {
  const std::optional<YamlMap> map = value.AsMap(kPrecisionKeys);
  if (!map) return std::nullopt;
  // The survey's Sec. 3.4 Gemmini baseline accumulates int8 products in 32-bit partial sums.
  Precision precision{.weights = bits, .activations = bits, .kv_cache = bits, .accumulators = 32};
  bool ok = true;
  const std::pair<std::string, int*> entries[] = {{"weights", &precision.weights},
                                                  {"activations", &precision.activations},
                                                  {"kv_cache", &precision.kv_cache},
                                                  {"accumulators", &precision.accumulators}};
  for (const auto& [key, target] : entries) {
    if (const std::optional<YamlValue> entry = map->Get(key)) {
      const std::optional<int> read = ReadBits(*entry);
      ok = ok && read.has_value();
      if (read) *target = *read;
    }
  }
  if (!ok) return std::nullopt;
  return precision;
}

std::optional<MixtureOfExperts> ReadMoe(const YamlValue& value) {
  const std::optional<YamlMap> map = value.AsMap({"experts", "experts_per_token"});
  if (!map) return std::nullopt;
  const std::optional<YamlValue> experts_node = map->Require("experts", "the number of expert MLPs per layer");
  const std::optional<YamlValue> per_token_node =
      map->Require("experts_per_token", "how many experts each token is routed to (top-k)");
  if (!experts_node || !per_token_node) return std::nullopt;
  const std::optional<std::int64_t> experts = experts_node->AsIntIn(util::kCountRange);
  const std::optional<std::int64_t> per_token = per_token_node->AsIntIn(util::kCountRange);
  if (!experts.has_value() || !per_token.has_value()) return std::nullopt;
  const MixtureOfExperts moe{.experts = experts.value(), .experts_per_token = per_token.value()};
  if (moe.experts_per_token > moe.experts) {
    per_token_node->ErrorExpected(fmt::format("at most experts ({})", moe.experts));
    return std::nullopt;
  }
  return moe;
}

}  // namespace

std::optional<TransformerSpec> ReadTransformerSpec(const YamlValue& value, const std::string& name) {
  util::Diagnostics& diagnostics = value.diagnostics();
  const std::size_t errors_before = diagnostics.size();
  const std::optional<YamlMap> map = value.AsMap(kTransformerKeys);
  if (!map) return std::nullopt;

  TransformerSpec spec;
  spec.name = name;
  auto positive = [&](const std::string& key, const std::string& what, bool required) -> std::optional<std::int64_t> {
    const std::optional<YamlValue> entry = required ? map->Require(key, what) : map->Get(key);
    return entry ? entry->AsIntIn(util::kCountRange) : std::nullopt;
  };
  auto non_negative = [&](const std::string& key) -> std::optional<std::int64_t> {
    const std::optional<YamlValue> entry = map->Get(key);
    return entry ? entry->AsIntIn(util::kNonNegativeCountRange) : std::nullopt;
  };
  auto flag = [&](const std::string& key) -> std::optional<bool> {
    const std::optional<YamlValue> entry = map->Get(key);
    return entry ? entry->AsBool() : std::nullopt;
  };
  const std::optional<std::int64_t> d_model = positive("d_model", "the model width", true);
  const PerLayerRead heads = ReadPerLayer(*map, "heads", "the number of attention heads, or a list of one per layer");
  const std::optional<std::int64_t> d_head = positive("d_head", "", false);
  const PerLayerRead d_ff = ReadPerLayer(*map, "d_ff", "the FFN hidden width, or a list of one per layer");
  const std::optional<std::int64_t> layers = positive("layers", "the number of blocks", true);
  const std::optional<std::int64_t> seq_len = positive("seq_len", "tokens per sequence", true);
  const std::optional<std::int64_t> batch = positive("batch", "", false);
  const std::optional<std::int64_t> kv_len = positive("kv_len", "", false);
  const std::optional<std::int64_t> kv_heads = positive("kv_heads", "", false);
  const std::optional<std::int64_t> vocab = non_negative("vocab");
  const std::optional<std::int64_t> max_positions = positive("max_positions", "", false);
  const std::optional<std::int64_t> token_types = non_negative("token_types");
  const std::optional<std::int64_t> sliding_window = positive("sliding_window", "", false);
  std::optional<int> bits;
  if (const std::optional<YamlValue> bits_node = map->Get("bits")) bits = ReadBits(*bits_node);
  const std::optional<Phase> phase = ReadChoice<Phase>(*map, "phase", PhaseNames(), &ParsePhase);
  const std::optional<Activation> activation =
      ReadChoice<Activation>(*map, "activation", ActivationNames(), &ParseActivation);
  const std::optional<Norm> norm = ReadChoice<Norm>(*map, "norm", NormNames(), &ParseNorm);
  const std::optional<NormPlacement> placement =
      ReadChoice<NormPlacement>(*map, "norm_placement", NormPlacementNames(), &ParseNormPlacement);
  const std::optional<Positions> positions =
      ReadChoice<Positions>(*map, "positions", PositionsNames(), &ParsePositions);
  const std::optional<LmHead> lm_head = ReadChoice<LmHead>(*map, "lm_head", LmHeadNames(), &ParseLmHead);
  const std::optional<bool> decoder = flag("decoder");
  const std::optional<bool> tie_embeddings = flag("tie_embeddings");
  const std::optional<bool> qkv_bias = flag("qkv_bias");
  const std::optional<bool> out_bias = flag("out_bias");
  const std::optional<bool> mlp_bias = flag("mlp_bias");

  if (d_model) spec.d_model = *d_model;
  if (layers) spec.layers = *layers;
  if (seq_len) spec.seq_len = *seq_len;
  if (batch) spec.batch = *batch;
  if (kv_len) spec.kv_len = *kv_len;
  if (bits) spec.bits = *bits;
  if (phase) spec.phase = *phase;
  if (activation) spec.activation = *activation;
  if (norm) spec.norm = *norm;
  if (placement) spec.norm_placement = *placement;
  if (decoder) spec.decoder = *decoder;
  if (kv_heads) spec.kv_heads = *kv_heads;
  if (vocab) spec.vocab = *vocab;
  if (positions) spec.positions = *positions;
  if (max_positions) spec.max_positions = *max_positions;
  if (token_types) spec.token_types = *token_types;
  if (lm_head) spec.lm_head = *lm_head;
  if (tie_embeddings) spec.tie_embeddings = *tie_embeddings;
  if (qkv_bias) spec.qkv_bias = *qkv_bias;
  if (out_bias) spec.out_bias = *out_bias;
  if (mlp_bias) spec.mlp_bias = *mlp_bias;
  if (sliding_window) spec.sliding_window = *sliding_window;
  if (const std::optional<YamlValue> moe_node = map->Get("moe")) {
    if (const std::optional<MixtureOfExperts> moe = ReadMoe(*moe_node)) spec.moe = *moe;
  }
  if (const std::optional<YamlValue> precision_node = map->Get("precision")) {
    // Missing entries take `bits` (read above, default 8).
    spec.precision = ReadPrecision(*precision_node, spec.bits);
  }
  if (const std::optional<YamlValue> patch_node = map->Get("patch_embedding")) {
    if (const std::optional<YamlMap> patch = patch_node->AsMap({"image_size", "patch_size", "channels"})) {
      PatchEmbedding embedding;
      const std::optional<YamlValue> image = patch->Require("image_size", "the image's width and height in pixels");
      const std::optional<YamlValue> size = patch->Require("patch_size", "a patch's width and height in pixels");
      if (const std::optional<std::int64_t> value = image ? image->AsIntIn(util::kCountRange) : std::nullopt) {
        embedding.image_size = *value;
      }
      if (const std::optional<std::int64_t> value = size ? size->AsIntIn(util::kCountRange) : std::nullopt) {
        embedding.patch_size = *value;
      }
      if (const std::optional<YamlValue> channels = patch->Get("channels")) {
        embedding.channels = channels->AsIntIn(util::kCountRange).value_or(embedding.channels);
      }
      if (embedding.image_size > 0 && embedding.patch_size > 0 && embedding.image_size % embedding.patch_size != 0) {
        image->ErrorExpected(fmt::format("a multiple of patch_size ({})", embedding.patch_size));
      }
      spec.patch_embedding = embedding;
    }
  }

  // Per-layer lists: exactly one entry per layer. The scalar heads / d_ff then hold the largest
  // entry (transformer.h).
  for (const auto& [read, target, list_target] :
       {std::tuple{&heads, &spec.heads, &spec.layer_heads}, std::tuple{&d_ff, &spec.d_ff, &spec.layer_d_ff}}) {
    if (read->single) *target = *read->single;
    if (read->list.empty()) continue;
    if (layers && static_cast<std::int64_t>(read->list.size()) != *layers) {
      read->node->Error(fmt::format("expected one entry per layer (layers: {}), got {} entries", *layers,
                                    read->list.size()));
      continue;
    }
    *list_target = read->list;
    *target = *std::max_element(read->list.begin(), read->list.end());
  }

  // Checks across keys, each at the key to change.
  if (d_head) spec.d_head = *d_head;
  if (d_model && heads.single && !d_head) {
    if (*d_model % *heads.single != 0) {
      map->Get("d_model")->ErrorExpected(
          fmt::format("a multiple of heads ({}), since d_head defaults to d_model / heads", *heads.single),
          "; or give d_head");
    } else {
      spec.d_head = *d_model / *heads.single;
    }
  }
  if (!heads.list.empty() && !map->Has("d_head")) {
    heads.node->ErrorExpected("a d_head key beside per-layer heads (d_head cannot default to d_model / heads)",
                              "; add d_head");
  }
  if (kv_heads && heads.ok) {
    const std::vector<std::int64_t> all_heads = heads.list.empty() ? std::vector{*heads.single} : heads.list;
    for (std::size_t layer = 0; layer < all_heads.size(); ++layer) {
      if (all_heads[layer] % *kv_heads != 0) {
        map->Get("kv_heads")->ErrorExpected(
            fmt::format("a divisor of heads ({}{}), each KV head serving the same number of query heads",
                        all_heads[layer], heads.list.empty() ? "" : fmt::format(" of layer {}", layer)));
        break;
      }
    }
  }
  if (phase == Phase::kDecode && !spec.decoder) {
    map->Get("phase")->ErrorExpected("prefill for an encoder (decoder: false)",
                                     "; only decoder models (decoder: true) generate tokens one at a time");
  }
  if (kv_len && spec.phase != Phase::kDecode) {
    map->Get("kv_len")->ErrorExpected("no kv_len in phase prefill", "; kv_len is the KV-cache length of a decode step");
  }
  const bool embeds_tokens = spec.vocab > 0;
  if (lm_head && *lm_head != LmHead::kNone && !embeds_tokens) {
    map->Get("lm_head")->ErrorExpected("none without a vocab (the LM head projects onto vocab logits)",
                                       "; give vocab");
  }
  if (tie_embeddings && *tie_embeddings && !embeds_tokens) {
    map->Get("tie_embeddings")->ErrorExpected("false without a vocab (there is no embedding table to tie)",
                                              "; give vocab");
  }
  if (token_types && *token_types > 0 && !embeds_tokens) {
    map->Get("token_types")->ErrorExpected("0 without a vocab (segment embeddings are added to token embeddings)",
                                           "; give vocab");
  }
  if (positions == Positions::kAbsolute && !embeds_tokens && !spec.patch_embedding) {
    map->Get("positions")->ErrorExpected(
        "none or rotary without a vocab or patch_embedding (absolute positions are added to the embeddings)",
        "; give vocab");
  }
  if (max_positions && spec.positions != Positions::kAbsolute) {
    map->Get("max_positions")->ErrorExpected("no max_positions without positions: absolute",
                                             "; it is the number of rows of the learned position table");
  }
  // A seq_len or kv_len beyond max_positions is allowed: it is analysed as if the learned table were
  // extended (the survey's Sec. 2.2 runs BERT-Base, a 512-position model, at 4096 tokens).
  if (diagnostics.size() != errors_before) return std::nullopt;
  // What is left (op sizes beyond the limits) has no single key to blame.
  for (const std::string& problem : CheckTransformerSpec(spec)) value.Error(problem);
  if (diagnostics.size() != errors_before) return std::nullopt;
  return spec;
}

WorkloadSpec ReadTransformerDocument(const io::YamlDocument& document, const std::string& default_name) {
  ThrowIfAny(document);
  WorkloadSpec spec;
  const std::optional<YamlMap> root = document.root().AsMap(kTransformerDocumentKeys);
  if (root) {
    spec.name = ReadDocumentName(*root, default_name);
    if (const std::optional<YamlValue> transformer =
            root->Require(std::string(kTransformerKey), "the Transformer's hyper-parameters")) {
      spec.transformer = ReadTransformerSpec(*transformer, spec.name);
    }
  }
  ThrowIfAny(document);
  return spec;
}

WorkloadSpec ReadOpListDocument(const io::YamlDocument& document, const std::string& default_name) {
  ThrowIfAny(document);
  WorkloadSpec spec;
  const std::optional<YamlMap> root = document.root().AsMap(kOpListDocumentKeys);
  if (!root) Fail(document);
  spec.name = ReadDocumentName(*root, default_name);
  int default_bits = 8;
  if (const std::optional<YamlValue> bits = root->Get("bits")) default_bits = ReadBits(*bits).value_or(default_bits);
  const std::optional<YamlValue> ops_value = root->Require(std::string(kOpListKey), "the list of ops");
  if (!ops_value) Fail(document);
  const std::optional<std::vector<YamlValue>> items = ops_value->AsList();
  if (!items) Fail(document);
  if (items->empty()) ops_value->ErrorExpected("a non-empty list of ops");

  util::Diagnostics& diagnostics = document.root().diagnostics();
  const std::size_t errors_before = diagnostics.size();
  std::vector<OpPosition> positions;
  std::map<std::string, int> first_line_of_op;
  for (const YamlValue& item : *items) {
    OpPosition position{.op = item, .tensor_names = {}};
    std::optional<Op> op = ReadOp(item, default_bits, position);
    if (!op) continue;
    const auto [seen, inserted] = first_line_of_op.emplace(op->name, item.line());
    if (!inserted) {
      position.name->Error(
          fmt::format("expected each op name once, got '{}' again (first at line {})", op->name, seen->second));
      continue;
    }
    spec.ops.push_back(std::move(*op));
    positions.push_back(std::move(position));
  }
  // The graph is only meaningful once every op has been read.
  if (diagnostics.size() == errors_before) {
    AssignTensorData(spec.ops, positions);
    for (const GraphProblem& problem : FindGraphProblems(spec.ops)) {
      const OpPosition& position = positions[problem.op];
      if (problem.tensor && position.tensor_names[*problem.tensor]) {
        position.tensor_names[*problem.tensor]->Error(problem.message);
      } else {
        position.op.Error(problem.message);
      }
    }
  }
  ThrowIfAny(document);
  return spec;
}

WorkloadSpec ReadWorkloadDocument(const io::YamlDocument& document, const std::string& default_name) {
  ThrowIfAny(document);
  const YamlValue root = document.root();
  if (root.IsMap()) {
    if (root.HasKey(kTransformerKey)) return ReadTransformerDocument(document, default_name);
    if (root.HasKey(kOpListKey)) return ReadOpListDocument(document, default_name);
  }
  std::vector<std::string> keys;
  std::string hint;
  if (root.IsMap()) {
    keys = root.Keys();
    for (const std::string& key : keys) {
      if (hint.empty()) hint = util::DidYouMeanHint(key, {std::string(kTransformerKey), std::string(kOpListKey)});
    }
  }
  util::Diagnostic diagnostic{
      .file = document.file(),
      // An empty document has no position; its error belongs at the start of the file.
      .line = std::max(root.line(), 1),
      .column = std::max(root.column(), 1),
      .path = "",
      .message =
          fmt::format("expected a workload with the top-level key '{}' (a Transformer spec) or '{}' (an op list), "
                      "got {}{}",
                      kTransformerKey, kOpListKey,
                      root.IsMap() ? fmt::format("the keys {}", util::Join(keys, ", ")) : root.Describe(), hint)};
  root.diagnostics().Add(std::move(diagnostic));
  Fail(document);
}

WorkloadSpec ApplyOverrides(WorkloadSpec spec, const WorkloadOverrides& overrides) {
  if (overrides.empty()) return spec;
  if (!spec.IsTransformer() && overrides.precision) {
    throw util::ConfigError(fmt::format(
        "workload '{}' is an op list: each tensor's word size is its `bits:` in the file, so --precision does not "
        "apply (it sets the word sizes of a transformer's weights, activations and KV cache)",
        spec.name));
  }
  if (!spec.IsTransformer()) {
    throw util::ConfigError(fmt::format(
        "workload '{}' is an op list: its sizes are fixed in the file, so --seq, --batch and --phase do not apply",
        spec.name));
  }
  TransformerSpec& transformer = *spec.transformer;
  if (overrides.seq_len) transformer.seq_len = *overrides.seq_len;
  if (overrides.batch) transformer.batch = *overrides.batch;
  if (overrides.phase) {
    transformer.phase = *overrides.phase;
    if (*overrides.phase == Phase::kPrefill) transformer.kv_len.reset();
  }
  if (overrides.kv_len) transformer.kv_len = *overrides.kv_len;
  if (overrides.precision) transformer.precision = *overrides.precision;
  std::vector<util::Diagnostic> diagnostics;
  for (const std::string& problem : CheckTransformerSpec(transformer)) {
    diagnostics.push_back(
        util::Diagnostic{.message = fmt::format("workload '{}' with the command-line values: {}", spec.name, problem)});
  }
  if (!diagnostics.empty()) throw util::ConfigError(std::move(diagnostics));
  return spec;
}

WorkloadSpec LoadWorkloadSpec(std::string_view name_or_path, const WorkloadOverrides& overrides) {
  util::Diagnostics diagnostics;
  const std::string text(name_or_path);
  if (name_or_path.starts_with(kHfPrefix)) {
    return ApplyOverrides(LoadHfConfig(std::string(name_or_path.substr(kHfPrefix.size()))).spec, overrides);
  }
  if (io::LooksLikePath(name_or_path)) {
    const io::YamlDocument document = io::YamlDocument::LoadFile(text, diagnostics);
    const std::string stem = std::filesystem::path(text).stem().string();
    return ApplyOverrides(ReadWorkloadDocument(document, stem), overrides);
  }
  const io::Preset* preset = io::FindPreset(io::PresetKind::kWorkload, name_or_path);
  if (preset == nullptr) {
    const std::vector<std::string> names = io::PresetNames(io::PresetKind::kWorkload);
    throw util::ConfigError(fmt::format(
        "expected a workload preset ({}), a path to a YAML file or hf:PATH to a Hugging Face config.json, got '{}'{}",
        util::Join(names, ", "), text, util::DidYouMeanHint(text, names)));
  }
  const io::YamlDocument document =
      io::YamlDocument::LoadString(std::string(preset->text), std::string(preset->path), diagnostics);
  return ApplyOverrides(ReadWorkloadDocument(document, std::string(preset->name)), overrides);
}

Workload BuildWorkload(const WorkloadSpec& spec) {
  if (spec.transformer) {
    TransformerSpec transformer = *spec.transformer;
    transformer.name = spec.name;
    return BuildTransformer(transformer);
  }
  return Workload(spec.name, spec.ops);
}

Workload LoadWorkload(std::string_view name_or_path, const WorkloadOverrides& overrides) {
  return BuildWorkload(LoadWorkloadSpec(name_or_path, overrides));
}

}  // namespace loopfront::workload
