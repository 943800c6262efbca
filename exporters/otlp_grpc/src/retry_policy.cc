#include "retry_policy.h"

#include "weft/otlp/rpc_status.pb.h"

namespace weft::otlp {

std::optional<std::chrono::milliseconds> retry_info_delay(
    const std::string& status_details) {
  if (status_details.empty()) return std::nullopt;
  rpc::Status status;
  if (!status.ParseFromString(status_details)) return std::nullopt;
  constexpr std::string_view kRetryInfoType = "/google.rpc.RetryInfo";
  for (const google::protobuf::Any& detail : status.details()) {
    const std::string& type = detail.type_url();
    if (type.size() < kRetryInfoType.size() ||
        type.compare(type.size() - kRetryInfoType.size(), kRetryInfoType.size(),
                     kRetryInfoType) != 0) {
      continue;
    }
    rpc::RetryInfo info;
    if (!info.ParseFromString(detail.value())) return std::nullopt;
    const auto delay = std::chrono::seconds(info.retry_delay().seconds()) +
                       std::chrono::nanoseconds(info.retry_delay().nanos());
    if (delay.count() < 0) return std::nullopt;
    return std::chrono::ceil<std::chrono::milliseconds>(delay);
  }
  return std::nullopt;
}

RetryDecision classify(const grpc::Status& status) {
  RetryDecision decision;
  decision.server_delay = retry_info_delay(status.error_details());
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      decision.retryable = true;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      decision.retryable = decision.server_delay.has_value();
      break;
    default:
      decision.retryable = false;
      break;
  }
  return decision;
}

std::string status_code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      break;
  }
  return "status " + std::to_string(static_cast<int>(code));
}

}  // namespace weft::otlp
