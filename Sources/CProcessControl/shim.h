// Process control Swift cannot call directly: prctl(2) is variadic in C. Header only (static inline).
#include <signal.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

/// Asks the kernel to send `signal` to this process when the thread that started it exits (Linux
/// prctl(PR_SET_PDEATHSIG)). Returns 0 on success, -1 where the call fails or does not exist (not Linux).
static inline int spinode_signal_on_parent_death(int signal) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
#else
    (void)signal;
    return -1;
#endif
}
