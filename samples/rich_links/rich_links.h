// Well-attributed links: the article's create_rich_span_link() (relationship,
// description, created_at, source service and operation, correlation id,
// business entity), the relationship vocabulary and its validation, bounded
// link lists with a warning when truncating, and a SpanContext stored as a
// string and linked to later from another trace.
//
// Free functions, thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/tracer.h"

namespace weft::samples {

// What a link says about the relationship, beyond its name.
struct LinkMetadata {
  std::string description;
  std::string source_service = "unknown";
  std::string source_operation = "unknown";
  std::optional<std::string> correlation_id;
  std::optional<std::string> business_entity;  // e.g. "order"
  std::optional<std::string> business_id;      // e.g. "ORD-0001"
};

// A link whose attributes say why it exists: link.relationship,
// link.description, link.created_at (ISO 8601, UTC), link.source.service,
// link.source.operation, and when known link.correlation_id,
// link.business.entity_type and link.business.entity_id. For a context that
// is not valid, the empty Link that spans ignore (as make_link).
Link create_rich_span_link(const SpanContext& context,
                           std::string_view relationship,
                           const LinkMetadata& metadata,
                           Timestamp created_at = Clock::now());

struct RelationshipDefinition {
  std::string_view name;
  std::string_view use_when;
  std::string_view example;
};

// The standard vocabulary: the article's seven relationships plus the ones
// weft's samples use (consumed_from, processes, scheduled_by).
const std::vector<RelationshipDefinition>& relationship_vocabulary();
bool validate_link_relationship(std::string_view relationship);

// One link per context with `relationship`, at most `max_links` of them (the
// first ones). When truncating, `warning` says so. A context that is not
// valid gives the empty Link that spans ignore (make_link).
std::vector<Link> create_bounded_links(const std::vector<SpanContext>& contexts,
                                       std::string_view relationship,
                                       std::size_t max_links,
                                       std::string* warning);

// A SpanContext as text for storage (traceparent[;tracestate]), and back;
// the parsed context is remote.
std::string serialize_span_context(const SpanContext& context);
std::optional<SpanContext> deserialize_span_context(std::string_view text);

struct RichLinksOptions {
  std::uint32_t orders = 3;
  std::uint32_t sources = 40;    // spans the report derives from
  std::uint32_t max_links = 32;  // MAX_LINKS_PER_SPAN in the article
};

struct RichLinksResult {
  std::vector<std::string> stored_contexts;  // one per order
  std::size_t report_links = 0;
  std::vector<std::string> warnings;
};

// Orders processed with parent-child spans whose contexts are stored as
// strings; a later `process-stored-orders` trace links to each stored
// context; a refund `compensates` a payment; a `generate-report` span links
// `derived_from` a bounded number of `read-source` spans.
RichLinksResult run_rich_links(weft::Tracer& tracer,
                               const RichLinksOptions& options);

}  // namespace weft::samples
