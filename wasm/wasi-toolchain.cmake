# clang --target=wasm32-wasi with Debian's wasi-libc (/usr/include/wasm32-wasi,
# /usr/lib/wasm32-wasi) and libclang-rt-14-dev-wasm32.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(ZK_WASI ON CACHE BOOL "" FORCE)
find_program(ZK_WASI_CLANG NAMES clang-14 clang REQUIRED)
set(CMAKE_C_COMPILER ${ZK_WASI_CLANG})
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_AR llvm-ar-14 CACHE FILEPATH "")
set(CMAKE_RANLIB llvm-ranlib-14 CACHE FILEPATH "")
set(CMAKE_C_FLAGS_INIT "-D_WASI_EMULATED_PROCESS_CLOCKS")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-lwasi-emulated-process-clocks")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
