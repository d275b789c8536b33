#include "loopfront/util/registry.h"

#include <fmt/format.h>

#include <algorithm>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::util::registry_detail {

void CheckNewName(const RegistryKind& kind, const std::string& name, bool has_factory,
                  const std::vector<std::string>& names) {
  if (name.empty() || !has_factory)
    throw InternalError(fmt::format("{} registered without a name or factory", kind.key));
  if (std::find(names.begin(), names.end(), name) != names.end()) {
    throw InternalError(fmt::format("{} '{}' registered twice", kind.key, name));
  }
}

void ThrowUnknownName(const RegistryKind& kind, std::string_view name, const std::vector<std::string>& names) {
  throw ConfigError({Diagnostic{
      .path = kind.key,
      .message = fmt::format("expected one of {}, got '{}'{}", Join(names, ", "), name, DidYouMeanHint(name, names))}});
}
}  // namespace loopfront::util::registry_detail
