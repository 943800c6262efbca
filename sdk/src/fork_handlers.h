// fork_handlers: what the SDK does around fork(), so that a child process
// gets fresh ids and a working SDK and the parent goes on as before.
// Internal to the SDK. Thread-safe.
//
// After fork() only the forking thread exists in the child: every lock
// another thread held, and every structure another thread was changing,
// would stay that way for good. So the handlers (pthread_atfork, registered
// once) take the SDK's locks before the fork, in this order, and release
// them on both sides after it:
//   0. the API's globals: the global provider's lock, then the global
//      propagator's (weft/provider.h, weft/propagation.h); first, because
//      set_tracer_provider() may destroy the old provider under its lock,
//      and a provider's processors leave the list of participants,
//   1. the list of fork participants (weft/sdk/fork.h: the processors, the
//      OTLP exporter),
//   2. each participant's own locks, the one added last first (a processor
//      before the exporter it was given: it waits for its worker to return
//      from the exporter, which may need the exporter's lock to do so),
//   3. the graveyard of orphaned provider states (tracer_provider.cc),
//   4. the thread slots of the sharded counters (sharded_counter.cc),
//   5. the block pool's shared list (block_pool.cc),
//   6. the SDK-wide logger's slot (logger.cc; held only to copy or swap the
//      logger, so a leaf),
//   7. the API's global provider slot (weft/delegating_tracer.h: held only to
//      copy or swap the provider and to find or add a tracer of
//      weft::tracer(), so a leaf; last, because a span that starts on such a
//      tracer after a provider change takes it, wherever the caller is).
// No SDK code takes an earlier lock of this list while holding a later one.
// In the child they then repair what needs the threads that are gone:
//   - the forking thread draws new random ids (its generator is reseeded;
//     other threads' generators do not exist in the child, and new threads
//     seed their own): the id path itself pays nothing for it;
//   - counter slots of the parent's other threads are handed back;
//   - a clock calibration that another thread was writing is discarded;
//   - the API's count of tracers resolving their delegate is zeroed (the
//     resolving threads are gone; set_tracer_provider() waits for it);
//   - each participant, the one added first first, releases its locks and
//     restarts its threads (a batch processor's worker) or gives up on
//     them (the OTLP exporter's).
// Lock-free state that other threads were changing (a batch queue) is each
// participant's to reset. Programs that bypass pthread_atfork (a raw clone
// or _Fork()) get none of this.
#pragma once

#include "weft/sdk/fork.h"

namespace weft::sdk {

// Registers the handlers with pthread_atfork, once per process; cheap after
// the first call. Called by every component that fork() concerns when it
// first has state.
void register_fork_handlers() noexcept;

// The hooks of the components, each defined in its own .cc.
namespace fork_hooks {
void lock_graveyard() noexcept;           // tracer_provider.cc
void unlock_graveyard() noexcept;         //
void lock_thread_slots() noexcept;        // sharded_counter.cc
void unlock_thread_slots() noexcept;      //
void free_other_thread_slots() noexcept;  // child, slots locked
void lock_block_pool() noexcept;          // block_pool.cc
void unlock_block_pool() noexcept;        //
void lock_logger() noexcept;              // logger.cc
void unlock_logger() noexcept;            //
void repair_clock_in_child() noexcept;    // tick_clock.cc
void reseed_ids_in_child() noexcept;      // id_generator.cc
}  // namespace fork_hooks

}  // namespace weft::sdk
