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

// Cache hints for the discrete adjoint's forward records (ODE/DiscreteAdjoint.swift): the records of
// one gradient (NODE-64: 620 evaluations of 34 KB) exceed the caches, so the record the next
// evaluation writes, and the one the reverse sweep reads next, are requested ahead of use. Hints
// only: a prefetch never faults and never changes a value.

/// Requests the cache lines of [p, p + bytes) for reading, into the L2 cache.
static inline void spinode_prefetch_range(const void *p, long bytes) {
    const char *c = (const char *)p;
    for (long i = 0; i < bytes; i += 64) __builtin_prefetch(c + i, 0, 2);
}

/// Requests the cache lines of [p, p + bytes) for writing, into the L2 cache.
static inline void spinode_prefetch_range_for_write(void *p, long bytes) {
    char *c = (char *)p;
    for (long i = 0; i < bytes; i += 64) __builtin_prefetch(c + i, 1, 2);
}
