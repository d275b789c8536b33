#include "loopfront/experiment/plot.h"

#include <fcntl.h>
#include <poll.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "loopfront/io/csv_reader.h"
#include "loopfront/io/output.h"
#include "loopfront/report/schemas.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"

namespace loopfront::experiment {
namespace {

// Twenty colours: Tableau's 10, then darker and lighter hues of d3's category20/20b/20c that none
// of the first ten is close to, so that BERT's 14 ops (and up to 20 series) each get their own.
// Series keep one colour in every figure, and so do ops.
constexpr std::string_view kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                         "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#aec7e8", "#ffbb78",
                                         "#98df8a", "#c5b0d5", "#637939", "#e7ba52", "#7b4173", "#9edae5"};
constexpr int kColourCount = static_cast<int>(std::size(kColours));
// A CDF keeps at most this many quantiles per curve: 100,000 samples would make a 100,000-line
// curve that looks the same and a .dat nobody can open.
constexpr std::size_t kMaxCdfPoints = 2000;
// Average width of one character at the 11-point font, and the least width of a plot, in pixels.
constexpr int kCharPixels = 9;
constexpr int kPlotPixels = 1000;

std::string Quoted(std::string_view text) {
  // Data-file strings are double-quoted; gnuplot has no escape inside them, so inner quotes become
  // ', and control characters (a label's line break would split the data line) are shown escaped.
  std::string quoted = "\"";
  for (char character : util::EscapeControl(text)) quoted += character == '"' ? '\'' : character;
  return quoted + "\"";
}

// A single-quoted gnuplot string literal (inner ' doubled; gnuplot reads nothing else in one).
// Control characters are shown escaped: a line break would end the command mid-string and let the
// rest of a label run as gnuplot commands.
std::string GpString(std::string_view text) {
  std::string quoted = "'";
  for (char character : util::EscapeControl(text)) {
    if (character == '\'') quoted += '\'';
    quoted += character;
  }
  return quoted + "'";
}

std::optional<double> ParseDouble(const std::string& text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Numbers compare as numbers (seq_len=128 before 512), everything else as text.
bool ValueLess(const std::string& left, const std::string& right) {
  const std::optional<double> left_number = ParseDouble(left);
  const std::optional<double> right_number = ParseDouble(right);
  if (left_number && right_number) return *left_number < *right_number;
  if (left_number != right_number) return left_number.has_value();
  return left < right;
}

// The series of one CSV: its rows grouped by the identifying values (fixed columns and the
// swept-architecture columns between `fusion` and the file's own columns) that vary across rows.
// Borrows the file, which must outlive it.
class SeriesIndex {
 public:
  // `first_own_column` is the first column after the identifying ones (report::ExperimentColumns),
  // e.g. report::kFronts.front.
  SeriesIndex(const io::CsvFile& file, const report::Column& first_own_column) : file_(file) {
    file.Column(report::kPointKey.point_id.name);
    std::vector<std::size_t> id_columns;
    for (const report::Column& column : report::kPointKey.Identity()) id_columns.push_back(file.Column(column.name));
    const std::size_t first_own = file.Column(first_own_column.name);
    for (std::size_t column = file.Column(report::kPointKey.fusion.name) + 1; column < first_own; ++column) {
      id_columns.push_back(column);
    }
    for (std::size_t column : id_columns) {
      std::set<std::string> values;
      for (std::size_t row = 0; row < file.rows(); ++row) values.insert(file.row(row)[column]);
      if (values.size() > 1) varying_columns_.push_back(column);
    }
    std::vector<std::vector<std::string>> distinct;
    for (std::size_t row = 0; row < file.rows(); ++row) {
      std::vector<std::string> key = Key(row);
      if (std::find(distinct.begin(), distinct.end(), key) == distinct.end()) distinct.push_back(std::move(key));
    }
    std::sort(distinct.begin(), distinct.end(), [](const auto& left, const auto& right) {
      return std::lexicographical_compare(left.begin(), left.end(), right.begin(), right.end(), ValueLess);
    });
    for (std::size_t series = 0; series < distinct.size(); ++series) series_of_key_[distinct[series]] = series;
    labels_.resize(distinct.size());
    for (std::size_t row = 0; row < file.rows(); ++row) {
      std::string& label = labels_[SeriesOf(row)];
      if (!label.empty()) continue;
      std::vector<std::string> parts;
      for (std::size_t column : varying_columns_) {
        parts.push_back(fmt::format("{}={}", file.columns()[column], file.row(row)[column]));
      }
      // Nothing varies: one series, named after what it is (model on architecture).
      if (parts.empty()) {
        parts = {file.row(row)[file.Column(report::kPointKey.model.name)], "on",
                 file.row(row)[file.Column(report::kPointKey.arch.name)]};
      }
      label = util::Join(parts, " ");
    }
  }

  std::size_t SeriesOf(std::size_t row) const { return series_of_key_.at(Key(row)); }
  std::size_t series_count() const { return labels_.size(); }
  const std::string& Label(std::size_t series) const { return labels_[series]; }

 private:
  std::vector<std::string> Key(std::size_t row) const {
    std::vector<std::string> key;
    for (std::size_t column : varying_columns_) key.push_back(file_.row(row)[column]);
    return key;
  }

  const io::CsvFile& file_;
  std::vector<std::size_t> varying_columns_;
  std::map<std::vector<std::string>, std::size_t> series_of_key_;
  std::vector<std::string> labels_;
};

std::string Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// gnuplot fill patterns (diagonal lines both ways, cross-hatches) that tell bars of one colour apart
// once the colours run out: the first kColourCount names are solid, the next ones hatched, and so on.
constexpr int kFillPatterns[] = {4, 5, 1, 6, 7, 2};

// Names get a colour index in order of first appearance, shared by the figures that show them.
class ColourMap {
 public:
  int Of(const std::string& name) { return Index(name) % kColourCount + 1; }
  // The bar fill of `name` (gnuplot's `fs`): solid with a white border for the first kColourCount
  // names, then hatched in the name's colour with a border of that colour, one pattern per round.
  std::string Fill(const std::string& name) {
    const int round = Index(name) / kColourCount;
    if (round == 0) return "solid 0.85 border lc rgb 'white'";
    return fmt::format("transparent pattern {} border",
                       kFillPatterns[(round - 1) % static_cast<int>(std::size(kFillPatterns))]);
  }

 private:
  int Index(const std::string& name) { return index_.emplace(name, static_cast<int>(index_.size())).first->second; }

  std::map<std::string, int> index_;
};

// Everything a figure's script shares: colours, the loop over formats, the size, the caption.
struct ScriptSpec {
  std::string name;
  std::string title;
  std::string data_columns;  // one line naming the .dat's columns
  std::string caption;
  int width_pixels = 1280;
  int height_pixels = 800;
  std::string body;  // gnuplot commands that draw the figure once the output is set
};

std::string Script(const ScriptSpec& spec) {
  std::string script = fmt::format(
      "# {title}\n"
      "# Written by `loopfront plot`. Redraw with `gnuplot {name}.gp` in this folder: it writes\n"
      "# {name}.png, .svg and .pdf; choose with  gnuplot -e \"formats='png'\" {name}.gp\n"
      "# Data: {name}.dat; columns: {columns}\n"
      "# {caption}\n"
      "if (!exists(\"formats\")) formats = 'png svg pdf'\n"
      "if (!exists(\"output_stem\")) output_stem = '{name}'\n",
      // Comment lines: a line break in a title or caption would end the comment and run the rest.
      fmt::arg("title", util::EscapeControl(spec.title)), fmt::arg("name", spec.name),
      fmt::arg("columns", util::EscapeControl(spec.data_columns)), fmt::arg("caption", util::EscapeControl(spec.caption)));
  for (int colour = 0; colour < kColourCount; ++colour) {
    script += fmt::format("set linetype {} lc rgb '{}' lw 2 pt 7\n", colour + 1, kColours[colour]);
  }
  script += fmt::format("set linetype cycle {}\n", kColourCount);
  // The PDF is sized in inches at 128 pixels an inch, so that all three look alike.
  script += fmt::format(
      "do for [format in formats] {{\n"
      "  if (format eq 'png') {{ set terminal pngcairo noenhanced size {w},{h} font 'Sans,11' }}\n"
      "  if (format eq 'svg') {{ set terminal svg noenhanced size {w},{h} font 'Sans,11' background rgb 'white' }}\n"
      "  if (format eq 'pdf') {{ set terminal pdfcairo noenhanced size {wi:.2f}in,{hi:.2f}in font 'Sans,8' }}\n"
      "  set output output_stem.'.'.format\n"
      "  reset\n",
      fmt::arg("w", spec.width_pixels), fmt::arg("h", spec.height_pixels), fmt::arg("wi", spec.width_pixels / 128.0),
      fmt::arg("hi", spec.height_pixels / 128.0));
  script += spec.body;
  script += "  unset output\n}\n";
  return script;
}

void WriteFigure(const std::filesystem::path& figures_dir, const ScriptSpec& spec, const std::string& data) {
  io::WriteFileAtomically(figures_dir / (spec.name + ".dat"), data);
  io::WriteFileAtomically(figures_dir / (spec.name + ".gp"), Script(spec));
}

std::string DataHeader(std::string_view title, std::string_view columns, std::string_view note) {
  return fmt::format("# {}\n# {}\n# columns: {}\n", title, note, columns);
}

// Labelled tics for a log axis over [low, high]: 1-2-5 steps when the range is under three decades,
// else decades only, since gnuplot alone labels decades and a tight range may hold none; five
// evenly spaced tics when the range is too narrow for two of those.
// Returns the whole `set <axis>tics (...)` line, or nothing (gnuplot's own tics) without a range.
std::string LogTics(std::string_view axis, double low, double high) {
  if (!(low > 0.0 && high >= low && std::isfinite(high))) return "";
  const bool decades_only = high / low > 1000.0;
  std::vector<std::string> tics;
  for (int exponent = static_cast<int>(std::floor(std::log10(low))); exponent <= std::ceil(std::log10(high));
       ++exponent) {
    for (double mantissa : {1.0, 2.0, 5.0}) {
      if (decades_only && mantissa != 1.0) continue;
      const double value = mantissa * std::pow(10.0, exponent);
      if (value < low || value > high) continue;
      tics.push_back(fmt::format("'{}e{}' {:g}", mantissa, exponent, value));
    }
  }
  if (tics.size() < 3) {
    // A range narrower than the 1-2-5 steps (a whole-model front often spans a few percent): five
    // evenly spaced (in log) tics, labelled with three significant digits.
    tics.clear();
    const int kSteps = high > low * (1 + 1e-9) ? 4 : 0;
    // Enough significant digits that neighbouring tics differ: 3, plus one per decade the relative
    // span is below 10%.
    const double relative_span = std::max(high / low - 1.0, 1e-9);
    const int digits = std::clamp(2 + static_cast<int>(std::ceil(-std::log10(relative_span))), 3, 9);
    for (int step = 0; step <= kSteps; ++step) {
      const double raw = kSteps == 0 ? low : low * std::pow(high / low, static_cast<double>(step) / kSteps);
      const std::string label = fmt::format("{:.{}g}", raw, digits);
      tics.push_back(fmt::format("'{}' {}", label, label));
    }
  }
  return fmt::format("  set {}tics ({})\n", axis, util::Join(tics, ", "));
}

// The legend goes beside the plot, where it hides no data; the canvas widens for long series
// labels (gnuplot's key below the plot collides with the x label) so the plot keeps 900 pixels.
std::string KeyPlacement(const std::vector<std::string>& entries, int& width_pixels) {
  std::size_t longest = 0;
  for (const std::string& entry : entries) longest = std::max(longest, entry.size());
  width_pixels = std::max(width_pixels, kPlotPixels + static_cast<int>(longest) * kCharPixels);
  return "  set key outside right top vertical Left reverse samplen 3 spacing 1.2 box lc rgb '#c0c0c0'\n";
}

// A gnuplot double-quoted title: `title`, then `caption` wrapped at about 110 characters a line.
std::string WrappedTitle(std::string_view title, std::string_view caption) {
  constexpr std::size_t kLineChars = 110;
  // gnuplot reads backslash escapes in double-quoted strings: the text's own backslashes and
  // control characters are escaped (doubled backslashes print as one), only the line breaks added
  // below are gnuplot's "\n".
  std::string text = util::EscapeControl(title, /*escape_backslash=*/true);
  std::string line;
  for (const std::string& word : util::Split(util::EscapeControl(caption, /*escape_backslash=*/true), ' ')) {
    if (!line.empty() && line.size() + 1 + word.size() > kLineChars) {
      text += "\\n" + line;
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) text += "\\n" + line;
  std::string quoted = "\"";
  for (char character : text) {
    if (character == '"') quoted += '\\';
    quoted += character;
  }
  return quoted + "\"";
}

// pareto_fronts: one data block per (series, front), two blank lines apart, for gnuplot's `index`.
std::optional<FigureSource> ParetoFronts(const io::CsvFile& fronts, const std::filesystem::path& figures_dir) {
  const SeriesIndex series(fronts, report::kFronts.front);
  const std::size_t front_column = fronts.Column(report::kFronts.front.name);
  const std::size_t point_column = fronts.Column(report::kFronts.point.name);
  const std::size_t latency_column = fronts.Column(report::kFronts.latency_cycles.name);
  const std::size_t energy_column = fronts.Column(report::kFronts.energy_pj.name);
  const std::size_t edp_column = fronts.Column(report::kFronts.edp_pj_cycles.name);
  const std::size_t knee_column = fronts.Column(report::kFronts.is_knee.name);

  struct FrontPoint {
    double point, latency_cycles, energy_pj, edp_pj_cycles, is_knee;
  };
  std::map<std::pair<std::size_t, std::string>, std::vector<FrontPoint>> blocks;
  for (std::size_t row = 0; row < fronts.rows(); ++row) {
    const std::string& front = fronts.row(row)[front_column];
    if (front != "fused" && front != "unfused") {
      throw util::ConfigError(std::vector<util::Diagnostic>{
          util::Diagnostic{.file = fronts.name(),
                           .line = static_cast<int>(row) + 2,
                           .column = 1,
                           .message = fmt::format("front: expected 'fused' or 'unfused', got '{}'", front)}});
    }
    blocks[{series.SeriesOf(row), front}].push_back(
        FrontPoint{fronts.Number(row, point_column), fronts.Number(row, latency_column),
                   fronts.Number(row, energy_column), fronts.Number(row, edp_column), fronts.Number(row, knee_column)});
  }

  const std::string columns = "series label front point latency_cycles energy_pj edp_pj_cycles is_knee";
  std::string data = DataHeader("Pareto fronts (latency vs energy) from fronts.csv", columns,
                                "one block per series and front, in latency order; is_knee = 1 at minimum EDP");
  std::string plots;
  std::size_t block_index = 0;
  std::size_t rows = 0;
  std::set<std::size_t> titled;
  double latency_low = HUGE_VAL, latency_high = 0.0, energy_low = HUGE_VAL, energy_high = 0.0;
  for (auto& [key, points] : blocks) {
    const auto& [series_index, front] = key;
    std::sort(points.begin(), points.end(), [](const FrontPoint& left, const FrontPoint& right) {
      return left.latency_cycles < right.latency_cycles;
    });
    if (block_index > 0) data += "\n\n";
    for (const FrontPoint& point : points) {
      data += fmt::format("{} {} {} {} {} {} {} {}\n", series_index, Quoted(series.Label(series_index)), front,
                          util::FormatNumber(point.point), util::FormatNumber(point.latency_cycles),
                          util::FormatNumber(point.energy_pj), util::FormatNumber(point.edp_pj_cycles),
                          util::FormatNumber(point.is_knee));
      latency_low = std::min(latency_low, point.latency_cycles);
      latency_high = std::max(latency_high, point.latency_cycles);
      energy_low = std::min(energy_low, point.energy_pj);
      energy_high = std::max(energy_high, point.energy_pj);
      ++rows;
    }
    const int colour = static_cast<int>(series_index % kColourCount) + 1;
    const bool fused = front == "fused";
    // One legend entry per series; the line style legend says which front is which.
    const std::string title =
        titled.insert(series_index).second ? "title " + GpString(series.Label(series_index)) : "notitle";
    plots += fmt::format(
        "    '{name}.dat' index {block} using 5:6 with steps lt {colour} dt {dash} {title}, \\\n"
        "    '' index {block} using 5:6 with points lt {colour} pt 7 ps 0.5 notitle, \\\n"
        "    '' index {block} using 5:($8 > 0 ? $6 : 1/0) with points lt {colour} pt {knee_point} ps 2 notitle, \\\n",
        fmt::arg("name", "pareto_fronts"), fmt::arg("block", block_index), fmt::arg("colour", colour),
        fmt::arg("dash", fused ? 1 : 2), fmt::arg("title", title), fmt::arg("knee_point", fused ? 5 : 4));
    ++block_index;
  }
  ScriptSpec spec;
  std::vector<std::string> key_entries;
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    key_entries.push_back(series.Label(series_index));
  }
  const std::string pareto_key = KeyPlacement(key_entries, spec.width_pixels);
  spec.name = "pareto_fronts";
  spec.title = "Pareto fronts: latency vs energy per series";
  spec.data_columns = columns;
  spec.caption =
      "Each staircase is a Pareto front (every mapping on it is not beaten in both latency and energy); "
      "solid = fused front, dashed = unfused; the large square (fused) or open square (unfused) marks the knee, "
      "the point of minimum energy-delay product.";
  spec.body = fmt::format(
      "  set title 'Pareto fronts: latency vs energy (knee = minimum EDP)'\n"
      "  set xlabel 'latency (cycles)'\n"
      "  set ylabel 'energy (pJ)'\n"
      "  set logscale xy\n"
      "{xtics}"
      "{ytics}"
      "  set mxtics 10\n"
      "  set mytics 10\n"
      "  set grid xtics ytics mxtics mytics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1\n"
      // Log axes otherwise round out to whole decades and squeeze the fronts into a corner.
      "  set autoscale fix\n"
      "  set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n"
      "{key}"
      "  plot \\\n{plots}"
      "    keyentry with lines lc rgb 'black' dt 1 title 'fused front', \\\n"
      "    keyentry with lines lc rgb 'black' dt 2 title 'unfused front', \\\n"
      "    keyentry with points lc rgb 'black' pt 5 ps 2 title 'knee (min EDP)'\n",
      fmt::arg("key", pareto_key), fmt::arg("xtics", LogTics("x", latency_low, latency_high)),
      fmt::arg("ytics", LogTics("y", energy_low, energy_high)), fmt::arg("plots", plots));
  if (rows == 0) return std::nullopt;
  WriteFigure(figures_dir, spec, data);
  return FigureSource{.name = spec.name, .caption = spec.caption, .data_rows = rows};
}

// op_breakdown: stacked horizontal bars, one bar per series, one block per op so each has a key entry.
std::optional<FigureSource> OpBreakdown(const io::CsvFile& ops, const std::filesystem::path& figures_dir,
                                        ColourMap& op_colours) {
  const SeriesIndex series(ops, report::kOps.unit);
  const std::size_t unit_column = ops.Column(report::kOps.unit.name);
  const std::size_t count_column = ops.Column(report::kOps.count.name);
  const std::size_t latency_column = ops.Column(report::kOps.latency_cycles.name);
  const std::size_t energy_column = ops.Column(report::kOps.energy_pj.name);

  std::vector<std::string> units;
  for (std::size_t row = 0; row < ops.rows(); ++row) {
    const std::string& unit = ops.row(row)[unit_column];
    if (std::find(units.begin(), units.end(), unit) == units.end()) units.push_back(unit);
  }
  // Stacks grow left to right in the order of the units' first appearance (the model's op order).
  std::vector<double> latency_end(series.series_count(), 0.0);
  std::vector<double> energy_end(series.series_count(), 0.0);
  const std::string columns =
      "series label unit count latency_cycles latency_start latency_end energy_pj energy_start energy_end";
  std::string data = DataHeader("Per-op latency and energy at the knee of the fused front, from ops.csv", columns,
                                "one block per op/group; *_start/*_end place the op in its series' stacked bar");
  std::string latency_plots;
  std::string energy_plots;
  std::size_t rows = 0;
  for (std::size_t unit_index = 0; unit_index < units.size(); ++unit_index) {
    if (unit_index > 0) data += "\n\n";
    for (std::size_t row = 0; row < ops.rows(); ++row) {
      if (ops.row(row)[unit_column] != units[unit_index]) continue;
      const std::size_t series_index = series.SeriesOf(row);
      const double latency_cycles = ops.Number(row, latency_column);
      const double energy_pj = ops.Number(row, energy_column);
      data += fmt::format("{} {} {} {} {} {} {} {} {} {}\n", series_index, Quoted(series.Label(series_index)),
                          Quoted(units[unit_index]), util::FormatNumber(ops.Number(row, count_column)),
                          util::FormatNumber(latency_cycles), util::FormatNumber(latency_end[series_index]),
                          util::FormatNumber(latency_end[series_index] + latency_cycles), util::FormatNumber(energy_pj),
                          util::FormatNumber(energy_end[series_index]),
                          util::FormatNumber(energy_end[series_index] + energy_pj));
      latency_end[series_index] += latency_cycles;
      energy_end[series_index] += energy_pj;
      ++rows;
    }
    const int colour = op_colours.Of(units[unit_index]);
    const std::string fill = op_colours.Fill(units[unit_index]);
    latency_plots += fmt::format(
        "    'op_breakdown.dat' index {} using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) with boxxyerror lt {} "
        "fs {} title {}, \\\n",
        unit_index, colour, fill, GpString(units[unit_index]));
    energy_plots += fmt::format(
        "    'op_breakdown.dat' index {} using (($9+$10)/2):1:9:10:($1-0.35):($1+0.35) with boxxyerror lt {} "
        "fs {} notitle, \\\n",
        unit_index, colour, fill);
  }
  std::string ytics;
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    if (series_index > 0) ytics += ", ";
    ytics += fmt::format("{} {}", GpString(series.Label(series_index)), series_index);
  }
  const auto trim = [](std::string plots) { return plots.substr(0, plots.size() - 4) + "\n"; };
  const double series_count = static_cast<double>(series.series_count());
  ScriptSpec spec;
  spec.name = "op_breakdown";
  spec.title = "Per-op latency and energy at the knee of the fused front";
  spec.data_columns = columns;
  spec.caption =
      "Each bar is one series' knee mapping (minimum EDP on the fused front); its segments are the ops or fused "
      "groups of ops.csv, with the latency and energy ops.csv gives them (all `count` instances).";
  spec.height_pixels = std::max(600, 300 + static_cast<int>(series.series_count()) * 70);
  // Margins fit the longest series label (left) and op name (the key, right); the canvas widens
  // rather than squeeze the bars below 600 pixels.
  std::size_t label_chars = 0;
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    label_chars = std::max(label_chars, series.Label(series_index).size());
  }
  std::size_t unit_chars = 0;
  for (const std::string& unit : units) unit_chars = std::max(unit_chars, unit.size());
  const int label_pixels = static_cast<int>(label_chars) * kCharPixels + 30;
  // The key lists every op in the top panel; when they do not fit in one column gnuplot wraps
  // them into several, so reserve room for every column (about 20 pixels per entry).
  const int entries_per_column = std::max(1, (spec.height_pixels / 2 - 80) / 20);
  const int key_columns = std::max(1, (static_cast<int>(units.size()) + entries_per_column - 1) / entries_per_column);
  const int key_pixels = key_columns * (static_cast<int>(unit_chars) * kCharPixels + 90);
  spec.width_pixels = std::max(spec.width_pixels, label_pixels + 600 + key_pixels);
  const double left_margin = static_cast<double>(label_pixels) / spec.width_pixels;
  const double right_margin = 1.0 - static_cast<double>(key_pixels) / spec.width_pixels;
  spec.body = fmt::format(
      "  set style fill solid 0.85 border lc rgb 'white'\n"
      "  set ytics ({ytics}) nomirror\n"
      "  set yrange [{high}:{low}]\n"
      "  set grid xtics lc rgb '#e0e0e0'\n"
      "  set xrange [0:*]\n"
      "  set format x '%.2g'\n"
      "  set lmargin at screen {left:.3f}\n"
      "  set rmargin at screen {right:.3f}\n"
      "  set multiplot layout 2,1 title 'Per-op latency and energy at the knee (fused front)'\n"
      "  set key outside right top vertical Left reverse maxrows {maxrows} title 'op / group' box lc rgb '#c0c0c0'\n"
      "  set xlabel 'latency (cycles)'\n"
      "  plot \\\n{latency}"
      "  unset key\n"
      "  set xlabel 'energy (pJ)'\n"
      "  plot \\\n{energy}"
      "  unset multiplot\n",
      fmt::arg("ytics", ytics), fmt::arg("left", left_margin), fmt::arg("right", right_margin),
      fmt::arg("maxrows", entries_per_column), fmt::arg("low", -0.6), fmt::arg("high", series_count - 0.4),
      fmt::arg("latency", trim(latency_plots)), fmt::arg("energy", trim(energy_plots)));
  if (rows == 0) return std::nullopt;
  WriteFigure(figures_dir, spec, data);
  return FigureSource{.name = spec.name, .caption = spec.caption, .data_rows = rows};
}

