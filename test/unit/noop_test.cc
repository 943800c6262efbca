// Tests of the no-op API: what instrumented code gets before an SDK is
// installed. Nothing is recorded, valid contexts still flow into the returned
// spans, and every Span call is safe.
#include "weft/noop.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "test_provider.h"
#include "weft/provider.h"

namespace {

using weft::Context;
using weft::Scope;
using weft::Span;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::TraceFlags;
using weft::testing::make_context;

// Calls every Span operation on `span`.
void exercise(Span& span) {
  span.set_attribute("a", 1);
  span.set_attributes({{"b", "x"}, {"c", 2.5}});
  span.add_event("e", {{"k", true}});
  span.add_link(make_context(1, 1), {{"l", 1}});
  span.add_link(weft::make_link(make_context(1, 2), "follows_from"));
  span.record_exception("E", "m", {{"x", 1}});
  span.record_exception(std::runtime_error("boom"));
  span.set_status(weft::StatusCode::kError, "bad");
  span.update_name("renamed");
  span.end();
  span.end();
}

// The no-op tracer, asked through the API's interface (the override in
// NoopTracerProvider does not repeat the default arguments).
std::shared_ptr<weft::Tracer> noop_tracer() {
  weft::NoopTracerProvider provider;
  weft::TracerProvider& interface = provider;
  return interface.get_tracer("t");
}

// Restores the no-op global provider around a test.
struct GlobalProviderGuard {
  GlobalProviderGuard() { weft::set_tracer_provider(nullptr); }
  ~GlobalProviderGuard() { weft::set_tracer_provider(nullptr); }
};

}  // namespace

TEST_CASE("the default global provider records nothing", "[noop]") {
  GlobalProviderGuard guard;
  const auto tracer = weft::tracer("library", "1.0");
  REQUIRE(tracer != nullptr);
  auto span = tracer->start_span("op");
  CHECK_FALSE(span.is_recording());
  CHECK_FALSE(span.context().is_valid());
  exercise(span);
  CHECK_FALSE(span.is_recording());
}

TEST_CASE("the no-op provider hands out one shared tracer", "[noop]") {
  weft::NoopTracerProvider noop;
  weft::TracerProvider& provider = noop;
  CHECK(provider.get_tracer("a") == provider.get_tracer("b", "2"));
}

TEST_CASE("a valid explicit parent flows into the no-op span's context",
          "[noop]") {
  const SpanContext parent = make_context(4, 44, TraceFlags(0x03), true,
                                          weft::TraceState::parse("v=1"));
  auto tracer = noop_tracer();
  auto span = tracer->start_span("op", StartSpanOptions().with_parent(parent));
  CHECK_FALSE(span.is_recording());
  CHECK(span.context() == parent);
  CHECK(span.context().is_remote());
  exercise(span);
  CHECK(span.context() == parent);
}

TEST_CASE("the current context flows into the no-op span's context", "[noop]") {
  const SpanContext current = make_context(5, 55);
  auto tracer = noop_tracer();
  Scope scope(current);
  CHECK(tracer->start_span("op").context() == current);
  CHECK_FALSE(tracer->start_span("root", StartSpanOptions().as_root())
                  .context()
                  .is_valid());
  {
    // A scoped no-op span keeps the propagated context current.
    auto scoped = tracer->start_scoped_span("scoped");
    CHECK(Context::current().span_context() == current);
    CHECK(tracer->start_span("inner").context() == current);
  }
  CHECK(Context::current().span_context() == current);
}

TEST_CASE("every call on an empty span is safe", "[noop]") {
  Span span;
  CHECK_FALSE(span.is_recording());
  exercise(span);
  Span other(std::move(span));
  exercise(other);
  span = std::move(other);
  CHECK_FALSE(span.context().is_valid());
}

TEST_CASE(
    "installing an SDK provider makes the global tracer record, and nullptr "
    "restores the no-op one",
    "[noop]") {
  GlobalProviderGuard guard;
  const auto before = weft::tracer("lib");
  weft::testing::TestProvider test;
  weft::set_tracer_provider(test.provider);
  {
    auto span = weft::tracer("lib")->start_span("recorded");
    CHECK(span.is_recording());
    // A tracer obtained before is the same one: it follows the provider.
    CHECK(before == weft::tracer("lib"));
  }
  CHECK(test.take_one()->name == "recorded");
  weft::set_tracer_provider(nullptr);
  CHECK_FALSE(weft::tracer("lib")->start_span("op").is_recording());
}
