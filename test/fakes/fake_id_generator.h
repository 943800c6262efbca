// FakeIdGenerator: a weft::sdk::IdGenerator with fixed, predictable ids: every
// trace id is `trace_id`, span ids count up from `next_span_id`. It claims
// random trace ids only when `random` is set. Thread-safe (atomic counter;
// set the fields before handing it to a provider).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "weft/sdk/id_generator.h"

namespace weft::testing {

struct FakeIdGenerator final : public sdk::IdGenerator {
  TraceId new_trace_id() noexcept override {
    ++trace_ids_made;
    return trace_id;
  }
  SpanId new_span_id() noexcept override { return span_id(next_span_id++); }
  bool trace_ids_are_random() const noexcept override { return random; }

  // The span id whose big-endian value is `value`.
  static SpanId span_id(std::uint64_t value) noexcept {
    std::array<std::uint8_t, 8> bytes{};
    for (int i = 7; i >= 0; --i) {
      bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
      value >>= 8;
    }
    return SpanId(bytes);
  }

  TraceId trace_id = *TraceId::from_hex("0102030405060708090a0b0c0d0e0f10");
  std::atomic<std::uint64_t> next_span_id{1};
  std::atomic<std::uint64_t> trace_ids_made{0};
  bool random = false;
};

}  // namespace weft::testing
