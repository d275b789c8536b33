#include "loopfront/mapping/mapping.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>
#include <string>
#include <vector>

#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/strings.h"

namespace loopfront::mapping {
namespace {

std::int32_t CheckedFactor(std::int64_t factor) {
  if (factor < 1 || factor > std::numeric_limits<std::int32_t>::max()) {
    throw util::InternalError(fmt::format("loop factor {} out of range", factor));
  }
  return static_cast<std::int32_t>(factor);
}

std::int8_t CheckedDim(int dim) {
  if (dim < 0 || dim >= kMaxDims) throw util::InternalError(fmt::format("dim index {} out of range", dim));
  return static_cast<std::int8_t>(dim);
}

}  // namespace

void LevelMapping::InsertTemporal(int position, int dim, std::int64_t factor) {
  if (num_temporal_ >= kMaxTemporalLoopsPerLevel) {
    throw util::InternalError(fmt::format("more than {} temporal loops on one level", kMaxTemporalLoopsPerLevel));
  }
  if (position < 0 || position > num_temporal_) throw util::InternalError("temporal loop position out of range");
  for (int index = num_temporal_; index > position; --index) temporal_[index] = temporal_[index - 1];
  temporal_[position] = TemporalLoop{.dim = CheckedDim(dim), .factor = CheckedFactor(factor)};
  ++num_temporal_;
}

void LevelMapping::EraseTemporal(int position) {
  if (position < 0 || position >= num_temporal_) throw util::InternalError("temporal loop position out of range");
  for (int index = position; index + 1 < num_temporal_; ++index) temporal_[index] = temporal_[index + 1];
  --num_temporal_;
  temporal_[num_temporal_] = TemporalLoop{};
}

void LevelMapping::ThrowBadSpatial(int dim, std::int64_t factor) const {
  if (num_spatial_ >= kMaxSpatialLoopsPerLevel) {
    throw util::InternalError(fmt::format("more than {} spatial loops on one level", kMaxSpatialLoopsPerLevel));
  }
  CheckedDim(dim);  // throws when the dim is out of range; else the factor is (LoopFits failed)
  throw util::InternalError(fmt::format("loop factor {} out of range", factor));
}

void LevelMapping::EraseSpatial(int position) {
  if (position < 0 || position >= num_spatial_) throw util::InternalError("spatial loop position out of range");
  for (int index = position; index + 1 < num_spatial_; ++index) spatial_[index] = spatial_[index + 1];
  --num_spatial_;
  spatial_[num_spatial_] = SpatialLoop{};
}

void LevelMapping::ClearLoops() {
  temporal_ = {};
  spatial_ = {};
  num_temporal_ = 0;
  num_spatial_ = 0;
}

void LevelMapping::Clear() {
  for (int index = 0; index < num_temporal_; ++index) temporal_[index] = TemporalLoop{};
  for (int index = 0; index < num_spatial_; ++index) spatial_[index] = SpatialLoop{};
  num_temporal_ = 0;
  num_spatial_ = 0;
  keeps_ = 0;
  double_buffered_ = false;
}

void Mapping::Reset(int num_levels) {
  if (num_levels < 0 || num_levels > kMaxLevels) {
    throw util::InternalError(fmt::format("a mapping has 0 to {} levels, got {}", kMaxLevels, num_levels));
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) levels_[level_idx].Clear();
  num_levels_ = num_levels;
}

Mapping::Mapping(int num_levels) {
  if (num_levels < 0 || num_levels > kMaxLevels) {
    throw util::InternalError(fmt::format("a mapping has 0 to {} levels, got {}", kMaxLevels, num_levels));
  }
  num_levels_ = num_levels;
}

std::int64_t Mapping::DimProduct(int dim) const {
  std::int64_t product = 1;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    for (const TemporalLoop& loop : levels_[level_idx].temporal()) {
      if (loop.dim == dim) product *= loop.factor;
    }
    for (const SpatialLoop& loop : levels_[level_idx].spatial()) {
      if (loop.dim == dim) product *= loop.factor;
    }
  }
  return product;
}

std::size_t Mapping::Hash() const {
  std::uint64_t state = static_cast<std::uint64_t>(num_levels_);
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const LevelMapping& level = levels_[level_idx];
    state = util::HashCombine(state, level.keeps() | (level.temporal().size() << 8) | (level.spatial().size() << 16) |
                                         (static_cast<std::uint64_t>(level.double_buffered()) << 24));
    for (const TemporalLoop& loop : level.temporal()) {
      state = util::HashCombine(state,
                                static_cast<std::uint64_t>(loop.dim) << 32 | static_cast<std::uint32_t>(loop.factor));
    }
    for (const SpatialLoop& loop : level.spatial()) {
      state = util::HashCombine(state, (static_cast<std::uint64_t>(loop.dim) << 40) |
                                           (static_cast<std::uint64_t>(loop.axis) << 32) |
                                           static_cast<std::uint32_t>(loop.factor));
    }
  }
  return static_cast<std::size_t>(state);
}

