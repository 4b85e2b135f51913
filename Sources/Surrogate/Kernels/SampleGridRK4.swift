import ODE

/// Classical RK4 with a fixed step on the sample grid and the exact reverse-mode gradient of its
/// steps (the discrete adjoint), over any batched `DifferentiableODESystem`: the training kernel of
/// the paper's setting (Chen et al., Nat. Commun. 13, 1016 (2022), Methods: RK4 on the sample grid;
/// windows of 20 samples).
///
/// Forward (Kutta 1901; Hairer, Norsett and Wanner, Solving ODEs I, II.1): from t_n with step h,
///     Y_1 = y_n,  Y_2 = y_n + h/2 k_1,  Y_3 = y_n + h/2 k_2,  Y_4 = y_n + h k_3,  k_i = f(t_n + c_i h, Y_i),
///     y_{n+1} = y_n + h (k_1 + 2 k_2 + 2 k_3 + k_4) / 6,   c = (0, 1/2, 1/2, 1).
/// Backward, for the cotangent lambda = dL/dy_{n+1} (J_i = df/dy at stage i, all products are VJPs):
///     kbar_4 = h/6 lambda,               Ybar_4 = J_4^T kbar_4,
///     kbar_3 = h/3 lambda + h Ybar_4,     Ybar_3 = J_3^T kbar_3,
///     kbar_2 = h/3 lambda + h/2 Ybar_3,   Ybar_2 = J_2^T kbar_2,
///     kbar_1 = h/6 lambda + h/2 Ybar_2,   Ybar_1 = J_1^T kbar_1,
///     dL/dy_n = lambda + Ybar_1 + Ybar_2 + Ybar_3 + Ybar_4,   dL/dtheta += sum_i kbar_i^T df/dtheta(stage i).
/// This is the exact gradient of the computed (discrete) trajectory, as a finite-difference test checks.
///
/// The stage states of every step are kept (a window is short), so the backward pass integrates
/// nothing again. A `StageTapedSystem` (`TapedNeuralVectorField`) also keeps each stage's network
/// activations, so its VJPs run the network backward only; any other system's VJP recomputes its stage.
/// Buffers grow to the largest request and are reused: no allocation per iteration.
public final class SampleGridRK4 {
    public private(set) var dimension = 0
    private var capacity = 0          // stage-state values held
    private var stages: UnsafeMutablePointer<Double>   // per step: Y_1..Y_4 (4 n)
    private var k: UnsafeMutablePointer<Double>        // 4 n stage derivatives of the current step
    private var work: UnsafeMutablePointer<Double>     // 6 n scratch for the backward pass
    private var steps = 0, stepsPerSample = 1, h = 0.0, sampleStep = 0.0, t0 = 0.0, endOffset = 0.0

    private var adjointWork: UnsafeMutablePointer<Double> = .allocate(capacity: 1)
    private var adjointCapacity = 0

    public init() {
        stages = .allocate(capacity: 1)
        k = .allocate(capacity: 1)
        work = .allocate(capacity: 1)
    }

    deinit { stages.deallocate(); k.deallocate(); work.deallocate(); adjointWork.deallocate() }

    private func reserve(dimension n: Int, steps s: Int) {
        if n != dimension {
            k.deallocate(); work.deallocate()
            k = .allocate(capacity: 4 * n)
            work = .allocate(capacity: 6 * n)
            dimension = n
        }
        if 4 * n * s > capacity {
            stages.deallocate()
            capacity = 4 * n * s
            stages = .allocate(capacity: capacity)
        }
    }

    /// Start time of RK4 step `step`: t0 + (step / m) sampleStep + (step mod m) h, so steps that start on a
    /// sample start exactly on t0 + j sampleStep (the save times and the inputs' sample times).
    @inline(__always) func time(step: Int) -> Double {
        t0 + Double(step / stepsPerSample) * sampleStep + Double(step % stepsPerSample) * h
    }

