// prefetch_for_write: asks the CPU to bring a cache line into this core's
// cache, owned, before the thread writes to it. Internal to the SDK.
//
// A plain prefetch brings a line shared. When another core has read the
// line since this one last wrote it (the batch worker reading the queue's
// cells), writing it then needs the other core's copy invalidated first: on
// the virtual machines weft is measured on, a wait of about a hundred
// nanoseconds that a store, followed by the next span's locked
// compare-and-swap, cannot hide. x86 has PREFETCHW for this; it is used
// where the CPU reports it (CPUID 0x80000001, ECX bit 8) and is a plain
// write-intent prefetch hint elsewhere.
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace weft::sdk {

#if defined(__x86_64__) || defined(__i386__)
inline bool cpu_has_prefetchw() noexcept {
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) == 0) return false;
  constexpr unsigned kPrefetchW = 1u << 8;
  return (ecx & kPrefetchW) != 0;
}
#endif

inline void prefetch_for_write(const void* address) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  static const bool supported = cpu_has_prefetchw();
  if (supported) {
    asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(address)));
  }
#else
  __builtin_prefetch(address, 1);
#endif
}

}  // namespace weft::sdk
