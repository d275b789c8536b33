// `loopfront plot DIR [--formats png,svg,pdf]`: draws an experiment's output folder with gnuplot
// into DIR/figures/ (see include/loopfront/experiment/plot.h and docs/plots.md). Prints each
// figure's files on stdout and its caption on stderr.
#include "loopfront/experiment/plot.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

struct PlotArguments {
  std::string output_dir{};
  std::string formats = "png,svg,pdf";
};

}  // namespace

int PlotOutput(const std::string& output_dir_text, const std::string& formats_text) {
  const PlotArguments arguments{output_dir_text, formats_text};
  const std::vector<experiment::FigureFormat> formats = experiment::ParseFigureFormats(arguments.formats);
  const std::filesystem::path output_dir = arguments.output_dir;
  // Ctrl-C or scancel while gnuplot draws: the figure being drawn is dropped, the finished ones
  // stay, and the exit code says which signal stopped the command (as `run` does).
  util::InstallStopHandlers();
  const std::vector<experiment::FigureSource> figures = experiment::PlotFolder(output_dir, formats);
  const std::filesystem::path figures_dir = output_dir / "figures";
  if (util::StopRequested()) {
    std::cerr << fmt::format("plot: stopped by signal {} after {} figure(s); the figures written are complete\n",
                             util::StopSignal(), figures.size());
    return 128 + util::StopSignal();
  }
  if (figures.empty()) std::cerr << "plot: nothing to draw, fronts.csv and ops.csv hold no rows\n";
  std::vector<std::string> extensions = {"dat", "gp"};
  for (experiment::FigureFormat format : formats) extensions.emplace_back(experiment::FigureExtension(format));
  for (const experiment::FigureSource& figure : figures) {
    std::cout << (figures_dir / figure.name).string() << ".{" << util::Join(extensions, ",") << "}\n";
    std::cerr << figure.name << ": " << figure.caption << '\n';
  }
  return 0;
}

void AddPlotCommand(CLI::App& app, CommandRegistry& registry) {
  auto arguments = std::make_shared<PlotArguments>();
  CLI::App* plot = app.add_subcommand(
      "plot",
      "Draw an experiment's output folder with gnuplot: Pareto fronts, per-op breakdown, roofline, and the random-"
      "mapping EDP CDF when edp_samples.csv exists; data and scripts saved beside the figures in DIR/figures/");
  plot->add_option("DIR", arguments->output_dir, "The experiment's output folder (holding fronts.csv, ops.csv)")
      ->required();
  plot->add_option("--formats", arguments->formats, "Comma-separated figure formats: png, svg, pdf")
      ->capture_default_str();
  registry.Add(plot, [arguments] { return PlotOutput(arguments->output_dir, arguments->formats); });
}

}  // namespace loopfront::cli
