// `weft view --html` in a real browser: the weft program writes the page
// from OTLP/JSON, headless chromium opens it (with a #fragment where the
// test needs a span selected or a filter set), and the tests read what a
// person would see in the DOM it dumps: a row per span, the link arrows
// with their labels, the details panel, the filters, escaped text, and
// that 10,000 spans are all drawn (the time it took is printed, not
// asserted).
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "headless_browser.h"

namespace weft::testing {
namespace {

using Json = nlohmann::json;

constexpr auto kDeadline = std::chrono::seconds(120);

// A story of two traces. Checkout (trace 1111...): checkout, under it
// charge-card (failed, with an exception event) and send-email (linked to
// charge-card in the same trace, caused_by). Retry (trace 2222...):
// retry-checkout, linked retry_of to charge-card and to a span that is not
// in the input, with a child whose name is markup.
constexpr const char* kCheckoutTrace = "11111111111111111111111111111111";
constexpr const char* kRetryTrace = "22222222222222222222222222222222";
constexpr const char* kCheckout = "1000000000000001";
constexpr const char* kChargeCard = "1000000000000002";
constexpr const char* kSendEmail = "1000000000000003";
constexpr const char* kRetryCheckout = "2000000000000001";
constexpr const char* kMarkupSpan = "2000000000000002";
constexpr const char* kMissingSpan = "3000000000000001";
constexpr const char* kMarkupName = "</script><b>bold</b>";

constexpr std::uint64_t kEpoch = 1764892800000000000;  // 2025-12-05, in ns

Json attribute(const std::string& key, Json value) {
  return {{"key", key}, {"value", std::move(value)}};
}
Json text(const std::string& value) { return {{"stringValue", value}}; }

Json link(const std::string& trace, const std::string& span,
          const std::string& relationship, Json more = Json::array()) {
  more.push_back(attribute("link.relationship", text(relationship)));
  return {{"traceId", trace}, {"spanId", span}, {"attributes", more}};
}

// A span from `start_ms` to `end_ms` after kEpoch; `more` adds members.
Json span(const std::string& trace, const std::string& id,
          const std::string& parent, const std::string& name, int start_ms,
          int end_ms, Json more = Json::object()) {
  Json json = {
      {"traceId", trace},
      {"spanId", id},
      {"name", name},
      {"kind", 1},
      {"startTimeUnixNano", std::to_string(kEpoch + start_ms * 1000000ull)},
      {"endTimeUnixNano", std::to_string(kEpoch + end_ms * 1000000ull)}};
  if (!parent.empty()) json["parentSpanId"] = parent;
  json.update(more);
  return json;
}

// One OTLP/JSON line: `spans` under the service `service`.
std::string request_line(const std::string& service, Json spans) {
  const Json request = {
      {"resourceSpans",
       {{{"resource",
          {{"attributes", {attribute("service.name", text(service))}}}},
         {"scopeSpans",
          {{{"scope", {{"name", "test"}}}, {"spans", std::move(spans)}}}}}}}};
  return request.dump() + "\n";
}

std::string story() {
  return request_line(
             "shop",
             {span(kCheckoutTrace, kCheckout, "", "checkout", 0, 10,
                   {{"kind", 2},
                    {"attributes",
                     {attribute("http.route", text("/checkout"))}}}),
              span(kCheckoutTrace, kSendEmail, kCheckout, "send-email", 6, 9,
                   {{"links",
                     {link(kCheckoutTrace, kChargeCard, "caused_by")}}}),
              span(kRetryTrace, kRetryCheckout, "", "retry-checkout", 20, 30,
                   {{"links",
                     {link(kCheckoutTrace, kChargeCard, "retry_of",
                           {attribute("retry.attempt", {{"intValue", "2"}})}),
                      link(kCheckoutTrace, kMissingSpan, "retry_of")}}}),
              span(kRetryTrace, kMarkupSpan, kRetryCheckout, kMarkupName, 21,
                   29)}) +
         request_line(
             "payments",
             {span(kCheckoutTrace, kChargeCard, kCheckout, "charge-card", 1, 6,
                   {{"kind", 3},
                    {"status", {{"code", 2}, {"message", "card declined"}}},
                    {"attributes", {attribute("card.brand", text("visa"))}},
                    {"events",
                     {{{"name", "exception"},
                       {"timeUnixNano", std::to_string(kEpoch + 5000000)},
                       {"attributes",
                        {attribute("exception.type",
                                   text("CardDeclined"))}}}}}})});
}

// Writes `lines` to spans.jsonl in `directory`, runs `weft view --html` on
// it (with `options`) and returns the page's path.
std::string make_page(const ScratchDirectory& directory,
                      const std::string& lines,
                      const std::vector<std::string>& options = {}) {
  const std::string spans = directory.path + "/spans.jsonl";
  const std::string page = directory.path + "/spans.html";
  std::ofstream(spans, std::ios::binary) << lines;
  std::vector<std::string> arguments = {WEFT_PROGRAM, "view", spans, "--html",
                                        page};
  arguments.insert(arguments.end(), options.begin(), options.end());
  const ProgramRun run = run_program(arguments, kDeadline);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("wrote the HTML page to " + page));
  return page;
}

// chromium, or a skipped test (ctest reports it as skipped: see
// CMakeLists.txt) when it is not installed.
#define REQUIRE_BROWSER(browser)                                             \
  HeadlessBrowser browser(WEFT_CHROMIUM);                                    \
  if (!browser.available()) {                                                \
    WARN("SKIPPED: chromium is not installed (tools/dev deps installs it)"); \
    return;                                                                  \
  }

// A copy of `page` that runs `script` once it loaded, as a person's
// actions (clicks, typing); returns its path.
std::string with_script(const std::string& page, const std::string& script) {
  std::string html = read_text(page);
  html.insert(html.rfind("</body>"),
              "<script>addEventListener('load', () => {\n" + script +
                  "\n});</script>\n");
  const std::string copy = page + ".scripted.html";
  std::ofstream(copy, std::ios::binary) << html;
  return copy;
}

// What the page drew when chromium opened `page` with `fragment`.
std::string drawn(HeadlessBrowser& browser, const std::string& page,
                  const std::string& fragment) {
  return drawn_part(browser.dump_dom(page, fragment));
}

std::string row_of(const std::string& dom, const std::string& trace,
                   const std::string& span) {
  return element_with(dom, "id=\"span-" + trace + "-" + span + "\"");
}

std::string arrow(const std::string& from, const std::string& to) {
  return "data-from=\"" + std::string(from) + "\" data-to=\"" + to + "\"";
}

}  // namespace