bool DefaultDoubleBuffered(const LevelTable& level) { return (level.buffering & arch::kDoubleBuffering) != 0; }

Mapping EmptyMapping(const Problem& problem) {
  Mapping mapping(problem.num_levels());
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    mapping.level(level_idx).SetKeeps(problem.level(level_idx).may_keep);
    mapping.level(level_idx).SetDoubleBuffered(DefaultDoubleBuffered(problem.level(level_idx)));
  }
  return mapping;
}

std::string ToString(const Mapping& mapping, const Problem& problem) {
  std::string text;
  for (int level_idx = 0; level_idx < mapping.num_levels(); ++level_idx) {
    const LevelMapping& level = mapping.level(level_idx);
    if (level_idx > 0) text += ' ';
    text += level_idx < problem.num_levels() ? std::string(problem.level_name(level_idx))
                                             : fmt::format("level{}", level_idx);
    if (level_idx < problem.num_levels() && problem.level(level_idx).buffering != 0) {
      text += level.double_buffered() ? "*2" : "*1";
    }
    const TensorMask default_keeps = level_idx < problem.num_levels() ? problem.level(level_idx).may_keep : 0;
    if (level.keeps() != default_keeps) {
      text += '{';
      bool first = true;
      for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
        if (!level.Keeps(tensor)) continue;
        if (!first) text += ',';
        text += problem.tensor_name(tensor);
        first = false;
      }
      text += '}';
    }
    text += '[';
    auto dim_name = [&](int dim) {
      return dim >= 0 && dim < problem.num_dims() ? std::string(problem.dim_name(dim)) : fmt::format("#{}", dim);
    };
    bool first = true;
    for (const TemporalLoop& loop : level.temporal()) {
      if (!first) text += ' ';
      text += fmt::format("{}{}", dim_name(loop.dim), loop.factor);
      first = false;
    }
    if (!level.spatial().empty()) {
      text += level.temporal().empty() ? "| " : " | ";
      first = true;
      for (const SpatialLoop& loop : level.spatial()) {
        if (!first) text += ' ';
        text += fmt::format("{}:{}{}", ToString(loop.axis), dim_name(loop.dim), loop.factor);
        first = false;
      }
    }
    text += ']';
  }
  return text;
}

namespace {

// A small recursive-descent parser over the grammar in mapping.h. Every error names the token
// and its 1-based column in the text.
class MappingParser {
 public:
  MappingParser(std::string_view text, const Problem& problem, std::string_view source)
      : text_(text), problem_(problem), source_(source) {}

  Mapping Parse() {
    Mapping mapping(problem_.num_levels());
    int level_idx = 0;
    SkipSpaces();
    while (position_ < text_.size()) {
      const std::size_t name_start = position_;
      const std::string_view name = TakeWhile([](char c) { return c != '[' && c != '{' && c != ' ' && c != '*'; });
      if (name.empty()) Fail(name_start, "expected a level name");
      const int found = problem_.LevelIndex(name);
      if (found < 0) {
        Fail(name_start,
             fmt::format("unknown level '{}'{}", name, util::DidYouMeanHint(name, problem_.arch().LevelNames())));
      }
      if (found != level_idx) {
        Fail(name_start,
             fmt::format("expected level '{}' (levels are listed outermost first, each once), got '{}'",
                         level_idx < problem_.num_levels() ? problem_.level_name(level_idx) : "<end>", name));
      }
      LevelMapping& level = mapping.level(level_idx);
      level.SetKeeps(problem_.level(level_idx).may_keep);
      level.SetDoubleBuffered(DefaultDoubleBuffered(problem_.level(level_idx)));
      if (Peek() == '*') ParseBuffering(level);
      if (Peek() == '{') ParseKeeps(level);
      Expect('[');
      ParseLevelBody(level);
      Expect(']');
      ++level_idx;
      SkipSpaces();
    }
    if (level_idx != problem_.num_levels()) {
      Fail(text_.size(), fmt::format("expected {} levels ({}), got {}", problem_.num_levels(),
                                     util::Join(problem_.arch().LevelNames(), " "), level_idx));
    }
    return mapping;
  }

 private:
  char Peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

  void SkipSpaces() {
    while (position_ < text_.size() && text_[position_] == ' ') ++position_;
  }

  template <typename Predicate>
  std::string_view TakeWhile(Predicate predicate) {
    const std::size_t start = position_;
    while (position_ < text_.size() && predicate(text_[position_])) ++position_;
    return text_.substr(start, position_ - start);
  }

  void Expect(char expected) {
    SkipSpaces();
    if (Peek() != expected) {
      Fail(position_, fmt::format("expected '{}', got {}", expected,
                                  position_ < text_.size() ? fmt::format("'{}'", text_[position_]) : "the end"));
    }
    ++position_;
  }

