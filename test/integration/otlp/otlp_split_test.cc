// Requests that fit: RequestEncoder::plan splits a batch into requests of at
// most a given size, checked by decoding every part with the protobuf
// classes generated from weft's OTLP protos. Every span arrives exactly
// once, in the order of the unsplit request, with its resource and scope;
// a span too large for any request is left out and reported.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "test_provider.h"

namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using weft::otlp::RequestEncoder;
using weft::otlp::RequestPart;
using weft::testing::TestProvider;

constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

// A span as a request carries it: its name under its resource's
// service.name and its scope's name.
struct Placed {
  std::string service;
  std::string scope;
  std::string name;
  bool operator==(const Placed& other) const {
    return service == other.service && scope == other.scope &&
           name == other.name;
  }
};

std::ostream& operator<<(std::ostream& out, const Placed& placed) {
  return out << placed.service << "/" << placed.scope << "/" << placed.name;
}

std::string service_of(
    const opentelemetry::proto::trace::v1::ResourceSpans& resource_spans) {
  for (const auto& attribute : resource_spans.resource().attributes()) {
    if (attribute.key() == "service.name") {
      return attribute.value().string_value();
    }
  }
  return "<none>";
}

// Decodes one request (which must be canonical protobuf), appends its spans
// to `placed` and checks that it names each resource, and each scope of a
// resource, once: grouping survives the split.
void decode_into(const std::string& bytes, std::vector<Placed>& placed) {
  ExportTraceServiceRequest request;
  REQUIRE(request.ParseFromString(bytes));
  CHECK(request.SerializeAsString() == bytes);
  std::vector<std::string> services;
  for (const auto& resource_spans : request.resource_spans()) {
    const std::string service = service_of(resource_spans);
    CHECK(std::count(services.begin(), services.end(), service) == 0);
    services.push_back(service);
    std::vector<std::string> scopes;
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      const std::string scope = scope_spans.scope().name();
      CHECK(std::count(scopes.begin(), scopes.end(), scope) == 0);
      scopes.push_back(scope);
      CHECK(scope_spans.scope().version() == "1.2.3");
      CHECK(scope_spans.schema_url() == "https://example.com/" + scope);
      for (const auto& span : scope_spans.spans()) {
        placed.push_back({service, scope, span.name()});
      }
    }
  }
}

// Two providers (two resources), two tracers each (two scopes); spans of
// all four interleaved in the batch, each carrying `payload` bytes.
struct MixedBatch {
  TestProvider checkout{options("checkout")};
  TestProvider payments{options("payments")};
  weft::sdk::SpanBatch spans;

  static weft::sdk::TracerProviderOptions options(const char* service) {
    weft::sdk::TracerProviderOptions options;
    options.service_name = service;
    return options;
  }

  explicit MixedBatch(std::size_t count, std::size_t payload = 200) {
    std::shared_ptr<weft::Tracer> tracers[] = {
        checkout.provider->get_tracer("http", "1.2.3",
                                      "https://example.com/http"),
        payments.provider->get_tracer("db", "1.2.3", "https://example.com/db"),
        checkout.provider->get_tracer("db", "1.2.3", "https://example.com/db"),
        payments.provider->get_tracer("http", "1.2.3",
                                      "https://example.com/http")};
    for (std::size_t i = 0; i < count; ++i) {
      // Sizes vary a little, so parts end at different places.
      const std::string filler(payload + (i * 37) % 101, 'x');
      tracers[(i * 7 / 3) % 4]->start_span("span-" + std::to_string(i), {},
                                           {{"filler", filler}});
      TestProvider& provider = (i * 7 / 3) % 2 == 0 ? checkout : payments;
      for (auto& span : provider.take_all()) spans.push_back(std::move(span));
    }
  }
};

// The spans of the whole batch as one request, in its order.
std::vector<Placed> unsplit(const weft::sdk::SpanBatch& spans) {
  RequestEncoder encoder;
  std::string bytes;
  encoder.encode(spans, bytes);
  std::vector<Placed> placed;
  decode_into(bytes, placed);
  return placed;
}

}  // namespace

