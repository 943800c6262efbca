// Tests of the Context as a value store (typed keys, immutability, capture
// across threads), of Scope's out-of-order detection, of current_span() and
// of bind_context().
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "fake_id_generator.h"
#include "fake_logger.h"
#include "test_provider.h"
#include "weft/context.h"
#include "weft/span.h"

namespace {

using weft::Context;
using weft::ContextKey;
using weft::Scope;
using weft::ScopedSpan;
using weft::SpanContext;
using weft::testing::make_context;
using weft::testing::TestProvider;

const ContextKey<std::string> kTenant("tenant");
const ContextKey<int> kAttempt("attempt");
// Same name, another key: keys are told apart by identity.
const ContextKey<std::string> kOtherTenant("tenant");

}  // namespace

TEST_CASE("a context holds values under typed keys and stays immutable",
          "[context]") {
  const Context empty;
  CHECK(empty.get(kTenant) == nullptr);

  const Context with_tenant = empty.with(kTenant, "acme");
  const Context both = with_tenant.with(kAttempt, 3);
  REQUIRE(both.get(kTenant) != nullptr);
  CHECK(*both.get(kTenant) == "acme");
  REQUIRE(both.get(kAttempt) != nullptr);
  CHECK(*both.get(kAttempt) == 3);
  CHECK(both.get(kOtherTenant) == nullptr);

  // Deriving never changes the original.
  CHECK(empty.get(kTenant) == nullptr);
  CHECK(with_tenant.get(kAttempt) == nullptr);

  const Context replaced = both.with(kAttempt, 4);
  CHECK(*replaced.get(kAttempt) == 4);
  CHECK(*both.get(kAttempt) == 3);
  CHECK(*replaced.get(kTenant) == "acme");

  const Context removed = replaced.without(kTenant);
  CHECK(removed.get(kTenant) == nullptr);
  CHECK(*removed.get(kAttempt) == 4);
  CHECK(*replaced.get(kTenant) == "acme");
  CHECK(removed.without(kTenant).get(kAttempt) != nullptr);
}

TEST_CASE("replacing a value many times keeps one entry per key", "[context]") {
  Context context;
  for (int i = 0; i < 10000; ++i) context = context.with(kAttempt, i);
  CHECK(*context.get(kAttempt) == 9999);
  // Destroying a long chain would overflow the stack if every with() kept
  // the previous value alive: nothing to check beyond surviving it.
  context = Context();
  CHECK(context.get(kAttempt) == nullptr);
}

TEST_CASE("Context::current() is a copy that outlives its Scope", "[context]") {
  Context captured;
  {
    Scope scope(
        Context().with(kTenant, "acme").with_span_context(make_context(1, 1)));
    captured = Context::current();
  }
  CHECK(Context::current().get(kTenant) == nullptr);
  REQUIRE(captured.get(kTenant) != nullptr);
  CHECK(*captured.get(kTenant) == "acme");
  CHECK(captured.span_context() == make_context(1, 1));
}

TEST_CASE("a Scope opened with a span context keeps the current values",
          "[context]") {
  Scope outer(Context().with(kTenant, "acme"));
  Scope inner(make_context(2, 2));
  CHECK(Context::current().span_context() == make_context(2, 2));
  REQUIRE(Context::current().get(kTenant) != nullptr);
  CHECK(*Context::current().get(kTenant) == "acme");
}

TEST_CASE(
    "a Scope closed out of order is reported once and the scopes still open "
    "stay current in order",
    "[context]") {
  weft::testing::GlobalFakeLogger global;
  TestProvider test;  // routes the API's diagnostics to the SDK's logger
  const SpanContext a = make_context(1, 1);
  const SpanContext b = make_context(1, 2);
  const SpanContext c = make_context(1, 3);
  {
    auto outer = std::make_unique<Scope>(a);
    Scope inner(b);
    outer.reset();  // closed before `inner`
    CHECK(Context::current().span_context() == b);
    {
      auto middle = std::make_unique<Scope>(c);
      Scope innermost(a);
      middle.reset();  // out of order again: reported once in all
      CHECK(Context::current().span_context() == a);
    }
    CHECK(Context::current().span_context() == b);
  }
  CHECK_FALSE(Context::current().span_context().is_valid());
  CHECK(global.logger->count_containing({"Scope", "nest"}) == 1);
}

