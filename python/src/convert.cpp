#include "python/src/bindings.h"

#include <fmt/format.h>

#include "loopfront/search/mapspace.h"
#include "loopfront/util/threads.h"

namespace loopfront::python {

py::object ToPython(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::null:
    case nlohmann::ordered_json::value_t::discarded:
      return py::none();
    case nlohmann::ordered_json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return py::int_(value.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return py::int_(value.get<std::uint64_t>());
    case nlohmann::ordered_json::value_t::number_float:
      return py::float_(value.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return py::str(value.get_ref<const std::string&>());
    case nlohmann::ordered_json::value_t::array: {
      py::list list;
      for (const nlohmann::ordered_json& item : value) list.append(ToPython(item));
      return list;
    }
    case nlohmann::ordered_json::value_t::object: {
      py::dict dict;
      for (const auto& [key, item] : value.items()) dict[py::str(key)] = ToPython(item);
      return dict;
    }
    case nlohmann::ordered_json::value_t::binary:
      break;
  }
  throw py::type_error("loopfront: a binary JSON value has no Python form");
}

std::vector<std::string> ParamStrings(const py::object& params) {
  std::vector<std::string> strings;
  if (params.is_none()) return strings;
  if (!py::isinstance<py::dict>(params)) {
    throw py::type_error("loopfront: expected parameters as a dict {name: value}, got " +
                         std::string(py::str(py::type::of(params).attr("__name__"))));
  }
  for (const auto& [key, value] : params.cast<py::dict>()) {
    std::string text;
    if (py::isinstance<py::bool_>(value)) {
      text = value.cast<bool>() ? "true" : "false";
    } else {
      text = py::str(value);
    }
    strings.push_back(std::string(py::str(key)) + "=" + text);
  }
  return strings;
}

std::string ObjectivesText(const py::object& objectives) {
  if (py::isinstance<py::str>(objectives)) return objectives.cast<std::string>();
  if (py::isinstance<py::tuple>(objectives) || py::isinstance<py::list>(objectives)) {
    std::string text;
    for (const py::handle item : objectives) {
      if (!py::isinstance<py::str>(item)) {
        throw py::type_error("loopfront: expected objectives as names (str), got " +
                             std::string(py::str(py::type::of(item).attr("__name__"))));
      }
      text += (text.empty() ? "" : ",") + item.cast<std::string>();
    }
    return text;
  }
  throw py::type_error("loopfront: expected objectives as a str (\"latency,energy\") or a tuple of names, got " +
                       std::string(py::str(py::type::of(objectives).attr("__name__"))));
}

void CheckInRange(const char* keyword, std::int64_t value, const util::IntRange& range,
                  util::Diagnostics& diagnostics) {
  if (!range.Contains(value)) diagnostics.Add({.path = keyword, .message = util::OutOfRangeMessage(range, value)});
}

void CheckInRange(const char* keyword, double value, const util::RealRange& range, util::Diagnostics& diagnostics) {
  if (!range.Contains(value)) diagnostics.Add({.path = keyword, .message = util::OutOfRangeMessage(range, value)});
}

void CheckMaxPaddingWaste(double value, util::Diagnostics& diagnostics) {
  // As `--max-padding-waste`.
  CheckInRange("max_padding_waste", value, util::RealRange{0.0, search::kMaxPaddingWasteLimit}, diagnostics);
}

int ThreadCount(int threads) {
  util::Diagnostics diagnostics;
  CheckInRange("threads", std::int64_t{threads}, kThreadsKeywordRange, diagnostics);
  diagnostics.ThrowIfAny();
  return threads > 0 ? threads : util::DefaultThreadCount();
}

}  // namespace loopfront::python
