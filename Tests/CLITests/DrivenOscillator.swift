import Foundation

/// A driven, damped harmonic oscillator sampled uniformly, the small device stand-in of these tests:
///
///     x'' + 2 zeta omega x' + omega^2 x = omega^2 u(t),   omega = 1e9 rad/s, zeta = 0.1
///
/// (x'' + 0.2 x' + x = u in tau = omega t), with u piecewise constant: a new level every `hold`
/// samples from a fixed pseudo-random sequence in [-1, 1]. With u constant over a sample interval
/// the motion is the exact underdamped solution about x = u (any mechanics text, e.g. Landau &
/// Lifshitz, Mechanics, section 25), so the samples carry no integration error.
struct DrivenOscillator {
    var samples = 400
    /// Sample interval in seconds.
    var dt = 1e-10
    /// Samples per drive level.
    var hold = 25
    var omega = 1e9
    var zeta = 0.1

    /// Times (s), drive u (A) and response x (V) at every sample; x(0) = x'(0) = 0.
    func generate() -> (t: [Double], u: [Double], x: [Double]) {
        var t = [Double](), u = [Double](), x = [Double]()
        var z = 0.0, v = 0.0  // x and dx/dtau
        var level = 0.0
        var state: UInt64 = 0x2545F4914F6CDD1D
        let h = omega * dt, wd = (1 - zeta * zeta).squareRoot(), decay = exp(-zeta * h)
        let c = cos(wd * h), s = sin(wd * h)
        for i in 0..<samples {
            if i % hold == 0 {
                // xorshift64 (Marsaglia, J. Stat. Softw. 8(14), 2003), top 53 bits to [-1, 1).
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                level = 2 * Double(state >> 11) / Double(1 << 53) - 1
            }
            t.append(Double(i) * dt)
            u.append(level)
            x.append(z)
            // Exact step over one interval with u held at `level`: y = x - u obeys y'' + 2 zeta y' + y = 0.
            let y0 = z - level
            let y1 = decay * (y0 * c + (v + zeta * y0) / wd * s)
            let v1 = decay * (v * c - (y0 + zeta * v) / wd * s)
            z = y1 + level
            v = v1
        }
        return (t, u, x)
    }

    /// CSV text with a header carrying the units; numbers in Swift's shortest round-trip form.
    func csv() -> String {
        let (t, u, x) = generate()
        var text = "t (s),u (A),x (V)\n"
        for i in t.indices { text += "\(t[i]),\(u[i]),\(x[i])\n" }
        return text
    }
}
