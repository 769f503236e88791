# Warnings are PRIVATE to our own targets; -Werror only on request (RELSCORE_WERROR).
function(relscore_enable_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${RELSCORE_WERROR}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
                           -Wno-missing-field-initializers  # aggregates with defaults are meant to be partly initialized
                           $<$<BOOL:${RELSCORE_WERROR}>:-Werror>)
  endif()
endfunction()
