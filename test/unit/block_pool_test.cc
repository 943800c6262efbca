// Tests of the block pool that recycles span memory between threads: size
// classes, blocks freed on one thread reused by another, the bound on what
// the shared list keeps, and (under AddressSanitizer) pooled blocks that
// stay poisoned.
#include "block_pool.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "recording_span.h"

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_TEST_ASAN 1
#endif
#endif
#ifdef WEFT_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace {

namespace pool = weft::sdk::block_pool;

// Allocates `count` blocks of `size` bytes on a thread of its own, writing
// to every byte. (Catch2 assertions stay on the test's thread.)
std::vector<void*> allocate_elsewhere(std::size_t count, std::size_t size) {
  std::vector<void*> blocks;
  std::thread([&] {
    for (std::size_t i = 0; i < count; ++i) {
      void* block = pool::allocate(size);
      if (block == nullptr) break;
      std::memset(block, 0xab, pool::block_size(size));
      blocks.push_back(block);
    }
  }).join();
  REQUIRE(blocks.size() == count);
  return blocks;
}

// Releases `blocks` on a thread of its own, which then exits.
void release_elsewhere(const std::vector<void*>& blocks, std::size_t size) {
  std::thread([&] {
    for (void* block : blocks) pool::release(block, size);
  }).join();
}

}  // namespace

TEST_CASE("block sizes round up to a size class, and large ones are exact",
          "[block_pool]") {
  struct Row {
    int line;
    std::size_t request;
    std::size_t block;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, 1, 512},
      {__LINE__, 512, 512},
      {__LINE__, 513, 768},
      {__LINE__, 1000, 1024},
      {__LINE__, 5000, 6144},
      {__LINE__, 9000, 12288},
      {__LINE__, 65536, 65536},
      {__LINE__, 65537, 65537},
      {__LINE__, 1 << 20, 1 << 20},
  }));
  INFO("row at line " << row.line);
  CHECK(pool::block_size(row.request) == row.block);
}

TEST_CASE("a size known while compiling takes the same class as at run time",
          "[block_pool]") {
  // RecordingSpan allocates with allocate<SpanHeader::kBlockSize>(): a block
  // of either form is the other's to reuse.
  void* block = pool::allocate<700>();
  pool::release(block, 700);
  CHECK(pool::allocate(700) == block);  // the thread's cache is a stack
  pool::release<700>(block);
  CHECK(pool::allocate<768>() == block);  // 700 and 768: one class
  pool::release<768>(block);

  // Above the largest class, the heap.
  void* large = pool::allocate<pool::kLargestBlock + 1>();
  REQUIRE(large != nullptr);
  pool::release<pool::kLargestBlock + 1>(large);
  static_assert(pool::detail::class_of(pool::kLargestBlock + 1) ==
                pool::detail::kClassCount);
  static_assert(pool::detail::class_of(768) == 1);
}

TEST_CASE("blocks freed on one thread are reused by threads that allocate",
          "[block_pool]") {
  pool::trim();
  // 64 blocks of 1 KiB are one chunk: the releasing thread hands them to
  // the shared list when it exits.
  const std::vector<void*> blocks = allocate_elsewhere(64, 1000);
  release_elsewhere(blocks, 1000);
  CHECK(pool::shared_bytes() == 64 * 1024);

  const std::vector<void*> reused = allocate_elsewhere(64, 1000);
  CHECK(std::set<void*>(reused.begin(), reused.end()) ==
        std::set<void*>(blocks.begin(), blocks.end()));
  CHECK(pool::shared_bytes() == 0);
  release_elsewhere(reused, 1000);
  pool::trim();
  CHECK(pool::shared_bytes() == 0);
}

TEST_CASE(
    "the shared list keeps at most its limit, and the rest goes to the heap",
    "[block_pool]") {
  pool::trim();
  constexpr std::size_t kBlock = pool::kLargestBlock;
  const std::size_t count = pool::kSharedLimit / kBlock + 8;
  const std::vector<void*> blocks = allocate_elsewhere(count, kBlock);
  release_elsewhere(blocks, kBlock);
  CHECK(pool::shared_bytes() == pool::kSharedLimit);
  pool::trim();
  CHECK(pool::shared_bytes() == 0);
}

TEST_CASE("blocks larger than the largest class come from the heap",
          "[block_pool]") {
  pool::trim();
  const std::size_t size = pool::kLargestBlock + 1;
  const std::vector<void*> blocks = allocate_elsewhere(4, size);
  release_elsewhere(blocks, size);
  CHECK(pool::shared_bytes() == 0);
}

#ifdef WEFT_TEST_ASAN
TEST_CASE("a pooled block is poisoned until it is allocated again",
          "[block_pool]") {
  void* block = pool::allocate(2000);
  auto* bytes = static_cast<char*>(block);
  CHECK_FALSE(__asan_address_is_poisoned(bytes + 100));
  pool::release(block, 2000);
  CHECK(__asan_address_is_poisoned(bytes + 100));
  CHECK(__asan_address_is_poisoned(bytes + pool::block_size(2000) - 1));
  void* again = pool::allocate(2000);
  CHECK(again == block);  // the thread's cache is a stack
  CHECK_FALSE(__asan_address_is_poisoned(bytes + 100));
  pool::release(again, 2000);
}
#endif

TEST_CASE("a span without heap data takes one 768-byte block", "[block_pool]") {
  // What a batch processor holds per queued span (W7's peak memory): a
  // member added to RecordingSpan or its header must not push it into the
  // next class.
  CHECK(weft::sdk::block_pool::block_size(weft::sdk::SpanHeader::kBlockSize) ==
        768);
}
