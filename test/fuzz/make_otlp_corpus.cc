// Writes the seed inputs of weft_fuzz_collect_request: small serialized
// ExportTraceServiceRequests built with the generated OTLP classes, one per
// file, covering what a request can carry (every AnyValue type, nested
// arrays and key/value lists, events, links with relationships, dropped
// counts, status, several resources and scopes) and the shapes that
// `weft view` refuses (ids of the wrong size, an unknown span kind, values
// nested too deeply). With them the fuzzer starts from valid requests and
// mutates fields rather than guessing the wire format. It also writes the
// same requests as `weft collect` stores them (one OTLP/JSON line each, and
// all of them in one file), seeds of weft_fuzz_view_input.
//
//   weft_fuzz_make_otlp_corpus test/fuzz/corpus/collect_request \
//                              test/fuzz/corpus/view_input
//
// The files are checked in; run this again after changing the protos.
#include <cstdio>
#include <fstream>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_json.h"

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
using Request =
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

std::string id(unsigned char first, std::size_t bytes) {
  std::string value(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    value[i] = static_cast<char>(first + 17 * i);
  }
  return value;
}

void add_string(google::protobuf::RepeatedPtrField<common::KeyValue>* to,
                const std::string& key, const std::string& value) {
  common::KeyValue* attribute = to->Add();
  attribute->set_key(key);
  attribute->mutable_value()->set_string_value(value);
}

trace::ScopeSpans* add_scope(Request& request, const std::string& service,
                             const std::string& scope) {
  trace::ResourceSpans* resource = request.add_resource_spans();
  add_string(resource->mutable_resource()->mutable_attributes(), "service.name",
             service);
  resource->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  trace::ScopeSpans* scope_spans = resource->add_scope_spans();
  scope_spans->mutable_scope()->set_name(scope);
  scope_spans->mutable_scope()->set_version("0.1.0");
  return scope_spans;
}

trace::Span* add_span(trace::ScopeSpans* scope, unsigned char trace_byte,
                      unsigned char span_byte, const std::string& name) {
  trace::Span* span = scope->add_spans();
  span->set_trace_id(id(trace_byte, 16));
  span->set_span_id(id(span_byte, 8));
  span->set_name(name);
  span->set_kind(trace::Span::SPAN_KIND_INTERNAL);
  span->set_start_time_unix_nano(1700000000000000000ull + span_byte * 1000ull);
  span->set_end_time_unix_nano(1700000000000500000ull + span_byte * 1000ull);
  span->set_flags(0x301);
  return span;
}

void add_link(trace::Span* span, unsigned char trace_byte,
              unsigned char span_byte, const std::string& relationship) {
  trace::Span::Link* link = span->add_links();
  link->set_trace_id(id(trace_byte, 16));
  link->set_span_id(id(span_byte, 8));
  link->set_trace_state("congo=t61rcWkgMzE");
  link->set_flags(0x101);
  add_string(link->mutable_attributes(), "link.relationship", relationship);
}

// One span with an attribute of every AnyValue type, an event and an error.
Request every_value_type() {
  Request request;
  trace::Span* span = add_span(add_scope(request, "shop", "checkout"), 0x0a,
                               0x01, "charge-card");
  span->set_kind(trace::Span::SPAN_KIND_SERVER);
  auto* attributes = span->mutable_attributes();
  add_string(attributes, "http.method", "POST");
  common::KeyValue* flag = attributes->Add();
  flag->set_key("retry");
  flag->mutable_value()->set_bool_value(true);
  common::KeyValue* count = attributes->Add();
  count->set_key("items");
  count->mutable_value()->set_int_value(-42);
  common::KeyValue* ratio = attributes->Add();
  ratio->set_key("ratio");
  ratio->mutable_value()->set_double_value(0.25);
  common::KeyValue* blob = attributes->Add();
  blob->set_key("blob");
  blob->mutable_value()->set_bytes_value(std::string("\x00\xff\x10", 3));
  common::KeyValue* array = attributes->Add();
  array->set_key("tags");
  common::ArrayValue* values = array->mutable_value()->mutable_array_value();
  values->add_values()->set_string_value("a");
  values->add_values()->set_int_value(7);
  common::KeyValue* map = attributes->Add();
  map->set_key("card");
  common::KeyValueList* entries = map->mutable_value()->mutable_kvlist_value();
  add_string(entries->mutable_values(), "brand", "visa");
  common::KeyValue* nested = entries->add_values();
  nested->set_key("limits");
  nested->mutable_value()
      ->mutable_array_value()
      ->add_values()
      ->set_double_value(1e9);
  span->set_dropped_attributes_count(3);
  trace::Span::Event* event = span->add_events();
  event->set_name("exception");
  event->set_time_unix_nano(1700000000000200000ull);
  add_string(event->mutable_attributes(), "exception.message", "declined");
  span->set_dropped_events_count(1);
  span->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("card declined");
  return request;
}