TEST_CASE("current_span() reaches the span of the innermost ScopedSpan",
          "[context][span]") {
  TestProvider test;
  CHECK_FALSE(weft::current_span().is_recording());
  CHECK_FALSE(weft::current_span().context().is_valid());
  weft::current_span().set_attribute("ignored", true);  // does nothing
  {
    ScopedSpan outer = test.tracer->start_scoped_span("outer");
    {
      ScopedSpan inner = test.tracer->start_scoped_span("inner");
      CHECK(weft::current_span().context() == inner.context());
      weft::current_span().set_attribute("depth", 2);
      weft::current_span().add_event("nested work", {{"items", 3}});
      weft::current_span().record_exception("std::runtime_error", "boom");
      weft::current_span().set_status(weft::StatusCode::kError, "failed");
    }
    CHECK(weft::current_span().context() == outer.context());
    weft::current_span().update_name("outer renamed");
  }
  const auto spans = test.take_all();
  REQUIRE(spans.size() == 2);
  CHECK(spans[0]->name == "inner");
  CHECK(weft::testing::attribute_as<std::int64_t>(spans[0]->attributes,
                                                  "depth") == 2);
  REQUIRE(spans[0]->events.size() == 2);
  CHECK(spans[0]->events[0].name == "nested work");
  CHECK(spans[0]->events[1].name == "exception");
  CHECK(spans[0]->status_code == weft::StatusCode::kError);
  CHECK(spans[1]->name == "outer renamed");
}

TEST_CASE("a Scope opened with a Span makes it the current span",
          "[context][span]") {
  TestProvider test;
  auto span = test.tracer->start_span("job");
  {
    Scope scope(span);
    CHECK(weft::current_span().context() == span.context());
    auto child = test.tracer->start_span("child");
    CHECK(child.context().trace_id() == span.context().trace_id());
  }
  CHECK_FALSE(weft::current_span().context().is_valid());
}

TEST_CASE("a SpanRef kept after its span ended and was freed does nothing",
          "[context][span]") {
  TestProvider test;
  weft::SpanRef kept;
  {
    ScopedSpan span = test.tracer->start_scoped_span("short");
    kept = weft::current_span();
    CHECK(kept.is_recording());
  }
  CHECK_FALSE(kept.is_recording());
  // The exported data is freed here; the reference must not reach it.
  CHECK(test.take_all().size() == 1);
  kept.set_attribute("late", 1);
  kept.add_event("late");
  kept.add_link(make_context(5, 5));
  kept.set_status(weft::StatusCode::kError);
  kept.update_name("late");
  kept.end();
  CHECK(kept.context().is_valid());
  CHECK(test.take_all().empty());
}

TEST_CASE("bind_context runs a callable under the context it captured",
          "[context][span]") {
  TestProvider test;
  ScopedSpan job = test.tracer->start_scoped_span("job");
  Scope values(Context::current().with(kTenant, "acme"));
  auto task = weft::bind_context([&test](int item) {
    auto span = test.tracer->start_span("item " + std::to_string(item));
    const std::string* tenant = Context::current().get(kTenant);
    span.set_attribute("tenant", tenant != nullptr ? *tenant : "<none>");
    weft::current_span().add_event("item done");  // the job span
    return item * 2;
  });
  int result = 0;
  std::thread worker([&] { result = task(21); });
  worker.join();
  CHECK(result == 42);
  // On this thread the captured scope is not current any more than before.
  CHECK(weft::current_span().context() == job.context());
  job->end();

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 2);
  CHECK(spans[0]->name == "item 21");
  CHECK(spans[0]->parent_span_id == job.context().span_id());
  CHECK(weft::testing::text_attribute(spans[0]->attributes, "tenant") ==
        "acme");
  REQUIRE(spans[1]->events.size() == 1);
  CHECK(spans[1]->events[0].name == "item done");
}

TEST_CASE("a ScopedSpan keeps the values of the context it opens in",
          "[context]") {
  TestProvider test;
  Scope values(Context().with(kTenant, "acme"));
  ScopedSpan span = test.tracer->start_scoped_span("work");
  REQUIRE(Context::current().get(kTenant) != nullptr);
  CHECK(*Context::current().get(kTenant) == "acme");
  CHECK(Context::current().span_context() == span.context());
}

TEST_CASE(
    "a scoped span started with a Context as parent keeps that context's "
    "values current",
    "[context]") {
  TestProvider test;
  const Context received =
      Context().with(kTenant, "acme").with_span_context(make_context(7, 7));
  {
    ScopedSpan span = test.tracer->start_scoped_span(
        "consume", weft::StartSpanOptions().with_parent(received));
    REQUIRE(Context::current().get(kTenant) != nullptr);
    CHECK(*Context::current().get(kTenant) == "acme");
    CHECK(span.context().trace_id() == make_context(7, 7).trace_id());
  }
  {
    // A SpanContext parent carries no values: the current ones stay.
    Scope values(Context().with(kAttempt, 2));
    ScopedSpan span = test.tracer->start_scoped_span(
        "retry", weft::StartSpanOptions().with_parent(received.span_context()));
    CHECK(Context::current().get(kTenant) == nullptr);
    CHECK(Context::current().get(kAttempt) != nullptr);
  }
}
