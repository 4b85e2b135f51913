#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds consumed so far, the figure benchmarks report beside wall time: on a shared machine
/// other processes lengthen the wall time of a run much more than its CPU time.
public enum CPUTime {
    /// CPU seconds of the whole process, all threads (CLOCK_PROCESS_CPUTIME_ID).
    public static func processSeconds() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    /// CPU seconds of the calling thread (CLOCK_THREAD_CPUTIME_ID).
    public static func threadSeconds() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    static func seconds(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
