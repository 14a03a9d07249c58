include_guard(GLOBAL)

# instant_set_warnings(target): warnings (and -Werror when INSTANT_WERROR) for
# instant's own code only; never global flags.
function(instant_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<OR:$<C_COMPILER_ID:GNU,Clang,AppleClang>,$<CXX_COMPILER_ID:GNU,Clang,AppleClang>>:-Wall -Wextra -Wpedantic>
    $<$<CXX_COMPILER_ID:MSVC>:/W4>)
  if(INSTANT_WERROR)
    target_compile_options(${target} PRIVATE
      $<$<OR:$<C_COMPILER_ID:GNU,Clang,AppleClang>,$<CXX_COMPILER_ID:GNU,Clang,AppleClang>>:-Werror>
      $<$<CXX_COMPILER_ID:MSVC>:/WX>)
  endif()
endfunction()
