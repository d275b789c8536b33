#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "loopfront/cost/cost_model.h"
#include "loopfront/util/error.h"

using loopfront::cost::BuiltinCostModels;
using loopfront::util::ConfigError;

TEST_CASE("Cost models are created by name", "[cost]") {
  const auto model = BuiltinCostModels().Create("dataflow");
  REQUIRE(model != nullptr);
  CHECK(model->name() == "dataflow");
  CHECK_FALSE(model->description().empty());
}

TEST_CASE("An unknown cost model is a configuration error with a suggestion", "[cost]") {
  CHECK_THROWS_AS(BuiltinCostModels().Create("dataflw"), ConfigError);
  CHECK_THROWS_WITH(BuiltinCostModels().Create("dataflw"),
                    Catch::Contains("expected one of dataflow") && Catch::Contains("did you mean 'dataflow'?"));
}

TEST_CASE("Every folder of cost_models/ is registered under its name", "[cost]") {
  int folders = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(LOOPFRONT_SOURCE_DIR) / "cost_models")) {
    if (!entry.is_directory()) continue;
    ++folders;
    const std::string name = entry.path().filename().string();
    INFO("cost_models/" << name);
    CHECK(BuiltinCostModels().Contains(name));
  }
  CHECK(folders >= 1);
  CHECK(static_cast<int>(BuiltinCostModels().Names().size()) == folders);
}