TEST_CASE(
    "weft view --html writes one page that loads nothing, with the traces "
    "that its filters select as JSON",
    "[view_html]") {
  ScratchDirectory directory;
  // The data of the page, as its script reads it.
  const auto page_data = [](const std::string& html) {
    const std::string start =
        "<script type=\"application/json\" id=\"weft-data\">";
    const std::size_t begin = html.find(start);
    REQUIRE(begin != std::string::npos);
    const std::size_t end = html.find("</script>", begin);
    REQUIRE(end != std::string::npos);
    return Json::parse(
        html.substr(begin + start.size(), end - begin - start.size()));
  };
  const auto trace_ids = [&](const std::vector<std::string>& options) {
    const Json data =
        page_data(read_text(make_page(directory, story(), options)));
    std::vector<std::string> ids;
    for (const Json& trace : data["traces"]) ids.push_back(trace["id"]);
    return ids;
  };

  const std::string html = read_text(make_page(directory, story()));
  CHECK_THAT(html, Catch::Contains("Content-Security-Policy") &&
                       Catch::Contains("default-src 'none'"));
  for (const char* fetch : {"src=", "<link", "@import", "url(http", "https:"}) {
    CAPTURE(fetch);
    CHECK(html.find(fetch) == std::string::npos);
  }
  const Json data = page_data(html);
  CHECK(data["spanCount"] == 5);
  CHECK(data["title"] == "weft view spans.jsonl");  // not the directory
  CHECK(data["traces"][1]["spans"][1]["name"] == kMarkupName);

  using Ids = std::vector<std::string>;
  CHECK(trace_ids({}) == Ids{kCheckoutTrace, kRetryTrace});
  CHECK(trace_ids({"--service", "payments"}) == Ids{kCheckoutTrace});
  CHECK(trace_ids({"--service", "payments", "--linked"}) ==
        Ids{kCheckoutTrace, kRetryTrace});
  CHECK(trace_ids({"--trace", "2222"}) == Ids{kRetryTrace});
  CHECK(trace_ids({"--span", "send-email"}) == Ids{kCheckoutTrace});
}

