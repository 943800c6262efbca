// `weft view FILE...`: reads the OTLP/JSON lines that `weft collect` writes
// and prints, per trace, a waterfall with each span's links; --mermaid
// writes a Mermaid diagram of the same traces, --html a page to click
// through them in a browser. See print_help().
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "subcommands.h"
#include "terminal_text.h"
#include "view_html.h"
#include "view_model.h"
#include "view_render.h"

namespace weft::tools {
namespace {

void print_help(std::FILE* out) {
  std::fputs(
      "usage: weft view [options] FILE...\n"
      "\n"
      "Shows the traces in FILE (OTLP/JSON lines, as `weft collect --out`\n"
      "writes them; '-' reads stdin): per trace a waterfall of its spans\n"
      "(tree by parent, start offset, duration, a bar, status) and under\n"
      "each span its links (relationship, the linked span and its trace,\n"
      "attributes), the links pointing at it, and dropped counts.\n"
      "\n"
      "  --trace ID       only traces whose id starts with ID\n"
      "  --span NAME      only traces with a span named NAME\n"
      "  --service NAME   only traces with a span of service NAME\n"
      "  --linked         also the traces linked to or from those selected\n"
      "  --mermaid FILE   also write a Mermaid diagram of the shown traces\n"
      "                   (a subgraph per trace, dotted arrows for links)\n"
      "  --html FILE      also write a self-contained HTML page of the shown\n"
      "                   traces: waterfalls, links drawn as arrows, a span's\n"
      "                   details on a click, filters; FILE#span=ID opens\n"
      "                   with that span selected (see docs/view.md)\n"
      "  --width N        width of the timeline bars (default 40)\n"
      "  --no-fold        show continuation spans (WEFT_SPAN_LINK_RETENTION=\n"
      "                   continue) as spans instead of folding their links\n"
      "                   back into the span they continue\n"
      "  -h, --help       this text\n",
      out);
}

bool read_file(const std::string& path, std::vector<view::SpanRecord>& spans,
               std::string& error) {
  if (path == "-")
    return view::read_otlp_json_lines(std::cin, "stdin", spans, error);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  return view::read_otlp_json_lines(in, path, spans, error);
}

// Writes `text` to `path`, saying so on stderr (stdout has the waterfall).
bool write_file(const std::string& path, const std::string& text,
                const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "weft view: cannot write '%s': %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::fprintf(stderr, "weft view: wrote %s to %s\n", what, path.c_str());
  return true;
}

}  // namespace

int run_view(int argc, char** argv) {
  view::Filter filter;
  view::WaterfallOptions waterfall;
  std::string mermaid_path;
  std::string html_path;
  std::uint32_t width = static_cast<std::uint32_t>(waterfall.bar_width);
  bool no_fold = false;
  CommandLine command_line("weft view");
  command_line.add_text("trace", filter.trace_id);
  command_line.add_text("span", filter.span_name);
  command_line.add_text("service", filter.service);
  command_line.add_switch("linked", filter.linked);
  command_line.add_text("mermaid", mermaid_path);
  command_line.add_text("html", html_path);
  command_line.add_number("width", width, 4, 400);
  command_line.add_switch("no-fold", no_fold);
  command_line.allow_operands();
  if (!command_line.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", command_line.error().c_str());
    return 2;
  }
  if (command_line.help()) {
    print_help(stdout);
    return 0;
  }
  waterfall.bar_width = width;
  const std::vector<std::string>& files = command_line.operands();
  if (files.empty()) {
    std::fprintf(stderr, "weft view: no FILE given; see weft view --help\n");
    return 2;
  }
  // Trace ids are shown and matched in lowercase.
  for (char& c : filter.trace_id) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }

  std::vector<view::SpanRecord> spans;
  for (const std::string& file : files) {
    std::string error;
    if (!read_file(file, spans, error)) {
      // Already escaped by the reader; again in case a message ever is not
      // (escaping escaped text changes nothing).
      std::fprintf(stderr, "weft view: %s\n",
                   view::terminal_text(error).c_str());
      return 1;
    }
  }
  if (spans.empty()) {
    std::fprintf(stderr, "weft view: no spans in the input\n");
    return 1;
  }
  // Before anything is drawn, so that every view sees folded spans.
  if (!no_fold) view::fold_continuation_spans(spans);
  const view::TraceSet traces(std::move(spans));
  const auto shown = view::select_traces(traces, filter);
  if (shown.empty()) {
    std::fprintf(stderr,
                 "weft view: no trace matches the filters (%zu "
                 "traces in the input)\n",
                 traces.traces().size());
    return 1;
  }
  const std::string text = view::render_waterfall(traces, shown, waterfall);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);

  if (!mermaid_path.empty() &&
      !write_file(mermaid_path, view::render_mermaid(traces, shown),
                  "the Mermaid diagram")) {
    return 1;
  }
  if (!html_path.empty()) {
    // The files' names without their directories: a page gets shared, the
    // layout of its author's disk need not be.
    view::HtmlOptions html;
    html.title = "weft view";
    for (const std::string& file : files) {
      html.title +=
          " " + (file == "-" ? std::string("stdin")
                             : std::filesystem::path(file).filename().string());
    }
    if (!write_file(html_path, view::render_html(traces, shown, html),
                    "the HTML page")) {
      return 1;
    }
  }
  return 0;
}

}  // namespace weft::tools
