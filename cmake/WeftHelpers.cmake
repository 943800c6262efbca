# Helpers that every CMakeLists.txt of weft calls.
#
#   weft_set_warnings(<target>)
#       -Wall -Wextra -Werror -pedantic on the target's own sources. Call it on
#       every target built from weft's code; never on generated code.
#   weft_add_library(<target> INCLUDE_DIR <dir> [SOURCE_DIR <dir>]
#                    [PUBLIC <deps...>] [PRIVATE <deps...>])
#       A library from SOURCE_DIR/*.cc (globbed with CONFIGURE_DEPENDS), or an
#       INTERFACE library while that folder has no sources yet. Adds the alias
#       weft::<name> (target weft_<name>), warnings, and installs it.
#   weft_install_library(<target> [INCLUDE_DIR <dir>])
#       Adds <target> to the exported set `weftTargets` (namespace weft::,
#       exported name = target name without its `weft_` prefix), creates the
#       alias weft::<name> if missing, and installs INCLUDE_DIR's headers under
#       include/.
#   weft_package_dependency(<find_dependency arguments...>)
#       Records a find_dependency() call for weftConfig.cmake, for libraries
#       whose installed targets link an external package (gRPC, protobuf, ...).
#   weft_add_catch_tests(<target> [PROPERTIES <name> <value>...])
#       One ctest entry per TEST_CASE of a Catch2 executable. In a TSan tree,
#       test cases tagged [no_tsan] are left out; in an ASan tree, those
#       tagged [no_asan] are, and the entries use cmake/lsan_suppressions.txt;
#       each entry gets a timeout and fails when it selects no test case.
#       PROPERTIES: more ctest properties for every entry (for example
#       SKIP_REGULAR_EXPRESSION, for tests that need a program to be there).

include_guard(GLOBAL)
include(GNUInstallDirs)

function(weft_set_warnings target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -pedantic)
  if(WEFT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(WEFT_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's -Wmaybe-uninitialized is unreliable with sanitizers (its manual
    # says so): GCC 12 + ASan reports std::regex and std::function members as
    # uninitialized. The uninstrumented tree keeps the warning as an error.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

function(_weft_export_name target out)
  string(REGEX REPLACE "^weft_" "" name "${target}")
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

function(weft_install_library target)
  cmake_parse_arguments(ARG "" "INCLUDE_DIR" "" ${ARGN})
  _weft_export_name(${target} name)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  if(NOT TARGET weft::${name})
    add_library(weft::${name} ALIAS ${target})
  endif()
  install(TARGETS ${target}
    EXPORT weftTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  if(ARG_INCLUDE_DIR)
    install(DIRECTORY ${ARG_INCLUDE_DIR}/
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
      FILES_MATCHING PATTERN "*.h")
  endif()
endfunction()

function(weft_add_library target)
  cmake_parse_arguments(ARG "" "INCLUDE_DIR;SOURCE_DIR" "PUBLIC;PRIVATE" ${ARGN})
  get_filename_component(include_dir "${ARG_INCLUDE_DIR}" ABSOLUTE)
  set(sources)
  if(ARG_SOURCE_DIR)
    get_filename_component(source_dir "${ARG_SOURCE_DIR}" ABSOLUTE)
    file(GLOB sources CONFIGURE_DEPENDS "${source_dir}/*.cc")
  endif()
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS "${include_dir}/*.h")
  if(sources)
    add_library(${target} ${sources} ${headers})
    set(scope PUBLIC)
    target_include_directories(${target} PRIVATE "${source_dir}")
    target_compile_features(${target} PUBLIC cxx_std_17)
    target_link_libraries(${target} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
    weft_set_warnings(${target})
  else()
    # No sources yet (the library is being written): headers only.
    add_library(${target} INTERFACE)
    set(scope INTERFACE)
    target_compile_features(${target} INTERFACE cxx_std_17)
    target_link_libraries(${target} INTERFACE ${ARG_PUBLIC} ${ARG_PRIVATE})
  endif()
  target_include_directories(${target} ${scope}
    $<BUILD_INTERFACE:${include_dir}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  weft_install_library(${target} INCLUDE_DIR "${include_dir}")
endfunction()

function(weft_package_dependency)
  string(JOIN " " call ${ARGN})
  set_property(GLOBAL APPEND PROPERTY WEFT_PACKAGE_DEPENDENCIES "${call}")
endfunction()

function(weft_add_catch_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PROPERTIES")
  set(spec)
  if(WEFT_SANITIZE STREQUAL "thread")
    set(spec TEST_SPEC "~[no_tsan]")
  elseif(WEFT_SANITIZE STREQUAL "address")
    set(spec TEST_SPEC "~[no_asan]")
  endif()
  set(environment)
  if(WEFT_SANITIZE STREQUAL "address")
    set(environment ENVIRONMENT
      "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/cmake/lsan_suppressions.txt:print_suppressions=0")
  endif()
  # --warn NoTests: an entry whose name selects no test case fails instead
  # of passing with "No tests ran" (CMake splits names at ';').
  catch_discover_tests(${target} ${spec}
    EXTRA_ARGS --warn NoTests
    PROPERTIES TIMEOUT ${WEFT_TEST_TIMEOUT} ${environment} ${arg_PROPERTIES})
endfunction()
