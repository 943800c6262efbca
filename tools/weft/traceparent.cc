// `weft traceparent TRACEPARENT`: parses, validates and explains a W3C Trace
// Context `traceparent` header value, and a `tracestate` and a `baggage`
// value given with it, one field a line; for an invalid value it names the
// rule broken. `weft traceparent --new` prints a fresh one. See print_help().
//
// Whether a value is valid is decided by what the propagators do with it
// (TraceContextPropagator and BaggagePropagator extracting from a map of the
// headers, TraceState::parse, parse_traceparent), so the tool and the
// propagators can never disagree; this file only adds the explanation of why,
// checking the W3C rules one by one on top. Should the explanation miss a
// rule the parsers apply, the value is still reported invalid, with a
// generic reason. One thread.
#include "weft/traceparent.h"

#include <strings.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "subcommands.h"
#include "terminal_text.h"
#include "weft/baggage.h"
#include "weft/diagnostics.h"
#include "weft/propagation.h"
#include "weft/sdk/id_generator.h"
#include "weft/trace_state.h"

namespace weft::tools {
namespace {

void print_help(std::FILE* out) {
  std::fputs(
      "usage: weft traceparent [options] TRACEPARENT\n"
      "       weft traceparent --new [--not-sampled]\n"
      "\n"
      "Explains a W3C Trace Context `traceparent` header value field by\n"
      "field (version, trace-id, parent-id, flags), with a `tracestate`\n"
      "and a `baggage` value when given, and says which rule an invalid\n"
      "value breaks. The header form works too: 'traceparent: 00-...'.\n"
      "Exit status: 0 valid, 1 invalid, 2 bad usage.\n"
      "\n"
      "  --tracestate TS   also explain this tracestate value\n"
      "  --baggage B       also explain this baggage value\n"
      "  --new             print a fresh valid traceparent: random ids,\n"
      "                    flags 03 (sampled, random trace-id)\n"
      "  --not-sampled     with --new: flags 02 (not sampled)\n"
      "  -h, --help        this text\n",
      out);
}

constexpr int kLabelWidth = 12;

// Prints `label` and `value` aligned: one field a line.
void field(std::string_view label, std::string_view value) {
  std::printf("%-*.*s %.*s\n", kLabelWidth, static_cast<int>(label.size()),
              label.data(), static_cast<int>(value.size()), value.data());
}

// Untrusted text, safe to print and quoted.
std::string quoted(std::string_view text) {
  return "'" + view::terminal_text(text) + "'";
}

// One character of untrusted text, for a message: 'G', or \x01.
std::string character(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  char escaped[8];
  std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
  return escaped;
}

// "1 member", "2 members".
std::string count_of(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) +
         (count == 1 ? "" : "s");
}
std::string characters(std::size_t count) {
  return count_of(count, "character");
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_upper_hex(char c) { return c >= 'A' && c <= 'F'; }

// `value` without a leading `name:` (any case, spaces allowed around the
// colon): the header form pasted from a log or a curl command.
std::string_view strip_header_name(std::string_view value,
                                   std::string_view name) {
  const std::string_view trimmed = detail::trim_optional_whitespace(value);
  if (trimmed.size() <= name.size() ||
      strncasecmp(trimmed.data(), name.data(), name.size()) != 0) {
    return value;
  }
  const std::string_view rest =
      detail::trim_optional_whitespace(trimmed.substr(name.size()));
  if (rest.empty() || rest.front() != ':') return value;
  return rest.substr(1);
}

// ---------------------------------------------------------------------------
// traceparent

struct Problems {
  std::vector<std::string> list;
  void add(std::string problem) { list.push_back(std::move(problem)); }
  bool empty() const { return list.empty(); }
};

// The problems of one hex field of exactly `size` characters: case, other
// characters, all zeros (when `zero_invalid`). `what` names it in messages.
void check_hex_field(std::string_view what, std::string_view text,
                     std::size_t size, bool zero_invalid, Problems& problems) {
  if (text.size() != size) {
    problems.add(std::string(what) + " " + quoted(text) + " has " +
                 characters(text.size()) + ": it has exactly " +
                 std::to_string(size) + " lowercase hex digits");
    return;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_upper_hex(text[i])) {
      problems.add(std::string(what) +
                   " has uppercase hex: only lowercase hex is allowed (" +
                   character(text[i]) + " at character " +
                   std::to_string(i + 1) + " of the " + std::string(what) +
                   ")");
      return;
    }
    if (!is_lower_hex(text[i])) {
      problems.add(std::string(what) + " has " + character(text[i]) +
                   " at character " + std::to_string(i + 1) +
                   ": only lowercase hex digits (0-9, a-f) are allowed");
      return;
    }
  }
  if (zero_invalid && text.find_first_not_of('0') == std::string_view::npos) {
    problems.add(std::string(what) +
                 " is all zeros: the W3C Trace Context rule says an all-zero " +
                 std::string(what) + " is invalid");
  }
}

std::string describe_flags(std::uint8_t bits) {
  std::string text;
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02x", bits);
  text.append(hex).append("  ");
  text.append((bits & TraceFlags::kSampled) != 0 ? "sampled" : "not sampled");
  text.append((bits & TraceFlags::kRandom) != 0
                  ? ", random (Level 2: the trace-id's right 7 bytes are "
                    "random)"
                  : ", random flag not set (Level 2: the trace-id may not be "
                    "random)");
  const std::uint8_t unknown = bits & ~kKnownTraceFlags;
  if (unknown != 0) {
    std::snprintf(hex, sizeof hex, "%02x", unknown);
    text.append(", unknown bits ")
        .append(hex)
        .append(" (ignored: not propagated further)");
  }
  return text;
}

// Explains `value` (trimmed, without header name) and adds each rule it
// breaks to `problems`.
void explain_traceparent_fields(std::string_view value, Problems& problems) {
  constexpr std::string_view kShape =
      "00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>";
  if (value.empty()) {
    problems.add("empty: a traceparent is 55 characters, " +
                 std::string(kShape));
    return;
  }
  std::vector<std::string_view> parts;
  for (std::string_view rest = value;;) {
    const std::size_t dash = rest.find('-');
    parts.push_back(rest.substr(0, dash));
    if (dash == std::string_view::npos) break;
    rest.remove_prefix(dash + 1);
  }
  // The version decides the other rules.
  const std::string_view version = parts[0];
  Problems version_problems;
  check_hex_field("version", version, 2, false, version_problems);
  if (!version_problems.empty()) {
    for (std::string& problem : version_problems.list) {
      problems.add(std::move(problem));
    }
    field("version", view::terminal_text(version) + "  INVALID");
    return;
  }
  if (version == "ff") {
    problems.add(
        "version ff is forbidden: the W3C Trace Context rule says version ff "
        "is invalid");
    field("version", "ff  INVALID");
    return;
  }
  const bool version_00 = version == "00";
  std::string version_text(version);
  if (!version_00) {
    // The W3C rule for a version this parser does not know.
    version_text += "  newer than 00: read leniently, as version 00";
    if (parts.size() > 4 && value.size() > kTraceparentSize) {
      version_text += "; the " + characters(value.size() - kTraceparentSize) +
                      " after the first 55 ignored";
    }
  }
  field("version", version_text);
  if (parts.size() < 4) {
    problems.add("has " + std::to_string(parts.size()) +
                 " fields separated by '-': a traceparent has 4, " +
                 std::string(kShape));
  }
  if (version_00 && value.size() != kTraceparentSize) {
    problems.add(
        "wrong length: version 00 has exactly 55 characters, this "
        "has " +
        std::to_string(value.size()));
  }
  struct Field {
    const char* name;
    std::size_t size;
    bool zero_invalid;
  };
  const Field fields[] = {
      {"trace-id", 32, true}, {"parent-id", 16, true}, {"flags", 2, false}};
  // A later version may append fields, but only after a '-'.
  const bool flags_run_on =
      !version_00 && parts.size() == 4 && parts[3].size() > 2;
  for (std::size_t i = 0; i < 3 && i + 1 < parts.size(); ++i) {
    std::string_view text = parts[i + 1];
    if (i == 2 && flags_run_on) text = text.substr(0, 2);
    const std::size_t before = problems.list.size();
    check_hex_field(fields[i].name, text, fields[i].size,
                    fields[i].zero_invalid, problems);
    const bool ok = problems.list.size() == before;
    if (ok && i == 2) {
      const auto bits =
          static_cast<std::uint8_t>(std::stoi(std::string(text), nullptr, 16));
      field("flags", describe_flags(bits));
    } else {
      field(fields[i].name,
            view::terminal_text(text) + (ok ? "" : "  INVALID"));
    }
  }
  if (flags_run_on) {
    problems.add("version " + std::string(version) +
                 ": after the flags (character 56) a later version continues "
                 "with '-', found " +
                 character(parts[3][2]));
  }
}

// Explains the traceparent and returns whether the propagator accepts it.
bool explain_traceparent(std::string_view argument, Problems& problems) {
  std::string_view value = strip_header_name(argument, "traceparent");
  value = detail::trim_optional_whitespace(value);
  field("traceparent", view::terminal_text(value));
  // What the propagator does with it decides; the fields explain why.
  std::map<std::string, std::string> headers = {
      {"traceparent", std::string(value)}};
  const SpanContext extracted =
      TraceContextPropagator().extract(headers).span_context();
  Problems found;
  if (value.find(':') != std::string_view::npos) {
    found.add(
        "has ':' (a header name other than 'traceparent:'?): give the "
        "traceparent value, or 'traceparent: VALUE'");
  } else {
    explain_traceparent_fields(value, found);
  }
  const bool valid = extracted.is_valid();
  if (valid && !found.empty()) {
    // The explanation is stricter than the parser: the parser decides.
    for (const std::string& note : found.list) field("", "note: " + note);
    return true;
  }
  if (!valid) {
    if (found.empty()) {
      found.add("rejected by weft's W3C Trace Context parser");
    }
    for (std::string& problem : found.list) problems.add(std::move(problem));
    problems.add(
        "invalid traceparent: a propagator discards it, and the tracestate "
        "with it, so the request starts a new trace");
  }
  return valid;
}

// ---------------------------------------------------------------------------
// tracestate

// Why `key` is not a W3C tracestate key, or empty when it is one.
std::string tracestate_key_problem(std::string_view key) {
  if (key.empty()) return "the key is empty";
  if (key.size() > TraceState::kMaxKeySize) {
    return "the key has " + characters(key.size()) + ": at most 256";
  }
  const char first = key[0];
  if (!detail::is_lower_alpha(first) && !detail::is_digit(first)) {
    return "keys must start with a lowercase letter or digit, not " +
           character(first);
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (detail::is_key_char(key[i])) continue;
    if (key[i] >= 'A' && key[i] <= 'Z') {
      return "keys have lowercase letters only: " + character(key[i]) +
             " at character " + std::to_string(i + 1) + " is uppercase";
    }
    return "keys have only a-z, 0-9, '_', '-', '*', '/' and '@': " +
           character(key[i]) + " at character " + std::to_string(i + 1);
  }
  return {};
}

// Why `value` is not a W3C tracestate value, or empty when it is one.
std::string tracestate_value_problem(std::string_view value) {
  if (value.empty())
    return "the value is empty: values have 1 to 256 characters";
  if (value.size() > TraceState::kMaxValueSize) {
    return "the value has " + characters(value.size()) + ": at most 256";
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
      return "the value has " + character(c) + " at character " +
             std::to_string(i + 1) +
             ": values are printable ASCII other than ',' and '='";
    }
  }
  if (value.back() == ' ') return "the value ends with a space";
  return {};
}

