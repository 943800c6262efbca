// Tests of the per-span Arena and ArenaList: inline first, then heap blocks;
// alignment; reserve; copies that outlive their source; lists that grow,
// keep order and drop their first element.
#include "weft/sdk/arena.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using weft::sdk::Arena;
using weft::sdk::ArenaList;

bool aligned(const void* pointer, std::size_t alignment) {
  return reinterpret_cast<std::uintptr_t>(pointer) % alignment == 0;
}

}  // namespace

TEST_CASE("small allocations come from the inline buffer", "[arena]") {
  Arena arena;
  std::size_t total = 0;
  while (total + 16 <= Arena::kInlineSize) {
    void* memory = arena.allocate(16, 1);
    REQUIRE(memory != nullptr);
    std::memset(memory, 0xab, 16);
    total += 16;
  }
  CHECK(arena.heap_bytes() == 0);
  CHECK(arena.allocate(16, 1) != nullptr);
  CHECK(arena.heap_bytes() > 0);
}

TEST_CASE("allocations honour their alignment", "[arena]") {
  const std::size_t alignment = GENERATE(1, 2, 4, 8, 16);
  CAPTURE(alignment);
  Arena arena;
  arena.allocate(1, 1);            // misalign the cursor
  for (int i = 0; i < 200; ++i) {  // through the inline buffer and beyond
    void* memory =
        arena.allocate(3 + static_cast<std::size_t>(i % 7), alignment);
    REQUIRE(memory != nullptr);
    CHECK(aligned(memory, alignment));
    arena.allocate(1, 1);
  }
  CHECK(arena.heap_bytes() > 0);
}

TEST_CASE("allocations never overlap", "[arena]") {
  Arena arena;
  std::vector<std::pair<unsigned char*, std::size_t>> blocks;
  for (std::size_t i = 0; i < 2000; ++i) {
    const std::size_t size = 1 + (i * 37) % 300;
    auto* memory = static_cast<unsigned char*>(arena.allocate(size, 8));
    REQUIRE(memory != nullptr);
    std::memset(memory, static_cast<int>(i % 251), size);
    blocks.emplace_back(memory, size);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto [memory, size] = blocks[i];
    for (std::size_t b = 0; b < size; ++b) {
      if (memory[b] != static_cast<unsigned char>(i % 251)) {
        FAIL("block " << i << " was overwritten at byte " << b);
      }
    }
  }
}

TEST_CASE("a large allocation gets a heap block of at least its size",
          "[arena]") {
  Arena arena;
  const std::size_t size =
      GENERATE(Arena::kInlineSize + 1, std::size_t{5000}, std::size_t{200000});
  CAPTURE(size);
  auto* memory = static_cast<char*>(arena.allocate(size, 16));
  REQUIRE(memory != nullptr);
  std::memset(memory, 'x', size);  // ASan checks the bounds
  CHECK(arena.heap_bytes() >= size);
  CHECK(aligned(memory, 16));
}

TEST_CASE("reserve makes the next bytes come from one block", "[arena]") {
  Arena arena;
  arena.allocate(100, 1);
  arena.reserve(6000);
  const std::size_t reserved = arena.heap_bytes();
  CHECK(reserved >= 6000);
  for (int i = 0; i < 60; ++i) {
    void* memory = arena.allocate(100, 1);
    REQUIRE(memory != nullptr);
    std::memset(memory, 'r', 100);
  }
  CHECK(arena.heap_bytes() == reserved);

  SECTION("and reserving what already fits allocates nothing") {
    Arena small;
    small.reserve(64);
    CHECK(small.heap_bytes() == 0);
  }
}

TEST_CASE("copy keeps the text after the source is gone", "[arena]") {
  Arena arena;
  std::string_view copy;
  std::string_view long_copy;
  {
    std::string source = "a span name";
    std::string long_source(3000, 'L');
    copy = arena.copy(source);
    long_copy = arena.copy(long_source);
    source.assign(source.size(), '#');
    long_source.assign(long_source.size(), '#');
  }
  CHECK(copy == "a span name");
  CHECK(long_copy == std::string(3000, 'L'));
  CHECK(arena.copy("").empty());
  CHECK(arena.copy(std::string_view()).empty());
}

TEST_CASE("an ArenaList grows and keeps its elements in order", "[arena]") {
  Arena arena;
  ArenaList<std::uint64_t> list;
  CHECK(list.empty());
  for (std::uint64_t i = 0; i < 1000; ++i) {
    REQUIRE(list.push_back(arena, i * 3));
  }
  REQUIRE(list.size() == 1000);
  CHECK(list.capacity() >= 1000);
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] != i * 3) FAIL("element " << i << " is " << list[i]);
  }
  std::uint64_t sum = 0;
  for (std::uint64_t value : list) sum += value;
  CHECK(sum == 3 * 999 * 1000 / 2);
}

TEST_CASE("ArenaList::reserve keeps the elements and avoids regrowth",
          "[arena]") {
  Arena arena;
  ArenaList<int> list;
  REQUIRE(list.push_back(arena, 1));
  REQUIRE(list.push_back(arena, 2));
  REQUIRE(list.reserve(arena, 50));
  CHECK(list.capacity() == 50);
  const int* data = list.begin();
  for (int i = 3; i <= 50; ++i) REQUIRE(list.push_back(arena, i));
  CHECK(list.begin() == data);
  CHECK(list[0] == 1);
  CHECK(list[49] == 50);
  CHECK(list.reserve(arena, 10));  // smaller: nothing changes
  CHECK(list.capacity() == 50);
}

TEST_CASE("ArenaList::pop_front removes the first element and keeps the order",
          "[arena]") {
  Arena arena;
  ArenaList<int> list;
  list.pop_front();  // empty: nothing happens
  CHECK(list.empty());
  for (int i = 0; i < 5; ++i) REQUIRE(list.push_back(arena, i));
  list.pop_front();
  list.pop_front();
  CHECK(std::vector<int>(list.begin(), list.end()) ==
        std::vector<int>{2, 3, 4});
  REQUIRE(list.push_back(arena, 5));
  CHECK(std::vector<int>(list.begin(), list.end()) ==
        std::vector<int>{2, 3, 4, 5});
}
