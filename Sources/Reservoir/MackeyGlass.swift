import Foundation

/// The Mackey-Glass delay differential equation (Mackey and Glass, Science 197, 287 (1977)):
///
///     dx/dt = a x(t - tau) / (1 + x(t - tau)^n) - b x(t),
///
/// chaotic for the standard a = 0.2, b = 0.1, n = 10, tau = 17 (time in the equation's own units).
///
/// Integration: classical RK4 with step `step` (default 0.1) on a uniform grid, the delayed term at the
/// stage times taken by linear interpolation between grid values (exact at grid points when tau is a
/// multiple of the step, as 17 / 0.1 = 170 is; the midpoint stages need interpolation). The interpolation
/// is second-order accurate, so the scheme converges as step^2 overall. History x(t) = `history` (1.2)
/// for t <= 0. Samples are x(k `sampleInterval`), k = 0, 1, ..., starting with x(0) = history.
/// The sample interval 1 (time unit) is our documented choice for the Chen et al. 2022 task.
public struct MackeyGlass: Sendable, Hashable {
    public var a: Double = 0.2
    public var b: Double = 0.1
    public var n: Double = 10
    public var tau: Double = 17
    /// Constant history x(t) for t <= 0.
    public var history: Double = 1.2
    /// RK4 step.
    public var step: Double = 0.1
    /// Interval between returned samples (an integer multiple of `step`).
    public var sampleInterval: Double = 1

    public init(a: Double = 0.2, b: Double = 0.1, n: Double = 10, tau: Double = 17, history: Double = 1.2,
                step: Double = 0.1, sampleInterval: Double = 1) {
        self.a = a; self.b = b; self.n = n; self.tau = tau
        self.history = history; self.step = step; self.sampleInterval = sampleInterval
    }

    /// x(k sampleInterval) for k = 0..<count. The last few series are kept for the process
    /// (`SeriesCache`): a sweep checks hundreds of reservoir tasks that all need the same series, and a
    /// task validates its input length before it runs.
    public func series(count: Int) throws -> [Double] {
        if let cached = MackeyGlass.cache.value(for: self, count: count) { return cached }
        let values = try integrate(count: count)
        MackeyGlass.cache.store(values, for: self, count: count)
        return values
    }

    private static let cache = SeriesCache()

    /// The last `capacity` series by parameters and length (a lock, so tasks on several threads share it).
    final class SeriesCache: @unchecked Sendable {
        private struct Key: Hashable { let equation: MackeyGlass; let count: Int }
        private var entries: [(key: Key, values: [Double])] = []
        private let capacity = 4
        private let lock = NSLock()

        func value(for equation: MackeyGlass, count: Int) -> [Double]? {
            lock.lock(); defer { lock.unlock() }
            return entries.first { $0.key == Key(equation: equation, count: count) }?.values
        }

        func store(_ values: [Double], for equation: MackeyGlass, count: Int) {
            lock.lock(); defer { lock.unlock() }
            entries.append((Key(equation: equation, count: count), values))
            if entries.count > capacity { entries.removeFirst() }
        }
    }

    /// The integration behind `series(count:)`.
    private func integrate(count: Int) throws -> [Double] {
        guard step > 0, tau >= step else {
            throw ReservoirError.invalidParameter(name: "Mackey-Glass step", value: "\(step)", expected: "in (0, tau = \(tau)]")
        }
        let ratio = sampleInterval / step
        let stepsPerSample = Int(ratio.rounded())
        guard stepsPerSample >= 1, abs(ratio - Double(stepsPerSample)) < 1e-9 * ratio else {
            throw ReservoirError.invalidParameter(name: "Mackey-Glass sample interval", value: "\(sampleInterval)",
                                                  expected: "a positive integer multiple of the step \(step)")
        }
        guard count > 0 else { return [] }
        let steps = (count - 1) * stepsPerSample
        var grid = [Double](repeating: 0, count: steps + 1)
        grid[0] = history
        let h = step, a = self.a, b = self.b, n = self.n, tau = self.tau, x0 = history
        grid.withUnsafeMutableBufferPointer { g in
            /// x at time t <= current grid time, by linear interpolation (history before 0).
            func delayed(_ t: Double) -> Double {
                if t <= 0 { return x0 }
                let s = t / h
                let r = s.rounded()
                if abs(s - r) < 1e-9 * max(1, s) { return g[Int(r)] }   // on the grid (up to rounding)
                let i = Int(s)
                return g[i] + (s - Double(i)) * (g[i + 1] - g[i])
            }
            func rhs(_ x: Double, _ xd: Double) -> Double { a * xd / (1 + pow(xd, n)) - b * x }
            for i in 0..<steps {
                let t = Double(i) * h
                let d0 = delayed(t - tau), dHalf = delayed(t + h / 2 - tau), d1 = delayed(t + h - tau)
                let x = g[i]
                let k1 = rhs(x, d0)
                let k2 = rhs(x + h / 2 * k1, dHalf)
                let k3 = rhs(x + h / 2 * k2, dHalf)
                let k4 = rhs(x + h * k3, d1)
                g[i + 1] = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            }
        }
        return (0..<count).map { grid[$0 * stepsPerSample] }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
