// fork_handlers: what the SDK does around fork(), so that a child process
// gets fresh ids and a working SDK and the parent goes on as before.
// Internal to the SDK. Thread-safe.
//
// After fork() only the forking thread exists in the child: every lock
// another thread held, and every structure another thread was changing,
// would stay that way for good. So the handlers (pthread_atfork, registered
// once) take the SDK's locks before the fork, in this order, and release
// them on both sides after it:
//   1. the list of fork participants (batch processors),
//   2. each participant's own lock, in the order they were added,
//   3. the graveyard of orphaned provider states (tracer_provider.cc),
//   4. the thread slots of the sharded counters (sharded_counter.cc),
//   5. the block pool's shared list (block_pool.cc).
// No SDK code takes an earlier lock of this list while holding a later one.
// In the child they then repair what needs the threads that are gone:
//   - the forking thread draws new random ids (its generator is reseeded;
//     other threads' generators do not exist in the child, and new threads
//     seed their own): the id path itself pays nothing for it;
//   - counter slots of the parent's other threads are handed back;
//   - a clock calibration that another thread was writing is discarded;
//   - each participant (batch processor) restarts its worker thread.
// Lock-free state that other threads were changing (a batch queue) is each
// participant's to reset. Programs that bypass pthread_atfork (a raw clone
// or _Fork()) get none of this.
#pragma once

namespace weft::sdk {

// Something with a lock or a thread that fork() must not leave half-way:
// added while it exists, removed before it is destroyed.
class ForkParticipant {
 public:
  // Before fork(), on the forking thread: takes the participant's lock.
  virtual void before_fork() noexcept = 0;
  // In the parent after fork(): releases it.
  virtual void after_fork_in_parent() noexcept = 0;
  // In the child, the only thread there: releases it and restarts what the
  // parent's threads did (it may start threads).
  virtual void after_fork_in_child() noexcept = 0;

 protected:
  ~ForkParticipant() = default;

 private:
  friend void add_fork_participant(ForkParticipant&) noexcept;
  friend void remove_fork_participant(ForkParticipant&) noexcept;
  friend struct ForkParticipants;
  ForkParticipant* previous_ = nullptr;
  ForkParticipant* next_ = nullptr;
};

// Registers the handlers with pthread_atfork, once per process; cheap after
// the first call. Called by every component that fork() concerns when it
// first has state.
void register_fork_handlers() noexcept;

void add_fork_participant(ForkParticipant& participant) noexcept;
void remove_fork_participant(ForkParticipant& participant) noexcept;

// The hooks of the components, each defined in its own .cc.
namespace fork_hooks {
void lock_graveyard() noexcept;           // tracer_provider.cc
void unlock_graveyard() noexcept;         //
void lock_thread_slots() noexcept;        // sharded_counter.cc
void unlock_thread_slots() noexcept;      //
void free_other_thread_slots() noexcept;  // child, slots locked
void lock_block_pool() noexcept;          // block_pool.cc
void unlock_block_pool() noexcept;        //
void repair_clock_in_child() noexcept;    // tick_clock.cc
void reseed_ids_in_child() noexcept;      // id_generator.cc
}  // namespace fork_hooks

}  // namespace weft::sdk