// Explains a tracestate value; returns whether it is valid (or blank).
bool explain_tracestate(std::string_view argument, bool traceparent_valid,
                        Problems& problems) {
  const std::string_view value = strip_header_name(argument, "tracestate");
  std::map<std::string, std::string> headers = {
      {"tracestate", std::string(value)}};
  const TraceState kept =
      TraceContextPropagator::combine_trace_state(make_carrier_reader(headers));

  std::set<std::string, std::less<>> keys;
  std::size_t member_count = 0;  // valid, with distinct keys
  std::size_t written = 0;       // not empty
  Problems found;
  std::vector<std::pair<std::string, std::string>> lines;
  std::size_t number = 0;
  for (std::string_view rest = value;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view member =
        detail::trim_optional_whitespace(rest.substr(0, comma));
    ++number;
    const std::string label = "  member " + std::to_string(number);
    if (member.empty()) {
      if (comma != std::string_view::npos || number > 1) {
        lines.emplace_back(label, "(empty: skipped, as the W3C rule allows)");
      }
    } else {
      ++written;
      const std::size_t equals = member.find('=');
      std::string problem;
      std::string text;
      if (equals == std::string_view::npos) {
        problem = "no '=': a member is key=value";
        text = view::terminal_text(member);
      } else {
        const std::string_view key = member.substr(0, equals);
        const std::string_view member_value = member.substr(equals + 1);
        problem = tracestate_key_problem(key);
        if (problem.empty()) problem = tracestate_value_problem(member_value);
        if (problem.empty() && (!TraceState::is_valid_key(key) ||
                                !TraceState::is_valid_value(member_value))) {
          problem = "rejected by weft's W3C tracestate parser";
        }
        text = view::terminal_text(key) + " = " +
               view::terminal_text(member_value);
        if (problem.empty()) {
          if (keys.count(key) != 0) {
            text +=
                "  (repeats an earlier key: the propagator keeps the "
                "first and drops this one)";
          } else {
            keys.emplace(key);
            ++member_count;
          }
          const std::size_t at = key.find('@');
          if (at != std::string_view::npos && at + 1 < key.size() &&
              key.find('@', at + 1) == std::string_view::npos) {
            text += "  (vendor key: tenant " + quoted(key.substr(0, at)) +
                    " of system " + quoted(key.substr(at + 1)) + ")";
          }
        }
      }
      if (!problem.empty()) {
        text += "  INVALID";
        found.add("tracestate member " + std::to_string(number) + " " +
                  quoted(member) + ": " + problem);
      }
      lines.emplace_back(label, text);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  field("tracestate", count_of(written, "member") + " (at most 32), " +
                          characters(value.size()));
  for (const auto& [label, text] : lines) field(label, text);
  if (value.size() > TraceContextPropagator::kMaxTraceStateInput) {
    found.add("tracestate has " + characters(value.size()) +
              ": a propagator reads at most 32768 and discards a longer one");
  }
  if (member_count > TraceState::kMaxMembers) {
    found.add("tracestate has " + std::to_string(member_count) +
              " members: the W3C limit is 32");
  }
  if (value.size() > 512) {
    field("",
          "over 512 characters: W3C asks platforms to propagate at least "
          "512, so some may cut members from the end");
  }
  const bool blank = member_count == 0 && found.empty();
  if (blank) field("", "no members: the same as no tracestate");
  const bool valid = blank || !kept.empty();
  if (!valid) {
    if (found.empty()) found.add("rejected by weft's W3C tracestate parser");
    for (std::string& problem : found.list) problems.add(std::move(problem));
    problems.add(
        "invalid tracestate: a propagator discards the whole header, not "
        "just the invalid member (" +
        count_of(member_count, "valid member") + " lost with it)");
  } else if (!traceparent_valid && !blank) {
    field("",
          "(a propagator reads the tracestate only with a valid "
          "traceparent)");
  }
  return valid;
}

// ---------------------------------------------------------------------------
// baggage

constexpr std::string_view kTokenRule =
    "keys are HTTP tokens: letters, digits and !#$%&'*+-.^_`|~";
constexpr std::string_view kOctetRule =
    "values are printable ASCII other than space, '\"', ',', ';' and '\\' "
    "(percent-encode the others, a space as %20)";

// Why `key` (trimmed) is not a token, or empty.
std::string baggage_key_problem(std::string_view key, std::string_view what) {
  if (key.empty()) return std::string(what) + " is empty";
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (!detail::has_class(key[i], detail::kTokenChar)) {
      return std::string(what) + " has " + character(key[i]) +
             " at character " + std::to_string(i + 1) + ": " +
             std::string(kTokenRule);
    }
  }
  return {};
}

// Why `value` (trimmed) has characters a baggage value cannot have, or empty.
std::string baggage_value_problem(std::string_view value,
                                  std::string_view what) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!detail::has_class(value[i], detail::kBaggageOctet)) {
      return std::string(what) + " has " +
             (value[i] == ' ' ? std::string("a space") : character(value[i])) +
             " at character " + std::to_string(i + 1) + ": " +
             std::string(kOctetRule);
    }
  }
  return {};
}