  [[noreturn]] void Fail(std::size_t at, const std::string& message) const {
    throw util::ConfigError({util::Diagnostic{.file = std::string(source_),
                                              .line = 1,
                                              .column = static_cast<int>(at) + 1,
                                              .path = "mapping",
                                              .message = message}});
  }

  // `*2` or `*1`; whether the level offers it is CheckMapping's business.
  void ParseBuffering(LevelMapping& level) {
    const std::size_t start = position_;
    ++position_;
    const char count = Peek();
    if (count != '1' && count != '2') {
      Fail(start, "expected '*2' (double-buffered) or '*1' (single-buffered) after the level name");
    }
    ++position_;
    level.SetDoubleBuffered(count == '2');
  }

  void ParseKeeps(LevelMapping& level) {
    Expect('{');
    TensorMask keeps = 0;
    SkipSpaces();
    while (Peek() != '}') {
      const std::size_t start = position_;
      const std::string_view name = TakeWhile([](char c) { return c != ',' && c != '}' && c != ' '; });
      const int tensor = problem_.TensorIndex(name);
      if (tensor < 0) {
        std::vector<std::string> names;
        for (int index = 0; index < problem_.num_tensors(); ++index) names.emplace_back(problem_.tensor_name(index));
        Fail(start, fmt::format("unknown tensor '{}'{}", name, util::DidYouMeanHint(name, names)));
      }
      keeps = static_cast<TensorMask>(keeps | (1u << tensor));
      SkipSpaces();
      if (Peek() == ',') {
        ++position_;
        SkipSpaces();
      } else if (Peek() != '}') {
        Fail(position_, "expected ',' or '}' in the kept tensors");
      }
    }
    ++position_;
    level.SetKeeps(keeps);
  }

  // `DIM FACTOR`: the longest dim name such that the rest of the token is a positive integer.
  std::pair<int, std::int64_t> ParseLoopToken(std::string_view token, std::size_t start) const {
    int best_dim = -1;
    std::int64_t best_factor = 0;
    for (int dim = 0; dim < problem_.num_dims(); ++dim) {
      const std::string_view name = problem_.dim_name(dim);
      if (!token.starts_with(name) || token.size() == name.size()) continue;
      const std::optional<std::int64_t> factor = util::ParseInt64(token.substr(name.size()));
      if (!factor || token[name.size()] == '+' || token[name.size()] == '-') continue;
      if (best_dim < 0 || name.size() > problem_.dim_name(best_dim).size()) {
        best_dim = dim;
        best_factor = *factor;
      }
    }
    if (best_dim < 0) {
      std::vector<std::string> names;
      for (int dim = 0; dim < problem_.num_dims(); ++dim) names.emplace_back(problem_.dim_name(dim));
      Fail(start, fmt::format("expected a dim name followed by a factor (dims: {}), got '{}'", util::Join(names, ", "),
                              token));
    }
    if (best_factor < 1 || best_factor > std::numeric_limits<std::int32_t>::max()) {
      Fail(start, fmt::format("expected a factor between 1 and 2^31-1, got '{}'", token));
    }
    return {best_dim, best_factor};
  }

  void ParseLevelBody(LevelMapping& level) {
    bool spatial = false;
    while (true) {
      SkipSpaces();
      const char next = Peek();
      if (next == ']' || next == '\0') return;
      if (next == '|') {
        if (spatial) Fail(position_, "expected at most one '|' per level");
        spatial = true;
        ++position_;
        continue;
      }
      const std::size_t start = position_;
      const std::string_view token = TakeWhile([](char c) { return c != ' ' && c != ']' && c != '|'; });
      if (!spatial) {
        if (static_cast<int>(level.temporal().size()) >= kMaxTemporalLoopsPerLevel) {
          Fail(start, fmt::format("expected at most {} temporal loops per level", kMaxTemporalLoopsPerLevel));
        }
        const auto [dim, factor] = ParseLoopToken(token, start);
        level.AddTemporal(dim, factor);
        continue;
      }
      if (token.size() < 3 || (token[0] != 'x' && token[0] != 'y') || token[1] != ':') {
        Fail(start, fmt::format("expected a spatial loop 'x:DIMFACTOR' or 'y:DIMFACTOR', got '{}'", token));
      }
      if (static_cast<int>(level.spatial().size()) >= kMaxSpatialLoopsPerLevel) {
        Fail(start, fmt::format("expected at most {} spatial loops per level", kMaxSpatialLoopsPerLevel));
      }
      const auto [dim, factor] = ParseLoopToken(token.substr(2), start + 2);
      level.AddSpatial(dim, factor, token[0] == 'x' ? Axis::kX : Axis::kY);
    }
  }

  std::string_view text_;
  const Problem& problem_;
  std::string_view source_;
  std::size_t position_ = 0;
};

}  // namespace

Mapping ParseMapping(std::string_view text, const Problem& problem, std::string_view source) {
  return MappingParser(text, problem, source).Parse();
}

}  // namespace loopfront::mapping
