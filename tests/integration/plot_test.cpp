// `loopfront plot`: a synthetic output folder (2 points of a scratchpad sweep, both fronts, ops and
// random-mapping samples) written the way the runner writes it, then drawn through the library and
// the CLI. Rendering checks need gnuplot and are skipped, with a warning, without it.
#include "loopfront/experiment/plot.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "loopfront/io/csv_reader.h"
#include "loopfront/io/output.h"
#include "loopfront/report/schemas.h"
#include "loopfront/report/table.h"
#include "loopfront/util/error.h"
#include "tests/integration/cli_runner.h"

namespace {

namespace fs = std::filesystem;
namespace report = loopfront::report;
using report::Column;
using report::Table;

// The runner's columns (report/schemas.h) with one swept key, scratchpad.capacity_bytes.
std::vector<Column> WithIds(const std::vector<Column>& own) {
  return report::ExperimentColumns({"scratchpad.capacity_bytes"}, own);
}

// ops.csv's columns as written before dram_bytes and the peak, bandwidth and de/quantization
// columns existed.
std::vector<Column> OpsWithoutRoofs() {
  std::vector<Column> own;
  for (const Column& column : report::kOps.Own()) {
    if (column.name != report::kOps.dram_bytes.name && column.name != report::kOps.peak_flops_per_cycle.name &&
        column.name != report::kOps.dram_bandwidth_bytes_per_cycle.name &&
        column.name != report::kOps.dequantize_cycles.name && column.name != report::kOps.quantize_cycles.name) {
      own.push_back(column);
    }
  }
  return own;
}

Table& Ids(Table& table, int point) {
  return table.Row()
      .Add(point == 0 ? "a1b2" : "c3d4")
      .Add("bert_base")
      .Add("512")
      .Add("1")
      .Add("prefill")
      .Add("gemmini")
      .Add("auto")
      .Add(point == 0 ? "65536" : "262144");
}

// Writes fronts.csv (3 fused + 2 unfused points per point_id), ops.csv (3 units per point) and,
// when asked, edp_samples.csv (2 ops × 50 samples per point) into a fresh folder. The first point's
// ops give their peaks and gemmini's DRAM bandwidth (8 bytes/cycle); the second point's the same
// peaks with `second_bandwidth` (infinity: unlimited), or without it empty cells, as for a point
// file written before those columns existed.
fs::path WriteOutputFolder(const std::string& name, bool with_samples,
                           std::optional<double> second_bandwidth = std::nullopt) {
  // The pid keeps concurrent test runs (other build folders, ctest -j) apart.
  const fs::path folder =
      fs::temp_directory_path() / ("loopfront_plot_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  Table fronts(WithIds(report::kFronts.Own()));
  Table ops(WithIds(report::kOps.Own()));
  Table samples(WithIds(report::kEdpSamples.Own()));
  for (int point = 0; point < 2; ++point) {
    const double scale = point == 0 ? 1.0 : 0.7;
    for (int index = 0; index < 3; ++index) {
      const double latency = scale * 1e6 * (1 + index);
      const double energy = scale * 4e9 / (1 + index * 1.5);
      Ids(fronts, point).Add("fused").Add(index).Add(latency).Add(energy).Add(latency * energy).Add(index == 1 ? 1 : 0);
      fronts.Add("qk+softmax+av, rest unfused");
    }
    for (int index = 0; index < 2; ++index) {
      const double latency = scale * 1.3e6 * (1 + index);
      const double energy = scale * 6e9 / (1 + index);
      Ids(fronts, point)
          .Add("unfused")
          .Add(index)
          .Add(latency)
          .Add(energy)
          .Add(latency * energy)
          .Add(index == 0 ? 1 : 0);
      fronts.Add("none");
    }
    // Peak and bandwidth cells: the first point's, or empty ones; no de/quantization.
    const auto roofs = [&](double peak) -> Table& {
      if (point == 0) {
        ops.Add(peak).Add(8.0);
      } else if (second_bandwidth) {
        ops.Add(peak).Add(*second_bandwidth);
      } else {
        ops.Add(report::Empty{}).Add(report::Empty{});
      }
      return ops.Add(0.0).Add(0.0);
    };
    Ids(ops, point)
        .Add("w_q")
        .Add(12)
        .Add(scale * 3e5)
        .Add(scale * 1e9)
        .Add("compute")
        .Add(4.8e9)
        .Add(3.1e6)
        .Add(6.2e6);
    ops.Add(1548.0).Add(16000.0 / scale);
    roofs(512.0);
    Ids(ops, point)
        .Add("qk+softmax+av")
        .Add(12)
        .Add(scale * 5e5)
        .Add(scale * 2e9)
        .Add("DRAM")
        .Add(2.5e9)
        .Add(2.4e7)
        .Add(3.0e7);
    ops.Add(104.0).Add(5000.0 / scale);
    roofs(400.0);
    Ids(ops, point)
        .Add("layer_norm")
        .Add(2)
        .Add(scale * 1e5)
        .Add(scale * 3e8)
        .Add("DRAM")
        .Add(3.9e6)
        .Add(3.1e6)
        .Add(3.1e6);
    ops.Add(1.25).Add(39.0 / scale);
    roofs(16.0);
    for (const char* op : {"w_q", "ffn_w1"}) {
      for (int sample = 0; sample < 50; ++sample) {
        const double relative = 1.0 + sample * sample * (op[0] == 'w' ? 0.5 : 2.0);
        Ids(samples, point).Add(op).Add(sample).Add(relative * 1e15).Add(relative);
      }
    }
  }
  loopfront::io::WriteFileAtomically(folder / "fronts.csv", report::WriteCsv(fronts));
  loopfront::io::WriteFileAtomically(folder / "ops.csv", report::WriteCsv(ops));
  if (with_samples) loopfront::io::WriteFileAtomically(folder / "edp_samples.csv", report::WriteCsv(samples));
  return folder;
}

// Lines that hold data: neither comments nor the blank lines between gnuplot blocks.
int DataLines(const fs::path& path) {
  std::ifstream stream(path);
  int lines = 0;
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line[0] != '#') ++lines;
  }
  return lines;
}

