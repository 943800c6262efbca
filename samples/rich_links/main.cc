// rich_links: links that explain themselves, the relationship vocabulary,
// bounded link lists, and a SpanContext stored as a string and linked to
// later from another trace (see README.md).
#include <cstdio>

#include "common/sample_setup.h"
#include "rich_links/rich_links.h"

int main(int argc, char** argv) {
  const weft::samples::SampleInfo info{
      "rich_links", "attribute-examples",
      "Well-attributed links: stored order contexts linked batch_member from "
      "a later trace,\na refund that compensates a payment, and a report "
      "derived_from a bounded number\nof sources (a warning when "
      "truncating).",
      "  --orders N        orders whose context is stored (default 3)\n"
      "  --sources N       sources the report derives from (default 40)\n"
      "  --max-links N     links the report keeps (default 32)\n"
      "  --no-vocabulary   do not print the relationship vocabulary\n"};
  weft::samples::RichLinksOptions options;
  bool quiet = false;
  weft::tools::CommandLine command_line(std::string(info.program));
  command_line.add_number("orders", options.orders);
  command_line.add_number("sources", options.sources);
  command_line.add_number("max-links", options.max_links);
  command_line.add_switch("no-vocabulary", quiet);
  return weft::samples::run_sample(
      info, command_line, argc, argv,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        if (!quiet) {
          std::printf("Link relationships (attribute link.relationship):\n");
          for (const auto& definition :
               weft::samples::relationship_vocabulary()) {
            std::printf("  %-14.*s %.*s (e.g. %.*s)\n",
                        static_cast<int>(definition.name.size()),
                        definition.name.data(),
                        static_cast<int>(definition.use_when.size()),
                        definition.use_when.data(),
                        static_cast<int>(definition.example.size()),
                        definition.example.data());
          }
          std::printf("\n");
        }
        const auto result = weft::samples::run_rich_links(tracer, options);
        for (const std::string& warning : result.warnings) {
          std::fprintf(stderr, "rich_links: warning: %s\n", warning.c_str());
        }
        for (const std::string& stored : result.stored_contexts) {
          std::fprintf(stderr, "rich_links: stored context %s\n",
                       stored.c_str());
        }
        return true;
      });
}
