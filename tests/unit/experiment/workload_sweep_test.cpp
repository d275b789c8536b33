// Model-shape sweeps in experiments (survey Sec. 6; docs/experiments.md, "Dotted workload keys"):
// `workloads[].sweep` sets `transformer.*` keys of the workload's document, each combination read
// again with every workload check, errors positioned at the sweep key.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/shape_sweep.h"

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

const std::string kArch = "architectures: [{arch: gemmini}]\n";

}  // namespace

TEST_CASE("A workload sweep is the cross product of its keys, after the entry's own lists", "[experiment][sweep]") {
  const ex::Experiment experiment = Read(R"(workloads:
  - model: bert-base
    seq_len: [128, 256]
    sweep:
      transformer.layers: [3, 6]
      transformer.d_ff: [768, 1536, 3072]
)" + kArch);
  REQUIRE(experiment.workloads.size() == 2 * 2 * 3);
  // seq_len outermost, then the sweep keys in file order, the last fastest.
  CHECK(*experiment.workloads[0].seq_len == 128);
  CHECK(*experiment.workloads[6].seq_len == 256);
  CHECK(experiment.workloads[0].sweep.size() == 2);
  CHECK(experiment.workloads[0].sweep[0].key == "transformer.layers");
  CHECK(experiment.workloads[0].sweep[0].value == "3");
  CHECK(experiment.workloads[0].sweep[1].value == "768");
  CHECK(experiment.workloads[1].sweep[1].value == "1536");
  CHECK(experiment.workloads[3].sweep[0].value == "6");

  // The values reach the built workload.
  const ex::ResolvedModel model = ex::ResolveModel(experiment.workloads[4]);  // seq 128, layers 6, d_ff 1536
  REQUIRE(model.spec.transformer);
  CHECK(model.spec.name == "bert-base");
  CHECK(model.spec.transformer->layers == 6);
  CHECK(model.spec.transformer->d_ff == 1536);
  CHECK(model.spec.transformer->seq_len == 128);
  CHECK(model.identity.description.find("with transformer.layers=6, transformer.d_ff=1536") != std::string::npos);

  // Every point has its own id; the swept values are in the id's configuration.
  const std::vector<ex::Point> points = ex::ExpandPoints(experiment);
  REQUIRE(points.size() == 12);
  std::set<std::string> ids;
  for (const ex::Point& point : points) ids.insert(point.id);
  CHECK(ids.size() == 12);
  CHECK(points[4].config.at("workload_sweep").at("transformer.d_ff") == "1536");
}

TEST_CASE("A point without a workload sweep keeps its id, and a sweep to the same value is another point",
          "[experiment][sweep]") {
  const ex::Experiment plain = Read("workloads: [{model: bert-base, seq_len: 128}]\n" + kArch);
  const ex::Experiment swept =
      Read("workloads: [{model: bert-base, seq_len: 128, sweep: {transformer.layers: 12}}]\n" + kArch);
  const ex::Point plain_point = ex::ExpandPoints(plain).front();
  CHECK_FALSE(plain_point.config.contains("workload_sweep"));
  // The configuration the id hashes is that of a loopfront without workload sweeps.
  CHECK(plain_point.config.dump().find("sweep\":{}") != std::string::npos);
  CHECK(ex::ExpandPoints(swept).front().id != plain_point.id);
}

TEST_CASE("A swept value that breaks the workload is an error at its sweep key", "[experiment][sweep]") {
  const std::string messages = Messages(R"(workloads:
  - model: gpt2
    sweep:
      transformer.d_ff: 1024
      transformer.layers: [12, 0]
)" + kArch);
  INFO(messages);
  CHECK(messages.find("exp.yaml:5:7: workloads[0].sweep.transformer.layers: the workload gpt2 with "
                      "transformer.d_ff=1024, transformer.layers=0 is not valid: expected an integer in [1, 1099511627776]") !=
        std::string::npos);
  CHECK(messages.find("transformer.layers=12") == std::string::npos);
  CHECK(std::count(messages.begin(), messages.end(), '\n') == 1);
}

TEST_CASE("Unknown, non-transformer and doubly given sweep keys are errors at the key", "[experiment][sweep]") {
  const std::string unknown = Messages(R"(workloads:
  - model: bert-base
    sweep:
      transformer.hedas: [4, 8]
)" + kArch);
  INFO(unknown);
  CHECK(unknown.find("exp.yaml:4:7:") != std::string::npos);
  CHECK(unknown.find("did you mean 'heads'") != std::string::npos);
  // Two values of the key, one problem reported.
  CHECK(std::count(unknown.begin(), unknown.end(), '\n') == 1);

  const std::string outside = Messages(R"(workloads:
  - model: bert-base
    sweep:
      layers: [4, 8]
)" + kArch);
  CHECK(outside.find("exp.yaml:4:7:") != std::string::npos);
  CHECK(outside.find("transformer.KEY") != std::string::npos);

  const std::string twice = Messages(R"(workloads:
  - model: bert-base
    seq_len: 128
    sweep:
      transformer.seq_len: [256]
)" + kArch);
  CHECK(twice.find("exp.yaml:5:7:") != std::string::npos);
  CHECK(twice.find("the entry's own key 'seq_len'") != std::string::npos);
}