// A batch span linked to the spans of two requests and to one not in the
// input, with children and dropped links.
Request batch_with_links() {
  Request request;
  trace::ScopeSpans* requests = add_scope(request, "shop", "receiver");
  add_span(requests, 0x0a, 0x10, "receive-item");
  add_span(requests, 0x1b, 0x11, "receive-item");
  trace::ScopeSpans* batcher = add_scope(request, "batcher", "batcher");
  trace::Span* batch = add_span(batcher, 0x2c, 0xa0, "process-batch");
  batch->set_trace_state("rojo=00f067aa0ba902b7");
  add_link(batch, 0x0a, 0x10, "batch_member");
  add_link(batch, 0x1b, 0x11, "batch_member");
  add_link(batch, 0x3d, 0x22, "batch_member");
  batch->mutable_links(1)->set_dropped_attributes_count(1);
  batch->set_dropped_links_count(2);
  for (unsigned char child = 0xa1; child <= 0xa2; ++child) {
    trace::Span* item = add_span(batcher, 0x2c, child, "process-item");
    item->set_parent_span_id(id(0xa0, 8));
    item->mutable_status()->set_code(trace::Status::STATUS_CODE_OK);
    add_link(item, 0x2c, 0xa0, "follows_from");
  }
  return request;
}

// Producer and consumer in two traces, spans in a parent cycle, a parent
// that is not in the input.
Request odd_trees() {
  Request request;
  trace::ScopeSpans* scope = add_scope(request, "queue", "messaging");
  trace::Span* producer = add_span(scope, 0x40, 0x01, "publish");
  producer->set_kind(trace::Span::SPAN_KIND_PRODUCER);
  trace::Span* consumer = add_span(scope, 0x41, 0x02, "consume");
  consumer->set_kind(trace::Span::SPAN_KIND_CONSUMER);
  add_link(consumer, 0x40, 0x01, "consumes");
  trace::Span* a = add_span(scope, 0x42, 0x03, "cycle-a");
  trace::Span* b = add_span(scope, 0x42, 0x04, "cycle-b");
  a->set_parent_span_id(b->span_id());
  b->set_parent_span_id(a->span_id());
  trace::Span* orphan = add_span(scope, 0x42, 0x05, "orphan");
  orphan->set_parent_span_id(id(0x99, 8));
  orphan->set_kind(trace::Span::SPAN_KIND_CLIENT);
  orphan->set_end_time_unix_nano(0);  // ends before it starts
  return request;
}

// What `weft view` refuses: ids of the wrong size, an unknown kind, values
// nested deeper than it reads.
Request refused_by_view() {
  Request request;
  trace::ScopeSpans* scope = add_scope(request, "odd", "odd");
  add_span(scope, 0x50, 0x01, "short-id")->set_span_id(id(0x01, 4));
  add_span(scope, 0x50, 0x02, "future-kind")
      ->set_kind(static_cast<trace::Span::SpanKind>(9));
  trace::Span* deep = add_span(scope, 0x50, 0x03, "deep");
  common::AnyValue* value = deep->add_attributes()->mutable_value();
  for (int depth = 0; depth < 20; ++depth) {
    value = value->mutable_array_value()->add_values();
  }
  value->set_string_value("bottom");
  return request;
}

bool write(const std::string& path, const std::string& contents) {
  std::ofstream file(path, std::ios::binary);
  file << contents;
  file.close();
  if (!file) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("%s: %zu bytes\n", path.c_str(), contents.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s REQUEST_DIRECTORY JSON_DIRECTORY\n",
                 argv[0]);
    return 2;
  }
  const std::string requests = argv[1];
  const std::string lines = argv[2];
  const std::pair<const char*, Request> seeds[] = {
      {"every_value_type", every_value_type()},
      {"batch_with_links", batch_with_links()},
      {"odd_trees", odd_trees()},
      {"refused_by_view", refused_by_view()},
  };
  std::string all_lines;
  for (const auto& [name, request] : seeds) {
    const std::string line = weft::otlp::to_otlp_json(request) + "\n";
    if (!write(requests + "/" + name, request.SerializeAsString()) ||
        !write(lines + "/collected_" + name, line)) {
      return 1;
    }
    if (std::string(name) != "refused_by_view") all_lines += line;
  }
  return write(lines + "/collected_all", all_lines) ? 0 : 1;
}
