// Assertions that a decoded OTLP span (generated protobuf classes) carries
// exactly what a weft SpanData held: ids, flags (with the is-remote bits),
// names, times, every attribute type, events, links, dropped counts, status
// and kind. Shared by the translation unit test and the gRPC integration
// tests. One test thread at a time.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

#include "opentelemetry/proto/trace/v1/trace.pb.h"
#include "weft/sdk/span_data.h"

namespace weft::testing {

namespace otlp_proto = opentelemetry::proto;

template <class Id>
std::string id_bytes(const Id& id) {
  return std::string(reinterpret_cast<const char*>(id.bytes().data()),
                     id.bytes().size());
}

inline std::uint64_t unix_nanos(Timestamp time) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          time.time_since_epoch())
          .count());
}

inline void check_scalar(bool expected,
                         const otlp_proto::common::v1::AnyValue& v) {
  REQUIRE(v.value_case() == otlp_proto::common::v1::AnyValue::kBoolValue);
  CHECK(v.bool_value() == expected);
}
inline void check_scalar(std::int64_t expected,
                         const otlp_proto::common::v1::AnyValue& v) {
  REQUIRE(v.value_case() == otlp_proto::common::v1::AnyValue::kIntValue);
  CHECK(v.int_value() == expected);
}
inline void check_scalar(double expected,
                         const otlp_proto::common::v1::AnyValue& v) {
  REQUIRE(v.value_case() == otlp_proto::common::v1::AnyValue::kDoubleValue);
  CHECK(v.double_value() == expected);
}
inline void check_scalar(std::string_view expected,
                         const otlp_proto::common::v1::AnyValue& v) {
  REQUIRE(v.value_case() == otlp_proto::common::v1::AnyValue::kStringValue);
  CHECK(v.string_value() == expected);
}

template <class Value>
void check_value(const Value& expected,
                 const otlp_proto::common::v1::AnyValue& actual) {
  std::visit(
      [&actual](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, bool> ||
                      std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double>) {
          check_scalar(value, actual);
        } else if constexpr (std::is_same_v<T, std::string_view> ||
                             std::is_same_v<T, std::string>) {
          check_scalar(std::string_view(value), actual);
        } else {
          using Element = typename T::value_type;
          REQUIRE(actual.value_case() ==
                  otlp_proto::common::v1::AnyValue::kArrayValue);
          const auto& values = actual.array_value().values();
          REQUIRE(static_cast<std::size_t>(values.size()) == value.size());
          std::size_t i = 0;
          for (const auto& element : value) {
            if constexpr (std::is_same_v<Element, std::string> ||
                          std::is_same_v<Element, std::string_view>) {
              check_scalar(std::string_view(element),
                           values[static_cast<int>(i)]);
            } else {
              check_scalar(static_cast<Element>(element),
                           values[static_cast<int>(i)]);
            }
            ++i;
          }
        }
      },
      expected);
}

template <class Repeated>
void check_attributes(const sdk::AttributeList& expected,
                      const Repeated& actual) {
  REQUIRE(static_cast<std::size_t>(actual.size()) == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& key_value = actual[static_cast<int>(i)];
    CAPTURE(expected[i].key);
    CHECK(key_value.key() == expected[i].key);
    check_value(expected[i].value, key_value.value());
  }
}

inline std::uint32_t expected_flags(TraceFlags flags, bool is_remote) {
  return flags.bits() | 0x100u | (is_remote ? 0x200u : 0u);
}

inline void check_span(const sdk::SpanData& expected,
                       const otlp_proto::trace::v1::Span& actual) {
  CAPTURE(expected.name);
  CHECK(actual.trace_id() == id_bytes(expected.trace_id));
  CHECK(actual.span_id() == id_bytes(expected.span_id));
  CHECK(actual.parent_span_id() == (expected.parent_span_id.is_valid()
                                        ? id_bytes(expected.parent_span_id)
                                        : std::string()));
  CHECK(actual.trace_state() == expected.trace_state.header());
  CHECK(actual.flags() ==
        expected_flags(expected.flags, expected.parent_is_remote));
  CHECK(actual.name() == expected.name);
  CHECK(static_cast<int>(actual.kind()) == static_cast<int>(expected.kind));
  CHECK(actual.start_time_unix_nano() == unix_nanos(expected.start_time));
  CHECK(actual.end_time_unix_nano() == unix_nanos(expected.end_time));
  check_attributes(expected.attributes, actual.attributes());
  CHECK(actual.dropped_attributes_count() == expected.dropped_attributes_count);

  REQUIRE(static_cast<std::size_t>(actual.events_size()) ==
          expected.events.size());
  for (std::size_t i = 0; i < expected.events.size(); ++i) {
    const sdk::EventData& event = expected.events[i];
    const auto& decoded = actual.events(static_cast<int>(i));
    CHECK(decoded.name() == event.name);
    CHECK(decoded.time_unix_nano() == unix_nanos(event.time));
    check_attributes(event.attributes, decoded.attributes());
    CHECK(decoded.dropped_attributes_count() == event.dropped_attributes_count);
  }
  CHECK(actual.dropped_events_count() == expected.dropped_events_count);

  REQUIRE(static_cast<std::size_t>(actual.links_size()) ==
          expected.links.size());
  for (std::size_t i = 0; i < expected.links.size(); ++i) {
    const sdk::LinkData& link = expected.links[i];
    const auto& decoded = actual.links(static_cast<int>(i));
    CAPTURE(i);
    CHECK(decoded.trace_id() == id_bytes(link.trace_id));
    CHECK(decoded.span_id() == id_bytes(link.span_id));
    CHECK(decoded.trace_state() == link.trace_state);
    CHECK(decoded.flags() == expected_flags(link.flags, link.is_remote));
    check_attributes(link.attributes, decoded.attributes());
    CHECK(decoded.dropped_attributes_count() == link.dropped_attributes_count);
  }
  CHECK(actual.dropped_links_count() == expected.dropped_links_count);

  CHECK(static_cast<int>(actual.status().code()) ==
        static_cast<int>(expected.status_code));
  CHECK(actual.status().message() == expected.status_description);
}

}  // namespace weft::testing
