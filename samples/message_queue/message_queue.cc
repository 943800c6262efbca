#include "message_queue/message_queue.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "weft/baggage.h"
#include "weft/propagation.h"

namespace weft::samples {
namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::string read_all(int fd) {
  std::string bytes;
  char buffer[4096];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  return bytes;
}

// Producer a works for customer tenant-a, and so on.
std::string tenant_of(const std::string& producer) {
  return "tenant-" + producer.substr(producer.find('-') + 1);
}

std::string producer_name(std::uint32_t index) {
  std::string name = "producer-";
  name += static_cast<char>('a' + index % 26);
  if (index >= 26) name += std::to_string(index / 26);
  return name;
}

}  // namespace

std::string encode_message(const QueueMessage& message) {
  nlohmann::json line = {{"body",
                          {{"id", message.id},
                           {"type", message.type},
                           {"producer", message.producer}}},
                         {"headers", message.headers}};
  return line.dump();
}

std::optional<QueueMessage> decode_message(std::string_view line,
                                           std::string& error) {
  const nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  const auto body = parsed.find("body");
  if (body == parsed.end() || !body->is_object()) {
    error = "no \"body\" object";
    return std::nullopt;
  }
  QueueMessage message;
  const auto text = [](const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string()
               ? found->get<std::string>()
               : std::string("unknown");
  };
  message.id = text(*body, "id");
  message.type = text(*body, "type");
  message.producer = text(*body, "producer");
  const auto headers = parsed.find("headers");
  if (headers != parsed.end() && headers->is_object()) {
    for (const auto& [key, value] : headers->items()) {
      if (value.is_string()) message.headers[key] = value.get<std::string>();
    }
  }
  return message;
}

MessageProducer::MessageProducer(weft::Tracer& tracer, int fd,
                                 std::string producer_name, std::string tenant)
    : tracer_(tracer),
      fd_(fd),
      producer_name_(std::move(producer_name)),
      tenant_(std::move(tenant)) {}

bool MessageProducer::send_message(const std::string& queue_name,
                                   const std::string& id,
                                   const std::string& type) {
  ScopedSpan span = tracer_.start_scoped_span(
      "send-message",
      StartSpanOptions().as_root().with_kind(SpanKind::kProducer));
  span->set_attribute("messaging.system", "custom_queue");
  span->set_attribute("messaging.destination", queue_name);
  span->set_attribute("messaging.message_id", id);

  // The current context goes into the headers: this span, so that the
  // consumer can link back to it, and the baggage, so that the customer's
  // tenant travels with the message (with the default propagators,
  // tracecontext and baggage).
  QueueMessage message{id, type, producer_name_, {}};
  inject_context(message.headers,
                 baggage::set(Context::current(), "tenant", tenant_));

  const bool sent = write_all(fd_, encode_message(message) + "\n");
  span->set_attribute("messaging.operation", "send");
  if (!sent) span->set_status(StatusCode::kError, "the queue is closed");
  return sent;
}

MessageConsumer::MessageConsumer(weft::Tracer& tracer, std::size_t batch_size)
    : tracer_(tracer), batch_size_(batch_size == 0 ? 1 : batch_size) {}

void MessageConsumer::process_messages(
    const std::vector<QueueMessage>& messages, ConsumeResult& result) {
  for (std::size_t first = 0; first < messages.size(); first += batch_size_) {
    const std::size_t end = std::min(messages.size(), first + batch_size_);
    // One consumed_from link per message whose producer context is valid.
    std::vector<Link> links;
    for (std::size_t i = first; i < end; ++i) {
      const SpanContext producer =
          extract_context(messages[i].headers).span_context();
      if (!producer.is_valid()) continue;
      links.push_back(
          make_link(producer, relationship::kConsumedFrom,
                    {{"messaging.message_id", messages[i].id},
                     {"batch.index", static_cast<std::int64_t>(i - first)}}));
    }

    ScopedSpan batch = tracer_.start_scoped_span(
        "consume-message-batch", StartSpanOptions()
                                     .as_root()
                                     .with_kind(SpanKind::kConsumer)
                                     .with_borrowed_links(links));
    batch->set_attribute("messaging.batch_size", end - first);
    batch->set_attribute("messaging.operation", "receive");
    batch->set_attribute("messaging.linked_producers", links.size());
    for (std::size_t i = first; i < end; ++i) {
      process_single_message(messages[i]);
    }
    ++result.batches;
    result.messages += end - first;
    result.linked += links.size();
  }
}

void MessageConsumer::process_single_message(const QueueMessage& message) {
  ScopedSpan span = tracer_.start_scoped_span("process-message");
  span->set_attribute("messaging.message_id", message.id);
  // The producer's baggage: whose message this is.
  if (const auto tenant =
          baggage::get(extract_context(message.headers), "tenant")) {
    span->set_attribute("tenant", *tenant);
  }
  span->set_attribute("messaging.message_type", message.type);
  // Handling the message is the application's business; nothing fails here.
  span->set_attribute("processing.status", "success");
}

std::size_t run_producers(weft::Tracer& tracer, int fd,
                          const ProducerOptions& options) {
  std::size_t sent = 0;
  for (std::uint32_t p = 0; p < options.producers; ++p) {
    const std::string name = producer_name(p);
    MessageProducer producer(tracer, fd, name, tenant_of(name));
    for (std::uint32_t m = 0; m < options.messages_per_producer; ++m) {
      const std::string id =
          "msg-" + std::to_string(p * options.messages_per_producer + m + 1);
      if (producer.send_message(options.queue_name, id, "order.created")) {
        ++sent;
      }
    }
  }
  return sent;
}

ConsumeResult run_consumer(weft::Tracer& tracer, int fd,
                           std::size_t batch_size) {
  const std::string bytes = read_all(fd);
  ConsumeResult result;
  std::vector<QueueMessage> messages;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    const std::string_view line(bytes.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    std::string error;
    if (auto message = decode_message(line, error)) {
      messages.push_back(std::move(*message));
    } else {
      ++result.malformed;
      std::fprintf(stderr, "message_queue: message %zu skipped: %s\n",
                   line_number, error.c_str());
    }
  }
  MessageConsumer(tracer, batch_size).process_messages(messages, result);
  return result;
}

}  // namespace weft::samples
