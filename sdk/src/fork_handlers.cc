#include "fork_handlers.h"

#include <pthread.h>

#include <mutex>

#include "weft/propagation.h"
#include "weft/provider.h"

namespace weft::sdk {

// The participants, in a list that links through them (adding and removing
// never allocate or fail).
struct ForkParticipants {
  std::mutex mutex;
  ForkParticipant* first = nullptr;
  ForkParticipant* last = nullptr;

  template <class Visit>
  void each(Visit visit) noexcept {
    for (ForkParticipant* p = first; p != nullptr; p = p->next_) visit(*p);
  }
  template <class Visit>
  void each_reversed(Visit visit) noexcept {
    for (ForkParticipant* p = last; p != nullptr; p = p->previous_) visit(*p);
  }
};

namespace {

// Never destroyed: participants may be removed during exit.
ForkParticipants& participants() noexcept {
  static ForkParticipants* const instance = new ForkParticipants;
  return *instance;
}

// The order of fork_handlers.h: taken first to last, released last to
// first.
// The API's global provider and propagator locks (order 0).
void lock_api_globals() noexcept {
  weft::detail::global_provider().mutex.lock();
  weft::detail::global_propagator_slot().mutex.lock();
}

void unlock_api_globals() noexcept {
  weft::detail::global_propagator_slot().mutex.unlock();
  weft::detail::global_provider().mutex.unlock();
}

// The global provider's slot lock (order 7, a leaf).
void lock_api_provider_slot() noexcept {
  weft::detail::global_provider().slot_mutex.lock();
}

void unlock_api_provider_slot() noexcept {
  weft::detail::global_provider().slot_mutex.unlock();
}

void prepare() noexcept {
  lock_api_globals();
  ForkParticipants& list = participants();
  list.mutex.lock();
  list.each_reversed([](ForkParticipant& p) { p.before_fork(); });
  fork_hooks::lock_graveyard();
  fork_hooks::lock_thread_slots();
  fork_hooks::lock_block_pool();
  fork_hooks::lock_logger();
  lock_api_provider_slot();
}

void in_parent() noexcept {
  unlock_api_provider_slot();
  fork_hooks::unlock_logger();
  fork_hooks::unlock_block_pool();
  fork_hooks::unlock_thread_slots();
  fork_hooks::unlock_graveyard();
  ForkParticipants& list = participants();
  list.each([](ForkParticipant& p) { p.after_fork_in_parent(); });
  list.mutex.unlock();
  unlock_api_globals();
}

void in_child() noexcept {
  // Tracers of other threads resolving at the fork never finish here.
  weft::detail::global_provider().resolving.store(0);
  unlock_api_provider_slot();
  fork_hooks::unlock_logger();
  fork_hooks::unlock_block_pool();
  fork_hooks::free_other_thread_slots();
  fork_hooks::unlock_thread_slots();
  fork_hooks::unlock_graveyard();
  fork_hooks::repair_clock_in_child();
  fork_hooks::reseed_ids_in_child();
  // Last: the participants' new threads find everything above repaired.
  ForkParticipants& list = participants();
  list.each([](ForkParticipant& p) { p.after_fork_in_child(); });
  list.mutex.unlock();
  unlock_api_globals();
}

}  // namespace

void register_fork_handlers() noexcept {
  // Failure (out of memory) leaves fork() as unsafe as it was before weft
  // handled it; nothing else depends on it.
  static const bool registered =
      pthread_atfork(&prepare, &in_parent, &in_child) == 0;
  (void)registered;
}

void add_fork_participant(ForkParticipant& participant) noexcept {
  register_fork_handlers();
  ForkParticipants& list = participants();
  std::lock_guard<std::mutex> lock(list.mutex);
  participant.previous_ = list.last;
  participant.next_ = nullptr;
  (list.last != nullptr ? list.last->next_ : list.first) = &participant;
  list.last = &participant;
}

void remove_fork_participant(ForkParticipant& participant) noexcept {
  ForkParticipants& list = participants();
  std::lock_guard<std::mutex> lock(list.mutex);
  (participant.previous_ != nullptr ? participant.previous_->next_
                                    : list.first) = participant.next_;
  (participant.next_ != nullptr ? participant.next_->previous_ : list.last) =
      participant.previous_;
  participant.previous_ = participant.next_ = nullptr;
}

}  // namespace weft::sdk