// Why the baggage list-member `member` is malformed.
std::string baggage_member_problem(std::string_view member) {
  const std::size_t equals = member.find('=');
  if (equals == std::string_view::npos) return "no '=': a member is key=value";
  std::string problem = baggage_key_problem(
      detail::trim_optional_whitespace(member.substr(0, equals)), "the key");
  if (!problem.empty()) return problem;
  const std::string_view rest = member.substr(equals + 1);
  const std::size_t semicolon = rest.find(';');
  const std::string_view value =
      detail::trim_optional_whitespace(rest.substr(0, semicolon));
  problem = baggage_value_problem(value, "the value");
  if (!problem.empty()) return problem;
  for (std::size_t i = value.find('%'); i != std::string_view::npos;
       i = value.find('%', i + 1)) {
    if (i + 2 >= value.size() || detail::hex_digit_value(value[i + 1]) < 0 ||
        detail::hex_digit_value(value[i + 2]) < 0) {
      return "the value has '%' at character " + std::to_string(i + 1) +
             " without two hex digits after it (percent-encoding is %XX)";
    }
  }
  if (semicolon == std::string_view::npos) return {};
  std::string_view properties = rest.substr(semicolon + 1);
  for (int number = 1;; ++number) {
    const std::size_t next = properties.find(';');
    const std::string_view property = properties.substr(0, next);
    const std::size_t property_equals = property.find('=');
    const std::string what = "property " + std::to_string(number);
    problem = baggage_key_problem(
        detail::trim_optional_whitespace(property.substr(0, property_equals)),
        what + "'s key");
    if (problem.empty() && property_equals != std::string_view::npos) {
      problem = baggage_value_problem(detail::trim_optional_whitespace(
                                          property.substr(property_equals + 1)),
                                      what + "'s value");
    }
    if (!problem.empty()) return problem;
    if (next == std::string_view::npos) return {};
    properties.remove_prefix(next + 1);
  }
}