// One label of the roofline chart: the ops that sit at (nearly) one place, across all series,
// named once each, so that eight series of the same model do not print each name eight times.
struct RooflineLabel {
  double intensity = 0.0;
  double attained = 0.0;
  std::vector<std::string> units{};
};

void AddRooflineLabel(std::vector<RooflineLabel>& labels, double intensity, double attained, const std::string& unit) {
  // Within 15% on both log axes counts as the same place: labels closer than that overlap.
  constexpr double kSamePlaceLog10 = 0.06;
  for (RooflineLabel& label : labels) {
    if (std::fabs(std::log10(label.intensity / intensity)) < kSamePlaceLog10 &&
        std::fabs(std::log10(label.attained / attained)) < kSamePlaceLog10) {
      if (std::find(label.units.begin(), label.units.end(), unit) == label.units.end()) label.units.push_back(unit);
      return;
    }
  }
  labels.push_back(RooflineLabel{.intensity = intensity, .attained = attained, .units = {unit}});
}

// The roofs of one series: its distinct compute ceilings and the DRAM bandwidth of its rows.
// `complete`: every row gave a bandwidth cell (an ops.csv of an older loopfront gives none).
struct SeriesRoofs {
  std::vector<double> peaks_flops_per_cycle{};        // ascending, distinct
  std::optional<double> bandwidth_bytes_per_cycle{};  // infinity when unlimited
  bool complete = true;
};

