// A point file (an experiment's points/<id>.json, experiment/runner.h), read back as RebuildTables
// does for `run`, `merge` and `plot`: the input is the only point of a scratch output folder.
#include "fuzz_target.h"
#include "loopfront/experiment/output_folder.h"
#include "loopfront/experiment/runner.h"

LOOPFRONT_FUZZ_TARGET(point) {
  const auto output = loopfront::fuzz::ScratchFolder("output");
  loopfront::fuzz::WriteScratchFile(input, "point.json");
  std::filesystem::create_directories(output / "points");
  std::filesystem::rename(output.parent_path() / "point.json", output / "points" / "0123456789ab.json");
  // The point is expected by its id: CheckPointFile then reads all of it before the binding.
  const loopfront::experiment::ExpectedPoints expected{
      .experiment = "fuzz", .ids = {"0123456789ab"}, .search = {}, .digest = "", .configs = {}};
  (void)loopfront::experiment::RebuildTables(output, expected);
}