TEST_CASE(
    "a browser shows each span of the weft view --html page as a row with "
    "its name, service, status and duration, errors marked",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string dom = drawn(browser, make_page(directory, story()), "");

  CHECK(elements_with(dom, "class=\"trace\"").size() == 2);
  CHECK(elements_with(dom, "id=\"span-").size() == 5);
  const std::string checkout = text_of(row_of(dom, kCheckoutTrace, kCheckout));
  CHECK_THAT(checkout,
             Catch::Contains("checkout") && Catch::Contains("server") &&
                 Catch::Contains("shop") && Catch::Contains("10.00ms"));
  const std::string charge = row_of(dom, kCheckoutTrace, kChargeCard);
  CHECK_THAT(charge, Catch::StartsWith("<div class=\"row error"));
  CHECK_THAT(text_of(charge),
             Catch::Contains("charge-card") && Catch::Contains("client") &&
                 Catch::Contains("card declined") &&
                 Catch::Contains("payments") && Catch::Contains("ERROR") &&
                 Catch::Contains("5.00ms"));
  // Tree order and indentation: the children under checkout, by start.
  const auto row_at = [&](const char* span) {
    return dom.find(std::string("id=\"span-") + kCheckoutTrace + "-" + span);
  };
  CHECK(row_at(kCheckout) < row_at(kChargeCard));
  CHECK(row_at(kChargeCard) < row_at(kSendEmail));
  CHECK_THAT(charge, Catch::Contains("padding-left:20px"));
  // The bar: from 1ms to 6ms of a 10ms trace.
  CHECK_THAT(charge, Catch::Contains("left:10%;width:50%"));
  const std::string header =
      text_of(element_with(dom, "class=\"trace-header\""));
  CHECK_THAT(header, Catch::Contains("trace 11111111") &&
                         Catch::Contains("payments, shop") &&
                         Catch::Contains("3 spans") &&
                         Catch::Contains("2025-12-05 00:00:00.000 UTC"));
  CHECK_THAT(text_of(element_with(dom, "id=\"summary\"")),
             Catch::Contains("2 traces of 2 shown, 5 spans, 2 links drawn"));
  CHECK_THAT(element_with(dom, "id=\"details\""), Catch::Contains("hidden"));
}

TEST_CASE(
    "a browser draws the links of the weft view --html page as arrows "
    "labelled with their relationship, within a trace and across traces",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string dom = drawn(browser, make_page(directory, story()), "");

  const std::vector<std::string> arrows = elements_with(dom, "class=\"arrow");
  CHECK(arrows.size() == 2);  // the third link's span is not in the input
  const std::string same_trace =
      element_with(dom, arrow(kChargeCard, kSendEmail));
  CHECK_THAT(same_trace, Catch::StartsWith("<g class=\"arrow same-trace\""));
  CHECK_THAT(same_trace, Catch::Contains("data-relationship=\"caused_by\""));
  CHECK(text_of(same_trace).find("caused_by") != std::string::npos);
  const std::string across =
      element_with(dom, arrow(kChargeCard, kRetryCheckout));
  CHECK_THAT(across, Catch::Contains(std::string("data-from-trace=\"") +
                                     kCheckoutTrace + "\" data-to-trace=\"" +
                                     kRetryTrace + "\""));
  CHECK_THAT(across, Catch::Contains("<path d=\"M"));
  CHECK(text_of(across).find("retry_of") != std::string::npos);
}

TEST_CASE(
    "the #span= fragment of the weft view --html page opens that span's "
    "details: attributes, events, links and the links pointing at it",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string page = make_page(directory, story());

  SECTION("a span that others link to") {
    const std::string dom =
        drawn(browser, page, std::string("#span=") + kChargeCard);
    const std::string panel = element_with(dom, "id=\"details\"");
    CHECK_THAT(panel, !Catch::Contains(" hidden"));
    CHECK_THAT(row_of(dom, kCheckoutTrace, kChargeCard),
               Catch::Contains("selected"));
    const std::string shown = text_of(panel);
    CHECK_THAT(shown, Catch::Contains("charge-card") &&
                          Catch::Contains(kChargeCard) &&
                          Catch::Contains("ERROR: card declined") &&
                          Catch::Contains("Attributes (1)") &&
                          Catch::Contains("card.brand") &&
                          Catch::Contains("\"visa\""));
    CHECK_THAT(shown, Catch::Contains("Events (1)") &&
                          Catch::Contains("+4.00ms") &&
                          Catch::Contains("exception") &&
                          Catch::Contains("\"CardDeclined\""));
    CHECK_THAT(shown, Catch::Contains("Links (0)") &&
                          Catch::Contains("Linked from (2)"));
    // Incoming links are anchors that select the span that holds them.
    const std::string from_email =
        element_with(panel, std::string("href=\"#span=") + kSendEmail);
    CHECK(text_of(from_email) == "send-email (same trace)");
    const std::string from_retry =
        element_with(panel, std::string("href=\"#span=") + kRetryCheckout);
    CHECK(text_of(from_retry) == "retry-checkout in trace 22222222");
    CHECK_THAT(
        text_of(element_with(panel, "class=\"incoming\"")),
        Catch::Contains("as caused_by") && Catch::Contains("as retry_of"));
    // Its arrows stand out.
    CHECK_THAT(element_with(dom, arrow(kChargeCard, kRetryCheckout)),
               Catch::StartsWith("<g class=\"arrow highlight\""));
  }

  SECTION("a span whose links go to another trace and out of the input") {
    const std::string dom =
        drawn(browser, page, std::string("#span=") + kRetryCheckout);
    const std::string panel = element_with(dom, "id=\"details\"");
    const std::string links = element_with(panel, "class=\"links\"");
    CHECK(elements_with(links, "class=\"link\"").size() == 2);
    const std::string to_charge =
        element_with(links, std::string("href=\"#span=") + kChargeCard);
    CHECK(text_of(to_charge) == "charge-card in trace 11111111");
    CHECK_THAT(text_of(links), Catch::Contains("retry_of") &&
                                   Catch::Contains("retry.attempt") &&
                                   Catch::Contains("span 30000000 in trace "
                                                   "11111111 (not in the "
                                                   "input)"));
  }
}

