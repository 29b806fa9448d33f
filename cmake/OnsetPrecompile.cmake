# onset_precompile_tree(DIR): precompiled CAF headers for every library and
# executable under DIR with at least three C++ sources. Most translation
# units parse these headers, about four seconds each; with the precompiled
# header a translation unit loads them in about half a second. Called at the
# top level after every folder is added, so a new target gets them without
# remembering to ask.
#
# One precompiled header serves every target: it is built once, by the
# object library onset_precompiled, and the others reuse it (REUSE_FROM).
# Building it costs about eight seconds of CPU; one per target cost about
# two minutes of a clean build. GCC uses it only where the compile options
# match those it was built with (-O, -g, -f and -m options, the standard);
# every Onset target has the same ones. Where they would differ, GCC warns
# (-Winvalid-pch, which CMake passes) and parses the headers instead:
# slower, never wrong.
#
# The test framework's headers stay out: unit_test.hpp defines CAF_SUITE
# when a file has not, and every test file defines its own.
#
# nlohmann/json, CLI11 and cpp-httplib stay out too, measured (g++ 12, -O2
# -g1, CPU of each compile). With json.hpp in the precompiled header a
# translation unit that includes it compiles 0.8 s faster and one that does
# not 0.7 s slower (loading the larger header, and the instantiations it
# leaves pending): in every target the two about cancel, and a second
# precompiled header for the JSON targets costs 9 s to build. CLI11 2.1
# defines its validators as objects in every translation unit that sees it;
# their code, about 6 s a file, is compiled whether or not the header is
# precompiled. httplib.h is included by one file.
set(ONSET_PRECOMPILED_HEADERS
  <caf/actor_system.hpp>
  <caf/actor_system_config.hpp>
  <caf/error.hpp>
  <caf/event_based_actor.hpp>
  <caf/stateful_actor.hpp>
  <caf/typed_event_based_actor.hpp>
)

option(ONSET_PRECOMPILE_HEADERS "precompile the CAF headers" ON)

# The owner of the one precompiled header: a source that includes nothing
# else, compiled with the options every target gets.
function(onset_add_precompiled_owner)
  set(source "${PROJECT_BINARY_DIR}/onset_precompiled.cpp")
  file(CONFIGURE OUTPUT "${source}"
       CONTENT "// The owner of the precompiled CAF headers (cmake/OnsetPrecompile.cmake).\n")
  add_library(onset_precompiled OBJECT "${source}")
  target_link_libraries(onset_precompiled PRIVATE CAF::core)
  target_precompile_headers(onset_precompiled
    PRIVATE ${ONSET_PRECOMPILED_HEADERS})
endfunction()

function(onset_precompile_tree dir)
  if(NOT ONSET_PRECOMPILE_HEADERS)
    return()
  endif()
  if(NOT TARGET onset_precompiled)
    onset_add_precompiled_owner()
  endif()
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY)$")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    list(LENGTH sources count)
    if(count GREATER_EQUAL 3)
      target_precompile_headers(${target} REUSE_FROM onset_precompiled)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    onset_precompile_tree("${subdir}")
  endforeach()
endfunction()
