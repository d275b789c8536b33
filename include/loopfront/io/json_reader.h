// Checked reading of JSON files (a Hugging Face `config.json`, workload/hf_config.h) with the error
// shape of every loopfront input (DESIGN §4):
//
//     file:line:col: key.path: expected <what>, got <what>; <hint>
//
// nlohmann::json parses the text but keeps no positions, so the document also holds a position
// index built by scanning the (already validated) text once: the 1-based line and column where
// every value starts, by key path. A syntax error is reported at the line and column of the byte
// offset nlohmann names. Columns count characters (UTF-8 code points), lines start at 1.
//
// Like io/yaml_reader.h, nothing throws while reading: each problem is recorded in the
// util::Diagnostics given at load time and the accessor returns nullopt, so a reader collects
// every problem of a file and throws once. Strictness: a key given twice in one object is an error
// (JSON allows it, and nlohmann would keep one of the two silently); numbers read as integers must
// be written as integers (`4096`, not `4096.0`).
//
// Thread-safety: none; a document is used by one thread while a file loads.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"

namespace loopfront::io {

// The parsed tree and its position index, shared by the values of one document.
struct JsonTree;

// One value of a loaded document, with its key path and a sink for diagnostics. Copies are cheap.
class JsonValue {
 public:
  const std::string& path() const { return path_; }  // dotted: `rope_scaling.factor`, `layers[2]`
  const std::string& file() const;
  int line() const;    // 1-based
  int column() const;  // 1-based

  bool IsNull() const;
  bool IsObject() const;
  bool IsString() const;

  // Typed reads. On a mismatch they record `expected ..., got ...` at this value and return nullopt.
  std::optional<std::int64_t> AsPositiveInt() const;     // an integer > 0
  std::optional<std::int64_t> AsNonNegativeInt() const;  // an integer >= 0
  std::optional<double> AsNumber() const;                // any number
  // An integer inside `range` (util/ranges.h); otherwise `expected an integer in [min, max], got
  // <value>`, as YamlValue::AsIntIn.
  std::optional<std::int64_t> AsIntIn(const util::IntRange& range) const;
  std::optional<bool> AsBool() const;
  std::optional<std::string> AsString() const;
  // A string that must be one of `choices`; otherwise lists them and suggests the closest.
  std::optional<std::string> AsChoice(const std::vector<std::string>& choices) const;

  // Object members (no diagnostics: absent and non-object both give nullopt / false / empty).
  std::optional<JsonValue> Get(const std::string& key) const;
  bool Has(const std::string& key) const { return Get(key).has_value(); }
  std::vector<std::string> Keys() const;  // in file order

  // Records `expected <expected>, got <Describe()>[<hint>]` at this value.
  void ErrorExpected(const std::string& expected, const std::string& hint = "") const;
  // Records a free-form message at this value.
  void Error(const std::string& message) const;
  // How a value is described after "got": `4096`, `the string "silu"`, `true`, `nothing (null)`,
  // `an object`, `a list`.
  std::string Describe() const;

  util::Diagnostics& diagnostics() const { return *diagnostics_; }

 private:
  friend class JsonDocument;
  JsonValue(std::shared_ptr<const JsonTree> tree, const nlohmann::ordered_json* node, std::string pointer,
            std::string path, util::Diagnostics* diagnostics);

  std::shared_ptr<const JsonTree> tree_;
  const nlohmann::ordered_json* node_;
  std::string pointer_;  // RFC 6901 JSON pointer, the key of the position index
  std::string path_;
  util::Diagnostics* diagnostics_;
};

// A loaded document. Keeps the file name for diagnostics.
class JsonDocument {
 public:
  // Loads `path`; a missing file, a syntax error or a duplicate key is recorded in `diagnostics`
  // and ok() is false (root() is then null).
  static JsonDocument LoadFile(const std::string& path, util::Diagnostics& diagnostics);
  // Loads `text`, naming it `name` in diagnostics.
  static JsonDocument LoadString(const std::string& text, const std::string& name, util::Diagnostics& diagnostics);

  bool ok() const { return ok_; }
  JsonValue root() const;
  const std::string& file() const;

 private:
  JsonDocument(std::shared_ptr<const JsonTree> tree, util::Diagnostics* diagnostics, bool ok);

  std::shared_ptr<const JsonTree> tree_;
  util::Diagnostics* diagnostics_;
  bool ok_;
};

// The 1-based line and column (in UTF-8 code points) of byte `offset` of `text`; an offset past
// the end is the position just after the last character.
std::pair<int, int> LineColumnOfOffset(const std::string& text, std::size_t offset);

}  // namespace loopfront::io
