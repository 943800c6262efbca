// IdGenerator: new trace and span ids. The default is a per-thread xoshiro256++
// generator seeded from std::random_device: fast, lock-free and random, so
// root spans carry the W3C "random" trace flag. Implementations are
// thread-safe.
#pragma once

#include <memory>

#include "weft/ids.h"

namespace weft::sdk {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual TraceId new_trace_id() noexcept = 0;
  virtual SpanId new_span_id() noexcept = 0;
  // True when trace ids are random enough for the W3C random flag.
  virtual bool trace_ids_are_random() const noexcept { return false; }
};

std::shared_ptr<IdGenerator> make_random_id_generator();

}  // namespace weft::sdk
