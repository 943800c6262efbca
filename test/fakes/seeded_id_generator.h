// SeededIdGenerator: a weft::sdk::IdGenerator whose ids are well spread but
// the same in every run (splitmix64 from a fixed seed), so a test that counts
// what a ratio sampler keeps of thousands of traces gets the same count every
// time and can never flake. Thread-safe (one atomic counter); for a given
// order of calls the ids are reproducible.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "weft/sdk/id_generator.h"

namespace weft::testing {

struct SeededIdGenerator final : public sdk::IdGenerator {
  explicit SeededIdGenerator(std::uint64_t seed_value = 0x5eed)
      : state(seed_value) {}

  TraceId new_trace_id() noexcept override {
    std::array<std::uint8_t, 16> bytes{};
    fill(bytes.data(), next());
    fill(bytes.data() + 8, next());
    return TraceId(bytes);
  }
  SpanId new_span_id() noexcept override {
    std::array<std::uint8_t, 8> bytes{};
    std::uint64_t value = next();
    fill(bytes.data(), value == 0 ? 1 : value);
    return SpanId(bytes);
  }
  bool trace_ids_are_random() const noexcept override { return true; }

  std::uint64_t next() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Writes `value` big-endian into 8 bytes.
  static void fill(std::uint8_t* bytes, std::uint64_t value) noexcept {
    for (int i = 7; i >= 0; --i) {
      bytes[i] = static_cast<std::uint8_t>(value);
      value >>= 8;
    }
  }

  std::atomic<std::uint64_t> state;
};

}  // namespace weft::testing
