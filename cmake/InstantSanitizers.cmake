# Sanitizer and fuzzer builds of instant's own tree (never the parent's):
#   INSTANT_SANITIZE=address,undefined   ASan + UBSan, every finding fatal
#   INSTANT_SANITIZE=thread              TSan
#   INSTANT_BUILD_FUZZERS=ON             tests/fuzz linked with libFuzzer (clang
#                                        only); every target of the tree gets
#                                        coverage instrumentation, and
#                                        INSTANT_SANITIZE defaults to
#                                        address,undefined.
# The flags are directory-scoped options of this project (add_compile_options
# in instant's top directory), so a parent project's targets are untouched.
include_guard(GLOBAL)

option(INSTANT_BUILD_FUZZERS "Build tests/fuzz with libFuzzer (clang; OFF: replay mains)" OFF)
set(INSTANT_SANITIZE "" CACHE STRING
    "Sanitizers for instant's own targets: address,undefined | thread | empty for none")

if(INSTANT_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" OR NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "INSTANT_BUILD_FUZZERS needs clang (libFuzzer): CC=clang CXX=clang++")
  endif()
  if(INSTANT_SANITIZE STREQUAL "")
    set(INSTANT_SANITIZE "address,undefined" CACHE STRING "" FORCE)
  endif()
endif()

if(NOT INSTANT_SANITIZE STREQUAL "")
  string(REPLACE "," ";" _instant_san "${INSTANT_SANITIZE}")
  foreach(_s IN LISTS _instant_san)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "INSTANT_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread, leak)")
    endif()
  endforeach()
  if("thread" IN_LIST _instant_san AND ("address" IN_LIST _instant_san OR "leak" IN_LIST _instant_san))
    message(FATAL_ERROR "INSTANT_SANITIZE: thread cannot be combined with address or leak")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "INSTANT_SANITIZE needs gcc or clang")
  endif()
  if("undefined" IN_LIST _instant_san AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # Known third-party UB, each entry justified in the file (gcc does not
    # report it: it has no null + offset check).
    add_compile_options(
      -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/sanitizers/ubsan-ignorelist.txt)
  endif()
  string(REPLACE ";" "," _instant_san "${_instant_san}")
  # -fno-sanitize-recover=all: every UBSan report aborts the test that hit it.
  add_compile_options(-fsanitize=${_instant_san} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${_instant_san})
  message(STATUS "instant: sanitizers ${_instant_san}")
endif()

if(INSTANT_BUILD_FUZZERS)
  # Coverage feedback for libFuzzer in every object; the fuzz executables
  # alone link the libFuzzer runtime (-fsanitize=fuzzer, tests/fuzz).
  # Assertions stay on in every build type (RapidJSON's RAPIDJSON_ASSERT
  # included): a failed assert is a finding, not a silent release path.
  add_compile_options(-fsanitize=fuzzer-no-link -UNDEBUG)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
