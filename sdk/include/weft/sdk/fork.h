// ForkParticipant: how a component with locks or threads of its own (an
// exporter, a processor) takes part in fork(), so that a forked child can
// use it. The SDK's processors and the OTLP/gRPC exporter are participants;
// an exporter written for weft needs this only if it holds locks or threads
// and is to work in a forked child.
//
// Before fork() the SDK calls before_fork() on every participant, the one
// added last first (a processor before the exporter it was given); after it
// calls after_fork_in_parent() or after_fork_in_child() on each, the one
// added first first. Each is called on the forking thread; in the child it is
// the only thread, and the participant restarts or abandons what the
// parent's other threads were doing. Adding and removing are thread-safe;
// add in the constructor, remove at the start of the destructor.
#pragma once

namespace weft::sdk {

class ForkParticipant {
 public:
  // Takes the participant's locks (at most briefly waiting for them).
  virtual void before_fork() noexcept = 0;
  // Releases them.
  virtual void after_fork_in_parent() noexcept = 0;
  // Releases them and restarts (or gives up on) what needs the parent's
  // other threads; it may start threads.
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

void add_fork_participant(ForkParticipant& participant) noexcept;
void remove_fork_participant(ForkParticipant& participant) noexcept;

}  // namespace weft::sdk
