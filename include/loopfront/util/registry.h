// A registry of plug-ins by name (shared/STYLE.md, "Registries"): cost models (cost/cost_model.h)
// and searchers (search/searcher.h) are each one Registry<Interface>. An entry carries the name
// (snake_case = folder name = YAML value), a one-line description, the declared parameters
// (util/params.h) and a factory that builds the plug-in from resolved parameter values.
//
// Registration is explicit, in one table per kind (cost_models/register.cpp,
// mappers/register.cpp): no static self-registration, which a static library's linker drops.
// An unknown name or parameter is a util::ConfigError that lists the valid ones with a
// "did you mean"; a duplicate or empty name is a util::InternalError (a registration bug).
// Parameters given in YAML are resolved by io/param_reader.h.
//
// Thread-safety: registering is single-threaded; once built, a registry is immutable and every
// const method may run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loopfront/util/params.h"

namespace loopfront::util {

// What a registry holds, as its messages and its users name it.
struct RegistryKind {
  std::string key;         // the YAML key of a choice and the path of its errors: "searcher", "cost_model"
  std::string param_flag;  // the command-line flag of its `name=value` parameters: "--param", "--cost-param"
};

namespace registry_detail {
// The parts that do not depend on the interface, in src/util/registry.cpp.
void CheckNewName(const RegistryKind& kind, const std::string& name, bool has_factory,
                  const std::vector<std::string>& names);
[[noreturn]] void ThrowUnknownName(const RegistryKind& kind, std::string_view name,
                                   const std::vector<std::string>& names);
}  // namespace registry_detail

template <typename Interface>
class Registry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params{};
    std::function<std::unique_ptr<Interface>(const ParamValues&)> factory;
  };

  explicit Registry(RegistryKind kind) : kind_(std::move(kind)) {}

  // Throws util::InternalError on a duplicate or empty name, or no factory (a registration bug).
  void Register(Entry entry) {
    registry_detail::CheckNewName(kind_, entry.name, static_cast<bool>(entry.factory), Names());
    entries_.push_back(std::move(entry));
  }

  // Throws util::ConfigError for an unknown name, listing the known ones and a "did you mean".
  const Entry& Find(std::string_view name) const {
    for (const Entry& entry : entries_) {
      if (entry.name == name) return entry;
    }
    registry_detail::ThrowUnknownName(kind_, name, Names());
  }

  // With the parameters' defaults.
  std::unique_ptr<Interface> Create(std::string_view name) const {
    const Entry& entry = Find(name);
    return entry.factory(DefaultParams(entry.params));
  }
  // With `name=value` assignments from the command line (unknown or bad ones: ConfigError).
  std::unique_ptr<Interface> Create(std::string_view name, const std::vector<std::string>& assignments) const {
    const Entry& entry = Find(name);
    Diagnostics diagnostics;
    const ParamValues values = ResolveParams(Owner(entry), entry.params, assignments, diagnostics, kind_.param_flag);
    diagnostics.ThrowIfAny();
    return entry.factory(values);
  }

  bool Contains(std::string_view name) const {
    for (const Entry& entry : entries_) {
      if (entry.name == name) return true;
    }
    return false;
  }
  std::vector<std::string> Names() const {  // in registration order
    std::vector<std::string> names;
    names.reserve(entries_.size());
    for (const Entry& entry : entries_) names.push_back(entry.name);
    return names;
  }
  const std::vector<Entry>& entries() const { return entries_; }
  const RegistryKind& kind() const { return kind_; }

  // Who owns an entry's parameters, in messages: "searcher genetic", "cost_model dataflow".
  std::string Owner(const Entry& entry) const { return kind_.key + " " + entry.name; }

 private:
  RegistryKind kind_;
  std::vector<Entry> entries_;
};

}  // namespace loopfront::util