void CheckRendered(const fs::path& path, std::string_view magic) {
  INFO(path.string());
  REQUIRE(fs::exists(path));
  REQUIRE(fs::file_size(path) > 0);
  const std::string head = loopfront::testing::ReadWholeFile(path).substr(0, 200);
  CHECK(head.find(magic) != std::string::npos);
}

const std::string kPngMagic = "\x89PNG\r\n\x1a\n";

}  // namespace

TEST_CASE("CsvFile reads back what WriteCsv writes, quotes and all", "[io][plot]") {
  Table table({Column{.name = "unit"}, Column{.name = "plan"},
               Column{.name = "latency_cycles", .kind = report::ColumnKind::kReal}});
  table.Row().Add("qk+softmax+av").Add("a, \"b\"\nc").Add(1.5);
  table.Row().Add("").Add("plain").Add(std::int64_t{7});
  const auto file = loopfront::io::CsvFile::Parse(report::WriteCsv(table), "t.csv");
  REQUIRE(file.rows() == 2);
  CHECK(file.row(0)[1] == "a, \"b\"\nc");
  CHECK(file.row(1)[0].empty());
  CHECK(file.Number(0, file.Column("latency_cycles")) == 1.5);
  CHECK_THROWS_WITH(file.Number(0, 0), Catch::Contains("t.csv:2:1") && Catch::Contains("expected a number"));
  CHECK_THROWS_WITH(loopfront::io::CsvFile::Parse("a,b\n1\n", "r.csv"), Catch::Contains("r.csv:2:1"));
  CHECK_THROWS_WITH(loopfront::io::CsvFile::Parse("a\n\"open\n", "q.csv"), Catch::Contains("closing quote"));
}