    /// Integrates `samples - 1` sample intervals of length `sampleStep` from (t0, y0), with
    /// `stepsPerSample` RK4 steps per interval, writing the state at every sample (sample 0 = y0)
    /// to `saved[j * n ..< (j + 1) * n]`, j = 0 ..< samples. Keeps the stage states for `backward`.
    ///
    /// `keepStages: false` overwrites one set of stage states (prediction of long traces, no `backward`).
    ///
    /// `stageEndOffset` moves the time of the last stage from t_n + h to t_n + h - offset: with a
    /// zero-order-hold input a small positive offset makes that stage read the input held over the
    /// step (the left limit), not the next sample's, so every stage of step n sees u_n (the
    /// convention of the Device protocol, inputs held over [n dt, (n + 1) dt)).
    /// - Throws: `SurrogateError.nonFinite` if the state stops being finite.
    public func forward<S: ODESystem>(_ system: S, y0: UnsafePointer<Double>, t0: Double, sampleStep: Double,
                                       samples: Int, stepsPerSample m: Int, stageEndOffset: Double = 0,
                                       keepStages: Bool = true, saved: UnsafeMutablePointer<Double>) throws {
        let n = system.dimension
        let total = (samples - 1) * m
        reserve(dimension: n, steps: keepStages ? max(total, 1) : 1)
        steps = total; stepsPerSample = m; h = sampleStep / Double(m); self.sampleStep = sampleStep; self.t0 = t0; endOffset = stageEndOffset
        saved.update(from: y0, count: n)
        let y = work                      // current state
        y.update(from: y0, count: n)
        let k1 = k, k2 = k + n, k3 = k + 2 * n, k4 = k + 3 * n
        let h = self.h
        let taped = keepStages ? system as? any StageTapedSystem : nil
        taped?.reserveStageSlots(4 * total)
        for step in 0..<total {
            let t = time(step: step)
            let Y = stages + (keepStages ? 4 * n * step : 0)
            let Y1 = Y, Y2 = Y + n, Y3 = Y + 2 * n, Y4 = Y + 3 * n
            Y1.update(from: y, count: n)
            taped?.selectStageSlot(4 * step)
            system.evaluate(t: t, y: Y1, dydt: k1)
            for q in 0..<n { Y2[q] = y[q] + 0.5 * h * k1[q] }
            taped?.selectStageSlot(4 * step + 1)
            system.evaluate(t: t + 0.5 * h, y: Y2, dydt: k2)
            for q in 0..<n { Y3[q] = y[q] + 0.5 * h * k2[q] }
            taped?.selectStageSlot(4 * step + 2)
            system.evaluate(t: t + 0.5 * h, y: Y3, dydt: k3)
            for q in 0..<n { Y4[q] = y[q] + h * k3[q] }
            taped?.selectStageSlot(4 * step + 3)
            system.evaluate(t: t + h - stageEndOffset, y: Y4, dydt: k4)
            var check = 0.0
            for q in 0..<n {
                y[q] += h * (k1[q] + 2 * k2[q] + 2 * k3[q] + k4[q]) / 6
                check += y[q]
            }
            if !check.isFinite {
                throw SurrogateError.nonFinite("state left the finite range at tau = \(t + h) (RK4 step \(step + 1) of \(total))")
            }
            if (step + 1) % m == 0 { (saved + ((step + 1) / m) * n).update(from: y, count: n) }
        }
    }

