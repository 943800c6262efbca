// Tests of the batch processor's bounded queue: every capacity (power of
// two or not) holds exactly its capacity, refuses the next push, and returns
// values in order across several wrap-arounds (the lap parity of each
// cell); several producers at once lose and repeat nothing.
#include "bounded_queue.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <thread>
#include <vector>

TEST_CASE("the queue holds exactly its capacity, in order, across wraps",
          "[queue]") {
  const std::size_t capacity =
      GENERATE(std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{100},
               std::size_t{2048}, std::size_t{65536}, std::size_t{65537},
               std::size_t{131072});
  CAPTURE(capacity);
  weft::sdk::BoundedQueue<int> queue(capacity);
  std::vector<int> values(capacity + 1);
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < capacity; ++i) {
      std::uint64_t tail = 0;
      std::uint64_t head = 0;
      REQUIRE(queue.push(&values[i], tail, head));
      REQUIRE(tail == round * capacity + i + 1);
      // The consumer ran dry last round: its position is published.
      REQUIRE(head == round * capacity);
    }
    CHECK(queue.size() == capacity);
    CHECK_FALSE(queue.push(&values[capacity]));
    for (std::size_t i = 0; i < capacity; ++i) {
      REQUIRE(queue.pop() == &values[i]);
    }
    CHECK(queue.pop() == nullptr);
    CHECK(queue.head() == (round + 1) * capacity);
  }
}

TEST_CASE("producers on several threads: every value arrives once, in order",
          "[queue]") {
  // A small queue, so that producers find it full and retry, and the
  // consumer runs dry and publishes its position often.
  constexpr int kProducers = 3;
  constexpr int kPerProducer = 20000;
  weft::sdk::BoundedQueue<std::int64_t> queue(64);
  std::vector<std::vector<std::int64_t>> values(
      kProducers, std::vector<std::int64_t>(kPerProducer));
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        values[p][i] = std::int64_t{p} * kPerProducer + i;
        while (!queue.push(&values[p][i])) std::this_thread::yield();
      }
    });
  }
  std::vector<int> next(kProducers, 0);  // each producer's next index
  int received = 0;
  bool in_order = true;
  while (received < kProducers * kPerProducer) {
    std::int64_t* value = queue.pop();
    if (value == nullptr) {
      std::this_thread::yield();
      continue;
    }
    const auto producer = static_cast<int>(*value / kPerProducer);
    const auto index = static_cast<int>(*value % kPerProducer);
    in_order &= index == next[producer];
    next[producer] = index + 1;
    ++received;
  }
  for (std::thread& producer : producers) producer.join();
  CHECK(in_order);
  CHECK(next == std::vector<int>(kProducers, kPerProducer));
  CHECK(queue.pop() == nullptr);
  CHECK(queue.size() == 0);
}

TEST_CASE("a queue that never fills refuses no push, whatever the timing",
          "[queue]") {
  // Producers race each other and a consumer that drains as it goes: a
  // producer whose view of the tail is stale must retry, not report full.
  constexpr int kProducers = 3;
  constexpr int kPerProducer = 20000;
  weft::sdk::BoundedQueue<std::int64_t> queue(1 << 17);
  std::int64_t value = 0;
  std::atomic<int> refused{0};
  std::atomic<int> producing{kProducers};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < kPerProducer; ++i) {
        if (!queue.push(&value)) refused.fetch_add(1);
      }
      producing.fetch_sub(1);
    });
  }
  int received = 0;
  while (producing.load() > 0) {
    if (queue.pop() != nullptr) ++received;
  }
  for (std::thread& producer : producers) producer.join();
  while (queue.pop() != nullptr) ++received;
  CHECK(refused.load() == 0);
  CHECK(received + refused.load() == kProducers * kPerProducer);
}
