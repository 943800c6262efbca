// The gRPC order service: a traced server (weft::instrumentation_grpc) and
// a traced client in two processes.
//
// The client places orders one by one, each in its own trace (a
// `submit-order` root span around the CLIENT span of the call), then sends
// them all in one batch RPC that carries each order's span context. The
// server's SERVER span of the batch call links `batch_member` to every
// order's trace and fans the orders out to a worker pool: each
// `process-order` span runs on a pool thread as a child of the SERVER span
// (the call's context handed to the task with weft::bind_context) and links
// `processes` to its order.
//
// The RPC spans come from the interceptors, on the global tracer provider;
// the application spans from the tracer given here (same provider in the
// program). OrderServer is thread-safe (gRPC calls it from its threads);
// run_order_client() runs on the calling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "weft/tracer.h"

namespace weft::samples {

class OrderServer {
 public:
  // Listens on `address` (port 0: a free port) with `workers` pool threads;
  // null when the address cannot be bound (gRPC says why on stderr).
  static std::unique_ptr<OrderServer> start(weft::Tracer& tracer,
                                            const std::string& address,
                                            std::size_t workers);
  virtual ~OrderServer() = default;

  // The port it listens on.
  virtual int port() const = 0;
  // Stops taking calls, finishes the ones in progress (within a few
  // seconds), and returns; the destructor does it too.
  virtual void shutdown() = 0;
  // Orders placed and orders processed in batches so far.
  virtual std::size_t orders_placed() const = 0;
  virtual std::size_t orders_processed() const = 0;
};

struct OrderClientOptions {
  std::uint32_t orders = 5;
};

struct OrderClientResult {
  std::size_t accepted = 0;   // orders the server accepted
  std::size_t processed = 0;  // orders the batch call processed
  std::size_t linked = 0;     // of which the batch span linked
};

// Places `options.orders` orders at the server at `address` (host:port),
// then sends them as one batch.
OrderClientResult run_order_client(weft::Tracer& tracer,
                                   const std::string& address,
                                   const OrderClientOptions& options);

}  // namespace weft::samples
