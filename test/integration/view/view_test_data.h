// Handcrafted OTLP/JSON lines for the `weft view` tests: a batch trace whose
// span links to two request traces (one span of them not in the input), as
// `weft collect` would write them. One test at a time.
#pragma once

#include <string>

namespace weft::testing {

inline constexpr const char* kRequestTraceA =
    "0af7651916cd43dd8448eb211c80319c";
inline constexpr const char* kRequestTraceB =
    "1bf7651916cd43dd8448eb211c80319c";
inline constexpr const char* kBatchTrace = "2cf7651916cd43dd8448eb211c80319c";

// Two receive-item spans (service "shop"), one request each.
inline std::string requests_line() {
  return std::string(R"({"resourceSpans":[{"resource":{"attributes":[)") +
         R"({"key":"service.name","value":{"stringValue":"shop"}}]},)" +
         R"("scopeSpans":[{"scope":{"name":"shop"},"spans":[)" +
         R"({"traceId":")" + kRequestTraceA +
         R"(","spanId":"00f067aa0ba902b7","name":"receive-item","kind":1,)" +
         R"("startTimeUnixNano":"1000000000","endTimeUnixNano":"1000500000",)" +
         R"("attributes":[{"key":"item.id","value":{"stringValue":"item-0"}}]},)" +
         R"({"traceId":")" + kRequestTraceB +
         R"(","spanId":"11f067aa0ba902b7","name":"receive-item","kind":1,)" +
         R"("startTimeUnixNano":"1001000000","endTimeUnixNano":"1001500000"}]}]}]})";
}

// process-batch (service "batcher") with two process-item children, linked
// batch_member to both requests and to a span that is not in the input, two
// links dropped; the second child failed.
inline std::string batch_line() {
  return std::string(R"({"resourceSpans":[{"resource":{"attributes":[)") +
         R"({"key":"service.name","value":{"stringValue":"batcher"}}]},)" +
         R"("scopeSpans":[{"scope":{"name":"batcher"},"spans":[)" +
         R"({"traceId":")" + kBatchTrace +
         R"(","spanId":"a000000000000001","name":"process-batch","kind":1,)" +
         R"("startTimeUnixNano":"1002000000","endTimeUnixNano":"1006000000",)" +
         R"("attributes":[{"key":"batch.size","value":{"intValue":"3"}},)" +
         R"({"key":"batch.ids","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}],)" +
         R"("links":[{"traceId":")" + kRequestTraceA +
         R"(","spanId":"00f067aa0ba902b7","attributes":[)" +
         R"({"key":"link.relationship","value":{"stringValue":"batch_member"}},)" +
         R"({"key":"batch.item.index","value":{"intValue":"0"}}]},)" +
         R"({"traceId":")" + kRequestTraceB +
         R"(","spanId":"11f067aa0ba902b7","droppedAttributesCount":1,"attributes":[)" +
         R"({"key":"link.relationship","value":{"stringValue":"batch_member"}}]},)" +
         R"({"traceId":"3df7651916cd43dd8448eb211c80319c","spanId":"22f067aa0ba902b7",)" +
         R"("attributes":[{"key":"link.relationship","value":{"stringValue":"batch_member"}}]}],)" +
         R"("droppedLinksCount":2},)" + R"({"traceId":")" + kBatchTrace +
         R"(","spanId":"a000000000000002","parentSpanId":"a000000000000001",)" +
         R"("name":"process-item","startTimeUnixNano":"1002000000",)" +
         R"("endTimeUnixNano":"1004000000","status":{"code":1}},)" +
         R"({"traceId":")" + kBatchTrace +
         R"(","spanId":"a000000000000003","parentSpanId":"a000000000000001",)" +
         R"("name":"process-item","startTimeUnixNano":"1004000000",)" +
         R"("endTimeUnixNano":"1006000000",)" +
         R"("status":{"code":2,"message":"disk full"}}]}]}]})";
}

// A request with one span of kBatchTrace (span id a000000000000001) under
// the service `service`: `fields` are the span's other members, as JSON
// ("name":"x","kind":9), with no trailing comma; times absent (0) unless
// given. Both arguments go into the JSON as they are.
inline std::string one_span_line(const std::string& fields,
                                 const std::string& service = "shop") {
  return std::string(R"({"resourceSpans":[{"resource":{"attributes":[)") +
         R"({"key":"service.name","value":{"stringValue":")" + service +
         R"("}}]},"scopeSpans":[{"spans":[{"traceId":")" + kBatchTrace +
         R"(","spanId":"a000000000000001")" + (fields.empty() ? "" : ",") +
         fields + "}]}]}]}";
}

}  // namespace weft::testing
