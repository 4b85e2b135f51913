import Devices
import Numerics
import Reservoir

/// A linear leaky integrator, dx/dt = (v(t) - x) / tau, x(0) = 0, sampled every `sampleInterval` seconds:
/// with v held constant over each interval the exact update is x_{n+1} = v_n + (x_n - v_n) exp(-dt / tau).
final class LeakyIntegratorDevice: Device {
    let name = "leaky integrator"
    let sampleInterval: Double
    let tau: Double
    private(set) var calls = 0

    init(sampleInterval: Double, tau: Double) {
        self.sampleInterval = sampleInterval
        self.tau = tau
    }

    func respond(to inputs: [[Double]]) throws -> [[Double]] {
        calls += 1
        let decay = exp(-sampleInterval / tau)
        return inputs.map { v in
            var x = 0.0
            return v.map { vn in
                x = vn + (x - vn) * decay
                return x
            }
        }
    }
}

/// An ideal delay line: state j at sample n is u(n - j) (0 before the start), N = `delays` features.
/// Its memory capacity is exactly N: u(n - k) is one of its features for k < N and independent of all of
/// them for k >= N.
final class DelayLine: ReservoirFeatureSource {
    let name = "delay line"
    let nodeCount: Int
    let inputChannels = 1
    let deviceSecondsSimulated = 0.0

    init(delays: Int) { nodeCount = delays }

    func states(for sequences: [Matrix]) throws -> [Matrix] {
        sequences.map { s in
            Matrix(rows: s.rows, columns: nodeCount) { n, j in n - j >= 0 ? s[n - j, 0] : 0 }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A device that answers with the wrong number of samples, to check the error path.
final class TruncatingDevice: Device {
    let name = "truncating"
    let sampleInterval = 1.0
    func respond(to inputs: [[Double]]) throws -> [[Double]] { inputs.map { Array($0.dropLast()) } }
}