// Explains a baggage value; returns whether it breaks no rule.
bool explain_baggage(std::string_view argument, Problems& problems) {
  const std::string_view value = strip_header_name(argument, "baggage");
  std::map<std::string, std::string> headers = {
      {"baggage", std::string(value)}};
  const Baggage kept =
      baggage::from(BaggagePropagator().extract(headers, Context()));

  Problems found;
  std::vector<std::pair<std::string, std::string>> lines;
  std::vector<std::string> keys;  // of the members kept so far, in order
  std::size_t bytes = 0;          // as the propagator would write them
  std::size_t number = 0;
  for (std::string_view rest = value;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view piece = rest.substr(0, comma);
    ++number;
    const std::string label = "  member " + std::to_string(number);
    const std::string_view trimmed = detail::trim_optional_whitespace(piece);
    BaggageEntry entry;
    if (trimmed.empty()) {
      if (comma != std::string_view::npos || number > 1) {
        lines.emplace_back(label, "(empty: skipped)");
      }
    } else if (!detail::parse_baggage_member(piece, entry)) {
      std::string problem = baggage_member_problem(piece);
      if (problem.empty()) problem = "rejected by weft's W3C baggage parser";
      lines.emplace_back(label, view::terminal_text(trimmed) + "  INVALID");
      found.add("baggage member " + std::to_string(number) + " " +
                quoted(trimmed) + ": " + problem +
                "; a propagator skips this member and keeps the others");
    } else {
      const std::string_view written_value = detail::trim_optional_whitespace(
          piece.substr(piece.find('=') + 1)
              .substr(0, piece.substr(piece.find('=') + 1).find(';')));
      std::string text = view::terminal_text(entry.key) + " = " +
                         view::terminal_text(entry.value);
      if (written_value != entry.value) {
        text += "  (decoded from " + quoted(written_value) + ")";
      }
      if (!entry.metadata.empty()) {
        text += "  properties: " + view::terminal_text(entry.metadata);
      }
      // The limits as the propagator applies them (BaggageParser).
      const std::size_t size = detail::serialized_size(entry);
      std::size_t repeated = keys.size();
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == entry.key) repeated = i;
      }
      if (repeated != keys.size()) {
        text += "  (repeats a key: its value replaces the earlier one)";
      } else if (keys.size() == Baggage::kMaxMembers) {
        text += "  DROPPED";
        found.add("baggage member " + std::to_string(number) + " " +
                  quoted(entry.key) +
                  ": over the W3C limit of 64 members; a propagator drops it");
      } else if (bytes + (keys.empty() ? 0 : 1) + size > Baggage::kMaxBytes) {
        text += "  DROPPED";
        found.add("baggage member " + std::to_string(number) + " " +
                  quoted(entry.key) +
                  ": over the W3C limit of 8192 bytes for the header; a "
                  "propagator drops it");
      } else {
        bytes += (keys.empty() ? 0 : 1) + size;
        keys.push_back(entry.key);
      }
      lines.emplace_back(label, text);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  field("baggage", count_of(kept.size(), "member") +
                       " kept (at most 64, 8192 bytes), " +
                       characters(value.size()));
  for (const auto& [label, text] : lines) field(label, text);
  if (value.size() > Baggage::kMaxInputSize) {
    found.add("baggage has " + std::to_string(value.size()) +
              " characters: a propagator reads only the members within the "
              "first 32768");
  }
  if (kept.size() != keys.size()) {
    found.add("the propagator keeps " + std::to_string(kept.size()) +
              " members, not the " + std::to_string(keys.size()) +
              " counted here: trust the propagator");
  }
  if (kept.empty() && !found.empty()) {
    found.add(
        "invalid baggage: a propagator keeps no member of it; the "
        "header is discarded as a whole");
  }
  for (std::string& problem : found.list) problems.add(std::move(problem));
  return found.empty();
}