TEST_CASE(
    "clicking a span, then a link in its details panel, selects the linked "
    "span in another trace of the weft view --html page",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string page = make_page(directory, story());
  // Clicks as a person would, once the page loaded: the retry-checkout row,
  // then in its panel the link to charge-card; each click changes the
  // fragment, whose event selects.
  const std::string clicking =
      with_script(page, std::string("document.getElementById('span-") +
                            kRetryTrace + "-" + kRetryCheckout +
                            "').click();\n"
                            "setTimeout(() => document.querySelector("
                            "'#details a[data-span-id=\"" +
                            kChargeCard + "\"]').click(), 100);");

  const std::string dom =
      drawn_part(browser.dump_dom(clicking, "", /*settle=*/true));
  const std::string panel = element_with(dom, "id=\"details\"");
  CHECK_THAT(panel,
             Catch::Contains(std::string("data-span-id=\"") + kChargeCard +
                             "\" data-trace-id=\"" + kCheckoutTrace + "\""));
  CHECK_THAT(text_of(panel), Catch::StartsWith("\u2715 charge-card"));
  CHECK_THAT(row_of(dom, kCheckoutTrace, kChargeCard),
             Catch::Contains("selected"));
  CHECK_THAT(row_of(dom, kRetryTrace, kRetryCheckout),
             !Catch::Contains("selected"));
}

TEST_CASE(
    "typing in a filter of the weft view --html page hides the traces that "
    "do not match",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string typing =
      with_script(make_page(directory, story()),
                  "const input = document.getElementById('filter-service');\n"
                  "input.value = 'PAYM';\n"
                  "input.dispatchEvent(new Event('input'));");
  const std::string dom =
      drawn_part(browser.dump_dom(typing, "", /*settle=*/true));
  const auto start_tag = [&](const char* trace) {
    const std::string section =
        element_with(dom, std::string("id=\"trace-") + trace);
    return section.substr(0, section.find('>'));
  };
  CHECK_THAT(start_tag(kRetryTrace), Catch::EndsWith(" hidden=\"\""));
  CHECK_THAT(start_tag(kCheckoutTrace), !Catch::Contains("hidden"));
  CHECK_THAT(text_of(element_with(dom, "id=\"summary\"")),
             Catch::Contains("1 trace of 2 shown"));
}

