#include "message_queue/message_queue.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "fake_environment.h"
#include "sample_checks.h"
#include "seeded_id_generator.h"
#include "weft/sdk/propagators.h"

namespace weft::testing {
namespace {

// Producers on one thread, the consumer on this one; the messages cross a
// real pipe as bytes.
samples::ConsumeResult produce_and_consume(Tracer& tracer,
                                           samples::ProducerOptions options,
                                           std::size_t batch_size,
                                           std::string extra_bytes = {}) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ssize_t extra_written = 0;
  std::thread producer([&] {
    samples::run_producers(tracer, fds[1], options);
    if (!extra_bytes.empty()) {
      extra_written = ::write(fds[1], extra_bytes.data(), extra_bytes.size());
    }
    ::close(fds[1]);
  });
  const auto result = samples::run_consumer(tracer, fds[0], batch_size);
  producer.join();
  CHECK(extra_written == static_cast<ssize_t>(extra_bytes.size()));
  ::close(fds[0]);
  return result;
}

// The global propagator an application gets from the SDK with
// OTEL_PROPAGATORS unset (tracecontext,baggage), for one test.
struct DefaultSdkPropagators {
  DefaultSdkPropagators() {
    const FakeEnvironment unset;
    sdk::PropagatorOptions options;
    options.environment = &unset;
    sdk::install_propagator_from_environment(options);
  }
  ~DefaultSdkPropagators() { set_global_propagator(nullptr); }
};

}  // namespace

TEST_CASE(
    "message_queue links the consumer batch consumed_from each producer span "
    "whose context crossed the pipe in the headers",
    "[samples][message_queue]") {
  TestProvider test;
  DefaultSdkPropagators propagators;
  const auto result = produce_and_consume(*test.tracer, {3, 2, "orders"}, 10);
  CHECK(result.messages == 6);
  CHECK(result.batches == 1);
  CHECK(result.linked == 6);
  CHECK(result.malformed == 0);
  const Spans spans(test.take_all());

  const auto sent = spans.named("send-message");
  REQUIRE(sent.size() == 6);
  std::set<TraceId> producer_traces;
  for (const sdk::SpanData* span : sent) {
    CHECK(is_root(*span));
    CHECK(span->kind == SpanKind::kProducer);
    CHECK(text_attribute(span->attributes, "messaging.destination") ==
          "orders");
    CHECK(text_attribute(span->attributes, "messaging.operation") == "send");
    producer_traces.insert(span->trace_id);
  }
  CHECK(producer_traces.size() == 6);

  const auto batches = spans.named("consume-message-batch");
  REQUIRE(batches.size() == 1);
  const sdk::SpanData& batch = *batches.front();
  CHECK(is_root(batch));
  CHECK(batch.kind == SpanKind::kConsumer);
  CHECK(producer_traces.count(batch.trace_id) == 0);
  CHECK(int_attribute(batch.attributes, "messaging.batch_size") == 6);
  CHECK(int_attribute(batch.attributes, "messaging.linked_producers") == 6);
  CHECK(text_attribute(batch.attributes, "messaging.operation") == "receive");
  REQUIRE(batch.links.size() == 6);
  for (std::size_t i = 0; i < batch.links.size(); ++i) {
    const sdk::LinkData& link = batch.links[i];
    CAPTURE(i);
    CHECK(relationship_of(link) == "consumed_from");
    CHECK(int_attribute(link.attributes, "batch.index") ==
          static_cast<std::int64_t>(i));
    CHECK(link.is_remote);  // extracted from the headers
    const sdk::SpanData* producer = spans.target(link);
    REQUIRE(producer != nullptr);
    CHECK(producer->name == "send-message");
    CHECK(text_attribute(link.attributes, "messaging.message_id") ==
          text_attribute(producer->attributes, "messaging.message_id"));
  }
  const auto processed = spans.children(batch, "process-message");
  REQUIRE(processed.size() == 6);
  CHECK(text_attribute(processed.front()->attributes,
                       "messaging.message_type") == "order.created");
  // The tenant crossed the pipe in the baggage header: messages 1-2 came
  // from producer a (tenant-a), 3-4 from b, 5-6 from c.
  std::set<std::string> tenants;
  for (const sdk::SpanData* span : processed) {
    const std::string id =
        text_attribute(span->attributes, "messaging.message_id");
    const std::string tenant = text_attribute(span->attributes, "tenant");
    CAPTURE(id);
    const int number = std::stoi(id.substr(id.find('-') + 1));
    CHECK(tenant ==
          std::string("tenant-") + static_cast<char>('a' + (number - 1) / 2));
    tenants.insert(tenant);
  }
  CHECK(tenants.size() == 3);
}

