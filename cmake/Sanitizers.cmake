# Sanitizers.cmake - the two instrumented builds of docs/security.md, each in its own
# build directory (the normal gcc build is untouched when both options are OFF):
#   LATCHKEY_SANITIZE=ON  everything (programs and tests) with AddressSanitizer +
#                         UndefinedBehaviorSanitizer; any report aborts the test.
#   LATCHKEY_FUZZ=ON      clang only: every library with -fsanitize=fuzzer-no-link,address,
#                         undefined and the libFuzzer harnesses of tests/fuzz, which
#                         register a bounded smoke run with ctest (label "fuzz").
option(LATCHKEY_SANITIZE "build everything with -fsanitize=address,undefined" OFF)
option(LATCHKEY_FUZZ "build the libFuzzer harnesses of tests/fuzz (needs clang)" OFF)

if(LATCHKEY_SANITIZE OR LATCHKEY_FUZZ)
  # Fortify's checked libc wrappers hide accesses from ASan; the sanitizers check more.
  add_compile_options(-U_FORTIFY_SOURCE -fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()

if(LATCHKEY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(LATCHKEY_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LATCHKEY_FUZZ=ON needs clang: configure a separate build directory "
                        "with -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
