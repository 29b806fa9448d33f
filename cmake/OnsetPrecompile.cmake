# onset_precompile_tree(DIR): precompiled CAF headers for every library and
# executable under DIR with at least three C++ sources. Most translation
# units parse these headers, about four seconds each; a target parses them
# once. Called at the top level after every folder is added, so a new target
# gets them without remembering to ask.
#
# The test framework's headers stay out: unit_test.hpp defines CAF_SUITE
# when a file has not, and every test file defines its own.
set(ONSET_PRECOMPILED_HEADERS
  <caf/actor_system.hpp>
  <caf/actor_system_config.hpp>
  <caf/error.hpp>
  <caf/event_based_actor.hpp>
  <caf/stateful_actor.hpp>
  <caf/typed_event_based_actor.hpp>
)

option(ONSET_PRECOMPILE_HEADERS "precompile the CAF headers per target" ON)

function(onset_precompile_tree dir)
  if(NOT ONSET_PRECOMPILE_HEADERS)
    return()
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
      target_precompile_headers(${target} PRIVATE ${ONSET_PRECOMPILED_HEADERS})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    onset_precompile_tree("${subdir}")
  endforeach()
endfunction()
