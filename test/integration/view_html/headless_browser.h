// For the `weft view --html` tests: Debian's chromium in headless mode
// (dump_dom: the DOM after the page's script ran; screenshot), and a few
// queries on the dumped DOM (an element by a piece of its start tag, its
// text as a person reads it). The dump is chromium's serialisation, so
// attributes are double-quoted and text is escaped (&lt; &gt; &amp;).
// One test thread at a time.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../otlp/child_process.h"

namespace weft::testing {

// A directory under /tmp, removed with what is in it.
struct ScratchDirectory {
  ScratchDirectory() {
    path = "/tmp/weft-view-html-XXXXXX";
    REQUIRE(mkdtemp(path.data()) != nullptr);
  }
  ~ScratchDirectory() {
    const std::string command = "rm -rf '" + path + "'";
    if (std::system(command.c_str()) != 0) std::perror(command.c_str());
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  std::string path;
};

class HeadlessBrowser {
 public:
  // `program`: chromium's path (empty when it is not installed).
  explicit HeadlessBrowser(std::string program)
      : program_(std::move(program)) {}

  bool available() const {
    return !program_.empty() && access(program_.c_str(), X_OK) == 0;
  }

  // The DOM of file://`path``fragment` once its scripts ran: chromium dumps
  // after the load event (the page draws everything during load), or with
  // `settle` after the tasks that the page queued ran too (clicks, the
  // events of a changed fragment), within 5 s of virtual time.
  std::string dump_dom(const std::string& path, const std::string& fragment,
                       bool settle = false) {
    std::vector<std::string> options = {"--dump-dom",
                                        "file://" + path + fragment};
    if (settle) options.insert(options.begin(), "--virtual-time-budget=5000");
    const ProgramRun run = run_program(arguments(options), kDeadline);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    REQUIRE(!run.out.empty());
    return run.out;
  }

  void screenshot(const std::string& path, const std::string& fragment,
                  const std::string& png, const std::string& window_size) {
    const ProgramRun run = run_program(
        arguments({"--hide-scrollbars", "--window-size=" + window_size,
                   "--screenshot=" + png, "file://" + path + fragment}),
        kDeadline);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }

 private:
  static constexpr std::chrono::seconds kDeadline{120};

  // --no-sandbox: chromium's sandbox refuses to run as root (CI, containers);
  // a profile of its own per browser, so that parallel tests do not share.
  std::vector<std::string> arguments(std::vector<std::string> more) {
    std::vector<std::string> all = {program_,
                                    "--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--no-first-run",
                                    "--disable-extensions",
                                    "--user-data-dir=" + profile_.path,
                                    "--window-size=1400,900"};
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }

  std::string program_;
  ScratchDirectory profile_;
};

// The element whose start tag contains `part` (the first from `from`), as
// its outer HTML; empty when there is none.
inline std::string element_with(const std::string& dom, const std::string& part,
                                std::size_t from = 0) {
  const std::size_t found = dom.find(part, from);
  if (found == std::string::npos) return {};
  const std::size_t start = dom.rfind('<', found);
  std::size_t name_end = start + 1;
  while (name_end < dom.size() && dom[name_end] != ' ' &&
         dom[name_end] != '>') {
    ++name_end;
  }
  const std::string name = dom.substr(start + 1, name_end - start - 1);
  const std::string open = "<" + name;
  const std::string close = "</" + name + ">";
  std::size_t depth = 0;
  std::size_t at = start;
  while (true) {
    const std::size_t next_open = dom.find(open, at + 1);
    const std::size_t next_close = dom.find(close, at + 1);
    if (next_close == std::string::npos) return dom.substr(start);
    if (next_open != std::string::npos && next_open < next_close) {
      const char after = dom[next_open + open.size()];
      if (after == ' ' || after == '>') ++depth;
      at = next_open;
      continue;
    }
    if (depth == 0) {
      return dom.substr(start, next_close + close.size() - start);
    }
    --depth;
    at = next_close;
  }
}

// What the page drew: the <body> of a dumped DOM up to the page's own
// scripts (whose source would match the queries too).
inline std::string drawn_part(const std::string& dom) {
  const std::size_t body = dom.find("<body");
  const std::size_t scripts = dom.find("<script", body);
  REQUIRE(body != std::string::npos);
  REQUIRE(scripts != std::string::npos);
  return dom.substr(body, scripts - body);
}

// Every element whose start tag contains `part`.
inline std::vector<std::string> elements_with(const std::string& dom,
                                              const std::string& part) {
  std::vector<std::string> found;
  for (std::size_t at = dom.find(part); at != std::string::npos;
       at = dom.find(part, at + 1)) {
    found.push_back(element_with(dom, part, at));
  }
  return found;
}

// The text of `html` as a person reads it: without its tags, entities
// decoded, each run of white space (and each tag) as one space, trimmed.
inline std::string text_of(const std::string& html) {
  std::string text;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
      text += ' ';
    } else if (!in_tag) {
      text += c;
    }
  }
  const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"},
                                                          {"&gt;", ">"},
                                                          {"&quot;", "\""},
                                                          {"&nbsp;", " "},
                                                          {"&amp;", "&"}};
  for (const auto& [entity, character] : entities) {
    for (std::size_t at = text.find(entity); at != std::string::npos;
         at = text.find(entity, at + 1)) {
      text.replace(at, std::string(entity).size(), character);
    }
  }
  std::string words;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && (words.empty() || words.back() == ' ')) continue;
    words += space ? ' ' : c;
  }
  if (!words.empty() && words.back() == ' ') words.pop_back();
  return words;
}

}  // namespace weft::testing