TEST_CASE(
    "the filters of the weft view --html page hide the traces that do not "
    "match, set from the fragment, and a link followed into a hidden trace "
    "shows it",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string page = make_page(directory, story());
  const std::string checkout_section =
      std::string("id=\"trace-") + kCheckoutTrace + "\"";
  const std::string retry_section =
      std::string("id=\"trace-") + kRetryTrace + "\"";
  const auto hidden = [](const std::string& section) {
    return section.substr(0, section.find('>')).find(" hidden") !=
           std::string::npos;
  };

  const auto [line, fragment, checkout_hidden, retry_hidden, summary] =
      GENERATE(table<int, std::string, bool, bool, std::string>({
          {__LINE__, "#service=payments", false, true,
           "1 trace of 2 shown, 3 spans, 1 link drawn"},
          {__LINE__, "#service=PAY&linked=1", false, false,
           "2 traces of 2 shown"},
          {__LINE__, "#trace=2222", true, false, "1 trace of 2 shown"},
          {__LINE__, "#name=send", false, true, "1 trace of 2 shown"},
          {__LINE__, "#name=nothing", true, true, "0 traces of 2 shown"},
      }));
  CAPTURE(line, fragment);
  const std::string dom = drawn(browser, page, fragment);
  CHECK(hidden(element_with(dom, checkout_section)) == checkout_hidden);
  CHECK(hidden(element_with(dom, retry_section)) == retry_hidden);
  CHECK_THAT(text_of(element_with(dom, "id=\"summary\"")),
             Catch::Contains(summary));
  if (fragment == "#service=payments") {
    // The matching span is marked.
    CHECK(elements_with(dom, "match\" id=\"span-").size() == 1);
    // Arrows are drawn only between shown traces.
    CHECK(elements_with(dom, "class=\"arrow").size() == 1);
  }

  // Selecting a span of a hidden trace (as following a link does) shows it.
  const std::string followed = drawn(
      browser, page, std::string("#service=payments&span=") + kRetryCheckout);
  const std::string retry = element_with(followed, retry_section);
  CHECK_FALSE(hidden(retry));
  CHECK_THAT(text_of(retry), Catch::Contains("shown because a link led here"));
}

TEST_CASE(
    "text from the spans is shown as text by the weft view --html page, "
    "never as markup",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  ScratchDirectory directory;
  const std::string page = make_page(directory, story());
  const std::string html = read_text(page);
  CHECK(html.find(kMarkupName) == std::string::npos);
  CHECK_THAT(html, Catch::Contains(R"(\u003c/script\u003e\u003cb\u003e)"));

  const std::string dom =
      drawn(browser, page, std::string("#span=") + kMarkupSpan);
  CHECK(dom.find("<b>bold</b>") == std::string::npos);
  CHECK_THAT(row_of(dom, kRetryTrace, kMarkupSpan),
             Catch::Contains("&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"));
  CHECK_THAT(text_of(element_with(dom, "id=\"details\"")),
             Catch::Contains(kMarkupName));
  // The page's script ran to its end.
  CHECK_THAT(element_with(dom, "id=\"render-time\""),
             Catch::Contains("data-spans=\"5\""));
}

TEST_CASE(
    "a weft view --html page of 10,000 spans in 1,000 linked traces draws "
    "every trace, span and arrow in a browser",
    "[view_html][browser]") {
  REQUIRE_BROWSER(browser);
  constexpr int kTraces = 1000;
  constexpr int kSpansPerTrace = 10;
  std::string lines;
  for (int t = 0; t < kTraces; ++t) {
    char trace[33];
    std::snprintf(trace, sizeof trace, "%032x", 0x1000 + t);
    Json spans = Json::array();
    for (int s = 0; s < kSpansPerTrace; ++s) {
      char id[17];
      std::snprintf(id, sizeof id, "%016x", t * 256 + s + 1);
      char parent[17];
      std::snprintf(parent, sizeof parent, "%016x", t * 256 + (s - 1) / 2 + 1);
      Json more = Json::object();
      if (s == 0 && t > 0) {  // each trace follows the one before
        char previous[33];
        std::snprintf(previous, sizeof previous, "%032x", 0x1000 + t - 1);
        char previous_root[17];
        std::snprintf(previous_root, sizeof previous_root, "%016x",
                      (t - 1) * 256 + 1);
        more["links"] = {link(previous, previous_root, "follows")};
      }
      if (s == kSpansPerTrace - 1) {
        more["status"] = {{"code", 2}, {"message", "timeout"}};
      }
      spans.push_back(span(trace, id, s == 0 ? "" : parent,
                           "step-" + std::to_string(s), t * 20 + s,
                           t * 20 + s + 5, more));
    }
    lines += request_line("service-" + std::to_string(t % 7), spans);
  }
  ScratchDirectory directory;
  const std::string page = make_page(directory, lines);
  const std::string dom = drawn(browser, page, "");

  CHECK(elements_with(dom, "class=\"trace\"").size() == kTraces);
  CHECK(elements_with(dom, "id=\"span-").size() == kTraces * kSpansPerTrace);
  CHECK(elements_with(dom, "class=\"row error").size() == kTraces);
  CHECK(elements_with(dom, "class=\"arrow\"").size() == kTraces - 1);
  const std::string timing = element_with(dom, "id=\"render-time\"");
  CHECK_THAT(timing, Catch::Contains("data-spans=\"10000\""));
  // Reported, not asserted: how long the browser took to load and draw.
  std::cout << "weft view --html, 10,000 spans: " << text_of(timing) << "\n";
}

}  // namespace weft::testing