// ---------------------------------------------------------------------------

int print_new(bool sampled) {
  const auto generator = sdk::make_random_id_generator();
  const TraceId trace_id = generator->new_trace_id();
  const SpanId span_id = generator->new_span_id();
  TraceFlags flags = TraceFlags().with_sampled(sampled).with_random(
      generator->trace_ids_are_random());
  std::printf(
      "%s\n",
      format_traceparent(SpanContext(trace_id, span_id, flags)).c_str());
  return 0;
}

void ignore_diagnostic(std::string_view) noexcept {}

}  // namespace

int run_traceparent(int argc, char** argv) {
  std::string tracestate;
  std::string baggage_value;
  bool tracestate_given = false;
  bool baggage_given = false;
  bool make_new = false;
  bool not_sampled = false;
  CommandLine command_line("weft traceparent");
  command_line.add_custom("tracestate", [&](std::string_view value) {
    tracestate.assign(value);
    tracestate_given = true;
    return std::string();
  });
  command_line.add_custom("baggage", [&](std::string_view value) {
    baggage_value.assign(value);
    baggage_given = true;
    return std::string();
  });
  command_line.add_switch("new", make_new);
  command_line.add_switch("not-sampled", not_sampled);
  command_line.allow_operands();
  if (!command_line.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", command_line.error().c_str());
    return 2;
  }
  if (command_line.help()) {
    print_help(stdout);
    return 0;
  }
  const std::vector<std::string>& operands = command_line.operands();
  const auto usage_error = [](const char* problem) {
    std::fprintf(stderr, "weft traceparent: %s; see weft traceparent --help\n",
                 problem);
    return 2;
  };
  if (make_new) {
    if (!operands.empty() || tracestate_given || baggage_given) {
      return usage_error(
          "--new takes no TRACEPARENT, --tracestate or --baggage");
    }
    return print_new(!not_sampled);
  }
  if (not_sampled) return usage_error("--not-sampled goes with --new");
  if (operands.empty()) return usage_error("no TRACEPARENT given");
  if (operands.size() > 1) {
    return usage_error(
        "one TRACEPARENT only (quote a value that holds spaces)");
  }
  // The tool explains problems itself; the API's once-per-process reports
  // (baggage over its limits) would only repeat them.
  set_diagnostic_handler(&ignore_diagnostic);

  Problems problems;
  const bool traceparent_valid = explain_traceparent(operands[0], problems);
  if (tracestate_given) {
    explain_tracestate(tracestate, traceparent_valid, problems);
  }
  if (baggage_given) explain_baggage(baggage_value, problems);
  if (problems.empty()) {
    std::printf("valid\n");
    return 0;
  }
  std::printf("invalid: %s (on stderr)\n",
              count_of(problems.list.size(), "problem").c_str());
  for (const std::string& problem : problems.list) {
    std::fprintf(stderr, "weft traceparent: %s\n", problem.c_str());
  }
  return 1;
}

}  // namespace weft::tools
