#include "weft/sdk/id_generator.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>

#include "builtin_fast_paths.h"
#include "fork_handlers.h"

namespace weft::sdk {
namespace {

// xoshiro256++ (Blackman and Vigna): fast, small state, good statistics.
// The state is plain thread-local data (no constructor, so no
// initialization check on each use); a thread seeds it on first use. After
// fork() the child's copy of the forking thread's state is marked unseeded
// (fork_handlers.h), so parent and child never draw the same ids; the id
// path checks nothing more than before.
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
  register_fork_handlers();
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
  // Mix in the thread, the process and a process-wide counter:
  // random_device may be weak on some platforms, and threads (a forked
  // child's too) must never share a sequence.
  static std::atomic<std::uint64_t> instances{0};
  seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
          (instances.fetch_add(1) * 0x9E3779B97F4A7C15ull) ^
          (static_cast<std::uint64_t>(::getpid()) << 32);
  for (std::uint64_t& word : t_state) word = splitmix(seed);
  t_seeded = true;
}

// Fills `words` with the next random words; the state is loaded and stored
// once for all of them.
template <std::size_t N>
void next_random(std::uint64_t (&words)[N]) noexcept {
  if (!t_seeded) seed_this_thread();
  std::uint64_t s0 = t_state[0];
  std::uint64_t s1 = t_state[1];
  std::uint64_t s2 = t_state[2];
  std::uint64_t s3 = t_state[3];
  for (std::uint64_t& word : words) {
    word = rotl(s0 + s3, 23) + s0;
    const std::uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 45);
  }
  t_state[0] = s0;
  t_state[1] = s1;
  t_state[2] = s2;
  t_state[3] = s3;
}

// The bytes are random, so their order does not matter: the words are
// copied as they are.
TraceId trace_id_of(const std::uint64_t* words) noexcept {
  std::array<std::uint8_t, 16> bytes;
  std::memcpy(bytes.data(), words, bytes.size());
  return TraceId(bytes);
}

SpanId span_id_of(std::uint64_t word) noexcept {
  std::array<std::uint8_t, 8> bytes;
  std::memcpy(bytes.data(), &word, bytes.size());
  return SpanId(bytes);
}

// An all-zero id (invalid) is drawn again.
TraceId random_trace_id() noexcept {
  std::uint64_t words[2];
  do {
    next_random(words);
  } while ((words[0] | words[1]) == 0);
  return trace_id_of(words);
}

SpanId random_span_id() noexcept {
  std::uint64_t word[1];
  do {
    next_random(word);
  } while (word[0] == 0);
  return span_id_of(word[0]);
}

class RandomIdGenerator final : public IdGenerator {
 public:
  TraceId new_trace_id() noexcept override { return random_trace_id(); }
  SpanId new_span_id() noexcept override { return random_span_id(); }
  bool trace_ids_are_random() const noexcept override { return true; }
};

}  // namespace

std::shared_ptr<IdGenerator> make_random_id_generator() {
  static const auto generator = std::make_shared<RandomIdGenerator>();
  return generator;
}

bool is_builtin_random_id_generator(const IdGenerator& generator) noexcept {
  return dynamic_cast<const RandomIdGenerator*>(&generator) != nullptr;
}

void new_random_ids(TraceId* trace_id, SpanId& span_id) noexcept {
  if (trace_id == nullptr) {
    span_id = random_span_id();
    return;
  }
  // A root span: three words at once (a zero id is all but impossible, and
  // then drawn again).
  std::uint64_t words[3];
  next_random(words);
  *trace_id =
      (words[0] | words[1]) != 0 ? trace_id_of(words) : random_trace_id();
  span_id = words[2] != 0 ? span_id_of(words[2]) : random_span_id();
}

namespace fork_hooks {

void reseed_ids_in_child() noexcept { t_seeded = false; }

}  // namespace fork_hooks

}  // namespace weft::sdk
