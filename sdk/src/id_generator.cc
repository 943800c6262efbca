#include "weft/sdk/id_generator.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>

namespace weft::sdk {
namespace {

// xoshiro256++ (Blackman and Vigna): fast, small state, good statistics.
class Xoshiro256 {
 public:
  Xoshiro256() {
    std::random_device device;
    std::uint64_t seed = (std::uint64_t{device()} << 32) ^ device();
    // Mix in the thread and a process-wide counter: random_device may be
    // weak on some platforms, and threads must never share a sequence.
    static std::atomic<std::uint64_t> instances{0};
    seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
            (instances.fetch_add(1) * 0x9E3779B97F4A7C15ull);
    for (std::uint64_t& word : state_) word = splitmix(seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[0] + state_[3], 23) + state_[0];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  static std::uint64_t splitmix(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

Xoshiro256& thread_generator() noexcept {
  thread_local Xoshiro256 generator;
  return generator;
}

class RandomIdGenerator final : public IdGenerator {
 public:
  // The bytes are random, so their order does not matter: the words are
  // copied as they are.
  TraceId new_trace_id() noexcept override {
    Xoshiro256& generator = thread_generator();
    std::uint64_t words[2];
    do {
      words[0] = generator.next();
      words[1] = generator.next();
    } while ((words[0] | words[1]) == 0);
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), words, sizeof(words));
    return TraceId(bytes);
  }

  SpanId new_span_id() noexcept override {
    Xoshiro256& generator = thread_generator();
    std::uint64_t word;
    do {
      word = generator.next();
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
