#include "loopfront/io/yaml_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "loopfront/io/input.h"
#include "loopfront/util/strings.h"

namespace loopfront::io {

struct YamlNode {
  YAML::Node node;
};

namespace {

// yaml-cpp tags plain scalars "?" and quoted ones "!" (YAML 1.2 non-specific tags).
bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

bool IsNullNode(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

}  // namespace

std::string ChildPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string ItemPath(const std::string& parent, std::size_t index) { return fmt::format("{}[{}]", parent, index); }

YamlValue::YamlValue(std::shared_ptr<const YamlNode> node, std::string path, std::shared_ptr<const std::string> file,
                     util::Diagnostics* diagnostics)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)), diagnostics_(diagnostics) {}

YamlValue YamlValue::Child(const YamlNode& node, std::string path) const {
  return YamlValue(std::make_shared<const YamlNode>(node), std::move(path), file_, diagnostics_);
}

YamlValue YamlValue::ReportingTo(util::Diagnostics& diagnostics) const {
  return YamlValue(node_, path_, file_, &diagnostics);
}

bool YamlValue::IsNull() const { return node_->node.IsNull(); }
bool YamlValue::IsMap() const { return node_->node.IsMap(); }
bool YamlValue::IsList() const { return node_->node.IsSequence(); }
bool YamlValue::IsScalar() const { return node_->node.IsScalar(); }

std::string YamlValue::Tag() const {
  const std::string& tag = node_->node.Tag();
  return tag == "?" || tag == "!" ? std::string() : tag;
}

std::string YamlValue::Text() const { return node_->node.IsScalar() ? node_->node.Scalar() : std::string(); }

bool YamlValue::HasKey(std::string_view key) const {
  const YAML::Node& node = node_->node;
  return node.IsMap() && node[std::string(key)];
}

std::vector<std::string> YamlValue::Keys() const {
  std::vector<std::string> keys;
  if (!node_->node.IsMap()) return keys;
  for (auto it = node_->node.begin(); it != node_->node.end(); ++it) {
    keys.push_back(it->first.IsScalar() ? it->first.Scalar() : std::string("?"));
  }
  return keys;
}

std::string YamlValue::FlowText() const {
  YAML::Emitter emitter;
  emitter << YAML::Flow << node_->node;
  return emitter.c_str();
}

int YamlValue::line() const { return node_->node.Mark().is_null() ? 0 : node_->node.Mark().line + 1; }
int YamlValue::column() const { return node_->node.Mark().is_null() ? 0 : node_->node.Mark().column + 1; }

std::string YamlValue::Describe() const {
  if (IsNullNode(node_->node)) return "nothing (null)";
  if (node_->node.IsSequence()) return "a list";
  if (node_->node.IsMap()) return "a mapping";
  // A scalar may hold line breaks (a block scalar, an escaped "\n"): shown escaped, on one line.
  if (IsQuoted(node_->node)) return fmt::format("the string \"{}\"", util::EscapeControl(node_->node.Scalar()));
  return fmt::format("'{}'", util::EscapeControl(node_->node.Scalar()));
}

void YamlValue::Error(const std::string& message) const {
  diagnostics_->Add(
      util::Diagnostic{.file = *file_, .line = line(), .column = column(), .path = path_, .message = message});
}

void YamlValue::ErrorExpected(const std::string& expected, const std::string& hint) const {
  Error(fmt::format("expected {}, got {}{}", expected, Describe(), hint));
}

bool YamlValue::LooksLikeInt() const {
  return node_->node.IsScalar() && !IsQuoted(node_->node) && util::ParseInt64(node_->node.Scalar()).has_value();
}

std::optional<std::int64_t> YamlValue::AsInt() const {
  if (!LooksLikeInt()) {
    ErrorExpected("an integer");
    return std::nullopt;
  }
  return util::ParseInt64(node_->node.Scalar());
}

std::optional<std::int64_t> YamlValue::AsPositiveInt() const {
  if (!LooksLikeInt() || *util::ParseInt64(node_->node.Scalar()) <= 0) {
    ErrorExpected("a positive integer");
    return std::nullopt;
  }
  return util::ParseInt64(node_->node.Scalar());
}

std::optional<std::int64_t> YamlValue::AsNonNegativeInt() const {
  if (!LooksLikeInt() || *util::ParseInt64(node_->node.Scalar()) < 0) {
    ErrorExpected("a non-negative integer");
    return std::nullopt;
  }
  return util::ParseInt64(node_->node.Scalar());
}

std::optional<double> YamlValue::AsDouble() const {
  if (node_->node.IsScalar() && !IsQuoted(node_->node) && !node_->node.Scalar().empty()) {
    const std::string& text = node_->node.Scalar();
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() && errno == 0 && std::isfinite(value)) return value;
  }
  ErrorExpected("a number");
  return std::nullopt;
}