TEST_CASE("plot writes each figure's data and script, and renders them", "[plot]") {
  const fs::path folder = WriteOutputFolder("library", true);
  const std::vector<loopfront::experiment::FigureSource> figures = loopfront::experiment::WriteFigureSources(folder);
  REQUIRE(figures.size() == 4);
  const fs::path figures_dir = folder / "figures";
  // 2 points × (3 fused + 2 unfused); 2 points × 3 ops (twice: breakdown, roofline); 2 × 2 CDFs of 50.
  const std::vector<std::pair<std::string, int>> expected_rows = {
      {"pareto_fronts", 10}, {"op_breakdown", 6}, {"roofline", 6}, {"edp_cdf", 200}};
  for (std::size_t index = 0; index < expected_rows.size(); ++index) {
    const auto& [name, rows] = expected_rows[index];
    INFO(name);
    CHECK(figures[index].name == name);
    CHECK(figures[index].data_rows == static_cast<std::size_t>(rows));
    CHECK(DataLines(figures_dir / (name + ".dat")) == rows);
    const std::string script = loopfront::testing::ReadWholeFile(figures_dir / (name + ".gp"));
    CHECK(script.find("'" + name + ".dat'") != std::string::npos);
  }
  // The series are the swept scratchpad sizes, in numeric order.
  const std::string pareto = loopfront::testing::ReadWholeFile(figures_dir / "pareto_fronts.dat");
  CHECK(pareto.find("\"scratchpad_capacity_bytes=65536\"") < pareto.find("\"scratchpad_capacity_bytes=262144\""));
  // Each op sits at its own place in the synthetic data: one label line per op and point.
  CHECK(DataLines(figures_dir / "roofline_labels.dat") == 6);
  // Roofs: the first series' three ceilings (16, 400 and 512 FLOPs/cycle, ridge points at 2, 50 and
  // 64 FLOPs/byte with 8 bytes/cycle), each from x = 1.25 / 4 to 1548 × 4 through its ridge point;
  // none for the second series, whose cells are empty.
  const std::string roofs = loopfront::testing::ReadWholeFile(figures_dir / "roofline_roofs.dat");
  CHECK(DataLines(figures_dir / "roofline_roofs.dat") == 9);
  const std::string first_series = " \"scratchpad_capacity_bytes=65536\"\n";
  CHECK(roofs.find("512 8 0.3125 2.5" + first_series) != std::string::npos);
  CHECK(roofs.find("512 8 64 512" + first_series) != std::string::npos);
  CHECK(roofs.find("512 8 6192 512" + first_series) != std::string::npos);
  CHECK(roofs.find("16 8 2 16" + first_series) != std::string::npos);
  CHECK(roofs.find("262144") == std::string::npos);
  const std::string roofline_script = loopfront::testing::ReadWholeFile(figures_dir / "roofline.gp");
  CHECK(roofline_script.find("'roofline_roofs.dat' index 2 using 3:4 with lines lt 1 dt 2") != std::string::npos);
  CHECK(roofline_script.find("'scratchpad_capacity_bytes=65536 roof: 512 FLOPs/cycle, DRAM 8 B/cycle'") !=
        std::string::npos);
  CHECK(roofline_script.find("1 series without roofs") != std::string::npos);

  const std::optional<fs::path> gnuplot = loopfront::experiment::FindGnuplot();
  if (!gnuplot) {
    WARN("gnuplot is not on PATH: rendering is not checked (install gnuplot-nox)");
    return;
  }
  using loopfront::experiment::FigureFormat;
  loopfront::experiment::RenderFigures(figures_dir, figures,
                                       {FigureFormat::kPng, FigureFormat::kSvg, FigureFormat::kPdf}, *gnuplot);
  for (const auto& [name, rows] : expected_rows) {
    CheckRendered(figures_dir / (name + ".png"), kPngMagic);
    CheckRendered(figures_dir / (name + ".svg"), "<svg");
    CheckRendered(figures_dir / (name + ".pdf"), "%PDF");
  }
  // Nothing temporary is left behind.
  for (const fs::directory_entry& entry : fs::directory_iterator(figures_dir)) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
  fs::remove_all(folder);
}

