// weft: the command-line companion of the weft tracing SDK.
//
//   weft collect ...      receive OTLP/gRPC spans, store them as OTLP/JSON
//   weft view FILE ...    show stored traces and their links
//   weft traceparent TP   explain and validate a traceparent (or --new)
//
// Each subcommand lives in its own file (see subcommands.h); this file only
// dispatches.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "subcommands.h"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

constexpr Subcommand kSubcommands[] = {
    {"collect",
     "receive spans over OTLP/gRPC and write them as OTLP/JSON lines",
     weft::tools::run_collect},
    {"view", "show stored traces as waterfalls with their links (--mermaid)",
     weft::tools::run_view},
    {"traceparent",
     "explain a traceparent (tracestate, baggage), or make one (--new)",
     weft::tools::run_traceparent},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: weft <command> [options]\n\ncommands:\n");
  for (const Subcommand& subcommand : kSubcommands) {
    std::fprintf(
        out, "  %-12.*s %.*s\n", static_cast<int>(subcommand.name.size()),
        subcommand.name.data(), static_cast<int>(subcommand.summary.size()),
        subcommand.summary.data());
  }
  std::fprintf(out, "\n`weft <command> --help` describes a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(stdout);
    return 0;
  }
  for (const Subcommand& subcommand : kSubcommands) {
    if (subcommand.name == command) return subcommand.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "weft: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return 2;
}