// The cell at (row, column) as a number, or nullopt when the column is absent or the cell empty.
std::optional<double> OptionalNumber(const io::CsvFile& file, std::size_t row, std::optional<std::size_t> column) {
  if (!column || file.row(row)[*column].empty()) return std::nullopt;
  return file.Number(row, *column);
}

// Points of the roof min(peak, intensity × bandwidth) over [low, high] intensities: the ends and
// the ridge point where the memory slope meets the ceiling, when it lies between them.
std::vector<std::pair<double, double>> RoofPoints(double peak, double bandwidth, double low, double high) {
  const auto roof = [&](double intensity) { return std::min(peak, intensity * bandwidth); };
  std::vector<std::pair<double, double>> points = {{low, roof(low)}};
  const double ridge = peak / bandwidth;
  if (ridge > low && ridge < high) points.emplace_back(ridge, peak);
  points.emplace_back(high, roof(high));
  return points;
}

// The roof lines of the roofline chart, one per distinct (peak, bandwidth) over the series: the
// data of roofline_roofs.dat, the plot clauses that draw them and their key titles.
struct RoofLines {
  std::string data{};
  std::string plots{};
  std::vector<std::string> titles{};
  std::size_t series_without_roofs = 0;
};

// A sweep that leaves the engines and DRAM alone (e.g. of buffer sizes) draws its roofs once, not
// once per series; each spans [x_low, x_high].
RoofLines DistinctRoofLines(const SeriesIndex& series, const std::vector<SeriesRoofs>& roofs, double x_low,
                            double x_high) {
  struct Roof {
    double peak = 0.0;
    double bandwidth = 0.0;
    int dash = 2;                       // gnuplot dt: 2 for its first owner's highest ceiling
    std::vector<std::size_t> owners{};  // the series it is a roof of
  };
  std::vector<Roof> distinct_roofs;
  RoofLines lines;
  const auto same = [](double left, double right) {
    // Equal within a millionth; infinity (an unlimited DRAM) only equals infinity.
    return left == right || (std::isfinite(left) && std::isfinite(right) &&
                             std::fabs(left - right) <= 1e-6 * std::max(std::fabs(left), std::fabs(right)));
  };
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    const SeriesRoofs& series_roofs = roofs[series_index];
    if (!series_roofs.complete || !series_roofs.bandwidth_bytes_per_cycle ||
        series_roofs.peaks_flops_per_cycle.empty()) {
      ++lines.series_without_roofs;
      continue;
    }
    const double bandwidth = *series_roofs.bandwidth_bytes_per_cycle;
    const std::vector<double>& peaks = series_roofs.peaks_flops_per_cycle;
    for (std::size_t peak_index = 0; peak_index < peaks.size(); ++peak_index) {
      const auto found = std::find_if(distinct_roofs.begin(), distinct_roofs.end(), [&](const Roof& roof) {
        return same(roof.peak, peaks[peak_index]) && same(roof.bandwidth, bandwidth);
      });
      if (found != distinct_roofs.end()) {
        found->owners.push_back(series_index);
        continue;
      }
      // The highest ceiling dashed, lower ones dotted, dash-dotted, ...: a series' roofs differ in the key.
      distinct_roofs.push_back(Roof{.peak = peaks[peak_index],
                                    .bandwidth = bandwidth,
                                    .dash = 2 + static_cast<int>(peaks.size() - 1 - peak_index) % 4,
                                    .owners = {series_index}});
    }
  }
  const std::size_t series_with_roofs = series.series_count() - lines.series_without_roofs;
  const std::string roof_columns =
      "peak_flops_per_cycle dram_bandwidth_bytes_per_cycle arithmetic_intensity flops_per_cycle series";
  lines.data = DataHeader(
      "Roofline roofs: min(peak, intensity x DRAM bandwidth) per distinct compute ceiling and bandwidth, from ops.csv",
      roof_columns,
      "one block per roof: the ends of the x range and the ridge point; series = the labels of the series it bounds");
  for (std::size_t roof_index = 0; roof_index < distinct_roofs.size(); ++roof_index) {
    const Roof& roof = distinct_roofs[roof_index];
    std::vector<std::string> owner_labels;
    for (const std::size_t owner : roof.owners) owner_labels.push_back(series.Label(owner));
    if (roof_index > 0) lines.data += "\n\n";
    for (const auto& [intensity, flops_per_cycle] : RoofPoints(roof.peak, roof.bandwidth, x_low, x_high)) {
      lines.data += fmt::format("{} {} {} {} {}\n", util::FormatNumber(roof.peak), util::FormatNumber(roof.bandwidth),
                                util::FormatNumber(intensity), util::FormatNumber(flops_per_cycle),
                                Quoted(util::Join(owner_labels, "; ")));
    }
    const std::string memory = std::isfinite(roof.bandwidth) ? fmt::format("DRAM {:.6g} B/cycle", roof.bandwidth)
                                                             : std::string("DRAM unlimited");
    std::string title = fmt::format("roof: {:.6g} FLOPs/cycle, {}", roof.peak, memory);
    // A roof of one series of several is in its colour and names it; a roof shared by several
    // series is grey and says how many share it (all: nothing to say).
    std::string colour = fmt::format("lt {}", roof.owners.front() % kColourCount + 1);
    if (roof.owners.size() == 1 && series.series_count() > 1) title = owner_labels.front() + " " + title;
    if (roof.owners.size() > 1) {
      colour = "lc rgb '#606060'";
      if (roof.owners.size() < series_with_roofs) title += fmt::format(" ({} series)", roof.owners.size());
    }
    lines.titles.push_back(title);
    lines.plots += fmt::format("    'roofline_roofs.dat' index {} using 3:4 with lines {} dt {} lw 1.5 title {}, \\\n",
                               roof_index, colour, roof.dash, GpString(title));
  }
  return lines;
}

