# Find instant's dependencies, each only when its target is not there yet, so
# a parent project that provides its own wins.
include_guard(GLOBAL)

if(NOT TARGET CURL::libcurl)
  find_package(CURL 7.68 REQUIRED)
endif()

if(NOT TARGET OpenSSL::Crypto)
  find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
endif()

# RapidJSON is header-only and private to instant (no public header includes
# it), so it is attached per target and never exported.
if(NOT INSTANT_RAPIDJSON_INCLUDE_DIR)
  find_path(INSTANT_RAPIDJSON_INCLUDE_DIR rapidjson/document.h
    HINTS ${RAPIDJSON_INCLUDE_DIRS} ${RapidJSON_INCLUDE_DIR})
endif()
if(NOT INSTANT_RAPIDJSON_INCLUDE_DIR)
  message(FATAL_ERROR "RapidJSON not found: install rapidjson-dev or set INSTANT_RAPIDJSON_INCLUDE_DIR")
endif()
function(instant_use_rapidjson target)
  # SYSTEM: RapidJSON's own warnings are not ours to fix.
  target_include_directories(${target} SYSTEM PRIVATE ${INSTANT_RAPIDJSON_INCLUDE_DIR})
  target_compile_definitions(${target} PRIVATE
    RAPIDJSON_HAS_STDSTRING=1)
endfunction()

find_package(Threads REQUIRED)

# INSTANT_CXX_RUNTIME_LIBS: what the C++ linker adds that a C linker does not
# (libstdc++/libc++, libm, ...). The static libinstant_c names them in its
# link interface and in instant_c.pc's Libs.private, so a C project links it.
if(NOT DEFINED INSTANT_CXX_RUNTIME_LIBS)
  set(INSTANT_CXX_RUNTIME_LIBS ${CMAKE_CXX_IMPLICIT_LINK_LIBRARIES})
  if(INSTANT_CXX_RUNTIME_LIBS AND CMAKE_C_IMPLICIT_LINK_LIBRARIES)
    list(REMOVE_ITEM INSTANT_CXX_RUNTIME_LIBS ${CMAKE_C_IMPLICIT_LINK_LIBRARIES})
  endif()
  if(INSTANT_CXX_RUNTIME_LIBS)
    list(REMOVE_DUPLICATES INSTANT_CXX_RUNTIME_LIBS)
  endif()
endif()
