# ctest `format_check`: clang-format 14 (--dry-run --Werror) over every
# tracked *.h / *.cc of the repository, generated code excepted.
# cmake -D SOURCE_DIR=<repo> -D CLANG_FORMAT=<program> -P FormatCheck.cmake
if(NOT CLANG_FORMAT)
  message(FATAL_ERROR "format_check: clang-format not found; "
                      "install it with `tools/dev deps`")
endif()
execute_process(COMMAND "${CLANG_FORMAT}" --version
                OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT version MATCHES "version 14\\.")
  message(FATAL_ERROR "format_check: needs clang-format 14 (Debian 12's), "
                      "found: ${version}")
endif()

execute_process(
  COMMAND git -c core.quotepath=off ls-files -- "*.h" "*.cc"
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE tracked RESULT_VARIABLE git_result ERROR_QUIET)
if(git_result EQUAL 0)
  string(REPLACE "\n" ";" files "${tracked}")
else()
  # Not a git checkout (or not ours to read): every source folder instead.
  file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}"
       "${SOURCE_DIR}/api/*.h" "${SOURCE_DIR}/sdk/*.h" "${SOURCE_DIR}/sdk/*.cc"
       "${SOURCE_DIR}/exporters/*.h" "${SOURCE_DIR}/exporters/*.cc"
       "${SOURCE_DIR}/instrumentation/*.h" "${SOURCE_DIR}/instrumentation/*.cc"
       "${SOURCE_DIR}/proto/*.h" "${SOURCE_DIR}/proto/*.cc"
       "${SOURCE_DIR}/tools/*.h" "${SOURCE_DIR}/tools/*.cc"
       "${SOURCE_DIR}/samples/*.h" "${SOURCE_DIR}/samples/*.cc"
       "${SOURCE_DIR}/test/*.h" "${SOURCE_DIR}/test/*.cc")
endif()

set(checked)
foreach(file IN LISTS files)
  if(file STREQUAL "" OR NOT EXISTS "${SOURCE_DIR}/${file}")
    continue()  # deleted in the working tree
  endif()
  if(file MATCHES "(^|/)(build[^/]*|third_party|generated)/|\\.pb\\.(h|cc)$")
    continue()  # generated or not weft's
  endif()
  list(APPEND checked "${file}")
endforeach()
list(LENGTH checked count)
if(count EQUAL 0)
  message(STATUS "format_check: no files to check")
  return()
endif()

execute_process(
  COMMAND "${CLANG_FORMAT}" --dry-run --Werror --style=file ${checked}
  WORKING_DIRECTORY "${SOURCE_DIR}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "format_check: files above differ from .clang-format; "
                      "fix with: clang-format -i <file>")
endif()
message(STATUS "format_check: ${count} files formatted as .clang-format says")