// roofline: one block per series; point shape says which level bounds the op; dashed roofs per series.
std::optional<FigureSource> Roofline(const io::CsvFile& ops, const std::filesystem::path& figures_dir) {
  const SeriesIndex series(ops, report::kOps.unit);
  const std::size_t unit_column = ops.Column(report::kOps.unit.name);
  const std::size_t level_column = ops.Column(report::kOps.bounding_level.name);
  const std::size_t flops_column = ops.Column(report::kOps.flops.name);
  const std::size_t bytes_column = ops.Column(report::kOps.bytes.name);
  const std::size_t intensity_column = ops.Column(report::kOps.arithmetic_intensity.name);
  const std::size_t attained_column = ops.Column(report::kOps.attained_flops_per_cycle.name);
  // Optional: ops.csv files written before the roofs were recorded lack them (runner.h).
  const std::optional<std::size_t> peak_column = ops.FindColumn(report::kOps.peak_flops_per_cycle.name);
  const std::optional<std::size_t> bandwidth_column = ops.FindColumn(report::kOps.dram_bandwidth_bytes_per_cycle.name);

  constexpr int kLevelPointTypes[] = {7, 5, 9, 11, 13, 15};
  std::vector<std::string> levels;
  for (std::size_t row = 0; row < ops.rows(); ++row) {
    const std::string& level = ops.row(row)[level_column];
    if (std::find(levels.begin(), levels.end(), level) == levels.end()) levels.push_back(level);
  }
  const std::string columns =
      "series label unit bounding_level arithmetic_intensity attained_flops_per_cycle flops bytes point_type";
  std::string data = DataHeader("Roofline: per-op arithmetic intensity vs attained throughput, from ops.csv", columns,
                                "one block per series; point_type is the gnuplot symbol of the bounding level");
  std::string plots;
  std::size_t rows = 0;
  std::size_t skipped = 0;
  double intensity_low = std::numeric_limits<double>::infinity();
  double intensity_high = 0.0;
  std::vector<RooflineLabel> labels;
  std::vector<SeriesRoofs> roofs(series.series_count());
  for (std::size_t row = 0; row < ops.rows(); ++row) {
    SeriesRoofs& series_roofs = roofs[series.SeriesOf(row)];
    const std::optional<double> bandwidth = OptionalNumber(ops, row, bandwidth_column);
    if (!bandwidth || !(*bandwidth > 0.0)) {
      series_roofs.complete = false;
    } else if (!series_roofs.bandwidth_bytes_per_cycle) {
      series_roofs.bandwidth_bytes_per_cycle = bandwidth;
    }
    const std::optional<double> peak = OptionalNumber(ops, row, peak_column);
    if (!peak || !(*peak > 0.0) || !std::isfinite(*peak)) continue;
    std::vector<double>& peaks = series_roofs.peaks_flops_per_cycle;
    // Ceilings within a millionth of each other are one line.
    if (std::none_of(peaks.begin(), peaks.end(),
                     [&](double known) { return std::fabs(known - *peak) <= 1e-6 * *peak; }))
      peaks.push_back(*peak);
  }
  for (SeriesRoofs& series_roofs : roofs)
    std::sort(series_roofs.peaks_flops_per_cycle.begin(), series_roofs.peaks_flops_per_cycle.end());
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    if (series_index > 0) data += "\n\n";
    for (std::size_t row = 0; row < ops.rows(); ++row) {
      if (series.SeriesOf(row) != series_index) continue;
      const double intensity = ops.Number(row, intensity_column);
      const double attained = ops.Number(row, attained_column);
      // Log axes cannot show an op without FLOPs or bytes (e.g. a pure copy); the caption counts them.
      if (!(intensity > 0.0 && attained > 0.0 && std::isfinite(intensity) && std::isfinite(attained))) {
        ++skipped;
        continue;
      }
      const std::string& level = ops.row(row)[level_column];
      const auto level_index =
          static_cast<std::size_t>(std::find(levels.begin(), levels.end(), level) - levels.begin());
      data += fmt::format("{} {} {} {} {} {} {} {} {}\n", series_index, Quoted(series.Label(series_index)),
                          Quoted(ops.row(row)[unit_column]), Quoted(level), util::FormatNumber(intensity),
                          util::FormatNumber(attained), util::FormatNumber(ops.Number(row, flops_column)),
                          util::FormatNumber(ops.Number(row, bytes_column)),
                          kLevelPointTypes[level_index % std::size(kLevelPointTypes)]);
      ++rows;
      intensity_low = std::min(intensity_low, intensity);
      intensity_high = std::max(intensity_high, intensity);
      AddRooflineLabel(labels, intensity, attained, ops.row(row)[unit_column]);
    }
    const int colour = static_cast<int>(series_index % kColourCount) + 1;
    plots += fmt::format(
        "    'roofline.dat' index {block} using 5:6:9 with points lt {colour} pt variable ps 1.6 notitle, \\\n"
        // The symbol shows the bounding level, so the series' key entry is a plain dot of its colour.
        "    keyentry with points lt {colour} pt 7 ps 1.6 title {title}, \\\n",
        fmt::arg("block", series_index), fmt::arg("colour", colour),
        fmt::arg("title", GpString(series.Label(series_index))));
  }
  if (rows == 0) return std::nullopt;

  // The roofs span the ops' intensities and every ridge point, with room on both sides.
  for (const SeriesRoofs& series_roofs : roofs) {
    if (!series_roofs.complete || !series_roofs.bandwidth_bytes_per_cycle) continue;
    for (const double peak : series_roofs.peaks_flops_per_cycle) {
      const double ridge = peak / *series_roofs.bandwidth_bytes_per_cycle;
      if (ridge > 0.0 && std::isfinite(ridge)) {
        intensity_low = std::min(intensity_low, ridge);
        intensity_high = std::max(intensity_high, ridge);
      }
    }
  }
  const double x_low = intensity_low / 4.0;
  const double x_high = intensity_high * 4.0;
  const RoofLines roof_lines = DistinctRoofLines(series, roofs, x_low, x_high);
  std::vector<std::string> key_entries = roof_lines.titles;
  for (std::size_t series_index = 0; series_index < series.series_count(); ++series_index) {
    key_entries.push_back(series.Label(series_index));
  }
  std::string label_data = DataHeader("Roofline labels: the ops at (nearly) the same place, named once",
                                      "arithmetic_intensity "
                                      "attained_flops_per_cycle units",
                                      "one line per place (within 15% on both axes) that holds an op");
  for (const RooflineLabel& label : labels) {
    label_data += fmt::format("{} {} {}\n", util::FormatNumber(label.intensity), util::FormatNumber(label.attained),
                              Quoted(util::Join(label.units, ", ")));
  }
  io::WriteFileAtomically(figures_dir / "roofline_labels.dat", label_data);
  io::WriteFileAtomically(figures_dir / "roofline_roofs.dat", roof_lines.data);
  plots = roof_lines.plots + plots;
  plots +=
      "    'roofline_labels.dat' using 1:2:3 with labels left offset char 0.9,0.5 font ',9' tc rgb '#333333' "
      "notitle, \\\n";
  for (std::size_t level_index = 0; level_index < levels.size(); ++level_index) {
    key_entries.push_back("bound by " + levels[level_index]);
    plots += fmt::format("    keyentry with points lc rgb 'black' pt {} ps 1.6 title {}, \\\n",
                         kLevelPointTypes[level_index % std::size(kLevelPointTypes)], GpString(key_entries.back()));
  }
  plots = plots.substr(0, plots.size() - 4) + "\n";
  std::string caption =
      "Dashed and dotted lines: each series' roofs, min(peak, intensity x DRAM bandwidth), one per compute ceiling "
      "of its ops (the PE array, the vector unit or host, a fused group's engines combined).";
  if (roof_lines.series_without_roofs > 0) {
    caption += fmt::format(
        " {} series without roofs: ops.csv gives no peak_flops_per_cycle or dram_bandwidth_bytes_per_cycle for "
        "them (points written by an older loopfront).",
        roof_lines.series_without_roofs);
  }
  if (skipped > 0) caption += fmt::format(" {} op(s) without FLOPs or bytes are left out (log axes).", skipped);
  ScriptSpec spec;
  const std::string roofline_key = KeyPlacement(key_entries, spec.width_pixels);
  spec.name = "roofline";
  spec.title = "Roofline chart: arithmetic intensity vs attained throughput per op";
  spec.data_columns = columns;
  spec.caption = caption;
  spec.body = fmt::format(
      "  set title {title}\n"
      "  set xlabel 'arithmetic intensity (FLOPs/byte)'\n"
      "  set ylabel 'attained throughput (FLOPs/cycle)'\n"
      "  set logscale xy\n"
      "  set format x '%g'\n"
      "  set format y '%g'\n"
      "  set grid xtics ytics mxtics mytics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1\n"
      "  set autoscale fix\n"
      "  set xrange [{x_low}:{x_high}]\n"
      "  set offsets 0, 0, graph 0.2, graph 0.2\n"
      "{key}"
      "  plot \\\n{plots}",
      fmt::arg("title",
               WrappedTitle("Roofline: per-op arithmetic intensity vs attained throughput (knee of the fused front)",
                            caption)),
      fmt::arg("x_low", util::FormatNumber(x_low)), fmt::arg("x_high", util::FormatNumber(x_high)),
      fmt::arg("key", roofline_key), fmt::arg("plots", plots));
  WriteFigure(figures_dir, spec, data);
  return FigureSource{.name = spec.name, .caption = caption, .data_rows = rows};
}

