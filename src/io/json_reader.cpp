#include "loopfront/io/json_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "loopfront/io/input.h"
#include "loopfront/util/strings.h"

namespace loopfront::io {

struct JsonPosition {
  int line = 1;
  int column = 1;
};

struct JsonTree {
  std::string file;
  nlohmann::ordered_json root;
  // Where each value starts, by JSON pointer ("" = the root, "/hidden_size", "/rope_scaling/type").
  std::unordered_map<std::string, JsonPosition> positions;
};

namespace {

using Json = nlohmann::ordered_json;

// RFC 6901: '~' is written "~0" and '/' "~1" inside a pointer's reference tokens.
std::string EscapePointerToken(const std::string& key) {
  std::string escaped;
  for (const char character : key) {
    if (character == '~') {
      escaped += "~0";
    } else if (character == '/') {
      escaped += "~1";
    } else {
      escaped += character;
    }
  }
  return escaped;
}

bool IsContinuationByte(char character) { return (static_cast<unsigned char>(character) & 0xC0U) == 0x80U; }

// Walks text that nlohmann has already accepted, recording where every value starts and every key
// given twice in one object.
class PositionScanner {
 public:
  PositionScanner(const std::string& text, JsonTree& tree, const JsonValue& root)
      : text_(text), tree_(tree), root_(root) {}

  void Scan() { ScanValue("", ""); }

 private:
  char Peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }

  void Advance() {
    if (at_ >= text_.size()) return;
    const char character = text_[at_++];
    if (character == '\n') {
      ++position_.line;
      position_.column = 1;
    } else if (!IsContinuationByte(character)) {
      // A code point's first byte moves the column; its continuation bytes do not.
      ++position_.column;
    }
  }

  void SkipSpace() {
    while (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r') Advance();
  }

  // A string token starting at the current '"', decoded (escapes resolved) by nlohmann.
  std::string ReadString() {
    const std::size_t start = at_;
    Advance();
    while (at_ < text_.size() && Peek() != '"') {
      if (Peek() == '\\') Advance();
      Advance();
    }
    Advance();
    return Json::parse(text_.substr(start, at_ - start)).get<std::string>();
  }

  void ScanValue(const std::string& pointer, const std::string& path) {
    SkipSpace();
    tree_.positions[pointer] = position_;
    const char first = Peek();
    if (first == '{') {
      Advance();
      SkipSpace();
      std::unordered_map<std::string, int> first_line_of_key;
      while (Peek() == '"') {
        const int key_line = position_.line;
        const std::string key = ReadString();
        SkipSpace();
        Advance();  // ':'
        const std::string child_pointer = pointer + "/" + EscapePointerToken(key);
        const std::string child_path = path.empty() ? key : path + "." + key;
        const auto [seen, inserted] = first_line_of_key.emplace(key, key_line);
        if (inserted) {
          ScanValue(child_pointer, child_path);
        } else {
          SkipSpace();
          root_.diagnostics().Add(util::Diagnostic{
              .file = tree_.file,
              .line = position_.line,
              .column = position_.column,
              .path = child_path,
              .message = fmt::format("expected each key once per object, got '{}' again (first at line {})", key,
                                     seen->second)});
          // Positions of the repeated value's members would shadow the first's: scan into a scratch index.
          JsonTree scratch;
          scratch.file = tree_.file;
          PositionScanner inner(text_, scratch, root_);
          inner.at_ = at_;
          inner.position_ = position_;
          inner.ScanValue(child_pointer, child_path);
          at_ = inner.at_;
          position_ = inner.position_;
        }
        SkipSpace();
        if (Peek() == ',') {
          Advance();
          SkipSpace();
        }
      }
      Advance();  // '}'
    } else if (first == '[') {
      Advance();
      SkipSpace();
      std::size_t index = 0;
      while (Peek() != ']' && at_ < text_.size()) {
        ScanValue(fmt::format("{}/{}", pointer, index), fmt::format("{}[{}]", path, index));
        ++index;
        SkipSpace();
        if (Peek() == ',') Advance();
        SkipSpace();
      }
      Advance();  // ']'
    } else if (first == '"') {
      ReadString();
    } else {
      // A number or a literal (true, false, null): up to the next delimiter.
      while (at_ < text_.size() && Peek() != ',' && Peek() != '}' && Peek() != ']' && Peek() != ' ' && Peek() != '\t' &&
             Peek() != '\n' && Peek() != '\r') {
        Advance();
      }
    }
  }

  const std::string& text_;
  JsonTree& tree_;
  const JsonValue& root_;
  std::size_t at_ = 0;
  JsonPosition position_{};
};

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 3, column
// 5: " prefix (the position is given in loopfront's own form).
std::string ParseErrorDetail(const std::string& what) {
  const std::string marker = ": ";
  const std::size_t at = what.find("parse error");
  if (at == std::string::npos) return what;
  const std::size_t colon = what.find(marker, at);
  return colon == std::string::npos ? what : what.substr(colon + marker.size());
}

}  // namespace

std::pair<int, int> LineColumnOfOffset(const std::string& text, std::size_t offset) {
  int line = 1;
  int column = 1;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t at = 0; at < end; ++at) {
    if (text[at] == '\n') {
      ++line;
      column = 1;
    } else if (!IsContinuationByte(text[at])) {
      ++column;
    }
  }
  return {line, column};
}

