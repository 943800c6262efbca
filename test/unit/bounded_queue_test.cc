// Tests of the batch processor's bounded queue: every capacity (power of
// two or not) holds exactly its capacity, refuses the next push, and returns
// values in order across several wrap-arounds (the lap parity of each
// cell); popped cells free up only once released and reclaimed, and
// reclaiming skips what the consumer marked taken; several producers at
// once lose and repeat nothing.
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
    // Popped is not free: the cells wait to be released and reclaimed.
    CHECK_FALSE(queue.push(&values[capacity]));
    queue.release_popped();
    std::size_t reclaimed = 0;
    while (std::size_t freed = queue.reclaim([](int*) {})) reclaimed += freed;
    CHECK(reclaimed == capacity);
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
        while (!queue.push(&values[p][i])) {
          queue.reclaim([](std::int64_t*) {});
          std::this_thread::yield();
        }
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
    queue.release_popped();
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
  // Producers race each other and a consumer that drains and reclaims as
  // it goes: a producer whose view of the tail is stale must retry, not
  // report full.
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
    if (queue.pop() != nullptr) {
      ++received;
      // Cells freed as soon as popped: the reclaimed position races ahead
      // of producers' views of the tail too.
      queue.release_popped();
      queue.reclaim([](std::int64_t*) {});
    }
  }
  for (std::thread& producer : producers) producer.join();
  while (queue.pop() != nullptr) ++received;
  CHECK(refused.load() == 0);
  CHECK(received + refused.load() == kProducers * kPerProducer);
}

TEST_CASE("reclaiming hands back released values in order, skipping taken ones",
          "[queue]") {
  constexpr std::size_t kCapacity = 256;
  weft::sdk::BoundedQueue<int> queue(kCapacity);
  std::vector<int> values(kCapacity);
  for (int& value : values) REQUIRE(queue.push(&value));
  // 96 pops: a whole number of the consumer's publishing steps (every 16
  // pops at this capacity), so the published head is exact.
  for (std::size_t i = 0; i < 96; ++i) REQUIRE(queue.pop() == &values[i]);
  // Nothing is released yet.
  CHECK(queue.reclaim([](int*) { FAIL("reclaimed before release"); }) == 0);
  queue.mark_taken(queue.next() - 1);  // the 96th value
  queue.mark_taken(3);
  queue.release_popped();
  std::vector<int*> reclaimed;
  std::size_t freed = 0;
  while (std::size_t cells =
             queue.reclaim([&](int* v) { reclaimed.push_back(v); })) {
    CHECK(cells <= weft::sdk::BoundedQueue<int>::kReclaimAtOnce);
    freed += cells;
  }
  CHECK(freed == 96);
  std::vector<int*> expected;
  for (std::size_t i = 0; i < 95; ++i) {
    if (i != 3) expected.push_back(&values[i]);
  }
  CHECK(reclaimed == expected);
  // Exactly the 96 reclaimed cells are free again.
  std::vector<int> more(97);
  for (std::size_t i = 0; i < 96; ++i) REQUIRE(queue.push(&more[i]));
  CHECK_FALSE(queue.push(&more[96]));
  for (std::size_t i = 96; i < kCapacity; ++i) {
    REQUIRE(queue.pop() == &values[i]);
  }
  CHECK(queue.pop() == &more[0]);
}

TEST_CASE(
    "a queue emptied by forget_all takes values again from its first cell, "
    "small or mapped",
    "[queue]") {
  // 100 cells come from calloc; 2^18 (2 MiB of cells) are mapped, and
  // forget_all gives their pages back instead of writing them.
  const std::size_t capacity = GENERATE(std::size_t{100}, std::size_t{1} << 18);
  CAPTURE(capacity);
  weft::sdk::BoundedQueue<int> queue(capacity);
  std::vector<int> values(capacity);
  // Half a lap, then a lap and a half: the ring is left mid-lap with cells
  // of both parities, some popped, some not.
  for (std::size_t i = 0; i < capacity / 2; ++i) {
    REQUIRE(queue.push(&values[i]));
  }
  for (std::size_t i = 0; i < capacity / 4; ++i) REQUIRE(queue.pop());
  CHECK(queue.forget_all() == capacity / 2);
  CHECK(queue.size() == 0);
  CHECK(queue.pop() == nullptr);
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < capacity; ++i) {
      REQUIRE(queue.push(&values[i]));
    }
    CHECK_FALSE(queue.push(&values[0]));
    for (std::size_t i = 0; i < capacity; ++i) {
      REQUIRE(queue.pop() == &values[i]);
    }
    CHECK(queue.pop() == nullptr);
    queue.release_popped();
    while (queue.reclaim([](int*) {}) != 0) {
    }
  }
}
