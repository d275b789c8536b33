#include "loopfront/search/ask_tell.h"

#include <fmt/format.h>

#include <limits>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"

namespace loopfront::search {

std::unique_ptr<StepSearch> Searcher::Steps(const Mapspace& mapspace, const SearchOptions& options) const {
  (void)mapspace;
  (void)options;
  return nullptr;
}

SearchResult RunSteps(StepSearch& steps, const Mapspace& mapspace, const cost::CostModel& cost_model, SearchRun& run) {
  // Ask proposes the whole batch (in parallel, over the run's threads) before it is evaluated.
  return RunStepLoop(
      steps, mapspace, cost_model, run,
      [&](std::int64_t limit, std::vector<Genome>& batch) { steps.Ask(limit, run.threads(), batch); },
      [](std::int64_t, Genome&, Mapspace::RepairedFactors&) {});
}

std::vector<std::string> StepSearcherNames() {
  std::vector<std::string> names;
  const SearcherRegistry& registry = BuiltinSearchers();
  for (const std::string& name : registry.Names()) {
    if (registry.Create(name)->has_steps()) names.push_back(name);
  }
  return names;
}

AskTell::AskTell(std::shared_ptr<const Mapspace> mapspace, std::string_view name,
                 const std::vector<std::string>& params, Objective objective, std::uint64_t seed, int threads)
    : mapspace_(std::move(mapspace)), searcher_(BuiltinSearchers().Create(name, params)) {
  if (!searcher_->has_steps()) {
    throw util::ConfigError({util::Diagnostic{
        .path = "searcher",
        .message = fmt::format("expected a searcher with ask/tell steps ({}), got '{}', which {}",
                               util::Join(StepSearcherNames(), ", "), name,
                               searcher_->fixed_schedule() ? "is a fixed schedule" : "enumerates the mapspace")}});
  }
  SearchOptions options;
  options.objective = objective;
  options.budget = Budget{.max_evaluations = 0, .max_seconds = 0.0, .max_stall_steps = 0};
  options.seed = seed;
  options.threads = threads > 0 ? threads : util::DefaultThreadCount();
  run_ = std::make_unique<SearchRun>(*mapspace_, options, searcher_->name());
  steps_ = searcher_->Steps(*mapspace_, options);
}

AskTell::~AskTell() = default;

const std::vector<Genome>& AskTell::Ask(std::int64_t limit) {
  if (waiting_) {
    throw util::ConfigError({util::Diagnostic{
        .path = "ask",
        .message = fmt::format("expected tell() with the evaluations of the {} mappings asked last, got another ask()",
                               batch_.size())}});
  }
  steps_->Ask(limit > 0 ? limit : std::numeric_limits<std::int64_t>::max(), run_->threads(), batch_);
  waiting_ = true;
  return batch_;
}

void AskTell::Tell(std::span<const Genome> genomes, std::span<const Evaluation> evaluations) {
  if (!waiting_) {
    throw util::ConfigError({util::Diagnostic{
        .path = "tell", .message = "expected ask() first, got tell() with no batch waiting for its evaluations"}});
  }
  if (genomes.size() != batch_.size() || evaluations.size() != batch_.size()) {
    throw util::ConfigError({util::Diagnostic{
        .path = "tell",
        .message = fmt::format("expected the {} mappings asked last and their {} evaluations, got {} and {}",
                               batch_.size(), batch_.size(), genomes.size(), evaluations.size())}});
  }
  const bool improved = steps_->Tell(genomes, evaluations, *run_);
  run_->EndStep(improved);
  waiting_ = false;
}

SearchResult AskTell::Result() const {
  SearchRun run = *run_;
  steps_->Finish(run);
  return run.Finish();
}

}  // namespace loopfront::search