TEST_CASE("message_queue consumes in batches of at most batch_size",
          "[samples][message_queue]") {
  TestProvider test;
  const auto result = produce_and_consume(*test.tracer, {2, 3, "orders"}, 4);
  CHECK(result.batches == 2);
  const Spans spans(test.take_all());
  const auto batches = spans.named("consume-message-batch");
  REQUIRE(batches.size() == 2);
  CHECK(batches[0]->links.size() == 4);
  CHECK(batches[1]->links.size() == 2);
  CHECK(batches[0]->trace_id != batches[1]->trace_id);
  CHECK(int_attribute(batches[1]->links[0].attributes, "batch.index") == 0);
}

TEST_CASE(
    "message_queue skips malformed lines and does not link messages without "
    "a trace context",
    "[samples][message_queue]") {
  TestProvider test;
  const std::string extra =
      "not json\n{\"body\":{\"id\":\"msg-x\",\"type\":\"t\"},\"headers\":{}}\n"
      "{\"body\":{\"id\":\"msg-y\"},\"headers\":{\"traceparent\":\"00-zz\"}}\n";
  const auto result =
      produce_and_consume(*test.tracer, {1, 1, "orders"}, 10, extra);
  CHECK(result.malformed == 1);
  CHECK(result.messages == 3);
  CHECK(result.linked == 1);
  const Spans spans(test.take_all());
  const auto batches = spans.named("consume-message-batch");
  REQUIRE(batches.size() == 1);
  CHECK(batches.front()->links.size() == 1);
  CHECK(int_attribute(batches.front()->attributes,
                      "messaging.linked_producers") == 1);
  CHECK(spans.children(*batches.front(), "process-message").size() == 3);
}

TEST_CASE(
    "with OTEL_TRACES_SAMPLER=parentbased_linksbased_traceidratio a consumer "
    "batch is kept whenever a producer it links to was",
    "[samples][message_queue][sampler]") {
  sdk::TracerProviderOptions options;
  options.id_generator = std::make_shared<SeededIdGenerator>();
  TestProvider test(
      std::move(options),
      {{"OTEL_TRACES_SAMPLER", "parentbased_linksbased_traceidratio"},
       {"OTEL_TRACES_SAMPLER_ARG", "0.5"}});
  // One message a batch: each consumer trace links to one producer trace.
  const auto result = produce_and_consume(*test.tracer, {20, 2, "orders"}, 1);
  REQUIRE(result.batches == 40);
  const Spans spans(test.take_all());

  // Only sampled spans reach the exporter: the kept producers.
  const auto sent = spans.named("send-message");
  CAPTURE(sent.size());
  CHECK(sent.size() > 0);
  CHECK(sent.size() < 40);
  std::set<SpanId> consumed;
  for (const sdk::SpanData* batch : spans.named("consume-message-batch")) {
    REQUIRE(batch->links.size() == 1);
    consumed.insert(batch->links[0].span_id);
    // Its children follow it.
    CHECK(spans.children(*batch, "process-message").size() == 1);
  }
  for (const sdk::SpanData* producer : sent) {
    CAPTURE(text_attribute(producer->attributes, "messaging.message_id"));
    CHECK(consumed.count(producer->span_id) == 1);
  }
}

TEST_CASE("message_queue messages survive encoding as one line of JSON",
          "[samples][message_queue]") {
  samples::QueueMessage message{
      "msg-1",
      "order.created",
      "producer-a",
      {{"traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}};
  const std::string line = samples::encode_message(message);
  CHECK(line.find('\n') == std::string::npos);
  std::string error;
  const auto decoded = samples::decode_message(line, error);
  REQUIRE(decoded.has_value());
  CHECK(decoded->id == "msg-1");
  CHECK(decoded->type == "order.created");
  CHECK(decoded->producer == "producer-a");
  CHECK(decoded->headers == message.headers);
  CHECK_FALSE(samples::decode_message("[1,2]", error).has_value());
  CHECK(error == "not a JSON object");
}

}  // namespace weft::testing
