// The YAML reader (io/yaml_reader.h): any text, then every typed accessor on every node, as the
// loaders call them.
#include <string>

#include "fuzz_target.h"
#include "loopfront/io/yaml_reader.h"

namespace {

using loopfront::io::YamlValue;

// The walk stops this deep: the reader's own depth limit is what is fuzzed, not this recursion.
constexpr int kMaxWalkDepth = 64;

void Walk(const YamlValue& value, int depth) {
  (void)value.line();
  (void)value.column();
  (void)value.Describe();
  (void)value.Tag();
  (void)value.Keys();
  if (value.IsScalar()) {
    (void)value.LooksLikeInt();
    (void)value.AsInt();
    (void)value.AsPositiveInt();
    (void)value.AsIntIn(loopfront::util::kCountRange);
    (void)value.AsDouble();
    (void)value.AsDoubleIn(loopfront::util::kEnergyPjRange);
    (void)value.AsBool();
    (void)value.AsString();
    (void)value.AsChoice({"a", "b"});
    (void)value.AsPositiveIntOrList();
    (void)value.Text();
    return;
  }
  if (depth >= kMaxWalkDepth) return;
  (void)value.FlowText();
  if (value.IsList()) {
    (void)value.AsPositiveIntOrList();
    if (const auto items = value.AsList()) {
      for (const YamlValue& item : *items) Walk(item, depth + 1);
    }
  } else if (value.IsMap()) {
    (void)value.AsMap({"name", "dims"});
    if (const auto map = value.AsOpenMap()) {
      (void)map->Get("name");
      for (const auto& entry : map->entries()) {
        Walk(entry.key, depth + 1);
        Walk(entry.value, depth + 1);
      }
    }
  }
}

}  // namespace

LOOPFRONT_FUZZ_TARGET(yaml) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  if (document.ok()) Walk(document.root(), 0);
  diagnostics.ThrowIfAny();
}
