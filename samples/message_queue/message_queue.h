// The message-queue pattern: producers open a `send-message` span and inject
// its context into the message headers (W3C traceparent/tracestate); the
// message crosses a real boundary as bytes (one JSON line each, through a
// file descriptor: a pipe to another process in the sample); the consumer
// extracts each producer's context and opens one `consume-message-batch`
// span with a `consumed_from` link per message and a `process-message` child
// per message.
//
// MessageProducer and MessageConsumer are one thread each; the free
// functions are thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/tracer.h"

namespace weft::samples {

struct QueueMessage {
  std::string id;
  std::string type;
  std::string producer;
  // traceparent, tracestate, baggage (the customer's tenant)
  std::map<std::string, std::string> headers;
};

// One line of JSON, `{"body":{...},"headers":{...}}`, without the newline.
std::string encode_message(const QueueMessage& message);
// Parses one line; nullopt (and `error` says why) when it is not a message.
std::optional<QueueMessage> decode_message(std::string_view line,
                                           std::string& error);

class MessageProducer {
 public:
  // Writes messages to `fd` (not closed by the producer) on behalf of the
  // customer `tenant`.
  MessageProducer(weft::Tracer& tracer, int fd, std::string producer_name,
                  std::string tenant);

  // Sends one message in its own `send-message` trace, with the tenant in
  // the baggage; false when the bytes could not be written.
  bool send_message(const std::string& queue_name, const std::string& id,
                    const std::string& type);

 private:
  weft::Tracer& tracer_;
  int fd_;
  std::string producer_name_;
  std::string tenant_;
};

struct ConsumeResult {
  std::size_t messages = 0;
  std::size_t batches = 0;
  std::size_t linked = 0;     // messages whose producer context was valid
  std::size_t malformed = 0;  // lines that were not messages
};

class MessageConsumer {
 public:
  MessageConsumer(weft::Tracer& tracer, std::size_t batch_size);

  // One `consume-message-batch` span for `messages`.
  void process_messages(const std::vector<QueueMessage>& messages,
                        ConsumeResult& result);

 private:
  void process_single_message(const QueueMessage& message);

  weft::Tracer& tracer_;
  std::size_t batch_size_;
};

struct ProducerOptions {
  std::uint32_t producers = 3;  // Producer A, B, C
  std::uint32_t messages_per_producer = 2;
  std::string queue_name = "orders";
};

// Every producer's messages, written to `fd`; the number written.
std::size_t run_producers(weft::Tracer& tracer, int fd,
                          const ProducerOptions& options);

// Reads message lines from `fd` until end of file, then consumes them in
// batches of at most `batch_size`.
ConsumeResult run_consumer(weft::Tracer& tracer, int fd,
                           std::size_t batch_size);

}  // namespace weft::samples
