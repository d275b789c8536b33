#include "loopfront/experiment/experiment.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"

namespace ex = loopfront::experiment;

namespace {

ex::Experiment Read(const std::string& text) {
  loopfront::util::Diagnostics diagnostics;
  const loopfront::io::YamlDocument document = loopfront::io::YamlDocument::LoadString(text, "exp.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  return ex::ReadExperimentDocument(document, "exp");
}

std::string Messages(const std::string& text) {
  try {
    Read(text);
  } catch (const loopfront::util::ConfigError& error) {
    std::string all;
    for (const auto& diagnostic : error.diagnostics()) all += diagnostic.ToString() + "\n";
    return all;
  }
  return "";
}

const char* const kSweep = R"(
name: sweep
workloads:
  - model: bert-base
    seq_len: [128, 256]
architectures:
  - arch: gemmini
    sweep:
      scratchpad.capacity_bytes: [65536, 262144]
search:
  budget: {evaluations: 300}
  seed: 3
fusion: [none, auto]
output: /tmp/somewhere
threads: 2
)";

}  // namespace

TEST_CASE("FNV-1a 64 matches its reference values", "[experiment]") {
  CHECK(loopfront::util::Fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(loopfront::util::Fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(loopfront::util::Fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("An experiment expands into the cross product in a stable order with stable ids", "[experiment]") {
  const ex::Experiment experiment = Read(kSweep);
  CHECK(experiment.name == "sweep");
  CHECK(experiment.search.budget.max_evaluations == 300);
  CHECK(experiment.search.seed == 3);
  CHECK(experiment.threads == 2);
  REQUIRE(experiment.workloads.size() == 2);
  REQUIRE(experiment.architectures.size() == 2);
  const std::vector<ex::Point> points = ex::ExpandPoints(experiment);
  REQUIRE(points.size() == 8);
  std::set<std::string> ids;
  for (std::size_t index = 0; index < points.size(); ++index) {
    const ex::Point& point = points[index];
    CHECK(point.index == static_cast<std::int64_t>(index));
    CHECK(point.id.size() == 12);
    CHECK(point.id.find_first_not_of("0123456789abcdef") == std::string::npos);
    ids.insert(point.id);
  }
  CHECK(ids.size() == 8);
  // Workloads outermost, then architectures, then fusion (fastest).
  CHECK(*points[0].workload.seq_len == 128);
  CHECK(*points[4].workload.seq_len == 256);
  CHECK(points[0].fusion == "none");
  CHECK(points[1].fusion == "auto");
  CHECK(points[0].architecture->sweep.front().second == "65536");
  CHECK(points[2].architecture->sweep.front().second == "262144");
  // The sweep reached the architecture: the scratchpad holds 65536 or 262144 bytes.
  CHECK(points[0].architecture->architecture.levels != points[2].architecture->architecture.levels);

  // Same file → same ids; the output directory and the thread count do not enter them.
  std::string other = kSweep;
  other.replace(other.find("/tmp/somewhere"), 14, "/elsewhere");
  other.replace(other.find("threads: 2"), 10, "threads: 1");
  const ex::Experiment same = Read(other);
  const std::vector<ex::Point> same_points = ex::ExpandPoints(same);
  for (std::size_t index = 0; index < points.size(); ++index) CHECK(same_points[index].id == points[index].id);
  // The seed does.
  std::string reseeded = kSweep;
  reseeded.replace(reseeded.find("seed: 3"), 7, "seed: 4");
  CHECK(ex::ExpandPoints(Read(reseeded))[0].id != points[0].id);
}

TEST_CASE("Experiment defaults", "[experiment]") {
  const ex::Experiment experiment = Read("workloads: [{model: bert-base}]\narchitectures: [{arch: gemmini}]\n");
  CHECK(experiment.name == "exp");
  CHECK(experiment.output == "results/exp");
  CHECK(experiment.fusions == std::vector<std::string>{"auto"});
  CHECK(experiment.search.searcher == "genetic");
  CHECK(experiment.cost_model_name == "dataflow");
  REQUIRE(experiment.searcher != nullptr);
  REQUIRE(experiment.cost_model != nullptr);
  CHECK(ex::ExpandPoints(experiment).size() == 1);
}

TEST_CASE("Experiment errors are all collected with positions and hints", "[experiment]") {
  const std::string messages = Messages(R"(name: bad
workloads:
  - model: bert-bse
    seq_len: [128, 0]
architectures:
  - arch: gemmini
    sweep:
      scratchpad.capacity_byte: [1024]
  - arch: gemmini
    sweep:
      scratchpd.capacity_bytes: [1024]
search:
  searcher: genetc
fusion: [none, sometimes]
outptu: x
)");
  CHECK(messages.find("exp.yaml:4:20:") != std::string::npos);  // seq_len 0
  CHECK(messages.find("did you mean 'capacity_bytes'") != std::string::npos);
  CHECK(messages.find("did you mean 'scratchpad'") != std::string::npos);
  CHECK(messages.find("did you mean 'genetic'") != std::string::npos);
  CHECK(messages.find("did you mean 'bert-base'") != std::string::npos);
  CHECK(messages.find("searcher: searcher:") == std::string::npos);
  CHECK(messages.find("sometimes") != std::string::npos);
  CHECK(messages.find("did you mean 'output'") != std::string::npos);
}

TEST_CASE("A swept value that breaks the architecture is an error at the sweep key", "[experiment]") {
  const std::string messages = Messages(R"(workloads: [{model: bert-base}]
architectures:
  - arch: gemmini
    sweep:
      scratchpad.capacity_bytes: [65536, 0]
)");
  CHECK(messages.find("exp.yaml:5:7:") != std::string::npos);
  CHECK(messages.find("scratchpad.capacity_bytes=0") != std::string::npos);
}

TEST_CASE("Decode of an encoder is an error at the model", "[experiment]") {
  const std::string messages = Messages(R"(workloads: [{model: bert-base, phase: decode}]
architectures: [{arch: gemmini}]
)");
  CHECK(messages.find("exp.yaml:1:21:") != std::string::npos);
  CHECK(messages.find("bert-base") != std::string::npos);
}

TEST_CASE("Swept keys reach levels (any case) and architecture keys, bad paths are reported once", "[experiment]") {
  const ex::Experiment experiment = Read(R"(workloads: [{model: bert-base}]
architectures:
  - arch: gemmini
    sweep:
      dram.read_bandwidth_words_per_cycle: [4, 8]
      pe_array.mac_energy_pj: [0.3, 0.6]
)");
  REQUIRE(experiment.architectures.size() == 4);
  CHECK(experiment.architectures[0].sweep ==
        std::vector<std::pair<std::string, std::string>>{{"dram.read_bandwidth_words_per_cycle", "4"},
                                                         {"pe_array.mac_energy_pj", "0.3"}});
  CHECK(experiment.architectures[0].architecture.levels != experiment.architectures[2].architecture.levels);
  CHECK(experiment.architectures[0].architecture.mac != experiment.architectures[1].architecture.mac);

  const std::string messages = Messages(R"(workloads: [{model: bert-base}]
architectures:
  - arch: gemmini
    sweep:
      pe_aray.rows: [16, 32]
      clock_ghz: [1, 2]
)");
  CHECK(messages.find("did you mean 'pe_array'") != std::string::npos);
  CHECK(std::count(messages.begin(), messages.end(), '\n') == 1);
}

TEST_CASE("cost_model takes a name or {name, params}, and points without parameters keep their ids", "[experiment]") {
  const std::string base = "workloads: [{model: bert-base}]\narchitectures: [{arch: gemmini}]\n";
  const ex::Experiment plain = Read(base + "cost_model: roofline\n");
  const ex::Experiment mapped = Read(base + "cost_model: {name: roofline}\n");
  const ex::Experiment empty_params = Read(base + "cost_model: {name: roofline, params: {}}\n");
  REQUIRE(mapped.cost_model != nullptr);
  CHECK(mapped.cost_model->name() == "roofline");
  CHECK(mapped.cost_model_name == "roofline");
  CHECK(empty_params.cost_params_text.empty());
  const std::string id = ex::ExpandPoints(plain)[0].id;
  CHECK(ex::ExpandPoints(mapped)[0].id == id);
  CHECK(ex::ExpandPoints(empty_params)[0].id == id);
  CHECK_FALSE(ex::ExpandPoints(plain)[0].config.contains("cost_params"));

  // Parameters enter the id (the built-in models declare none yet: set as a reader would).
  ex::Experiment with_params = Read(base + "cost_model: roofline\n");
  with_params.cost_params_text = "energy_scale=2";
  const ex::Point point = ex::ExpandPoints(with_params)[0];
  CHECK(point.config["cost_params"] == "energy_scale=2");
  CHECK(point.id != id);
}

TEST_CASE("cost_model errors are positioned with suggestions", "[experiment]") {
  const std::string base = "workloads: [{model: bert-base}]\narchitectures: [{arch: gemmini}]\n";
  CHECK(Messages(base + "cost_model: {name: roofline, params: {scale: 2}}\n") ==
        "exp.yaml:3:39: cost_model.params.scale: expected no parameter (cost_model roofline declares none), got "
        "'scale'\n");
  CHECK(Messages(base + "cost_model: {name: rooflin}\n") ==
        "exp.yaml:3:20: cost_model.name: expected one of dataflow, roofline, got 'rooflin'; did you mean "
        "'roofline'?\n");
  CHECK(Messages(base + "cost_model: {nmae: roofline}\n").find("did you mean 'name'") != std::string::npos);
  CHECK(Messages(base + "cost_model: rooflin\n") ==
        "exp.yaml:3:13: cost_model: expected one of dataflow, roofline, got 'rooflin'; did you mean 'roofline'?\n");
}
