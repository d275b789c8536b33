// The figures of an experiment's output folder (DESIGN §2.10, `loopfront plot DIR`), drawn by
// gnuplot from the tidy CSVs the runner writes (summary.csv, fronts.csv, ops.csv and, when random
// mappings were sampled, edp_samples.csv):
//   pareto_fronts  latency vs energy per series, log-log staircase, fused solid, unfused dashed,
//                  knee (minimum EDP) marked;
//   op_breakdown   per-op latency and energy at the knee of the fused front, stacked bars;
//   roofline       arithmetic intensity (FLOPs/byte) vs attained FLOPs/cycle per op, log-log, with
//                  each series' roofs min(peak, intensity × DRAM bandwidth) from ops.csv's
//                  peak_flops_per_cycle and dram_bandwidth_bytes_per_cycle (none for a series
//                  whose rows lack them: ops.csv written by an older loopfront);
//   edp_cdf        CDF of random mappings' EDP relative to the best, per op (survey Fig. 19).
// A "series" is one combination of the identifying values (model, seq_len, batch, phase, arch,
// fusion and the swept-architecture columns) that vary across the folder's points.
//
// Each figure lands in DIR/figures/ as <name>.dat (its data: tidy, one observation a line, a header
// comment naming the columns), <name>.gp (a standalone gnuplot script: `gnuplot <name>.gp` in that
// folder redraws it) and one rendering per format. Every file is written to a temporary name and
// renamed, so a crash leaves old or whole files, never half ones.
//
// Thread-safety: the functions share no state; do not plot the same folder from two threads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loopfront::experiment {

enum class FigureFormat { kPng, kSvg, kPdf };

// "png,svg,pdf" → formats, in the given order, without repeats. Throws util::ConfigError naming
// `option` and the valid formats on an unknown or empty list.
std::vector<FigureFormat> ParseFigureFormats(const std::string& text, const std::string& option = "--formats");
// The file extension (and gnuplot's name) of a format: "png", "svg", "pdf".
std::string_view FigureExtension(FigureFormat format);

struct FigureSource {
  std::string name{};         // file stem in DIR/figures/, e.g. "pareto_fronts"
  std::string caption{};      // what the figure shows and what it leaves out, one paragraph
  std::size_t data_rows = 0;  // observations in <name>.dat
};

// Reads DIR's CSVs and writes DIR/figures/<name>.dat and <name>.gp for every figure the data
// supports (edp_cdf only when edp_samples.csv exists; none without rows to draw) and returns them. Throws
// util::ConfigError naming the file and the column when fronts.csv or ops.csv is missing or lacks a column of the
// runner's contract.
std::vector<FigureSource> WriteFigureSources(const std::filesystem::path& output_dir);

// The gnuplot executable on PATH, or nullopt when it is not installed.
std::optional<std::filesystem::path> FindGnuplot();

// Runs `gnuplot` on each figure's script in `figures_dir`, writing <name>.<ext> for each format
// through temporary names renamed once all formats of a figure are whole. Throws
// util::InternalError with gnuplot's messages when it fails. Returns how many figures (the first
// ones of `figures`) were drawn: fewer than all after a stop request (util/signals.h: SIGINT or
// SIGTERM to loopfront, or a gnuplot ended by either, which requests the stop itself). On a stop
// the running gnuplot is terminated, its temporaries removed and no further one launched; the
// caller exits with 128 + util::StopSignal().
std::size_t RenderFigures(const std::filesystem::path& figures_dir, const std::vector<FigureSource>& figures,
                   const std::vector<FigureFormat>& formats, const std::filesystem::path& gnuplot);

// The Debian package that provides gnuplot with the cairo (PNG, PDF) and SVG terminals.
inline constexpr std::string_view kGnuplotPackage = "gnuplot-nox";

// `loopfront plot DIR` without its printing (the CLI and the Python API's run(plot=True)): checks
// that gnuplot is installed before writing anything (util::ConfigError naming kGnuplotPackage), then
// WriteFigureSources and RenderFigures into DIR/figures/. Returns the figures drawn (none when the
// CSVs hold no rows; only the first ones after a stop request, see RenderFigures).
std::vector<FigureSource> PlotFolder(const std::filesystem::path& output_dir, const std::vector<FigureFormat>& formats);

}  // namespace loopfront::experiment
