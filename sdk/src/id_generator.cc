#include "weft/sdk/id_generator.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>

namespace weft::sdk {
namespace {

// xoshiro256++ (Blackman and Vigna): fast, small state, good statistics.
// The state is plain thread-local data (no constructor, so no
// initialization check on each use); a thread seeds it on first use.
thread_local std::uint64_t t_state[4];
thread_local bool t_seeded = false;

std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

std::uint64_t splitmix(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

[[gnu::noinline]] void seed_this_thread() noexcept {
  std::uint64_t seed = 0;
  try {
    std::random_device device;
    seed = (std::uint64_t{device()} << 32) ^ device();
  } catch (...) {
    // No entropy source: the clock, with the thread and the counter
    // below, still tells threads and processes apart.
    seed = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
  }
  // Mix in the thread and a process-wide counter: random_device may be
  // weak on some platforms, and threads must never share a sequence.
  static std::atomic<std::uint64_t> instances{0};
  seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
          (instances.fetch_add(1) * 0x9E3779B97F4A7C15ull);
  for (std::uint64_t& word : t_state) word = splitmix(seed);
  t_seeded = true;
}

std::uint64_t next_random() noexcept {
  if (!t_seeded) seed_this_thread();
  std::uint64_t* const state = t_state;
  const std::uint64_t result = rotl(state[0] + state[3], 23) + state[0];
  const std::uint64_t t = state[1] << 17;
  state[2] ^= state[0];
  state[3] ^= state[1];
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = rotl(state[3], 45);
  return result;
}

class RandomIdGenerator final : public IdGenerator {
 public:
  // The bytes are random, so their order does not matter: the words are
  // copied as they are.
  TraceId new_trace_id() noexcept override {
    std::uint64_t words[2];
    do {
      words[0] = next_random();
      words[1] = next_random();
    } while ((words[0] | words[1]) == 0);
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), words, sizeof(words));
    return TraceId(bytes);
  }

  SpanId new_span_id() noexcept override {
    std::uint64_t word;
    do {
      word = next_random();
    } while (word == 0);
    std::array<std::uint8_t, 8> bytes;
    std::memcpy(bytes.data(), &word, sizeof(word));
    return SpanId(bytes);
  }

  bool trace_ids_are_random() const noexcept override { return true; }
};

}  // namespace

std::shared_ptr<IdGenerator> make_random_id_generator() {
  static const auto generator = std::make_shared<RandomIdGenerator>();
  return generator;
}

}  // namespace weft::sdk
