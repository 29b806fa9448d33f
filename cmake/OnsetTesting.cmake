# onset_add_test_binary(NAME name SOURCES ... LIBRARIES ...)
#
# Builds one CAF test runner from SOURCES and the runner's main
# (onset_test_main: tests/test_main.cpp, compiled once for every runner;
# about eight seconds of CPU each) and adds one ctest entry per suite, found by
# scanning SOURCES for `#define CAF_SUITE <suite>`. Each entry runs only its
# suite (-s '^suite$') and fails when the runner executed no test, so a
# renamed or emptied suite cannot pass silently (the CAF 0.17 runner exits 0
# when its filter matches nothing).
function(onset_add_test_binary)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  set(target "onset-test-${ARG_NAME}")
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE onset_test_main ${ARG_LIBRARIES}
    CAF::core)
  foreach(source IN LISTS ARG_SOURCES)
    file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/${source}" suite_lines
         REGEX "^#define CAF_SUITE ")
    foreach(line IN LISTS suite_lines)
      string(REGEX REPLACE "^#define CAF_SUITE ([A-Za-z0-9_.]+).*" "\\1"
             suite "${line}")
      add_test(NAME "${ARG_NAME}.${suite}"
               COMMAND ${target} -r 120 -s "^${suite}$")
      set_tests_properties("${ARG_NAME}.${suite}" PROPERTIES
        FAIL_REGULAR_EXPRESSION "tests:[ ]+0\n")
    endforeach()
  endforeach()
endfunction()

# onset_tests_use_source_catalog(): every test added so far in the calling
# directory runs with ONSET_CATALOG naming the source tree's catalog. The
# programs have no built-in path into the source tree
# (config/default_catalog.hpp), so the tests name it, as an operator
# names /etc/onset/catalog.json.
function(onset_tests_use_source_catalog)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(test IN LISTS tests)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
      "ONSET_CATALOG=${PROJECT_SOURCE_DIR}/config/catalog.json")
  endforeach()
endfunction()