// edp_cdf: one block per (series, op); each keeps at most kMaxCdfPoints quantiles.
std::optional<FigureSource> EdpCdf(const io::CsvFile& samples, const std::filesystem::path& figures_dir,
                                   ColourMap& op_colours) {
  const SeriesIndex series(samples, report::kEdpSamples.op);
  const std::size_t op_column = samples.Column(report::kEdpSamples.op.name);
  samples.Column(report::kEdpSamples.sample.name);
  samples.Column(report::kEdpSamples.edp_pj_cycles.name);
  const std::size_t relative_column = samples.Column(report::kEdpSamples.relative_edp.name);

  std::map<std::pair<std::size_t, std::string>, std::vector<double>> curves;
  std::vector<std::string> ops;
  for (std::size_t row = 0; row < samples.rows(); ++row) {
    const std::string& op = samples.row(row)[op_column];
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
    const double relative_edp = samples.Number(row, relative_column);
    if (relative_edp > 0.0 && std::isfinite(relative_edp)) curves[{series.SeriesOf(row), op}].push_back(relative_edp);
  }
  const std::string columns = "series label op relative_edp cumulative_fraction samples";
  std::string data =
      DataHeader("EDP of random valid mappings relative to the best, per op, from edp_samples.csv", columns,
                 fmt::format("one block per series and op; at most {} quantiles per curve (all samples when fewer)",
                             kMaxCdfPoints));
  std::string plots;
  std::size_t block_index = 0;
  std::size_t rows = 0;
  std::vector<std::string> key_entries;
  for (auto& [key, values] : curves) {
    const auto& [series_index, op] = key;
    std::sort(values.begin(), values.end());
    if (block_index > 0) data += "\n\n";
    const std::size_t count = values.size();
    const std::size_t kept = std::min(count, kMaxCdfPoints);
    for (std::size_t quantile = 0; quantile < kept; ++quantile) {
      // Evenly spaced ranks from the first to the last sample, both always kept.
      const std::size_t rank = kept == 1 ? count - 1 : quantile * (count - 1) / (kept - 1);
      data += fmt::format("{} {} {} {} {} {}\n", series_index, Quoted(series.Label(series_index)), Quoted(op),
                          util::FormatNumber(values[rank]),
                          util::FormatNumber(static_cast<double>(rank + 1) / static_cast<double>(count)), count);
      ++rows;
    }
    const std::string title = series.series_count() > 1 ? op + ", " + series.Label(series_index) : op;
    key_entries.push_back(title);
    plots += fmt::format("    'edp_cdf.dat' index {} using 4:5 with steps lt {} dt {} title {}, \\\n", block_index,
                         op_colours.Of(op), series_index % 5 + 1, GpString(title));
    ++block_index;
  }
  if (plots.empty()) plots = "    keyentry title 'no positive relative EDP in edp_samples.csv', \\\n";
  plots = plots.substr(0, plots.size() - 4) + "\n";
  ScriptSpec spec;
  const std::string edp_key = KeyPlacement(key_entries, spec.width_pixels);
  spec.name = "edp_cdf";
  spec.title = "EDP distribution of random valid mappings relative to the best (survey Fig. 19)";
  spec.data_columns = columns;
  spec.caption =
      "Cumulative fraction of random valid mappings whose EDP is within x times the best one found, per op: the "
      "further right a curve, the costlier a mapping picked at random.";
  spec.body = fmt::format(
      "  set title 'EDP of random valid mappings relative to the best (CDF)'\n"
      "  set xlabel 'EDP relative to the best mapping (x times)'\n"
      "  set ylabel 'fraction of mappings'\n"
      "  set logscale x\n"
      "  set format x '%g'\n"
      "  set yrange [0:1.02]\n"
      "  set grid xtics ytics mxtics lc rgb '#e0e0e0' lw 1, lc rgb '#f0f0f0' lw 1\n"
      "{}"
      "  plot \\\n{}",
      edp_key, plots);
  if (rows == 0) return std::nullopt;
  WriteFigure(figures_dir, spec, data);
  return FigureSource{.name = spec.name, .caption = spec.caption, .data_rows = rows};
}

