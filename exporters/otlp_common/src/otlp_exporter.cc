#include "weft/exporters/otlp_exporter.h"

namespace weft::exporters {

std::optional<OtlpExporterStats> otlp_exporter_stats(
    const sdk::SpanExporter& exporter) noexcept {
  if (const auto* otlp = dynamic_cast<const OtlpExporter*>(&exporter)) {
    return otlp->stats();
  }
  return std::nullopt;
}

}  // namespace weft::exporters