TEST_CASE("loopfront plot draws a folder from the command line", "[plot][cli]") {
  const fs::path folder = WriteOutputFolder("cli", false);
  if (!loopfront::experiment::FindGnuplot()) {
    const auto result = loopfront::testing::RunLoopfront("plot '" + folder.string() + "'");
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("gnuplot-nox"));
    WARN("gnuplot is not on PATH: rendering is not checked (install gnuplot-nox)");
    return;
  }
  const auto result = loopfront::testing::RunLoopfront("plot '" + folder.string() + "' --formats png");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  for (const char* name : {"pareto_fronts", "op_breakdown", "roofline"}) {
    CheckRendered(folder / "figures" / (std::string(name) + ".png"), kPngMagic);
    CHECK(fs::exists(folder / "figures" / (std::string(name) + ".gp")));
    CHECK_FALSE(fs::exists(folder / "figures" / (std::string(name) + ".svg")));
  }
  CHECK_FALSE(fs::exists(folder / "figures" / "edp_cdf.dat"));
  CHECK(loopfront::testing::RunLoopfront("plot '" + folder.string() + "' --formats png,gif").exit_code == 2);
  fs::remove_all(folder);
}

TEST_CASE("plot names the file and the column that is missing", "[plot]") {
  const fs::path folder = WriteOutputFolder("missing_column", false);
  Table ops(WithIds({report::kOps.unit, report::kOps.count, report::kOps.latency_cycles, report::kOps.energy_pj}));
  Ids(ops, 0).Add("w_q").Add(12).Add(3e5).Add(1e9);
  loopfront::io::WriteFileAtomically(folder / "ops.csv", report::WriteCsv(ops));
  CHECK_THROWS_AS(loopfront::experiment::WriteFigureSources(folder), loopfront::util::ConfigError);
  CHECK_THROWS_WITH(loopfront::experiment::WriteFigureSources(folder),
                    Catch::Contains((folder / "ops.csv").string()) && Catch::Contains("'bounding_level'"));
  // Bad input leaves no figure behind.
  CHECK_FALSE(fs::exists(folder / "figures"));
  fs::remove(folder / "fronts.csv");
  CHECK_THROWS_WITH(loopfront::experiment::WriteFigureSources(folder),
                    Catch::Contains("fronts.csv") && Catch::Contains("none at that path"));
  fs::remove_all(folder);
}

