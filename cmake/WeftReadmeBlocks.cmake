# weft_readme_blocks(<readme> <output dir> <programs var> <fragments var>):
# extracts every ```cpp block of <readme>, in order, into
# <output dir>/readme_block_<n>.cc, so that test/readme can compile them (and
# run the whole programs). Used at configure time; the README is a configure
# dependency, so editing it regenerates the files on the next build.
#
# The line right before a block's ```cpp fence says how to compile it:
#   (nothing)                              a whole program with main():
#                                          compiled and run by ctest (exit 0)
#   <!-- readme-test: no-run -->           a whole program, compiled only
#                                          (e.g. it needs a collector)
#   <!-- readme-test: function-body -->    statements: compiled as the body of
#                                          `int run()` (0 unless the block
#                                          returns); #include lines move to
#                                          the top of the file
#   <!-- readme-test: file-scope -->       declarations (types, functions),
#                                          compiled and linked, not run
#   <!-- readme-test: skip -->             not compiled (say why next to it)
# Fragments see every public weft header and the usual standard headers.
# A `#line` directive points compiler errors at the README's own lines.
# <programs var> receives "index:run|no-run" entries, <fragments var> the
# indexes of the fragments; a block that needs the OTLP/gRPC exporter is left
# out when `weft::exporter_otlp_grpc` does not exist (one that includes
# sdk_from_environment.h, when `weft::sdk_from_environment` does not; one
# that includes weft/instrumentation/<name>.h, when
# `weft::instrumentation_<name>` does not).
include_guard(GLOBAL)

function(weft_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

function(weft_readme_blocks readme out_dir programs_var fragments_var)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${readme}")
  file(READ "${readme}" text)
  file(MAKE_DIRECTORY "${out_dir}")
  set(prelude [=[
// Generated from README.md by cmake/WeftReadmeBlocks.cmake: do not edit.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <weft/exporters/console_exporter.h>
#include <weft/exporters/memory_exporter.h>
#include <weft/sdk/batch_span_processor.h>
#include <weft/sdk/logger.h>
#include <weft/sdk/simple_span_processor.h>
#include <weft/sdk/tracer_provider.h>
#include <weft/weft.h>
]=])
  set(programs)
  set(fragments)
  set(index 0)
  set(position 0)
  set(fence_text "```cpp\n")
  string(LENGTH "${fence_text}" fence_length)
  while(TRUE)
    string(SUBSTRING "${text}" ${position} -1 rest)
    string(FIND "${rest}" "${fence_text}" start)
    if(start EQUAL -1)
      break()
    endif()
    math(EXPR fence "${position} + ${start}")
    math(EXPR body_start "${fence} + ${fence_length}")
    string(SUBSTRING "${text}" 0 ${fence} before)
    string(SUBSTRING "${text}" ${body_start} -1 after)
    string(FIND "${after}" "\n```" end)
    if(end EQUAL -1)
      message(FATAL_ERROR "${readme}: a ```cpp block is not closed")
    endif()
    math(EXPR end "${end} + 1")
    string(SUBSTRING "${after}" 0 ${end} block)
    math(EXPR position "${body_start} + ${end}")
    math(EXPR index "${index} + 1")

    # The README line of the block's first line of code.
    string(REGEX MATCHALL "\n" newlines "${before}")
    list(LENGTH newlines line)
    math(EXPR line "${line} + 2")

    set(kind "")
    if(before MATCHES "<!-- readme-test: ([a-z-]+) -->\n$")
      set(kind "${CMAKE_MATCH_1}")
    endif()
    if(kind STREQUAL "skip")
      continue()
    endif()
    if(block MATCHES "otlp_grpc_exporter\\.h" AND
       NOT TARGET weft::exporter_otlp_grpc)
      message(STATUS "README.md:${line}: needs the OTLP/gRPC exporter: not compiled")
      continue()
    endif()
    if(block MATCHES "sdk_from_environment\\.h" AND
       NOT TARGET weft::sdk_from_environment)
      message(STATUS "README.md:${line}: needs weft::sdk_from_environment: not compiled")
      continue()
    endif()
    if(block MATCHES "weft/instrumentation/(grpc|httplib)\\.h")
      set(framework "${CMAKE_MATCH_1}")  # expanded only after the match
      if(NOT TARGET weft::instrumentation_${framework})
        message(STATUS "README.md:${line}: needs weft::instrumentation_${framework}: not compiled")
        continue()
      endif()
    endif()
    set(location "#line ${line} \"${readme}\"\n")
    set(file "${out_dir}/readme_block_${index}.cc")
    if(kind STREQUAL "" OR kind STREQUAL "no-run")
      if(NOT block MATCHES "int main\\(")
        message(FATAL_ERROR "README.md:${line}: this ```cpp block has no main(); "
          "put a <!-- readme-test: function-body | file-scope | skip --> line "
          "right before it (see cmake/WeftReadmeBlocks.cmake)")
      endif()
      set(run "run")
      if(kind STREQUAL "no-run")
        set(run "no-run")
      endif()
      weft_write_if_changed("${file}" "${location}${block}")
      list(APPEND programs "${index}:${run}")
    elseif(kind STREQUAL "function-body")
      # #include lines move to file scope; blank lines keep the numbering.
      string(REGEX MATCHALL "#include [^\n]*" includes "${block}")
      string(REGEX REPLACE "#include [^\n]*" "" body "${block}")
      list(JOIN includes "\n" includes)
      weft_write_if_changed("${file}" "${prelude}${includes}\n\nnamespace readme_block_${index} {\nint run() {\n${location}${body}  return 0;\n}\n}  // namespace readme_block_${index}\n")
      list(APPEND fragments ${index})
    elseif(kind STREQUAL "file-scope")
      # #include lines move out of the block's namespace, as above.
      string(REGEX MATCHALL "#include [^\n]*" includes "${block}")
      string(REGEX REPLACE "#include [^\n]*" "" block "${block}")
      list(JOIN includes "\n" includes)
      weft_write_if_changed("${file}" "${prelude}${includes}\n\nnamespace readme_block_${index} {\n${location}${block}\n#line 1 \"readme_block_${index}.cc\"\nint run() { return 0; }  // links the block's code\n}  // namespace readme_block_${index}\n")
      list(APPEND fragments ${index})
    else()
      message(FATAL_ERROR "README.md:${line}: unknown readme-test marker '${kind}'")
    endif()
  endwhile()
  set(${programs_var} "${programs}" PARENT_SCOPE)
  set(${fragments_var} "${fragments}" PARENT_SCOPE)
endfunction()