    /// The reverse pass of the last `forward`: given dL/dy at every saved sample
    /// (`savedCotangent[j * n ..< (j + 1) * n]`, j = 0 ..< samples), writes dL/dy0 to `initialCotangent`
    /// (if not nil) and **adds** dL/dtheta to `parameterCotangent`. No allocation.
    public func backward<S: DifferentiableODESystem>(_ system: S, savedCotangent: UnsafePointer<Double>,
                                                      initialCotangent: UnsafeMutablePointer<Double>?,
                                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        let n = dimension
        let m = stepsPerSample, h = self.h
        let lambda = work, kbar = work + n, ybar = work + 2 * n, ysum = work + 3 * n
        let samples = steps / m + 1
        let taped = system as? any StageTapedSystem
        lambda.update(from: savedCotangent + (samples - 1) * n, count: n)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            let t = time(step: step)
            let Y = stages + 4 * n * step
            ysum.update(repeating: 0, count: n)
            for i in stride(from: 3, through: 0, by: -1) {
                let weight = (i == 0 || i == 3) ? h / 6 : h / 3          // h b_i
                let offset = i == 0 ? 0.0 : (i == 3 ? 1.0 : 0.5)        // c_i
                for q in 0..<n { kbar[q] = weight * lambda[q] }
                if i < 3 {
                    let c = i == 2 ? h : 0.5 * h                        // h a_{i+1, i}
                    for q in 0..<n { kbar[q] += c * ybar[q] }
                }
                ybar.update(repeating: 0, count: n)
                taped?.selectStageSlot(4 * step + i)
                system.vectorJacobianProduct(t: i == 3 ? t + h - endOffset : t + offset * h, y: Y + i * n, cotangent: kbar,
                                             stateCotangent: ybar, parameterCotangent: parameterCotangent)
                for q in 0..<n { ysum[q] += ybar[q] }
            }
            for q in 0..<n { lambda[q] += ysum[q] }
            if step % m == 0 {
                let c = savedCotangent + (step / m) * n
                for q in 0..<n { lambda[q] += c[q] }
            }
        }
        if steps == 0 { for q in 0..<n { lambda[q] = savedCotangent[q] } }
        initialCotangent?.update(from: lambda, count: n)
    }

    /// The continuous adjoint of the last `forward` on the same grid (Chen et al., NeurIPS 2018,
    /// Algorithm 1; the paper's gradient, torchdiffeq `odeint_adjoint` with fixed-step RK4): from
    /// y(t_end) (the forward's last saved state), a(t_end) = dL/dy(t_end), g = 0, integrate back to t0
    /// with the forward's RK4 steps the augmented system in reversed time
    ///     dy/ds = -f(t, y),   da/ds = a^T df/dy,   dg/ds = a^T df/dtheta,   s = -t,
    /// adding dL/dy(t_j) to a at every saved sample on the way. Then a(t0) = dL/dy0 (written to
    /// `initialCotangent` if not nil) and g(t0) = dL/dtheta (**added** to `parameterCotangent`).
    /// Accurate to the discretisation error of the backward solve (y is recomputed backwards), as the
    /// ODE module's `ContinuousAdjoint`, which a test matches to rounding. Each stage is one network
    /// forward and one reverse pass (a `StageTapedSystem` reuses the forward it just ran).
    public func continuousBackward<S: DifferentiableODESystem>(_ system: S, savedState: UnsafePointer<Double>,
                                                                savedCotangent: UnsafePointer<Double>,
                                                                initialCotangent: UnsafeMutablePointer<Double>?,
                                                                parameterCotangent: UnsafeMutablePointer<Double>) {
        let n = dimension, m = stepsPerSample, h = self.h
        if adjointCapacity < 12 * n {
            adjointWork.deallocate()
            adjointWork = .allocate(capacity: 12 * n)
            adjointCapacity = 12 * n
        }
        let y = adjointWork, a = adjointWork + n, ys = adjointWork + 2 * n, as_ = adjointWork + 3 * n
        let ky = adjointWork + 4 * n, ka = adjointWork + 8 * n
        let samples = steps / m + 1
        let taped = system as? any StageTapedSystem
        y.update(from: savedState + (samples - 1) * n, count: n)
        a.update(from: savedCotangent + (samples - 1) * n, count: n)
        let scaled = work, stateTemp = work + n
        for step in stride(from: steps - 1, through: 0, by: -1) {
            let tStart = time(step: step), tEnd = tStart + h
            for i in 0..<4 {
                // Stage i at reversed-time offset c_i h from tEnd: Z_i = z + h a_{i,i-1} K_{i-1}.
                let c = i == 0 ? 0.0 : (i == 3 ? 1.0 : 0.5)
                if i == 0 {
                    ys.update(from: y, count: n); as_.update(from: a, count: n)
                } else {
                    let f = i == 3 ? h : 0.5 * h
                    let kyPrev = ky + (i - 1) * n, kaPrev = ka + (i - 1) * n
                    for q in 0..<n { ys[q] = y[q] + f * kyPrev[q]; as_[q] = a[q] + f * kaPrev[q] }
                }
                // The first stage sits on the step end: the left limit for a held input.
                let t = i == 0 ? tEnd - endOffset : (i == 3 ? tStart : tEnd - c * h)
                taped?.selectStageSlot(0)
                let kyi = ky + i * n, kai = ka + i * n
                system.evaluate(t: t, y: ys, dydt: kyi)
                for q in 0..<n { kyi[q] = -kyi[q] }
                let w = (i == 0 || i == 3) ? h / 6 : h / 3
                for q in 0..<n { scaled[q] = w * as_[q]; stateTemp[q] = 0 }
                system.vectorJacobianProduct(t: t, y: ys, cotangent: scaled, stateCotangent: stateTemp,
                                             parameterCotangent: parameterCotangent)
                for q in 0..<n { kai[q] = stateTemp[q] / w }
            }
            for q in 0..<n {
                y[q] += h * (ky[q] + 2 * ky[n + q] + 2 * ky[2 * n + q] + ky[3 * n + q]) / 6
                a[q] += h * (ka[q] + 2 * ka[n + q] + 2 * ka[2 * n + q] + ka[3 * n + q]) / 6
            }
            if step % m == 0 {
                let c = savedCotangent + (step / m) * n
                for q in 0..<n { a[q] += c[q] }
            }
        }
        if steps == 0 { for q in 0..<n { a[q] = savedCotangent[q] } }
        initialCotangent?.update(from: a, count: n)
    }
}
