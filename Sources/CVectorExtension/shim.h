// The vector extensions the compiler targets, as Clang's predefined macros say. Swift's Clang importer
// preprocesses this header with the importing module's -target-cpu (passed on as -march), so a Swift
// target that imports it reads the features of its own build (MachineDescription in Benchmarks).
#if defined(__AVX512F__)
#define SPINODE_TARGET_AVX512F 1
#else
#define SPINODE_TARGET_AVX512F 0
#endif
#if defined(__AVX2__)
#define SPINODE_TARGET_AVX2 1
#else
#define SPINODE_TARGET_AVX2 0
#endif
#if defined(__FMA__)
#define SPINODE_TARGET_FMA 1
#else
#define SPINODE_TARGET_FMA 0
#endif
#if defined(__AVX__)
#define SPINODE_TARGET_AVX 1
#else
#define SPINODE_TARGET_AVX 0
#endif
#if defined(__ARM_NEON)
#define SPINODE_TARGET_NEON 1
#else
#define SPINODE_TARGET_NEON 0
#endif
