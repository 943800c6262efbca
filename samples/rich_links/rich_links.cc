#include "rich_links/rich_links.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "common/iso_time.h"
#include "weft/traceparent.h"

namespace weft::samples {
namespace {

std::string order_id(std::uint32_t index) {
  char text[16];
  std::snprintf(text, sizeof text, "ORD-%04u", index + 1);
  return text;
}

}  // namespace

Link create_rich_span_link(const SpanContext& context,
                           std::string_view relationship,
                           const LinkMetadata& metadata, Timestamp created_at) {
  // As make_link: nothing to link to, so no attributes to build either.
  if (!context.is_valid()) return Link{};
  OwnedAttributes attributes = {
      {"link.description", metadata.description},
      {"link.created_at", iso_8601_utc(created_at)},
      {"link.source.service", metadata.source_service},
      {"link.source.operation", metadata.source_operation},
  };
  // Correlation ids and business context help across services, when known.
  if (metadata.correlation_id) {
    attributes.emplace_back("link.correlation_id", *metadata.correlation_id);
  }
  if (metadata.business_entity) {
    attributes.emplace_back("link.business.entity_type",
                            *metadata.business_entity);
  }
  if (metadata.business_id) {
    attributes.emplace_back("link.business.entity_id", *metadata.business_id);
  }
  return make_link(context, relationship, std::move(attributes));
}

const std::vector<RelationshipDefinition>& relationship_vocabulary() {
  static const std::vector<RelationshipDefinition> kVocabulary = {
      {relationship::kTriggeredBy,
       "an event or request caused this operation to start",
       "a scheduled job linked to the cron trigger"},
      {relationship::kBatchMember,
       "this operation processes multiple items together",
       "a batch processor linked to each request span"},
      {relationship::kFollowsFrom,
       "this operation is a logical continuation of another",
       "an async callback linked to the initiating request"},
      {relationship::kAggregates,
       "this operation combines results from multiple sources",
       "a fan-in aggregator linked to the parallel workers"},
      {relationship::kRetryOf, "this is a retry of a previous attempt",
       "the third attempt linked to the first and the second"},
      {relationship::kCompensates,
       "this operation reverses or compensates for another",
       "a refund linked to the original payment"},
      {relationship::kDerivedFrom,
       "data in this operation came from another operation",
       "a report linked to the data collection spans"},
      {relationship::kConsumedFrom,
       "this operation consumed a message the linked one produced",
       "a queue consumer linked to each producer"},
      {relationship::kProcesses,
       "this operation processes an entity the linked one created",
       "an order worker linked to the order's receive span"},
      {relationship::kScheduledBy, "a timer or scheduler started this",
       "a nightly job linked to the scheduler tick"},
  };
  return kVocabulary;
}

bool validate_link_relationship(std::string_view relationship) {
  const auto& vocabulary = relationship_vocabulary();
  return std::any_of(vocabulary.begin(), vocabulary.end(),
                     [&](const RelationshipDefinition& definition) {
                       return definition.name == relationship;
                     });
}

std::vector<Link> create_bounded_links(const std::vector<SpanContext>& contexts,
                                       std::string_view relationship,
                                       std::size_t max_links,
                                       std::string* warning) {
  std::size_t count = contexts.size();
  if (count > max_links) {
    // Keep the first ones; sort by importance first if some matter more.
    if (warning != nullptr) {
      *warning = "Truncating " + std::to_string(count) + " links to " +
                 std::to_string(max_links);
    }
    count = max_links;
  }
  std::vector<Link> links;
  links.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    links.push_back(make_link(contexts[i], relationship));
  }
  return links;
}

std::string serialize_span_context(const SpanContext& context) {
  return format_span_context(context);
}

std::optional<SpanContext> deserialize_span_context(std::string_view text) {
  return parse_span_context(text);
}

