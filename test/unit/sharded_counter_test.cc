// Tests of the SDK's per-thread counters: threads add to slots of their own
// with plain stores, more threads than slots share an atomic one, and a
// slot handed back at thread exit keeps what was added to it.
#include "sharded_counter.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// Runs `threads` threads at once (all alive together), each adding 1 to
// `counter` `adds` times.
void add_on_threads_at_once(weft::sdk::ShardedCounter& counter, int threads,
                            int adds) {
  std::mutex mutex;
  std::condition_variable all_started;
  int started = 0;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      {
        // Every thread takes its slot before any exits.
        std::unique_lock<std::mutex> lock(mutex);
        ++started;
        all_started.notify_all();
        all_started.wait(lock, [&] { return started == threads; });
      }
      for (int i = 0; i < adds; ++i) counter.add();
    });
  }
  for (std::thread& worker : workers) worker.join();
}

}  // namespace

TEST_CASE("counters lose no addition with more threads than slots",
          "[counter]") {
  const int threads =
      GENERATE(1, 4, static_cast<int>(weft::sdk::kThreadSlots) + 16);
  CAPTURE(threads);
  weft::sdk::ShardedCounter counter;
  add_on_threads_at_once(counter, threads, 5000);
  CHECK(counter.load() == std::uint64_t(threads) * 5000);
  // Slots handed back at exit are taken again, their values kept.
  add_on_threads_at_once(counter, threads, 100);
  CHECK(counter.load() == std::uint64_t(threads) * 5100);
}

TEST_CASE("a thread keeps its slot, and another living thread has another",
          "[counter]") {
  const std::size_t mine = weft::sdk::this_thread_slot();
  CHECK(weft::sdk::this_thread_slot() == mine);
  std::size_t theirs = mine;
  std::thread([&] { theirs = weft::sdk::this_thread_slot(); }).join();
  CHECK((theirs != mine || mine == weft::sdk::kThreadSlots));
}
