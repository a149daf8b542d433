# arm-none-eabi.cmake - CMake toolchain file for a Cortex-M4 microcontroller build of the
# firmware core (Debian packages gcc-arm-none-eabi + libnewlib-arm-none-eabi).
# Used by firmware/mcu (scripts/firmware-size.sh):
#   cmake -S firmware/mcu -B build-mcu -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
# LATCHKEY_MCU_FLOAT_ABI: soft (default) or hard (-mfpu=fpv4-sp-d16).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_NM arm-none-eabi-nm)
set(CMAKE_SIZE arm-none-eabi-size CACHE STRING "size tool")
# No OS: compiler checks build a static library instead of linking a program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(LATCHKEY_MCU_FLOAT_ABI soft CACHE STRING "soft or hard")
set(_lk_cpu "-mthumb -mcpu=cortex-m4 -mfloat-abi=${LATCHKEY_MCU_FLOAT_ABI}")
if(LATCHKEY_MCU_FLOAT_ABI STREQUAL "hard")
  string(APPEND _lk_cpu " -mfpu=fpv4-sp-d16")
endif()
set(CMAKE_C_FLAGS_INIT "${_lk_cpu} -Os -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_lk_cpu} -Wl,--gc-sections")

# Headers and libraries come from the cross toolchain only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