TEST_CASE("An op-list workload cannot take transformer.* keys", "[experiment][sweep]") {
  const std::string file = std::string(LOOPFRONT_SOURCE_DIR) + "/workloads/examples/bert-base-attention.yaml";
  const std::string messages =
      Messages("workloads:\n  - model: " + file + "\n    sweep:\n      transformer.heads: [4, 8]\n" + kArch);
  INFO(messages);
  CHECK(messages.find("exp.yaml:4:7:") != std::string::npos);
  CHECK(messages.find("op list") != std::string::npos);
}

TEST_CASE("LoadSweptWorkloadSpec without settings is LoadWorkloadSpec", "[experiment][sweep]") {
  const loopfront::workload::WorkloadSpec plain = loopfront::workload::LoadWorkloadSpec("gpt2");
  const loopfront::workload::WorkloadSpec same = loopfront::workload::LoadSweptWorkloadSpec("gpt2", {});
  CHECK(same.transformer->layers == plain.transformer->layers);
  const std::vector<loopfront::workload::KeySetting> settings = {{"transformer.layers", "2"}};
  CHECK(loopfront::workload::LoadSweptWorkloadSpec("gpt2", settings).transformer->layers == 2);
}

TEST_CASE("blocks_only leaves out the embeddings and the LM head, and enters the id", "[experiment][sweep]") {
  const ex::Experiment full = Read("workloads: [{model: gpt2, seq_len: 128}]\n" + kArch);
  const ex::Experiment blocks = Read("workloads: [{model: gpt2, seq_len: 128, blocks_only: true}]\n" + kArch);
  REQUIRE(blocks.workloads.size() == 1);
  CHECK(blocks.workloads[0].blocks_only);
  const ex::ResolvedModel model = ex::ResolveModel(blocks.workloads[0]);
  REQUIRE(model.spec.transformer);
  CHECK(ex::ResolveModel(full.workloads[0]).spec.transformer->vocab == 50257);
  CHECK(model.spec.transformer->vocab == 0);
  CHECK(model.spec.transformer->positions == loopfront::workload::Positions::kNone);
  CHECK_FALSE(model.spec.transformer->tie_embeddings);
  CHECK(model.identity.description.starts_with("gpt2 (blocks only)"));
  // The blocks keep their own keys.
  CHECK(model.spec.transformer->qkv_bias);
  CHECK(ex::ExpandPoints(blocks).front().config.at("blocks_only") == true);
  CHECK_FALSE(ex::ExpandPoints(full).front().config.contains("blocks_only"));
  CHECK(ex::ExpandPoints(blocks).front().id != ex::ExpandPoints(full).front().id);
  // Past the published 1024 positions, as the survey's analyses go.
  CHECK(Messages("workloads: [{model: gpt2, seq_len: 4096, phase: decode, blocks_only: true}]\n" + kArch).empty());

  const std::string file = std::string(LOOPFRONT_SOURCE_DIR) + "/workloads/examples/bert-base-attention.yaml";
  const std::string messages = Messages("workloads:\n  - model: " + file + "\n    blocks_only: true\n" + kArch);
  CHECK(messages.find("exp.yaml:3:18:") != std::string::npos);
  CHECK(messages.find("no embedding or LM head to leave out") != std::string::npos);
}

TEST_CASE("Swept per-layer lists and nested keys reach the spec", "[experiment][sweep]") {
  // The survey's Tab. 9 model as a sweep of bert-base: a list inside the list is one per-layer value.
  const ex::Experiment tab9 = Read(R"(workloads:
  - model: bert-base
    seq_len: 128
    sweep:
      transformer.layers: 6
      transformer.heads: [[12, 6, 12, 8, 10, 6]]
      transformer.d_model: 672
      transformer.d_ff: [[1280, 1280, 2560, 768, 2048, 1024]]
)" + kArch);
  REQUIRE(tab9.workloads.size() == 1);
  CHECK(tab9.workloads[0].sweep[1].value == "[12, 6, 12, 8, 10, 6]");
  const ex::ResolvedModel model = ex::ResolveModel(tab9.workloads[0]);
  CHECK(model.spec.transformer->layer_heads == std::vector<std::int64_t>{12, 6, 12, 8, 10, 6});
  CHECK(model.spec.transformer->layer_d_ff == std::vector<std::int64_t>{1280, 1280, 2560, 768, 2048, 1024});
  CHECK(model.spec.transformer->d_model == 672);
  CHECK(model.spec.transformer->d_head == 64);  // bert-base's, kept: heads × 64 differs from 672

  // Nested keys: the mapping is created when the workload has none.
  const ex::Experiment nested = Read(R"(workloads:
  - model: llama2-7b
    seq_len: 128
    sweep:
      transformer.moe.experts: [4, 8]
      transformer.moe.experts_per_token: 2
      transformer.precision.weights: 4
)" + kArch);
  REQUIRE(nested.workloads.size() == 2);
  const ex::ResolvedModel eight = ex::ResolveModel(nested.workloads[1]);
  CHECK(eight.spec.transformer->moe.experts == 8);
  CHECK(eight.spec.transformer->moe.experts_per_token == 2);
  REQUIRE(eight.spec.transformer->precision);
  CHECK(eight.spec.transformer->precision->weights == 4);
  CHECK(eight.spec.transformer->precision->activations == 8);  // missing entries: bits

  // A key under a scalar is an error at the key.
  const std::string messages = Messages(R"(workloads:
  - model: llama2-7b
    sweep:
      transformer.layers.count: 4
)" + kArch);
  CHECK(messages.find("exp.yaml:4:7:") != std::string::npos);
  CHECK(messages.find("not a mapping") != std::string::npos);
}