std::optional<double> YamlValue::AsPositiveDouble() const {
  util::Diagnostics scratch;
  const YamlValue quiet = ReportingTo(scratch);
  const std::optional<double> value = quiet.AsDouble();
  if (!value || *value <= 0) {
    ErrorExpected("a positive number");
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlValue::AsNonNegativeDouble() const {
  util::Diagnostics scratch;
  const YamlValue quiet = ReportingTo(scratch);
  const std::optional<double> value = quiet.AsDouble();
  if (!value || *value < 0) {
    ErrorExpected("a non-negative number");
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlValue::AsIntIn(const util::IntRange& range) const {
  if (!LooksLikeInt()) {
    ErrorExpected(util::DescribeRange(range));
    return std::nullopt;
  }
  const std::int64_t value = *util::ParseInt64(node_->node.Scalar());
  if (!range.Contains(value)) {
    Error(util::OutOfRangeMessage(range, value));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlValue::AsDoubleIn(const util::RealRange& range) const {
  util::Diagnostics scratch;
  const std::optional<double> value = ReportingTo(scratch).AsDouble();
  if (!value) {
    ErrorExpected(util::DescribeRange(range));
    return std::nullopt;
  }
  if (!range.Contains(*value)) {
    Error(util::OutOfRangeMessage(range, *value));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlValue::AsBool() const {
  if (node_->node.IsScalar() && !IsQuoted(node_->node)) {
    if (node_->node.Scalar() == "true") return true;
    if (node_->node.Scalar() == "false") return false;
  }
  ErrorExpected("true or false");
  return std::nullopt;
}

std::optional<std::string> YamlValue::AsString() const {
  if (!node_->node.IsScalar() || (!IsQuoted(node_->node) && node_->node.Scalar().empty())) {
    ErrorExpected("a string");
    return std::nullopt;
  }
  return node_->node.Scalar();
}

std::optional<std::string> YamlValue::AsChoice(const std::vector<std::string>& choices) const {
  const std::string expected = "one of " + util::Join(choices, ", ");
  if (!node_->node.IsScalar()) {
    ErrorExpected(expected);
    return std::nullopt;
  }
  const std::string& text = node_->node.Scalar();
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    ErrorExpected(expected, util::DidYouMeanHint(text, choices));
    return std::nullopt;
  }
  return text;
}

std::optional<std::vector<YamlValue>> YamlValue::AsList() const {
  if (!node_->node.IsSequence()) {
    ErrorExpected("a list");
    return std::nullopt;
  }
  std::vector<YamlValue> items;
  items.reserve(node_->node.size());
  for (std::size_t index = 0; index < node_->node.size(); ++index) {
    items.push_back(Child(YamlNode{node_->node[index]}, ItemPath(path_, index)));
  }
  return items;
}

std::optional<std::vector<std::int64_t>> YamlValue::AsPositiveIntOrList() const {
  if (!node_->node.IsSequence()) {
    const std::optional<std::int64_t> value = AsPositiveInt();
    if (!value) return std::nullopt;
    return std::vector<std::int64_t>{*value};
  }
  std::vector<std::int64_t> values;
  bool ok = node_->node.size() > 0;
  if (!ok) ErrorExpected("a positive integer or a non-empty list of them");
  const std::vector<YamlValue> items = *AsList();
  for (const YamlValue& item : items) {
    const std::optional<std::int64_t> value = item.AsPositiveInt();
    if (value) {
      values.push_back(*value);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

std::optional<YamlMap> YamlValue::AsMap(std::vector<std::string> known_keys) const {
  if (!node_->node.IsMap()) {
    ErrorExpected("a mapping with keys " + util::Join(known_keys, ", "));
    return std::nullopt;
  }
  std::optional<YamlMap> map = AsOpenMap();
  if (!map) return std::nullopt;
  map->known_keys_ = known_keys;
  for (const YamlMap::Entry& entry : map->entries()) {
    const std::string key = entry.key.Text();
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      entry.key.Error(fmt::format("expected one of the keys {}, got unknown key '{}'{}", util::Join(known_keys, ", "),
                                  key, util::DidYouMeanHint(key, known_keys)));
    }
  }
  return map;
}

std::optional<YamlMap> YamlValue::AsOpenMap() const {
  if (!node_->node.IsMap()) {
    ErrorExpected("a mapping");
    return std::nullopt;
  }
  std::vector<YamlMap::Entry> entries;
  std::map<std::string, int> first_line_of_key;
  for (YAML::const_iterator it = node_->node.begin(); it != node_->node.end(); ++it) {
    const std::string key_text = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const YamlValue key = Child(YamlNode{it->first}, ChildPath(path_, key_text));
    if (!it->first.IsScalar() || key_text.empty()) {
      key.ErrorExpected("a plain key");
      continue;
    }
    const auto [seen, inserted] = first_line_of_key.emplace(key_text, key.line());
    if (!inserted) {
      key.Error(fmt::format("expected each key once, got '{}' again (first at line {})", key_text, seen->second));
      continue;
    }
    entries.push_back(YamlMap::Entry{key, Child(YamlNode{it->second}, key.path())});
  }
  return YamlMap(*this, std::move(entries), std::nullopt);
}

YamlMap::YamlMap(YamlValue self, std::vector<Entry> entries, std::optional<std::vector<std::string>> known_keys)
    : self_(std::move(self)), entries_(std::move(entries)), known_keys_(std::move(known_keys)) {}

bool YamlMap::Has(const std::string& key) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) { return entry.key.Text() == key; });
}

std::optional<YamlValue> YamlMap::Get(const std::string& key) const {
  if (known_keys_ && std::find(known_keys_->begin(), known_keys_->end(), key) == known_keys_->end()) {
    throw util::InternalError(
        fmt::format("YamlMap::Get('{}') of a key the schema of '{}' does not declare", key, self_.path()));
  }
  for (const Entry& entry : entries_) {
    if (entry.key.Text() == key) return entry.value;
  }
  return std::nullopt;
}

std::optional<YamlValue> YamlMap::Require(const std::string& key, const std::string& what) const {
  std::optional<YamlValue> value = Get(key);
  if (!value) {
    // A misspelled required key was already reported as unknown with "did you mean '<key>'":
    // one typo, one error.
    const bool reported_as_typo =
        known_keys_ && std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
          const std::string given = entry.key.Text();
          return std::find(known_keys_->begin(), known_keys_->end(), given) == known_keys_->end() &&
                 util::ClosestMatch(given, *known_keys_) == key;
        });
    if (!reported_as_typo) self_.Error(fmt::format("expected key '{}' ({}), got nothing", key, what));
  }
  return value;
}

YamlDocument::YamlDocument(std::shared_ptr<const YamlNode> node, std::shared_ptr<const std::string> file,
                           util::Diagnostics* diagnostics, bool ok)
    : node_(std::move(node)), file_(std::move(file)), diagnostics_(diagnostics), ok_(ok) {}

YamlDocument YamlDocument::LoadString(const std::string& text, const std::string& name,
                                      util::Diagnostics& diagnostics) {
  auto file = std::make_shared<const std::string>(name);
  // yaml-cpp's parser recurses once per level (and stops itself only at ~1000 levels, with a
  // message that does not say why): deeper text is refused before it parses.
  if (!CheckYamlNesting(text, name, diagnostics)) {
    return YamlDocument(std::make_shared<const YamlNode>(), file, &diagnostics, false);
  }
  try {
    YAML::Node node = YAML::Load(text);
    return YamlDocument(std::make_shared<const YamlNode>(YamlNode{node}), file, &diagnostics, true);
  } catch (const YAML::DeepRecursion& error) {
    // Nesting the pre-scan undercounts (a list at its parent key's indentation counts once, not
    // twice), caught by yaml-cpp's own guard: the same message.
    diagnostics.Add(util::Diagnostic{.file = name,
                                     .line = error.mark.is_null() ? 0 : error.mark.line + 1,
                                     .column = error.mark.is_null() ? 0 : error.mark.column + 1,
                                     .path = "",
                                     .message = NestingMessage()});
    return YamlDocument(std::make_shared<const YamlNode>(), file, &diagnostics, false);
  } catch (const YAML::Exception& error) {
    diagnostics.Add(util::Diagnostic{.file = name,
                                     .line = error.mark.is_null() ? 0 : error.mark.line + 1,
                                     .column = error.mark.is_null() ? 0 : error.mark.column + 1,
                                     .path = "",
                                     .message = "expected valid YAML, got a syntax error: " + error.msg});
    return YamlDocument(std::make_shared<const YamlNode>(), file, &diagnostics, false);
  }
}

YamlDocument YamlDocument::LoadFile(const std::string& path, util::Diagnostics& diagnostics) {
  const std::optional<std::string> text = ReadInputFile(path, "YAML file", diagnostics);
  if (!text) {
    return YamlDocument(std::make_shared<const YamlNode>(), std::make_shared<const std::string>(path), &diagnostics,
                        false);
  }
  return LoadString(*text, path, diagnostics);
}

YamlValue YamlDocument::root() const { return YamlValue(node_, "", file_, diagnostics_); }

}  // namespace loopfront::io
