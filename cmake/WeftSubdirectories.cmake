# weft_add_child_directories([<folder>]): adds every direct subfolder of
# <folder> (default: the current source folder) that has a CMakeLists.txt
# (samples/<name>, tools/<name>, test/integration/<name>), in name order;
# the glob is re-checked at build time, so a new folder is picked up.
include_guard(GLOBAL)

function(weft_add_child_directories)
  set(parent "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARGC GREATER 0)
    set(parent "${CMAKE_CURRENT_SOURCE_DIR}/${ARGV0}")
  endif()
  file(GLOB children RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}"
       CONFIGURE_DEPENDS "${parent}/*/CMakeLists.txt")
  list(SORT children)
  foreach(child IN LISTS children)
    get_filename_component(folder "${child}" DIRECTORY)
    add_subdirectory(${folder})
  endforeach()
endfunction()
