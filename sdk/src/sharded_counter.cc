#include "sharded_counter.h"

#include <mutex>

#include "fork_handlers.h"

namespace weft::sdk::detail {
namespace {

struct Slots {
  std::mutex mutex;
  bool taken[kThreadSlots] = {};
};

// Never destroyed: threads may exit after static destruction began.
Slots& slots() noexcept {
  static Slots* const instance = [] {
    register_fork_handlers();  // fork() must not find `mutex` held
    return new Slots;
  }();
  return *instance;
}

// Hands this thread's slot back when it exits. A new owner goes on adding
// to the values the old one left: the mutex orders its plain stores after
// the old owner's.
struct SlotOwner {
  std::size_t slot = kThreadSlots;
  ~SlotOwner() {
    // Whatever this thread adds from here on shares the atomic slot.
    t_thread_slot = kThreadSlots + 1;
    if (slot == kThreadSlots) return;
    std::lock_guard<std::mutex> lock(slots().mutex);
    slots().taken[slot] = false;
  }
};

}  // namespace

thread_local std::size_t t_thread_slot = 0;

std::size_t claim_thread_slot() noexcept {
  thread_local SlotOwner owner;
  std::size_t slot = kThreadSlots;
  {
    std::lock_guard<std::mutex> lock(slots().mutex);
    for (std::size_t i = 0; i < kThreadSlots; ++i) {
      if (!slots().taken[i]) {
        slots().taken[i] = true;
        slot = i;
        break;
      }
    }
  }
  owner.slot = slot;
  t_thread_slot = slot + 1;
  return slot;
}

}  // namespace weft::sdk::detail

namespace weft::sdk::fork_hooks {

void lock_thread_slots() noexcept { detail::slots().mutex.lock(); }
void unlock_thread_slots() noexcept { detail::slots().mutex.unlock(); }

// The parent's other threads are gone and will not hand their slots back;
// the forking thread keeps its own. Their counts stay in the slots.
void free_other_thread_slots() noexcept {
  const std::size_t own = detail::t_thread_slot;  // slot + 1, 0: none
  for (std::size_t i = 0; i < kThreadSlots; ++i) {
    detail::slots().taken[i] = i + 1 == own;
  }
}

}  // namespace weft::sdk::fork_hooks
