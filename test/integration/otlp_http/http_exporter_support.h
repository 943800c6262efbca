// Helpers of the OTLP/HTTP exporter tests: an exporter pointed at a test
// server with a fake environment and logger and quick retries, and the
// decoding of what the server received (protobuf, or OTLP/JSON with hex ids)
// into the generated protobuf classes. One test thread at a time.
#pragma once

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "fake_environment.h"
#include "fake_logger.h"
#include "http_test_server.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_span_checks.h"
#include "text.h"
#include "weft/exporters/otlp_http_exporter.h"

namespace weft::testing {

using namespace std::chrono_literals;
using TraceRequest =
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct HttpExporterUnderTest {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::unique_ptr<exporters::OtlpHttpExporter> exporter;

  // Points an exporter at `url` with quick retries; `adjust` may change any
  // option before the exporter is made.
  explicit HttpExporterUnderTest(
      const std::string& url,
      const std::function<void(exporters::OtlpHttpExporterOptions&)>& adjust =
          nullptr,
      FakeEnvironment env = {})
      : environment(std::move(env)) {
    exporters::OtlpHttpExporterOptions options;
    options.endpoint = url;
    options.timeout = 10s;
    options.retry_initial_backoff = 10ms;
    options.retry_max_backoff = 50ms;
    options.logger = logger;
    options.environment = &environment;
    if (adjust) adjust(options);
    auto made = exporters::make_otlp_http_exporter(std::move(options));
    if (!made) FAIL(made.error().message);
    exporter = std::move(made).value();
  }
};

inline std::string base64(std::string_view bytes) {
  static const char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63],
            kDigits[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63],
            '='};
  }
  return out;
}

// OTLP/JSON ids are lowercase hex of 16 (trace) or 8 (span) bytes, or
// empty; protobuf's JSON parser wants base64: checks and converts `key`.
inline void hex_id_to_base64(nlohmann::json& object, const char* key,
                             std::size_t bytes) {
  const auto found = object.find(key);
  if (found == object.end()) return;
  REQUIRE(found->is_string());
  const std::string hex = found->get<std::string>();
  CAPTURE(key, hex);
  if (hex.empty()) return;
  REQUIRE(hex.size() == bytes * 2);
  REQUIRE(sdk::is_hex(hex));
  REQUIRE(sdk::to_lower_ascii(hex) == hex);
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(sdk::hex_digit_value(hex[i]) * 16 +
                                    sdk::hex_digit_value(hex[i + 1])));
  }
  *found = base64(raw);
}

// Decodes an OTLP/JSON request by the OTLP/JSON rules: ids in hex (checked),
// enums as integers (checked for span kind and status code), lowerCamelCase
// keys (checked for the nesting), 64-bit integers as strings.
inline TraceRequest decode_otlp_json(const std::string& body) {
  nlohmann::json document = nlohmann::json::parse(body);
  REQUIRE(document.contains("resourceSpans"));
  for (auto& resource_spans : document["resourceSpans"]) {
    REQUIRE(resource_spans.contains("scopeSpans"));
    for (auto& scope_spans : resource_spans["scopeSpans"]) {
      for (auto& span : scope_spans["spans"]) {
        hex_id_to_base64(span, "traceId", 16);
        hex_id_to_base64(span, "spanId", 8);
        hex_id_to_base64(span, "parentSpanId", 8);
        if (span.contains("kind")) REQUIRE(span["kind"].is_number_integer());
        if (span.contains("status") && span["status"].contains("code")) {
          REQUIRE(span["status"]["code"].is_number_integer());
        }
        REQUIRE(span["startTimeUnixNano"].is_string());
        for (auto& link : span["links"]) {
          hex_id_to_base64(link, "traceId", 16);
          hex_id_to_base64(link, "spanId", 8);
        }
      }
    }
  }
  TraceRequest request;
  const auto status =
      google::protobuf::util::JsonStringToMessage(document.dump(), &request);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return request;
}

inline TraceRequest decode_protobuf(const std::string& body) {
  TraceRequest request;
  REQUIRE(request.ParseFromString(body));
  return request;
}

inline const otlp_proto::trace::v1::Span* find_span(const TraceRequest& request,
                                                    const SpanId& id) {
  const std::string bytes = id_bytes(id);
  for (const auto& resource_spans : request.resource_spans()) {
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      for (const auto& span : scope_spans.spans()) {
        if (span.span_id() == bytes) return &span;
      }
    }
  }
  return nullptr;
}

inline std::size_t span_count(const TraceRequest& request) {
  std::size_t count = 0;
  for (const auto& resource_spans : request.resource_spans()) {
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      count += static_cast<std::size_t>(scope_spans.spans_size());
    }
  }
  return count;
}

}  // namespace weft::testing
