// The page that `weft view --html` writes, as text compiled into the
// program: view_html/page.html (the template), page.css and page.js,
// embedded at build time by cmake/EmbedTextFiles.cmake into the generated
// view_html_assets.cc. Read-only after static initialisation: thread-safe.
#pragma once

#include <string>

namespace weft::tools::view::assets {

// The template: {{title}}, {{css}}, {{data}} and {{script}} mark where
// render_html() puts the title, page.css, the spans and page.js.
const std::string& page_html();
const std::string& page_css();
const std::string& page_js();

}  // namespace weft::tools::view::assets
