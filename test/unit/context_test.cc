// Tests of the current-span context: Scope nesting, parent selection at
// start (current, explicit, root), ScopedSpan, the per-thread current
// context and explicit capture for another thread.
#include "weft/context.h"

#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

#include "fake_id_generator.h"
#include "test_provider.h"

namespace {

using weft::Context;
using weft::Scope;
using weft::ScopedSpan;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::TraceFlags;
using weft::testing::make_context;
using weft::testing::TestProvider;

SpanContext current() { return Context::current().span_context(); }

}  // namespace

TEST_CASE("without an open scope the current context is invalid", "[context]") {
  CHECK_FALSE(current().is_valid());
}

TEST_CASE(
    "nested scopes make their context current and restore the previous one",
    "[context]") {
  const SpanContext a = make_context(1, 1);
  const SpanContext b = make_context(1, 2);
  const SpanContext c = make_context(2, 3);
  {
    Scope outer(a);
    CHECK(current() == a);
    {
      Scope middle(b);
      CHECK(current() == b);
      {
        Scope inner{Context(c)};
        CHECK(current() == c);
      }
      CHECK(current() == b);
    }
    CHECK(current() == a);
    {
      Scope invalid(SpanContext{});
      CHECK_FALSE(current().is_valid());
    }
    CHECK(current() == a);
  }
  CHECK_FALSE(current().is_valid());
}

TEST_CASE(
    "a span started with default options takes the current span as parent",
    "[context]") {
  TestProvider test;
  auto parent = test.tracer->start_span("parent");
  {
    Scope scope(parent.context());
    auto child = test.tracer->start_span("child");
    CHECK(child.context().trace_id() == parent.context().trace_id());
    CHECK(child.context().span_id() != parent.context().span_id());
  }
  auto after = test.tracer->start_span("after");
  CHECK(after.context().trace_id() != parent.context().trace_id());
  after.end();
  parent.end();

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 3);
  CHECK(spans[0]->name == "child");
  CHECK(spans[0]->parent_span_id == spans[2]->span_id);
  CHECK(spans[0]->trace_id == spans[2]->trace_id);
  CHECK_FALSE(spans[0]->parent_is_remote);
  CHECK(spans[1]->name == "after");
  CHECK_FALSE(spans[1]->parent_span_id.is_valid());
  CHECK_FALSE(spans[2]->parent_span_id.is_valid());
}

TEST_CASE("the parent source chooses between current, explicit and no parent",
          "[context]") {
  TestProvider test;
  const SpanContext current_parent = make_context(1, 10);
  const SpanContext explicit_parent =
      make_context(2, 20, TraceFlags(1), /*is_remote=*/true);
  Scope scope(current_parent);

  struct Row {
    int line;
    const char* source;
    std::uint64_t expected_parent;  // 0: a root span
    bool remote;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "current", 10, false},
      {__LINE__, "explicit", 20, true},
      {__LINE__, "explicit context", 20, true},
      {__LINE__, "explicit invalid", 0, false},
      {__LINE__, "root", 0, false},
  }));
  CAPTURE(row.line, row.source);
  const std::string source = row.source;
  StartSpanOptions options;
  if (source == "explicit") options.with_parent(explicit_parent);
  if (source == "explicit context") {
    options.with_parent(Context(explicit_parent));
  }
  if (source == "explicit invalid") options.with_parent(SpanContext());
  if (source == "root") options.as_root();
  test.tracer->start_span("s", options).end();

  const auto span = test.take_one();
  if (row.expected_parent == 0) {
    CHECK_FALSE(span->parent_span_id.is_valid());
    CHECK(span->trace_id != current_parent.trace_id());
    CHECK(span->trace_id != explicit_parent.trace_id());
  } else {
    CHECK(span->parent_span_id ==
          weft::testing::FakeIdGenerator::span_id(row.expected_parent));
    CHECK(span->trace_id ==
          (row.remote ? explicit_parent : current_parent).trace_id());
  }
  CHECK(span->parent_is_remote == row.remote);
}

