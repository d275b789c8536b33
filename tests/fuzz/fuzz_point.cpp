// A point file (an experiment's points/<id>.json, experiment/runner.h), read back as RebuildTables
// does for `run`, `merge` and `plot`: the input is the only point of a scratch output folder.
//
// Point files are bound to their point (a hash of their config, experiment/output_folder.h), and a
// mutated file would almost never carry the right hash: the tables would set it aside unread. So
// when the input is a JSON object, the harness re-binds it (point id, version, the hash of its own
// config) and expects the point it then claims to be; the table rebuild is fuzzed with every
// hostile value a file that looks intact can hold. Anything else goes in as it is (the binding
// check itself is fuzzed that way).
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_target.h"
#include "loopfront/experiment/output_folder.h"
#include "loopfront/experiment/runner.h"
#include "loopfront/io/input.h"
#include "loopfront/version.h"

namespace {

constexpr const char* kPointId = "0123456789ab";

// The input re-bound to the point kPointId of `expected`, or the input as it is.
std::string Rebind(std::string_view input, loopfront::experiment::ExpectedPoints& expected) {
  using Json = nlohmann::ordered_json;
  // nlohmann recurses: only text within the readers' nesting limit is parsed here.
  loopfront::util::Diagnostics problems;
  if (!loopfront::io::CheckJsonText(input, "point.json", problems)) return std::string(input);
  Json document = Json::parse(input.begin(), input.end(), nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("config") || !document["config"].is_object()) {
    return std::string(input);
  }
  document["point_id"] = kPointId;
  document["binding"] = Json{{"point_hash", loopfront::experiment::PointHash(document["config"])},
                             {"loopfront_version", loopfront::kVersion}};
  expected.search = loopfront::experiment::SearchPart(document["config"]);
  // Invalid UTF-8 in a string is replaced rather than thrown on: the file is ours to write here.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

LOOPFRONT_FUZZ_TARGET(point) {
  loopfront::experiment::ExpectedPoints expected;
  expected.ids = {kPointId};
  const std::string text = Rebind(input, expected);
  const auto output = loopfront::fuzz::ScratchFolder("output");
  loopfront::fuzz::WriteScratchFile(text, "point.json");
  std::filesystem::create_directories(output / "points");
  std::filesystem::rename(output.parent_path() / "point.json", output / "points" / (std::string(kPointId) + ".json"));
  (void)loopfront::experiment::RebuildTables(output, expected);
}