JsonValue::JsonValue(std::shared_ptr<const JsonTree> tree, const Json* node, std::string pointer, std::string path,
                     util::Diagnostics* diagnostics)
    : tree_(std::move(tree)),
      node_(node),
      pointer_(std::move(pointer)),
      path_(std::move(path)),
      diagnostics_(diagnostics) {}

const std::string& JsonValue::file() const { return tree_->file; }

int JsonValue::line() const {
  const auto found = tree_->positions.find(pointer_);
  return found == tree_->positions.end() ? 1 : found->second.line;
}

int JsonValue::column() const {
  const auto found = tree_->positions.find(pointer_);
  return found == tree_->positions.end() ? 1 : found->second.column;
}

bool JsonValue::IsNull() const { return node_->is_null(); }
bool JsonValue::IsObject() const { return node_->is_object(); }
bool JsonValue::IsString() const { return node_->is_string(); }

namespace {

// An integer that fits int64 (nlohmann keeps non-negative literals as uint64).
std::optional<std::int64_t> IntegerOf(const Json& node) {
  if (node.is_number_unsigned()) {
    const std::uint64_t value = node.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (node.is_number_integer()) return node.get<std::int64_t>();
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> JsonValue::AsPositiveInt() const {
  const std::optional<std::int64_t> value = IntegerOf(*node_);
  if (value && *value > 0) return value;
  ErrorExpected("a positive integer");
  return std::nullopt;
}

std::optional<std::int64_t> JsonValue::AsIntIn(const util::IntRange& range) const {
  const std::optional<std::int64_t> value = IntegerOf(*node_);
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

std::optional<std::int64_t> JsonValue::AsNonNegativeInt() const {
  const std::optional<std::int64_t> value = IntegerOf(*node_);
  if (value && *value >= 0) return value;
  ErrorExpected("a non-negative integer");
  return std::nullopt;
}

std::optional<double> JsonValue::AsNumber() const {
  if (node_->is_number()) return node_->get<double>();
  ErrorExpected("a number");
  return std::nullopt;
}

std::optional<bool> JsonValue::AsBool() const {
  if (node_->is_boolean()) return node_->get<bool>();
  ErrorExpected("true or false");
  return std::nullopt;
}

std::optional<std::string> JsonValue::AsString() const {
  if (node_->is_string()) return node_->get<std::string>();
  ErrorExpected("a string");
  return std::nullopt;
}

std::optional<std::string> JsonValue::AsChoice(const std::vector<std::string>& choices) const {
  if (!node_->is_string()) {
    ErrorExpected(fmt::format("one of {}", util::Join(choices, ", ")));
    return std::nullopt;
  }
  const std::string text = node_->get<std::string>();
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
  ErrorExpected(fmt::format("one of {}", util::Join(choices, ", ")), util::DidYouMeanHint(text, choices));
  return std::nullopt;
}

std::optional<JsonValue> JsonValue::Get(const std::string& key) const {
  if (!node_->is_object()) return std::nullopt;
  const auto found = node_->find(key);
  if (found == node_->end()) return std::nullopt;
  return JsonValue(tree_, &*found, pointer_ + "/" + EscapePointerToken(key), path_.empty() ? key : path_ + "." + key,
                   diagnostics_);
}

std::vector<std::string> JsonValue::Keys() const {
  std::vector<std::string> keys;
  if (!node_->is_object()) return keys;
  for (const auto& [key, unused] : node_->items()) keys.push_back(key);
  return keys;
}

void JsonValue::Error(const std::string& message) const {
  diagnostics_->Add(
      util::Diagnostic{.file = tree_->file, .line = line(), .column = column(), .path = path_, .message = message});
}

void JsonValue::ErrorExpected(const std::string& expected, const std::string& hint) const {
  Error(fmt::format("expected {}, got {}{}", expected, Describe(), hint));
}

std::string JsonValue::Describe() const {
  if (node_->is_null()) return "nothing (null)";
  if (node_->is_object()) return "an object";
  if (node_->is_array()) return "a list";
  if (node_->is_string()) return fmt::format("the string \"{}\"", util::EscapeControl(node_->get<std::string>()));
  return node_->dump();
}

JsonDocument::JsonDocument(std::shared_ptr<const JsonTree> tree, util::Diagnostics* diagnostics, bool ok)
    : tree_(std::move(tree)), diagnostics_(diagnostics), ok_(ok) {}

JsonDocument JsonDocument::LoadFile(const std::string& path, util::Diagnostics& diagnostics) {
  const InputText input = ReadInputFile(path);
  if (!input.ok()) {
    // A relative path is shown resolved too: where a caller reports this at another file's value
    // (an experiment's `model:`), the current directory it was taken from is not obvious.
    const std::filesystem::path given(path);
    const std::string where =
        given.is_relative() ? fmt::format(" ({})", std::filesystem::absolute(given).string()) : std::string();
    diagnostics.Add(util::Diagnostic{
        .file = path, .message = fmt::format("expected a readable JSON file, got {}{}", input.problem, where)});
    auto tree = std::make_shared<JsonTree>();
    tree->file = path;
    return JsonDocument(std::move(tree), &diagnostics, false);
  }
  return LoadString(input.text, path, diagnostics);
}

JsonDocument JsonDocument::LoadString(const std::string& text, const std::string& name,
                                      util::Diagnostics& diagnostics) {
  auto tree = std::make_shared<JsonTree>();
  tree->file = name;
  // Nesting beyond kMaxNestingDepth (the position scanner below recurses per level) and numbers
  // that are no finite double are refused where they are written, before nlohmann reads them.
  if (!CheckJsonText(text, name, diagnostics)) {
    tree->root = nullptr;
    return JsonDocument(std::move(tree), &diagnostics, false);
  }
  try {
    tree->root = Json::parse(text);
  } catch (const Json::parse_error& error) {
    // nlohmann's `byte` is the 1-based index of the last character it read: the error is there.
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    const auto [line, column] = LineColumnOfOffset(text, offset);
    diagnostics.Add(util::Diagnostic{
        .file = name,
        .line = line,
        .column = column,
        .path = "",
        .message = fmt::format("expected JSON, got a syntax error: {}", ParseErrorDetail(error.what()))});
    tree->root = nullptr;
    return JsonDocument(std::move(tree), &diagnostics, false);
  }
  const std::size_t errors_before = diagnostics.size();
  const JsonValue root(tree, &tree->root, "", "", &diagnostics);
  PositionScanner(text, *tree, root).Scan();
  const bool ok = diagnostics.size() == errors_before;
  return JsonDocument(std::move(tree), &diagnostics, ok);
}

JsonValue JsonDocument::root() const { return JsonValue(tree_, &tree_->root, "", "", diagnostics_); }

const std::string& JsonDocument::file() const { return tree_->file; }

}  // namespace loopfront::io