TEST_CASE("a child inherits its parent's tracestate", "[context]") {
  TestProvider test;
  const SpanContext parent = make_context(
      1, 1, TraceFlags(1), true, weft::TraceState::parse("congo=t61rcWkgMzE"));
  Scope scope(parent);
  auto span = test.tracer->start_span("child");
  CHECK(span.context().trace_state() == parent.trace_state());
  CHECK_FALSE(span.context().is_remote());
}

TEST_CASE(
    "ScopedSpan makes its span current, ends it when it closes and restores "
    "the previous context",
    "[context]") {
  TestProvider test;
  const SpanContext outside = make_context(3, 3);
  Scope scope(outside);
  SpanContext a_context;
  SpanContext b_context;
  {
    ScopedSpan a =
        test.tracer->start_scoped_span("a", StartSpanOptions().as_root());
    a_context = a.context();
    CHECK(current() == a_context);
    CHECK(a->is_recording());
    {
      ScopedSpan b = test.tracer->start_scoped_span("b");
      b_context = b.context();
      CHECK(current() == b_context);
      {
        ScopedSpan c = test.tracer->start_scoped_span("c");
        CHECK(current() == c.context());
        c.span().set_attribute("depth", 3);
      }
      CHECK(current() == b_context);
      CHECK(test.store->size() == 1);
    }
    CHECK(current() == a_context);
    CHECK(test.store->size() == 2);
  }
  CHECK(current() == outside);

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 3);
  CHECK(spans[0]->name == "c");
  CHECK(spans[1]->name == "b");
  CHECK(spans[2]->name == "a");
  CHECK(spans[0]->parent_span_id == b_context.span_id());
  CHECK(spans[1]->parent_span_id == a_context.span_id());
  CHECK_FALSE(spans[2]->parent_span_id.is_valid());
  CHECK(spans[0]->trace_id == a_context.trace_id());
  CHECK(weft::testing::attribute_as<std::int64_t>(spans[0]->attributes,
                                                  "depth") == 3);
}

TEST_CASE("each thread has its own current context", "[context]") {
  const SpanContext here = make_context(1, 1);
  Scope scope(here);
  bool other_thread_saw_valid = true;
  SpanContext other_thread_inner;
  std::thread other([&] {
    other_thread_saw_valid = current().is_valid();
    Scope inner(make_context(2, 2));
    other_thread_inner = current();
  });
  other.join();
  CHECK_FALSE(other_thread_saw_valid);
  CHECK(other_thread_inner == make_context(2, 2));
  CHECK(current() == here);
}

TEST_CASE(
    "a context captured on one thread parents spans started under a Scope on "
    "other threads",
    "[context]") {
  TestProvider test;
  ScopedSpan root = test.tracer->start_scoped_span("fan_out");
  const Context captured = Context::current();
  constexpr int kWorkers = 4;
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&test, captured, i] {
      Scope scope(captured);
      ScopedSpan work =
          test.tracer->start_scoped_span("work " + std::to_string(i));
      // Nested spans on the worker find the worker's span.
      test.tracer->start_span("step").end();
    });
  }
  for (auto& worker : workers) worker.join();
  CHECK(current() == root.context());

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 2 * kWorkers);
  std::set<std::string> names;
  std::set<std::string> work_ids;
  for (const auto& span : spans) {
    CAPTURE(span->name);
    CHECK(span->trace_id == root.context().trace_id());
    names.emplace(span->name);
    if (span->name != "step") {
      CHECK(span->parent_span_id == root.context().span_id());
      work_ids.emplace(span->span_id.to_hex());
    }
  }
  for (const auto& span : spans) {
    if (span->name == "step") {
      CHECK(work_ids.count(span->parent_span_id.to_hex()) == 1);
    }
  }
  CHECK(names.size() == kWorkers + 1);
}

TEST_CASE("a span may be ended on another thread than the one that started it",
          "[context]") {
  TestProvider test;
  auto span = test.tracer->start_span("handed over");
  const SpanContext context = span.context();
  std::thread other([moved = std::move(span)]() mutable {
    moved.set_attribute("thread", "other");
    moved.end();
  });
  other.join();
  const auto data = test.take_one();
  CHECK(data->span_id == context.span_id());
  CHECK(weft::testing::text_attribute(data->attributes, "thread") == "other");
}