RichLinksResult run_rich_links(weft::Tracer& tracer,
                               const RichLinksOptions& options) {
  RichLinksResult result;

  // 1. Parent-child where the work is synchronous; the order's context is
  //    stored (as text, like a database column) for a batch job later.
  std::vector<std::pair<std::string, std::string>> stored;  // id, context
  for (std::uint32_t i = 0; i < options.orders; ++i) {
    const std::string id = order_id(i);
    ScopedSpan order =
        tracer.start_scoped_span("process-order", StartSpanOptions().as_root());
    order->set_attribute("order.id", id);
    {
      ScopedSpan validate = tracer.start_scoped_span("validate-order");
      validate->set_attribute("order.id", id);
    }
    {
      ScopedSpan inventory = tracer.start_scoped_span("check-inventory");
      inventory->set_attribute("inventory.items_checked", 2);
    }
    stored.emplace_back(id, serialize_span_context(order.context()));
    result.stored_contexts.push_back(stored.back().second);
  }

  // 2. Later, another trace links to each stored context.
  {
    std::vector<Link> links;
    for (const auto& [id, text] : stored) {
      const std::optional<SpanContext> context = deserialize_span_context(text);
      if (!context) {
        result.warnings.push_back("cannot parse stored context '" + text + "'");
        continue;
      }
      LinkMetadata metadata;
      metadata.description = "Order stored for batch processing";
      metadata.source_service = "order-service";
      metadata.source_operation = "process-order";
      metadata.correlation_id = "corr-" + id;
      metadata.business_entity = "order";
      metadata.business_id = id;
      links.push_back(create_rich_span_link(
          *context, relationship::kBatchMember, metadata));
    }
    ScopedSpan batch = tracer.start_scoped_span(
        "process-stored-orders",
        StartSpanOptions().as_root().with_links(std::move(links)));
    batch->set_attribute("stored_context.count", stored.size());
  }

  // 3. A compensation: the refund reverses the payment of another trace.
  {
    SpanContext payment_context;
    {
      ScopedSpan payment = tracer.start_scoped_span(
          "charge-payment", StartSpanOptions().as_root());
      payment->set_attribute("payment.id", "PAY-0001");
      payment->set_attribute("payment.amount", 129.5);
      payment_context = payment.context();
    }
    LinkMetadata metadata;
    metadata.description = "Refund of a cancelled order";
    metadata.source_service = "payment-service";
    metadata.source_operation = "charge-payment";
    metadata.correlation_id = "corr-" + order_id(0);
    metadata.business_entity = "payment";
    metadata.business_id = "PAY-0001";
    const std::string relationship(relationship::kCompensates);
    if (!validate_link_relationship(relationship)) {
      result.warnings.push_back("unknown relationship " + relationship);
    }
    ScopedSpan refund = tracer.start_scoped_span(
        "refund-payment",
        StartSpanOptions().as_root().with_links(
            {create_rich_span_link(payment_context, relationship, metadata)}));
    refund->set_attribute("payment.id", "PAY-0001");
  }

  // 4. A report derived from many sources: links bounded by the application.
  std::vector<SpanContext> sources;
  {
    ScopedSpan collect =
        tracer.start_scoped_span("collect-data", StartSpanOptions().as_root());
    collect->set_attribute("source.count", options.sources);
    for (std::uint32_t i = 0; i < options.sources; ++i) {
      ScopedSpan source = tracer.start_scoped_span("read-source");
      source->set_attribute("source.id", static_cast<std::int64_t>(i + 1));
      sources.push_back(source.context());
    }
  }
  std::string warning;
  const std::vector<Link> links = create_bounded_links(
      sources, relationship::kDerivedFrom, options.max_links, &warning);
  if (!warning.empty()) result.warnings.push_back(warning);
  ScopedSpan report = tracer.start_scoped_span(
      "generate-report",
      StartSpanOptions().as_root().with_borrowed_links(links));
  report->set_attribute("report.sources", sources.size());
  report->set_attribute("report.linked_sources", links.size());
  if (!warning.empty())
    report->add_event("links truncated", {{"warning", warning}});
  result.report_links = links.size();
  return result;
}

}  // namespace weft::samples
