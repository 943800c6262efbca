// The subcommands of the `weft` program, one file each (collect.cc, ...);
// main.cc dispatches on the first argument. Each returns the exit status:
// 0 success, 1 failure while running, 2 bad usage.
#pragma once

namespace weft::tools {

// `weft collect`: an OTLP/gRPC receiver that stores requests as OTLP/JSON.
int run_collect(int argc, char** argv);

// `weft view`: waterfalls and Mermaid diagrams of stored traces (view.cc).
int run_view(int argc, char** argv);

// `weft traceparent`: explains a traceparent (tracestate, baggage) and the
// rule an invalid one breaks; --new prints a fresh one (traceparent.cc).
int run_traceparent(int argc, char** argv);

}  // namespace weft::tools
