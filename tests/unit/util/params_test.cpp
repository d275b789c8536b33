#include "loopfront/util/params.h"

#include <catch2/catch.hpp>

#include "loopfront/io/param_reader.h"
#include "loopfront/io/yaml_reader.h"

using loopfront::util::ParamSpec;
using loopfront::util::ParamType;

namespace {

const std::vector<ParamSpec> kSpecs = {
    {"population", ParamType::kInt, 64, 2, 100000, "individuals per generation"},
    {"mutation_rate", ParamType::kDouble, 0.2, 0, 1, "probability of mutating a child"},
    {"elitism", ParamType::kBool, 1, 0, 1, "keep the parents' front"},
};

}  // namespace

TEST_CASE("Parameters default, override, and reject bad values with a suggestion", "[util]") {
  loopfront::util::Diagnostics diagnostics;
  const auto values = loopfront::util::ResolveParams(
      "searcher genetic", kSpecs, {"population=128", "mutation_rate=1.5", "popluation=3", "elitism=false"},
      diagnostics);
  CHECK(values.Int("population") == 128);
  CHECK(values.Double("mutation_rate") == Approx(0.2));
  CHECK_FALSE(values.Bool("elitism"));
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics.items()[0].ToString() ==
        "--param mutation_rate: expected a number mutation_rate in 0..1, got '1.5'");
  CHECK(diagnostics.items()[1].ToString().find("did you mean 'population'?") != std::string::npos);
}

TEST_CASE("Parameters from YAML carry positions", "[util]") {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString("params:\n  population: many\n  mutaton_rate: 0.1\n",
                                                                "e.yaml", diagnostics);
  const auto root = document.root().AsMap({"params"});
  const auto values = loopfront::io::ReadParams("searcher genetic", kSpecs, *root->Get("params"));
  CHECK(values.Int("population") == 64);
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics.items()[0].ToString().starts_with("e.yaml:3:3: params.mutaton_rate: expected one of the keys"));
  CHECK(
      diagnostics.items()[1].ToString().starts_with("e.yaml:2:15: params.population: expected an integer population"));
}