// How a gnuplot run ended.
struct ChildEnd {
  int exit_status = 0;  // WEXITSTATUS, or 128 when it died by a signal
  int signal = 0;       // the signal that ended it, 0 if it exited
  std::string messages{};  // what it wrote to stderr
};

// Runs gnuplot with `arguments` in `directory`. While it runs, a stop request (SIGINT/SIGTERM to
// loopfront alone, util/signals.h) terminates it: a figure takes seconds, and a user or scancel
// asking to stop should not wait for every remaining one.
ChildEnd RunInDirectory(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                        const std::filesystem::path& directory) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw util::InternalError(fmt::format("pipe: {}", std::strerror(errno)));
  std::vector<char*> argv;
  std::string program_text = program.string();
  argv.push_back(program_text.data());
  std::vector<std::string> owned = arguments;
  for (std::string& argument : owned) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) throw util::InternalError(fmt::format("fork: {}", std::strerror(errno)));
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(pipe_ends[1], STDERR_FILENO);
    const int null_descriptor = ::open("/dev/null", O_RDWR);
    if (null_descriptor >= 0) {
      ::dup2(null_descriptor, STDIN_FILENO);
      ::dup2(null_descriptor, STDOUT_FILENO);
    }
    if (::chdir(directory.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_ends[1]);
  ChildEnd end;
  // Poll (not a blocking read, which SA_RESTART would resume after a signal) so that a stop
  // request is seen within kPollMilliseconds.
  constexpr int kPollMilliseconds = 50;
  // A gnuplot that ignores SIGTERM gets SIGKILL after this long.
  constexpr int kKillAfterPolls = 40;
  int polls_since_terminate = -1;
  char buffer[4096];
  while (true) {
    if (util::StopRequested() && polls_since_terminate < 0) {
      ::kill(child, SIGTERM);
      polls_since_terminate = 0;
    } else if (polls_since_terminate >= 0 && ++polls_since_terminate == kKillAfterPolls) {
      ::kill(child, SIGKILL);
    }
    struct pollfd descriptor {
      .fd = pipe_ends[0], .events = POLLIN, .revents = 0
    };
    const int ready = ::poll(&descriptor, 1, kPollMilliseconds);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t got = ::read(pipe_ends[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    end.messages.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_ends[0]);
  // The pipe closes when gnuplot exits (or hands its stderr to nobody): reap it, still honouring a
  // stop request that arrives now.
  int status = 0;
  while (true) {
    const pid_t reaped = ::waitpid(child, &status, WNOHANG);
    if (reaped == child || (reaped < 0 && errno != EINTR)) break;
    if (util::StopRequested() && polls_since_terminate < 0) {
      ::kill(child, SIGTERM);
      polls_since_terminate = 0;
    } else if (polls_since_terminate >= 0 && ++polls_since_terminate == kKillAfterPolls) {
      ::kill(child, SIGKILL);
    }
    ::poll(nullptr, 0, kPollMilliseconds);
  }
  if (WIFSIGNALED(status)) {
    end.signal = WTERMSIG(status);
    end.exit_status = 128;
  } else {
    end.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }
  return end;
}

}  // namespace

std::vector<FigureFormat> ParseFigureFormats(const std::string& text, const std::string& option) {
  std::vector<FigureFormat> formats;
  for (const std::string& item : util::Split(text, ',')) {
    const std::string name = Trim(item);
    FigureFormat format;
    if (name == "png") {
      format = FigureFormat::kPng;
    } else if (name == "svg") {
      format = FigureFormat::kSvg;
    } else if (name == "pdf") {
      format = FigureFormat::kPdf;
    } else {
      throw util::ConfigError(
          fmt::format("{}: expected a comma-separated list of png, svg, pdf, got '{}' in '{}'", option, name, text));
    }
    if (std::find(formats.begin(), formats.end(), format) == formats.end()) formats.push_back(format);
  }
  return formats;
}

std::string_view FigureExtension(FigureFormat format) {
  switch (format) {
    case FigureFormat::kPng:
      return "png";
    case FigureFormat::kSvg:
      return "svg";
    case FigureFormat::kPdf:
      return "pdf";
  }
  throw util::InternalError("unknown figure format");
}

std::vector<FigureSource> WriteFigureSources(const std::filesystem::path& output_dir) {
  if (!std::filesystem::is_directory(output_dir)) {
    throw util::ConfigError(std::vector<util::Diagnostic>{util::Diagnostic{
        .file = output_dir.string(), .message = "expected an experiment's output folder, got no such folder"}});
  }
  // Read (and check) every input before writing anything, so bad input leaves no figure behind.
  const io::CsvFile fronts = io::CsvFile::Read(output_dir / report::kFronts.file_name);
  const io::CsvFile ops = io::CsvFile::Read(output_dir / report::kOps.file_name);
  std::optional<io::CsvFile> samples;
  if (std::filesystem::exists(output_dir / report::kEdpSamples.file_name))
    samples = io::CsvFile::Read(output_dir / report::kEdpSamples.file_name);
  [[maybe_unused]] const SeriesIndex fronts_series(fronts, report::kFronts.front);
  [[maybe_unused]] const SeriesIndex ops_series(ops, report::kOps.unit);
  // The columns the figures need (fusion_plan is not drawn; ops.csv's roofs are optional).
  const report::FrontsSchema& fronts_schema = report::kFronts;
  for (const report::Column* column :
       {&fronts_schema.front, &fronts_schema.point, &fronts_schema.latency_cycles, &fronts_schema.energy_pj,
        &fronts_schema.edp_pj_cycles, &fronts_schema.is_knee}) {
    fronts.Column(column->name);
  }
  const report::OpsSchema& ops_schema = report::kOps;
  for (const report::Column* column :
       {&ops_schema.count, &ops_schema.latency_cycles, &ops_schema.energy_pj, &ops_schema.bounding_level,
        &ops_schema.flops, &ops_schema.bytes, &ops_schema.arithmetic_intensity, &ops_schema.attained_flops_per_cycle}) {
    ops.Column(column->name);
  }
  if (samples) {
    [[maybe_unused]] const SeriesIndex samples_series(*samples, report::kEdpSamples.op);
    for (const report::Column& column : report::kEdpSamples.Own()) samples->Column(column.name);
  }

  const std::filesystem::path figures_dir = output_dir / "figures";
  ColourMap op_colours;
  std::vector<FigureSource> figures;
  // A figure without data (e.g. no op with both FLOPs and bytes for the roofline) is not drawn.
  for (std::optional<FigureSource> figure :
       {ParetoFronts(fronts, figures_dir), OpBreakdown(ops, figures_dir, op_colours), Roofline(ops, figures_dir),
        samples ? EdpCdf(*samples, figures_dir, op_colours) : std::nullopt}) {
    if (figure) figures.push_back(std::move(*figure));
  }
  return figures;
}

std::optional<std::filesystem::path> FindGnuplot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  for (const std::string& folder : util::Split(path, ':')) {
    if (folder.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(folder) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::size_t RenderFigures(const std::filesystem::path& figures_dir, const std::vector<FigureSource>& figures,
                          const std::vector<FigureFormat>& formats, const std::filesystem::path& gnuplot) {
  std::vector<std::string> extensions;
  for (FigureFormat format : formats) extensions.emplace_back(FigureExtension(format));
  std::size_t drawn = 0;
  for (const FigureSource& figure : figures) {
    // A stop request: launch no further gnuplot (the figures drawn so far are whole).
    if (util::StopRequested()) break;
    // gnuplot writes hidden temporary files that are renamed once it has finished them all.
    const std::string stem = fmt::format(".{}.tmp.{}", figure.name, ::getpid());
    const std::string settings = fmt::format("formats='{}'; output_stem='{}'", util::Join(extensions, " "), stem);
    const ChildEnd end = RunInDirectory(gnuplot, {"-e", settings, figure.name + ".gp"}, figures_dir);
    const auto remove_temporaries = [&] {
      for (const std::string& extension : extensions) {
        std::error_code ignored;
        std::filesystem::remove(figures_dir / (stem + "." + extension), ignored);
      }
    };
    // gnuplot ended by SIGINT or SIGTERM is a stop, not a failure: Ctrl-C (sent to the whole
    // process group) or scancel reached it, and loopfront too unless only gnuplot was signalled,
    // in which case its signal stands for the stop request.
    if (end.signal == SIGINT || end.signal == SIGTERM) util::RequestStop(end.signal);
    if (util::StopRequested()) {
      remove_temporaries();
      break;
    }
    if (end.exit_status != 0) {
      remove_temporaries();
      throw util::InternalError(
          fmt::format("gnuplot failed ({}) on {}:\n{}",
                      end.signal != 0 ? fmt::format("signal {}", end.signal) : fmt::format("exit {}", end.exit_status),
                      (figures_dir / (figure.name + ".gp")).string(), end.messages));
    }
    for (const std::string& extension : extensions) {
      const std::filesystem::path rendered = figures_dir / (stem + "." + extension);
      std::error_code error;
      if (!std::filesystem::exists(rendered) || std::filesystem::file_size(rendered, error) == 0 || error) {
        remove_temporaries();
        throw util::InternalError(fmt::format("gnuplot wrote no {} for {}:\n{}", extension, figure.name, end.messages));
      }
    }
    // Renamed only once every format is whole, so a figure is either all there or as it was.
    for (const std::string& extension : extensions) {
      std::filesystem::rename(figures_dir / (stem + "." + extension), figures_dir / (figure.name + "." + extension));
    }
    ++drawn;
  }
  return drawn;
}

std::vector<FigureSource> PlotFolder(const std::filesystem::path& output_dir,
                                     const std::vector<FigureFormat>& formats) {
  // Checked before anything is written: without gnuplot there would only be half the result.
  const std::optional<std::filesystem::path> gnuplot = FindGnuplot();
  if (!gnuplot) {
    throw util::ConfigError(
        fmt::format("plot: expected gnuplot on PATH, found none; install the Debian package {} (apt-get install {})",
                    kGnuplotPackage, kGnuplotPackage));
  }
  std::vector<FigureSource> figures = WriteFigureSources(output_dir);
  figures.resize(RenderFigures(output_dir / "figures", figures, formats, *gnuplot));
  return figures;
}

}  // namespace loopfront::experiment
