#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "loopfront/cost/cost_model.h"
#include "loopfront/io/param_reader.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/report/catalog.h"
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

// The parameter mechanism, with a test-only cost model in a registry the test builds (the built-in
// models declare no parameter yet): defaults, command-line and YAML values, and every error naming
// the valid choices.
namespace {

using loopfront::cost::CostModel;
using loopfront::cost::CostModelRegistry;
using loopfront::util::Diagnostics;
using loopfront::util::ParamType;
using loopfront::util::ParamValues;

class ScaledModel final : public CostModel {
 public:
  explicit ScaledModel(const ParamValues& params)
      : energy_scale_(params.Double("energy_scale")), fill_cycles_(params.Int("fill_cycles")) {}
  loopfront::cost::Cost Evaluate(const loopfront::mapping::Problem&,
                                 const loopfront::mapping::Mapping&) const override {
    return {};
  }
  std::string_view name() const override { return "scaled"; }
  std::string_view description() const override { return "a test model with parameters"; }

  double energy_scale() const { return energy_scale_; }
  std::int64_t fill_cycles() const { return fill_cycles_; }

 private:
  double energy_scale_;
  std::int64_t fill_cycles_;
};

class PlainModel final : public CostModel {
 public:
  loopfront::cost::Cost Evaluate(const loopfront::mapping::Problem&,
                                 const loopfront::mapping::Mapping&) const override {
    return {};
  }
  std::string_view name() const override { return "plain"; }
  std::string_view description() const override { return "a test model without parameters"; }
};

CostModelRegistry TestRegistry() {
  CostModelRegistry registry(loopfront::cost::kCostModelKind);
  registry.Register({.name = "plain",
                     .description = "a test model without parameters",
                     .params = {},
                     .factory = [](const ParamValues&) { return std::make_unique<PlainModel>(); }});
  registry.Register({.name = "scaled",
                     .description = "a test model with parameters",
                     .params = {{"energy_scale", ParamType::kDouble, 1.0, 0.5, 4.0, "factor on every energy"},
                                {"fill_cycles", ParamType::kInt, 0, 0, 1000, "cycles added once per op"}},
                     .factory = [](const ParamValues& params) { return std::make_unique<ScaledModel>(params); }});
  return registry;
}

const ScaledModel& AsScaled(const std::unique_ptr<CostModel>& model) {
  return dynamic_cast<const ScaledModel&>(*model);
}

}  // namespace

TEST_CASE("A registry creates a plug-in with its parameters' defaults or given values", "[cost][registry]") {
  const CostModelRegistry registry = TestRegistry();
  CHECK(registry.Names() == std::vector<std::string>{"plain", "scaled"});
  const auto defaults = registry.Create("scaled");
  CHECK(AsScaled(defaults).energy_scale() == 1.0);
  CHECK(AsScaled(defaults).fill_cycles() == 0);
  const auto given = registry.Create("scaled", {"energy_scale=2.5", "fill_cycles=12"});
  CHECK(AsScaled(given).energy_scale() == 2.5);
  CHECK(AsScaled(given).fill_cycles() == 12);
}

TEST_CASE("A registry rejects unknown names, unknown parameters and bad values, naming the valid ones",
          "[cost][registry]") {
  const CostModelRegistry registry = TestRegistry();
  CHECK_THROWS_WITH(registry.Create("scaeld"),
                    "cost_model: expected one of plain, scaled, got 'scaeld'; did you mean 'scaled'?");
  CHECK_THROWS_WITH(registry.Create("scaled", {"energy_scal=2"}),
                    "--cost-param: expected NAME=VALUE with NAME one of energy_scale, fill_cycles (cost_model scaled), "
                    "got 'energy_scal=2'; did you mean 'energy_scale'?");
  CHECK_THROWS_WITH(registry.Create("scaled", {"energy_scale=8"}),
                    "--cost-param energy_scale: expected a number energy_scale in 0.5..4, got '8'");
  CHECK_THROWS_WITH(registry.Create("scaled", {"fill_cycles=1.5"}),
                    "--cost-param fill_cycles: expected an integer fill_cycles in 0..1000, got '1.5'");
  CHECK_THROWS_WITH(registry.Create("plain", {"energy_scale=2"}),
                    Catch::Contains("expected NAME=VALUE with NAME one of (none) (cost_model plain)"));
}

TEST_CASE("A registry rejects a duplicate or unnamed registration as a bug", "[cost][registry]") {
  CostModelRegistry registry = TestRegistry();
  CHECK_THROWS_AS(registry.Register({.name = "plain",
                                     .description = "again",
                                     .params = {},
                                     .factory = [](const ParamValues&) { return std::make_unique<PlainModel>(); }}),
                  loopfront::util::InternalError);
  CHECK_THROWS_AS(registry.Register({.name = "", .description = "", .params = {}, .factory = nullptr}),
                  loopfront::util::InternalError);
}

TEST_CASE("Parameters from YAML are read with positions and suggestions", "[cost][registry]") {
  const CostModelRegistry registry = TestRegistry();
  Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(
      "scaled: {energy_scale: 3, fill_cycles: 7}\n"
      "typo: {energy_scal: 3}\n"
      "bad: {energy_scale: lots, fill_cycles: 2000}\n"
      "plain: {energy_scale: 3}\n",
      "m.yaml", diagnostics);
  const auto root = document.root().AsMap({"scaled", "typo", "bad", "plain"});
  const auto scaled = loopfront::io::CreateFromYaml(registry, "scaled", *root->Get("scaled"));
  CHECK(AsScaled(scaled).energy_scale() == 3.0);
  CHECK(AsScaled(scaled).fill_cycles() == 7);
  CHECK(diagnostics.empty());
  const auto typo = loopfront::io::CreateFromYaml(registry, "scaled", *root->Get("typo"));
  CHECK(AsScaled(typo).energy_scale() == 1.0);
  loopfront::io::CreateFromYaml(registry, "scaled", *root->Get("bad"));
  loopfront::io::CreateFromYaml(registry, "plain", *root->Get("plain"));
  REQUIRE(diagnostics.size() == 4);
  CHECK(diagnostics.items()[0].ToString() ==
        "m.yaml:2:8: typo.energy_scal: expected one of the keys energy_scale, fill_cycles, got unknown key "
        "'energy_scal'; did you mean 'energy_scale'?");
  CHECK(diagnostics.items()[1].ToString() ==
        "m.yaml:3:21: bad.energy_scale: expected a number energy_scale in 0.5..4 (a parameter of cost_model scaled), "
        "got 'lots'");
  CHECK(diagnostics.items()[2].ToString() ==
        "m.yaml:3:40: bad.fill_cycles: expected an integer fill_cycles in 0..1000 (a parameter of cost_model "
        "scaled), got '2000'");
  CHECK(diagnostics.items()[3].ToString() ==
        "m.yaml:4:9: plain.energy_scale: expected no parameter (cost_model plain declares none), got 'energy_scale'");
  CHECK_THROWS_WITH(loopfront::io::CreateFromYaml(registry, "scaeld", *root->Get("scaled")),
                    Catch::Contains("did you mean 'scaled'?"));
}

TEST_CASE("The listing of a registry shows each entry's parameters (loopfront list)", "[cost][registry]") {
  CHECK(loopfront::report::CatalogText({loopfront::report::RegistrySection("cost models", TestRegistry())}) ==
        "cost models:\n"
        "  plain                  a test model without parameters\n"
        "  scaled                 a test model with parameters\n"
        "      energy_scale (number, default 1, 0.5..4): factor on every energy\n"
        "      fill_cycles (int, default 0, 0..1000): cycles added once per op\n");
}