TEST_CASE(
    "a batch split to a size limit arrives whole, in order, in requests "
    "within the limit",
    "[otlp][split]") {
  MixedBatch batch(300);
  const std::vector<Placed> expected = unsplit(batch.spans);
  REQUIRE(expected.size() == 300);
  std::string whole;
  RequestEncoder().encode(batch.spans, whole);

  struct Row {
    int line;
    std::size_t limit;
    std::size_t least_parts;
  };
  const Row row = GENERATE_COPY(
      Row{__LINE__, kNoLimit, 1}, Row{__LINE__, whole.size(), 1},
      Row{__LINE__, whole.size() - 1, 2}, Row{__LINE__, 64 * 1024, 2},
      Row{__LINE__, 10 * 1024, 8}, Row{__LINE__, 1024, 80});
  CAPTURE(row.line, row.limit);

  RequestEncoder encoder;
  const std::vector<RequestPart>& parts = encoder.plan(batch.spans, row.limit);
  CHECK(encoder.too_large().empty());
  CHECK(parts.size() >= row.least_parts);
  std::vector<Placed> placed;
  std::size_t next = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    CAPTURE(i);
    CHECK(parts[i].first == next);
    CHECK(parts[i].end > parts[i].first);
    next = parts[i].end;
    std::string bytes;
    CHECK(encoder.encode_part(i, bytes) == parts[i].spans);
    CHECK(bytes.size() == parts[i].bytes);
    CHECK(bytes.size() <= row.limit);
    const std::size_t before = placed.size();
    decode_into(bytes, placed);
    CHECK(placed.size() - before == parts[i].spans);
    if (i + 1 < parts.size()) {
      // A part ends only where the next span would not fit (one takes
      // less than 1000 bytes, with its resource and scope).
      CHECK(parts[i].bytes + 1000 > row.limit);
    }
  }
  CHECK(next == 300);
  CHECK(placed == expected);
  if (parts.size() == 1) {
    std::string bytes;
    encoder.encode_part(0, bytes);
    CHECK(bytes == whole);
  }
}

TEST_CASE(
    "a span whose request alone exceeds the limit is left out and reported "
    "with its size, the others sent",
    "[otlp][split]") {
  TestProvider provider;
  auto tracer = provider.provider->get_tracer("http", "1.2.3",
                                              "https://example.com/http");
  weft::sdk::SpanBatch spans;
  for (int i = 0; i < 6; ++i) {
    const std::size_t size = i == 2 || i == 5 ? 8000 : 100;
    tracer->start_span("span-" + std::to_string(i), {},
                       {{"filler", std::string(size, 'x')}});
  }
  spans = provider.take_all();
  spans.insert(spans.begin() + 3, nullptr);  // null entries are skipped

  RequestEncoder encoder;
  const auto& parts = encoder.plan(spans, 4096);
  REQUIRE(encoder.too_large().size() == 2);
  CHECK(encoder.too_large()[0].span->name == "span-2");
  CHECK(encoder.too_large()[1].span->name == "span-5");
  // Its size is that of a request carrying it alone.
  for (const std::size_t index : {std::size_t{2}, std::size_t{6}}) {
    CAPTURE(index);
    const auto& too_large = encoder.too_large()[index == 2 ? 0 : 1];
    REQUIRE(spans[index].get() == too_large.span);
    weft::sdk::SpanBatch alone;
    alone.push_back(std::move(spans[index]));
    CHECK(RequestEncoder().prepare(alone) == too_large.bytes);
    CHECK(too_large.bytes > 4096);
    spans[index] = std::move(alone.front());
  }

  std::vector<Placed> placed;
  std::size_t sent = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string bytes;
    sent += encoder.encode_part(i, bytes);
    CHECK(bytes.size() <= 4096);
    decode_into(bytes, placed);
  }
  CHECK(sent == 4);
  std::vector<std::string> names;
  for (const Placed& span : placed) names.push_back(span.name);
  CHECK(names ==
        std::vector<std::string>{"span-0", "span-1", "span-3", "span-4"});
}

TEST_CASE("a limit smaller than any request leaves every span out",
          "[otlp][split]") {
  MixedBatch batch(5);
  RequestEncoder encoder;
  CHECK(encoder.plan(batch.spans, 100).empty());
  CHECK(encoder.too_large().size() == 5);
}

TEST_CASE("an empty batch plans no request", "[otlp][split]") {
  weft::sdk::SpanBatch spans;
  spans.push_back(nullptr);
  RequestEncoder encoder;
  CHECK(encoder.plan(spans, 4096).empty());
  CHECK(encoder.too_large().empty());
  CHECK(encoder.prepare(spans) == 0);
  std::string bytes = "old";
  CHECK(encoder.encode(spans, bytes) == 0);
  CHECK(bytes.empty());
}