TEST_CASE("plot draws nothing, and fails on nothing, when the tables have no rows", "[plot]") {
  const fs::path folder = fs::temp_directory_path() / ("loopfront_plot_test_empty_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  loopfront::io::WriteFileAtomically(folder / "fronts.csv", report::WriteCsv(Table(WithIds(report::kFronts.Own()))));
  loopfront::io::WriteFileAtomically(folder / "ops.csv", report::WriteCsv(Table(WithIds(OpsWithoutRoofs()))));
  CHECK(loopfront::experiment::WriteFigureSources(folder).empty());
  CHECK_FALSE(fs::exists(folder / "figures"));
  fs::remove_all(folder);
}

TEST_CASE("plot reads an ops.csv written before the roof columns: points, no roofs", "[plot]") {
  const fs::path folder = WriteOutputFolder("old_ops", false);
  Table ops(WithIds(OpsWithoutRoofs()));
  for (int point = 0; point < 2; ++point) {
    Ids(ops, point).Add("w_q").Add(12).Add(3e5).Add(1e9).Add("compute").Add(4.8e9).Add(3.1e6).Add(1548.0).Add(16000.0);
  }
  loopfront::io::WriteFileAtomically(folder / "ops.csv", report::WriteCsv(ops));
  const std::vector<loopfront::experiment::FigureSource> figures = loopfront::experiment::WriteFigureSources(folder);
  REQUIRE(figures.size() == 3);
  CHECK(figures[2].name == "roofline");
  CHECK(figures[2].data_rows == 2);
  CHECK(DataLines(folder / "figures" / "roofline_roofs.dat") == 0);
  CHECK_THAT(figures[2].caption, Catch::Contains("2 series without roofs"));
  CHECK(loopfront::testing::ReadWholeFile(folder / "figures" / "roofline.gp").find("roofline_roofs.dat") ==
        std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("op_breakdown gives every unit its own colour and fill, past the palette's 20 colours", "[plot]") {
  const fs::path folder = WriteOutputFolder("many_units", false);
  Table ops(WithIds(OpsWithoutRoofs()));
  constexpr int kUnits = 45;  // 20 solid, 20 hatched, 5 in the second pattern
  for (int unit = 0; unit < kUnits; ++unit) {
    Ids(ops, 0).Add("op" + std::to_string(unit)).Add(1).Add(1e5).Add(1e8).Add("compute").Add(1e6).Add(1e5);
    ops.Add(10.0).Add(10.0);
  }
  loopfront::io::WriteFileAtomically(folder / "ops.csv", report::WriteCsv(ops));
  loopfront::experiment::WriteFigureSources(folder);
  const std::string script = loopfront::testing::ReadWholeFile(folder / "figures" / "op_breakdown.gp");
  // The latency panel's line of each unit (it has the title): its line type (colour) and fill.
  std::set<std::pair<std::string, std::string>> styles;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t type = line.find(" lt ");
    const std::size_t fill = line.find(" fs ");
    const std::size_t title = line.find(" title ");
    if (type == std::string::npos || fill == std::string::npos || title == std::string::npos) continue;
    styles.emplace(line.substr(type, fill - type), line.substr(fill, title - fill));
  }
  CHECK(styles.size() == kUnits);
  CHECK(script.find("lt 20 fs solid 0.85") != std::string::npos);
  CHECK(script.find("lt 1 fs transparent pattern 4 border title 'op20'") != std::string::npos);
  CHECK(script.find("lt 5 fs transparent pattern 5 border title 'op44'") != std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("plot draws roofs that several series share once, in grey", "[plot]") {
  const fs::path folder = WriteOutputFolder("shared_roofs", false, 8.0);
  loopfront::experiment::WriteFigureSources(folder);
  // Both scratchpad sizes have gemmini's roofs: three, each naming both series.
  CHECK(DataLines(folder / "figures" / "roofline_roofs.dat") == 9);
  CHECK(loopfront::testing::ReadWholeFile(folder / "figures" / "roofline_roofs.dat")
            .find("512 8 64 512 \"scratchpad_capacity_bytes=65536; scratchpad_capacity_bytes=262144\"\n") !=
        std::string::npos);
  const std::string script = loopfront::testing::ReadWholeFile(folder / "figures" / "roofline.gp");
  CHECK(script.find("with lines lc rgb '#606060' dt 2 lw 1.5 title 'roof: 512 FLOPs/cycle, DRAM 8 B/cycle'") !=
        std::string::npos);
  CHECK(script.find("series without roofs") == std::string::npos);
  // With an unlimited DRAM the second series' roofs are its own: flat ceilings, two points each.
  const fs::path unlimited = WriteOutputFolder("unlimited_roofs", false, std::numeric_limits<double>::infinity());
  loopfront::experiment::WriteFigureSources(unlimited);
  CHECK(DataLines(unlimited / "figures" / "roofline_roofs.dat") == 9 + 6);
  CHECK(loopfront::testing::ReadWholeFile(unlimited / "figures" / "roofline_roofs.dat")
            .find("512 inf 6192 512 \"scratchpad_capacity_bytes=262144\"\n") != std::string::npos);
  CHECK(loopfront::testing::ReadWholeFile(unlimited / "figures" / "roofline.gp")
            .find("'scratchpad_capacity_bytes=262144 roof: 512 FLOPs/cycle, DRAM unlimited'") != std::string::npos);
  fs::remove_all(folder);
  fs::remove_all(unlimited);
}

namespace {

// A fake gnuplot on PATH (issue 15, item 4): its first run writes the requested PNG at once, every
// later run announces itself in `sleeping` and sleeps, so a test can signal `loopfront plot` while
// it waits on a child, deterministically and fast.
fs::path WriteSleepingGnuplot(const fs::path& directory) {
  const fs::path bin = directory / "bin";
  fs::create_directories(bin);
  const fs::path script = bin / "gnuplot";
  std::ofstream(script) << "#!/bin/sh\n"
                        << "stem=$(printf '%s' \"$2\" | sed -n \"s/.*output_stem='\\([^']*\\)'.*/\\1/p\")\n"
                        << "if [ -e '" << (directory / "drew_one").string() << "' ]; then\n"
                        << "  touch '" << (directory / "sleeping").string() << "'\n"
                        << "  exec sleep 60\n"
                        << "fi\n"
                        << "printf '\\211PNG' > \"$stem.png\"\n"
                        << "touch '" << (directory / "drew_one").string() << "'\n";
  fs::permissions(script, fs::perms::owner_all);
  return bin;
}

// Starts `loopfront plot FOLDER --formats png` in a process group of its own with `bin` first on
// PATH; returns its pid (= its group id).
pid_t StartPlot(const fs::path& folder, const fs::path& bin) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    const std::string path = bin.string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    ::setenv("PATH", path.c_str(), 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execl(LOOPFRONT_BINARY, LOOPFRONT_BINARY, "plot", folder.c_str(), "--formats", "png", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(child, child);
  return child;
}

bool WaitForFile(const fs::path& file) {
  for (int tries = 0; tries < 400; ++tries) {
    if (fs::exists(file)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

// The exit code of `child`, or -1 when it does not end within 20 s (then it is killed).
int WaitExit(pid_t child) {
  for (int tries = 0; tries < 800; ++tries) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ::kill(-child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return -1;
}

void CheckOnlyWholeFigures(const fs::path& figures) {
  CHECK(fs::exists(figures / "pareto_fronts.png"));
  CHECK_FALSE(fs::exists(figures / "op_breakdown.png"));
  for (const fs::directory_entry& entry : fs::directory_iterator(figures)) {
    INFO(entry.path().string());
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("Ctrl-C while gnuplot draws: exit 130, whole figures only", "[plot][signals]") {
  const fs::path folder = WriteOutputFolder("sigint", false);
  const fs::path bin = WriteSleepingGnuplot(folder);
  const pid_t plot = StartPlot(folder, bin);
  REQUIRE(WaitForFile(folder / "sleeping"));
  ::kill(-plot, SIGINT);  // the terminal sends Ctrl-C to the whole foreground group
  CHECK(WaitExit(plot) == 130);
  CheckOnlyWholeFigures(folder / "figures");
  fs::remove_all(folder);
}

TEST_CASE("scancel's SIGTERM to the group, or to loopfront alone, while plotting: exit 143", "[plot][signals]") {
  for (const bool whole_group : {true, false}) {
    INFO((whole_group ? "group" : "loopfront alone"));
    const fs::path folder = WriteOutputFolder(whole_group ? "sigterm_group" : "sigterm_alone", false);
    const fs::path bin = WriteSleepingGnuplot(folder);
    const pid_t plot = StartPlot(folder, bin);
    REQUIRE(WaitForFile(folder / "sleeping"));
    const auto start = std::chrono::steady_clock::now();
    // Alone: loopfront must end its sleeping gnuplot itself rather than wait 60 s for it.
    ::kill(whole_group ? -plot : plot, SIGTERM);
    CHECK(WaitExit(plot) == 143);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CheckOnlyWholeFigures(folder / "figures");
    ::kill(-plot, SIGKILL);  // nothing should be left of the group; if something is, end it
    fs::remove_all(folder);
  }
}
