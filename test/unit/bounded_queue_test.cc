// Tests of the batch processor's bounded queue: every capacity (power of
// two or not, with cells padded to a cache line or packed) holds exactly its
// capacity, refuses the next push, and returns values in order across
// several wrap-arounds.
#include "bounded_queue.h"

#include <catch2/catch.hpp>
#include <cstdint>
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
      REQUIRE(queue.push(&values[i], tail));
      REQUIRE(tail == round * capacity + i + 1);
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
