// `loopfront validate FILE`: loads a YAML file, checks it completely, and prints "ok" (exit 0) or
// every error found (stderr, exit 2, through main's ConfigError handler).
//
// The kind of document is recognised by a top-level key that only that kind has, through the
// table kDocumentKinds below: to validate a new kind (architectures, mappings, experiments), add a
// row with its key, its name and a function that reads it the way its loader does.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/experiment/experiment.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

// Reads and builds a document of one kind; throws util::ConfigError with every problem found.
// What the command line adds to a check (`--max-points` for experiments).
struct CheckOptions {
  std::int64_t max_points = util::kDefaultMaxPoints;
};

using CheckFunction = void (*)(const io::YamlDocument& document, const std::string& default_name,
                               const CheckOptions& options);

struct DocumentKind {
  std::string_view key;   // a top-level key that identifies the kind
  std::string_view name;  // how messages call it
  CheckFunction check;
};

void CheckTransformerWorkload(const io::YamlDocument& document, const std::string& default_name, const CheckOptions&) {
  workload::BuildWorkload(workload::ReadTransformerDocument(document, default_name));
}

void CheckOpList(const io::YamlDocument& document, const std::string& default_name, const CheckOptions&) {
  workload::BuildWorkload(workload::ReadOpListDocument(document, default_name));
}

void CheckArchitecture(const io::YamlDocument& document, const std::string& default_name, const CheckOptions&) {
  arch::ReadArchitectureDocument(document, default_name);
}

// The mapping is checked completely when the file names its architecture and op; else its shape.
void CheckExperiment(const io::YamlDocument& document, const std::string& default_name, const CheckOptions& options) {
  experiment::ReadExperimentDocument(document, default_name, {.max_points = options.max_points});
}

void CheckMappingFile(const io::YamlDocument& document, const std::string& /*default_name*/, const CheckOptions&) {
  const mapping::MappingFile file = mapping::MappingFile::Load(document.file());
  if (const std::optional<mapping::Problem> problem = file.HeaderProblem()) file.Read(*problem);
}

constexpr DocumentKind kDocumentKinds[] = {
    {workload::kTransformerKey, "transformer workload", &CheckTransformerWorkload},
    {workload::kOpListKey, "op list", &CheckOpList},
    {arch::kArchitectureKey, "architecture", &CheckArchitecture},
    {mapping::kMappingKey, "mapping", &CheckMappingFile},
    {experiment::kExperimentKey, "experiment", &CheckExperiment},
};

const DocumentKind* Recognize(const io::YamlValue& root) {
  if (!root.IsMap()) return nullptr;
  for (const DocumentKind& kind : kDocumentKinds) {
    if (root.HasKey(kind.key)) return &kind;
  }
  return nullptr;
}

// An error naming every kind the document could be, at the start of the document.
[[noreturn]] void ThrowUnrecognized(const io::YamlDocument& document) {
  const io::YamlValue root = document.root();
  std::vector<std::string> expected;
  std::vector<std::string> kind_keys;
  for (const DocumentKind& kind : kDocumentKinds) {
    expected.push_back(fmt::format("'{}' ({})", kind.key, kind.name));
    kind_keys.emplace_back(kind.key);
  }
  std::string found = root.Describe();
  std::string hint;
  if (root.IsMap()) {
    std::vector<std::string> keys;
    keys = root.Keys();
    for (const std::string& key : keys) {
      if (hint.empty()) hint = util::DidYouMeanHint(key, kind_keys);
    }
    found = fmt::format("the keys {}", util::Join(keys, ", "));
  }
  throw util::ConfigError(
      {util::Diagnostic{.file = document.file(),
                        // An empty document has no position; its error belongs at the start of the file.
                        .line = std::max(root.line(), 1),
                        .column = std::max(root.column(), 1),
                        .path = "",
                        .message = fmt::format("expected a document with one of the top-level keys {}, got {}{}",
                                               util::Join(expected, ", "), found, hint)}});
}

int RunValidate(const std::string& path, const CheckOptions& options) {
  util::Diagnostics diagnostics;
  const io::YamlDocument document = io::YamlDocument::LoadFile(path, diagnostics);
  diagnostics.ThrowIfAny();  // unreadable file or YAML syntax error
  const DocumentKind* kind = Recognize(document.root());
  if (kind == nullptr) ThrowUnrecognized(document);
  kind->check(document, experiment::DefaultName(path), options);
  std::cout << "ok\n";
  return 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, CommandRegistry& registry) {
  auto path = std::make_shared<std::string>();
  auto options = std::make_shared<CheckOptions>();
  CLI::App* validate = app.add_subcommand(
      "validate",
      "Check a YAML file (workload, op list, architecture, mapping or experiment) and print ok or every error in it");
  validate->add_option("FILE", *path, "The YAML file to check")->required();
  validate
      ->add_option("--max-points", options->max_points,
                   "Points an experiment may expand into (default 1000000; docs/experiments.md)")
      ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
  registry.Add(validate, [path, options] { return RunValidate(*path, *options); });
}

}  // namespace loopfront::cli
