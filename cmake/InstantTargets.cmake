include_guard(GLOBAL)

# instant_object_library(target sources...): the objects of instant's own
# libraries (src/ for the core, capi/ for the C ABI), compiled once and
# linked into libinstant and libinstant_c: C++17, hidden visibility, PIC
# (they also go into shared libraries), instant's warnings, RapidJSON.
function(instant_object_library target)
  add_library(${target} OBJECT ${ARGN})
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_definitions(${target} PRIVATE INSTANT_BUILDING)
  if(NOT BUILD_SHARED_LIBS)
    target_compile_definitions(${target} PRIVATE INSTANT_STATIC)
  endif()
  instant_use_rapidjson(${target})
  instant_set_warnings(${target})
endfunction()
