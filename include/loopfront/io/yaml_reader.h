// Strict, schema-checked reading of YAML files. Every loader in loopfront (workloads, op lists,
// architectures, mappings, experiments) reads through these classes so that every error has the
// same shape (DESIGN §4):
//
//     file:line:col: key.path: expected <what>, got <what>; <hint>
//
// Lines and columns are 1-based (yaml-cpp's marks are 0-based). Nothing throws while reading:
// each problem is recorded in a util::Diagnostics and the accessor returns nullopt, so a loader
// reads the whole file, collects every error, and calls Diagnostics::ThrowIfAny() once at the end.
//
// Strictness: maps declare their keys up front (unknown keys are errors with "did you mean"),
// duplicate keys are errors, quoted scalars are strings (a quoted "512" is not an integer),
// booleans are only `true`/`false`, numbers must be finite.
//
// yaml-cpp stays behind this header (shared/STYLE.md: each third-party library stays in one layer):
// values hold their node through YamlNode, defined in src/io/yaml_reader.cpp, and offer typed
// accessors only, so that no loader, command or plug-in sees a raw YAML node.
//
// Thread-safety: none; a reader is used by one thread while a file loads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"

namespace loopfront::io {

class YamlMap;
class YamlDocument;
// The yaml-cpp node behind a value (a shared handle into the loaded document).
struct YamlNode;

// One node of a loaded document, with its key path and a sink for diagnostics. Copies are cheap
// (they share the node).
class YamlValue {
 public:
  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  int line() const;    // 1-based
  int column() const;  // 1-based

  bool IsNull() const;
  bool IsMap() const;
  bool IsList() const;
  bool IsScalar() const;
  // A plain (unquoted) scalar that parses as an integer.
  bool LooksLikeInt() const;

  // Typed reads. On a mismatch they record `expected ..., got ...` at this node and return nullopt.
  std::optional<std::int64_t> AsInt() const;
  std::optional<std::int64_t> AsPositiveInt() const;     // > 0
  std::optional<std::int64_t> AsNonNegativeInt() const;  // >= 0
  std::optional<double> AsDouble() const;
  std::optional<double> AsPositiveDouble() const;
  std::optional<double> AsNonNegativeDouble() const;
  // An integer / a number inside `range` (util/ranges.h); otherwise `expected an integer in
  // [min, max], got <value>` (or the type mismatch). Every numeric key of a loader reads through
  // these, with its documented domain.
  std::optional<std::int64_t> AsIntIn(const util::IntRange& range) const;
  std::optional<double> AsDoubleIn(const util::RealRange& range) const;
  std::optional<bool> AsBool() const;
  std::optional<std::string> AsString() const;
  // A string that must be one of `choices`; otherwise lists them and suggests the closest.
  std::optional<std::string> AsChoice(const std::vector<std::string>& choices) const;
  // A map whose keys must all be in `known_keys` (unknown keys are reported with "did you mean").
  std::optional<YamlMap> AsMap(std::vector<std::string> known_keys) const;
  // A map with arbitrary keys (e.g. `dims: {m: 512, n: 768}`); duplicates are still errors.
  std::optional<YamlMap> AsOpenMap() const;
  std::optional<std::vector<YamlValue>> AsList() const;
  // A list of positive integers, or a single positive integer read as a one-element list.
  std::optional<std::vector<std::int64_t>> AsPositiveIntOrList() const;

  // Records `expected <expected>, got <this node's description>[; hint]` at this node.
  void ErrorExpected(const std::string& expected, const std::string& hint = "") const;
  // Records a free-form message at this node.
  void Error(const std::string& message) const;

  // How a value is described after "got": `'abc'`, `512`, `a list`, `a mapping`, `nothing (null)`.
  std::string Describe() const;

  // Untyped looks that report nothing, for code that must decide what a document is before
  // reading it with a schema (`loopfront validate`, the workload loader) or echo it (point ids).
  // A scalar's text as written, without quotes; empty for anything else.
  std::string Text() const;
  // Whether this is a mapping with the key `key`.
  bool HasKey(std::string_view key) const;
  // The keys of a mapping in file order (a non-scalar key as "?"); empty for anything else.
  std::vector<std::string> Keys() const;
  // The node's explicit YAML tag as written (`!Container` for `- !Container {name: x}`); empty for
  // an untagged node (yaml-cpp's non-specific tags "?" and "!", a plain or quoted scalar).
  std::string Tag() const;
  // The value as one line of flow-style YAML, as yaml-cpp emits it: `64`, `abc`, `{a: 1, b: [2, 3]}`.
  std::string FlowText() const;

  // This value reporting into `diagnostics` instead (to read a value a second time without
  // reporting its problems twice).
  YamlValue ReportingTo(util::Diagnostics& diagnostics) const;

  util::Diagnostics& diagnostics() const { return *diagnostics_; }

 private:
  friend class YamlMap;
  friend class YamlDocument;
  YamlValue(std::shared_ptr<const YamlNode> node, std::string path, std::shared_ptr<const std::string> file,
            util::Diagnostics* diagnostics);
  // The value of `node`, a child of this one, at `path`.
  YamlValue Child(const YamlNode& node, std::string path) const;

  std::shared_ptr<const YamlNode> node_;
  std::string path_;
  std::shared_ptr<const std::string> file_;
  util::Diagnostics* diagnostics_;
};

// A checked YAML mapping. Entries keep file order.
class YamlMap {
 public:
  struct Entry {
    YamlValue key;
    YamlValue value;
  };

  // The value at `key`, or nullopt if absent. For a map made by AsMap, `key` must be one of the
  // declared keys (asking for an undeclared key is a loopfront bug and throws InternalError).
  std::optional<YamlValue> Get(const std::string& key) const;
  // Like Get, but a missing key is an error `expected key '<key>' (<what>), got nothing`.
  std::optional<YamlValue> Require(const std::string& key, const std::string& what) const;
  bool Has(const std::string& key) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const YamlValue& self() const { return self_; }

 private:
  friend class YamlValue;
  YamlMap(YamlValue self, std::vector<Entry> entries, std::optional<std::vector<std::string>> known_keys);

  YamlValue self_;
  std::vector<Entry> entries_;
  std::optional<std::vector<std::string>> known_keys_;
};

// A loaded document. Keeps the file name for diagnostics.
class YamlDocument {
 public:
  // Loads `path`; a missing file or a syntax error is recorded in `diagnostics` and root() is null.
  static YamlDocument LoadFile(const std::string& path, util::Diagnostics& diagnostics);
  // Loads `text`, naming it `name` in diagnostics (for tests and for embedded presets).
  static YamlDocument LoadString(const std::string& text, const std::string& name, util::Diagnostics& diagnostics);

  bool ok() const { return ok_; }
  // The root value (path ""), reporting into the diagnostics given at load time.
  YamlValue root() const;
  const std::string& file() const { return *file_; }

 private:
  YamlDocument(std::shared_ptr<const YamlNode> node, std::shared_ptr<const std::string> file,
               util::Diagnostics* diagnostics, bool ok);

  std::shared_ptr<const YamlNode> node_;
  std::shared_ptr<const std::string> file_;
  util::Diagnostics* diagnostics_;
  bool ok_;
};

// Joins a key path: ChildPath("model", "d_ff") == "model.d_ff"; ChildPath("", "x") == "x".
std::string ChildPath(const std::string& parent, const std::string& key);
// ItemPath("levels", 2) == "levels[2]".
std::string ItemPath(const std::string& parent, std::size_t index);

}  // namespace loopfront::io
