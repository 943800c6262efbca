// Tests of the SDK's text helpers (sdk/src/text.h): one rule each for
// trimming, hex, base64, percent-decoding, `key=value` lists, printable log
// text and locale-free numbers.
#include "text.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace {

using weft::sdk::KeyValueList;
using weft::sdk::parse_decimal;
using weft::sdk::parse_key_value_list;
using weft::sdk::parse_unsigned;
using weft::sdk::percent_decode;
using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("percent_decode decodes escapes of either case and refuses bad ones",
          "[text]") {
  struct Row {
    int line;
    std::string text;
    std::optional<std::string> decoded;
  };
  const Row row = GENERATE(
      Row{__LINE__, "plain", std::string("plain")},
      Row{__LINE__, "a%20b%3d%3D", std::string("a b==")},
      Row{__LINE__, "%0A", std::string("\n")},
      Row{__LINE__, "%e2%82%ac", std::string("\xe2\x82\xac")},
      Row{__LINE__, "100%", std::nullopt}, Row{__LINE__, "%4", std::nullopt},
      Row{__LINE__, "%zz", std::nullopt},
      Row{__LINE__, "50%25", std::string("50%")});
  CAPTURE(row.line, row.text);
  CHECK(percent_decode(row.text) == row.decoded);
}

TEST_CASE("key=value lists keep valid entries and name the malformed ones",
          "[text]") {
  const KeyValueList list = parse_key_value_list(
      " Authorization = Bearer%20abc%3D , x-empty= ,=novalue, api-key=k=v,,"
      "nokey, bad=%zz ,\tt=1\t");
  CHECK(list.entries == Pairs{{"Authorization", "Bearer abc="},
                              {"x-empty", ""},
                              {"api-key", "k=v"},
                              {"t", "1"}});
  CHECK(list.rejected ==
        std::vector<std::string>{"=novalue", "nokey", "bad=%zz"});
}

TEST_CASE(
    "name lists are trimmed, lowercased, deduplicated and keep their order",
    "[text]") {
  using Names = std::vector<std::string>;
  struct Row {
    int line;
    std::string text;
    Names names;
  };
  const Row row = GENERATE(
      Row{__LINE__, "", Names{}}, Row{__LINE__, " , ,\t", Names{}},
      Row{__LINE__, "otlp", Names{"otlp"}},
      Row{__LINE__, " Console ,OTLP,console,, otlp ", Names{"console", "otlp"}},
      Row{__LINE__, "b3,,tracecontext,", Names{"b3", "tracecontext"}},
      Row{__LINE__, "n\xc3\xb6ne", Names{"n\xc3\xb6ne"}});
  CAPTURE(row.line, row.text);
  CHECK(weft::sdk::parse_name_list(row.text) == row.names);
}

TEST_CASE("trim removes spaces and tabs only", "[text]") {
  CHECK(weft::sdk::trim(" \t a b \t ") == "a b");
  CHECK(weft::sdk::trim("\na\n") == "\na\n");
  CHECK(weft::sdk::trim("   ").empty());
}

TEST_CASE("hex and base64 helpers agree with their definitions", "[text]") {
  std::string hex;
  weft::sdk::append_hex(hex, std::string("\x00\x7f\x80\xff", 4));
  CHECK(hex == "007f80ff");
  CHECK(weft::sdk::is_hex("09afAF"));
  CHECK_FALSE(weft::sdk::is_hex("0g"));
  CHECK(weft::sdk::base64_decode("AAECAwQFBgcICQoLDA0ODw==") ==
        std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
                    "\x0d\x0e\x0f",
                    16));
  CHECK(weft::sdk::base64_decode("-_-_") == weft::sdk::base64_decode("+/+/"));
  CHECK(weft::sdk::base64_decode("AA==") == std::string(1, '\0'));
  CHECK(weft::sdk::base64_decode("A=A=") == std::nullopt);
  CHECK(weft::sdk::base64_decode("A A=") == std::nullopt);
}

TEST_CASE("hex_decode and append_base64 invert append_hex and base64_decode",
          "[text]") {
  CHECK(weft::sdk::hex_decode("007F80ff") ==
        std::string("\x00\x7f\x80\xff", 4));
  CHECK(weft::sdk::hex_decode("") == std::string());
  CHECK(weft::sdk::hex_decode("abc") == std::nullopt);
  CHECK(weft::sdk::hex_decode("0g") == std::nullopt);
  struct Row {
    int line;
    std::string bytes;
    std::string base64;
  };
  const Row row =
      GENERATE(Row{__LINE__, "", ""}, Row{__LINE__, "f", "Zg=="},
               Row{__LINE__, "fo", "Zm8="}, Row{__LINE__, "foo", "Zm9v"},
               Row{__LINE__, "foob", "Zm9vYg=="},
               Row{__LINE__, std::string("\xfb\xff", 2), "+/8="});
  CAPTURE(row.line);
  std::string base64;
  weft::sdk::append_base64(base64, row.bytes);
  CHECK(base64 == row.base64);
  CHECK(weft::sdk::base64_decode(base64) == row.bytes);
  std::string hex;
  weft::sdk::append_hex(hex, row.bytes);
  CHECK(weft::sdk::hex_decode(hex) == row.bytes);
}

TEST_CASE("printable escapes control and non-ASCII bytes and bounds the length",
          "[text]") {
  CHECK(weft::sdk::printable("a\nb\xff\\") == "a\\x0ab\\xff\\\\");
  const std::string shown = weft::sdk::printable(std::string(100000, 'x'), 8);
  CHECK(shown == "xxxxxxxx... (100000 bytes)");
}

TEST_CASE("parse_unsigned reads the whole text or nothing, without overflow",
          "[text]") {
  struct Row {
    int line;
    std::string text;
    std::optional<std::uint32_t> value;
  };
  const Row row = GENERATE(
      Row{__LINE__, "0", 0u}, Row{__LINE__, "007", 7u},
      Row{__LINE__, "4294967295", 4294967295u},
      Row{__LINE__, "4294967296", std::nullopt},
      Row{__LINE__, "99999999999999999999", std::nullopt},
      Row{__LINE__, "-1", std::nullopt}, Row{__LINE__, "+1", std::nullopt},
      Row{__LINE__, " 1", std::nullopt}, Row{__LINE__, "1 ", std::nullopt},
      Row{__LINE__, "1e3", std::nullopt}, Row{__LINE__, "", std::nullopt},
      Row{__LINE__, "0x10", std::nullopt},
      Row{__LINE__, "\xd9\xa3", std::nullopt});  // ARABIC-INDIC DIGIT THREE
  CAPTURE(row.line, row.text);
  CHECK(parse_unsigned<std::uint32_t>(row.text) == row.value);
}

TEST_CASE("parse_decimal reads '.' decimals only, finite", "[text]") {
  struct Row {
    int line;
    std::string text;
    std::optional<double> value;
  };
  const Row row = GENERATE(
      Row{__LINE__, "0.25", 0.25}, Row{__LINE__, "1", 1.0},
      Row{__LINE__, "2.5e-1", 0.25}, Row{__LINE__, "-0.5", -0.5},
      Row{__LINE__, "0,25", std::nullopt},
      Row{__LINE__, "0x1p-2", std::nullopt}, Row{__LINE__, "inf", std::nullopt},
      Row{__LINE__, "nan", std::nullopt}, Row{__LINE__, "1e999", std::nullopt},
      Row{__LINE__, "", std::nullopt}, Row{__LINE__, ".", std::nullopt});
  CAPTURE(row.line, row.text);
  CHECK(parse_decimal(row.text) == row.value);
}
