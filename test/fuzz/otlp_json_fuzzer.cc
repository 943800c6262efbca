// libFuzzer target: what `weft collect --listen-http` does with an
// application/json body (exporters/otlp_common otlp_json.h from_otlp_json), and
// the round trip through the line it stores (to_otlp_json).
//
// Besides "no crash, no sanitizer report", for every input that decodes:
//   - the decoded request prints as one non-empty line of OTLP/JSON;
//   - that line decodes again to the same request (from_otlp_json inverts
//     to_otlp_json), and prints as the same line (the form is canonical);
// and an input that does not decode leaves the message empty, with a reason.
// Seeds (corpus/otlp_json/) are OTLP/JSON requests in the canonical form and
// in the other forms the mapping allows. Run by test/fuzz/run.
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_json.h"

namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// Aborts (a finding) naming the line of the broken property.
void check(bool condition, int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "%s:%d: property broken\n", __FILE__, line);
  std::abort();
}

bool same(const ExportTraceServiceRequest& a,
          const ExportTraceServiceRequest& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Reused, as the collector reuses one message per thread.
  static ExportTraceServiceRequest request;
  std::string problem;
  if (!weft::otlp::from_otlp_json(input, request, &problem)) {
    check(!problem.empty());
    check(request.ByteSizeLong() == 0);
    return 0;
  }
  const std::string line = weft::otlp::to_otlp_json(request);
  check(!line.empty());
  check(line.find('\n') == std::string::npos);
  ExportTraceServiceRequest again;
  check(weft::otlp::from_otlp_json(line, again));
  check(same(again, request));
  check(weft::otlp::to_otlp_json(again) == line);
  return 0;
}
