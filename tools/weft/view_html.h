// `weft view --html FILE`: one self-contained HTML page of the selected
// traces (a waterfall per trace, the links between spans drawn as labelled
// arrows, a details panel per span, filters), for a person to click through
// linked traces in a browser. The page's CSS and JavaScript are the files in
// view_html/ (embedded into the program at build time); the spans go into it
// as JSON with '<', '>' and '&' escaped, so that no text from the input can
// end the script element or become markup: the script puts every text into
// the page with textContent. The page loads nothing from the network.
// Stateless; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "view_model.h"

namespace weft::tools::view {

struct HtmlOptions {
  std::string title = "weft view";  // the page's title (plain text)
};

// The page, showing `shown` (as select_traces() chose them). Links to spans
// of traces not shown stay in the details panel (by name when the span is in
// `traces`), without an arrow; the links pointing at a span are listed from
// every trace in `traces`.
std::string render_html(const TraceSet& traces,
                        const std::vector<const TraceSet::Trace*>& shown,
                        const HtmlOptions& options = {});

// `json` (a JSON text) as it may stand inside a <script> element: '<', '>'
// and '&' as \u003c, \u003e and \u0026 (JSON strings are the only place they
// can be, so the value is unchanged), U+2028 and U+2029 as \u2028, \u2029.
std::string script_safe_json(const std::string& json);

}  // namespace weft::tools::view
