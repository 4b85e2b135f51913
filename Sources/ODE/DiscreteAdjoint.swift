import CVectorExtension
/// Reverse-mode differentiation through the solver's own accepted steps ("discretise then
/// optimise"): the exact gradient of the computed solution, with the accepted step sizes treated as
/// constants (as diffrax's RecursiveCheckpointAdjoint).
///
/// For a step Y_i = y_n + h sum_{j<i} a_ij k_j, k_i = f(t_n + c_i h, Y_i), y_{n+1} = y_n + h sum_i b_i k_i,
/// and the cotangent lambda_{n+1} = dL/dy_{n+1}, the backward step is
///
///     kbar_i  = h b_i lambda_{n+1} + h B_i(theta) g   (g: cotangents of save times inside the step),
///     for i = s, ..., 1:  Ybar_i = kbar_i^T df/dy(Y_i),  thetabar += kbar_i^T df/dtheta(Y_i),
///                         kbar_j += h a_ij Ybar_i  (j < i),
///     lambda_n = lambda_{n+1} + g + sum_i Ybar_i,
///
/// one vector-Jacobian product per stage with a nonzero cotangent. Save times inside a step are
/// differentiated through the dense-output weights B_i(theta) (and the end derivative of a cubic
/// Hermite interpolant, one more product at y_{n+1}).
///
/// Checkpointing (Griewank and Walther, ACM TOMS 26, 19 (2000)): `.allStages` keeps every stage state
/// of every accepted step (no recomputation; memory (s + 1) n per step) and, when the system offers
/// forward records (`DifferentiableODESystem.tapeLength` > 0), the record of every stage evaluation
/// too (memory (s + 1) tapeLength per step), so each product skips its forward pass; `.every(m)` keeps
/// the state at every m-th step and recomputes each segment of m steps forward before reversing it
/// (memory n N/m + (s + 1) n m, one extra forward pass, no records).
///
/// For FSAL methods the last stage of a step is the next step's k_1 (same point), so its
/// dense-output cotangent is added to the next step's kbar_1: s - 1 products per step instead of s.
public struct DiscreteAdjoint: AdjointMethod {
    /// What the forward pass stores.
    public enum Checkpointing: Sendable, Equatable {
        /// Every stage state of every step.
        case allStages
        /// The state at every m-th step; the rest recomputed.
        case every(Int)
    }

    public var checkpointing: Checkpointing

    public init(checkpointing: Checkpointing = .allStages) {
        self.checkpointing = checkpointing
    }

    public func gradient<S: DifferentiableODESystem, L: ObservationLoss>(
        solver: ODESolver, system: S, y0: [Double], t0: Double, t1: Double, saveAt: [Double],
        jumpTimes: [Double], loss: L, cache: ODESolverCache) throws -> ODEGradient {
        let n = system.dimension, p = system.parameterCount
        guard y0.count == n else { throw ODEError.invalidArgument("y0 has \(y0.count) values, system dimension \(n)") }
        if case let .every(m) = checkpointing, m < 1 {
            throw ODEError.invalidArgument("checkpoint interval \(m) must be at least 1")
        }
        let rk = RungeKuttaStep(solver.method)
        let s = rk.s
        let tape = cache.discreteTape ?? DiscreteAdjointTape()
        cache.discreteTape = tape
        // Forward records of the system (`tapeLength` > 0) are kept for every stage when all stages are stored.
        let tapeLength = checkpointing == .allStages ? system.tapeLength : 0
        let taping = tapeLength > 0 ? TapingSystem(system) : nil
        tape.reset(n: n, s: s, fsal: solver.method.isFSAL, checkpointing: checkpointing, tapeLength: tapeLength,
                   destination: taping)

        // Forward pass, recording the accepted steps.
        var states = [Double](repeating: 0, count: saveAt.count * n)
        var finalState = [Double](repeating: 0, count: n)
        let outcome = try y0.withUnsafeBufferPointer { y0p in
            try states.withUnsafeMutableBufferPointer { sp in
                try finalState.withUnsafeMutableBufferPointer { fp in
                    if let taping {
                        return try solver.integrate(taping, y0: y0p.baseAddress!, t0: t0, t1: t1, saveAt: saveAt,
                                                    jumpTimes: jumpTimes, saved: sp.baseAddress, final: fp.baseAddress!,
                                                    cache: cache, recorder: tape)
                    }
                    return try solver.integrate(system, y0: y0p.baseAddress!, t0: t0, t1: t1, saveAt: saveAt,
                                                jumpTimes: jumpTimes, saved: sp.baseAddress, final: fp.baseAddress!,
                                                cache: cache, recorder: tape)
                }
            }
        }
        tape.destination = nil
        let solution = ODESolution(times: saveAt, dimension: n, states: states, finalState: finalState,
                                   statistics: outcome.statistics)
        let (value, cotangent) = loss.valueAndCotangent(of: solution)

        // Backward pass.
        var parameterGradient = [Double](repeating: 0, count: p)
        var lambda = [Double](repeating: 0, count: n)
        var backward = ODEStatistics()
        tape.reserveBackward(n: n, s: s)
        cotangent.withUnsafeBufferPointer { cot in
            parameterGradient.withUnsafeMutableBufferPointer { thetaBar in
                lambda.withUnsafeMutableBufferPointer { lam in
                    backward = tape.reverse(system: system, rk: rk, saveAt: saveAt, cotangent: cot.baseAddress!,
                                            lambda: lam.baseAddress!, parameterCotangent: thetaBar.baseAddress!,
                                            cache: cache)
                }
            }
        }
        backward.acceptedSteps = tape.stepCount
        return ODEGradient(loss: value, parameterGradient: parameterGradient, initialStateGradient: lambda,
                           solution: solution, forwardStatistics: outcome.statistics, backwardStatistics: backward)
    }
}

/// The discrete adjoint's record of a forward pass and its backward kernel. Lives in the solver
/// cache so repeated gradients reuse its storage.
final class DiscreteAdjointTape: StepRecorder {
    struct Step {
        var t: Double, tNew: Double, tEnd: Double, h: Double
        var saves: Range<Int>
        /// Offset in `records` of the forward record of this step's k_1 (its own slot 0, or the slot of
        /// the previous step's evaluation it reused).
        var k1Record: Int
    }
    var n = 0, s = 0
    var fsal = false
    /// The system's forward records: per accepted step a block of s + 1 slots of `tapeLength`
    /// (stages 0..<s, then the Hermite end derivative).
    var tapeLength = 0
    var records = LargeBuffer.allocate(1)
    var recordsCapacity = 0
    var currentK1Record = 0
    weak var destination: TapeDestination?
    var checkpointing: DiscreteAdjoint.Checkpointing = .allStages
    var steps: [Step] = []
    /// `.allStages`: per step (s + 1) n values: Y_1 = y_n, Y_2, ..., Y_s, y_{n+1}.
    /// `.every(m)`: y_n of steps 0, m, 2m, ...
    var stored: [Double] = []
    /// The final state (needed to end the last segment when recomputing).
    var stepCount: Int { steps.count }

    // Backward workspaces.
    var kBar = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    var yBar = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    var stageBar = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    var endBar = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    /// Recomputed segment: per step (s + 1) n as in `.allStages`.
    var segment = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    var capacityN = 0, capacityS = 0, capacitySegment = 0

    deinit {
        kBar.deallocate(); yBar.deallocate(); stageBar.deallocate(); endBar.deallocate(); segment.deallocate()
        LargeBuffer.release(records)
    }

    func reset(n: Int, s: Int, fsal: Bool, checkpointing: DiscreteAdjoint.Checkpointing, tapeLength: Int,
               destination: TapeDestination?) {
        self.n = n
        self.s = s
        self.fsal = fsal
        self.checkpointing = checkpointing
        self.tapeLength = tapeLength
        self.destination = destination
        currentK1Record = 0
        steps.removeAll(keepingCapacity: true)
        stored.removeAll(keepingCapacity: true)
    }

    /// Offset of slot `stage` of the record block of step `step`.
    @inline(__always)
    func recordOffset(step: Int, stage: Int) -> Int { (step * (s + 1) + stage) * tapeLength }

    func willEvaluate(stage: Int) {
        guard tapeLength > 0, let destination else { return }
        if stage < 0 {
            destination.destination = nil
            destination.nextDestination = nil
            return
        }
        let need = recordOffset(step: steps.count + 1, stage: 0)
        if need > recordsCapacity {
            let capacity = max(need, 2 * recordsCapacity)
            let grown = LargeBuffer.allocate(capacity)
            let used = recordOffset(step: steps.count, stage: 0)
            grown.update(from: records, count: used)
            LargeBuffer.release(records)
            records = grown
            recordsCapacity = capacity
        }
        let offset = recordOffset(step: steps.count, stage: stage)
        if stage == 0 { currentK1Record = offset }
        destination.destination = records + offset
        // The next evaluation most likely writes the slot after this one (after an FSAL method's last
        // stage: the next step's stage 1, its k_1 being this evaluation): request it now, and tell the
        // system (which may request it again in parts while it computes).
        let next = fsal && stage == s - 1 ? recordOffset(step: steps.count + 1, stage: 1) : offset + tapeLength
        if next + tapeLength <= recordsCapacity {
            spinode_prefetch_range_for_write(records + next, tapeLength * MemoryLayout<Double>.stride)
            destination.nextDestination = records + next
        } else {
            destination.nextDestination = nil
        }
    }

    func reserveBackward(n: Int, s: Int) {
        let m: Int
        if case let .every(every) = checkpointing { m = every } else { m = 0 }
        if n > capacityN || s > capacityS {
            kBar.deallocate(); yBar.deallocate(); stageBar.deallocate(); endBar.deallocate()
            kBar = .allocate(capacity: s * n)
            yBar = .allocate(capacity: n)
            stageBar = .allocate(capacity: n)
            endBar = .allocate(capacity: n)
            capacityN = n
            capacityS = s
            capacitySegment = 0
        }
        let need = m * (s + 1) * n
        if need > capacitySegment {
            segment.deallocate()
            segment = .allocate(capacity: need)
            capacitySegment = need
        }
    }

    func accepted(t: Double, tNew: Double, tEnd: Double, h: Double, saves: Range<Int>, step: RungeKuttaStep,
                  cache: ODESolverCache, n: Int) {
        switch checkpointing {
        case .allStages:
            for i in 0..<s {
                stored.append(contentsOf: UnsafeBufferPointer(start: step.stageState(i, cache: cache, n: n), count: n))
            }
            stored.append(contentsOf: UnsafeBufferPointer(start: cache.yNew, count: n))
        case let .every(m):
            if steps.count % m == 0 {
                stored.append(contentsOf: UnsafeBufferPointer(start: cache.y, count: n))
            }
        }
        steps.append(Step(t: t, tNew: tNew, tEnd: tEnd, h: h, saves: saves, k1Record: currentK1Record))
        // The next step reuses this step's last stage (FSAL) or end derivative as its k_1 unless it
        // evaluates k_1 afresh (which calls willEvaluate(stage: 0) and overrides this).
        currentK1Record = recordOffset(step: steps.count - 1, stage: fsal ? s - 1 : s)
    }

    /// Recomputes steps [first, last) from the checkpoint y_first into `segment` (layout of `.allStages`).
    func recompute<S: ODESystem>(system: S, rk: RungeKuttaStep, first: Int, last: Int, from y: UnsafePointer<Double>,
                                 cache: ODESolverCache) -> Int {
        var evaluations = 0
        cache.y.update(from: y, count: n)
        for j in first..<last {
            let st = steps[j]
            system.evaluate(t: st.t, y: cache.y, dydt: cache.k)
            evaluations += 1
            // The last FSAL stage is y_{n+1} itself; its derivative is not needed to rebuild the stages.
            evaluations += rk.stages(system, t: st.t, h: st.h, tEnd: st.tEnd, n: n, cache: cache, evaluateLast: false)
            let block = segment + (j - first) * (s + 1) * n
            for i in 0..<s { (block + i * n).update(from: rk.stageState(i, cache: cache, n: n), count: n) }
            (block + s * n).update(from: cache.yNew, count: n)
            cache.swapStates()
        }
        return evaluations
    }

    /// The backward sweep. `lambda` (zeroed) receives dL/dy0, `parameterCotangent` (zeroed) dL/dtheta.
    func reverse<S: DifferentiableODESystem>(system: S, rk: RungeKuttaStep, saveAt: [Double],
                                             cotangent: UnsafePointer<Double>, lambda: UnsafeMutablePointer<Double>,
                                             parameterCotangent: UnsafeMutablePointer<Double>,
                                             cache: ODESolverCache) -> ODEStatistics {
        stored.withUnsafeBufferPointer { storedBuffer in
            reverse(system: system, rk: rk, saveAt: saveAt, cotangent: cotangent, lambda: lambda,
                    parameterCotangent: parameterCotangent, cache: cache, stored: storedBuffer.baseAddress)
        }
    }

    private func reverse<S: DifferentiableODESystem>(system: S, rk: RungeKuttaStep, saveAt: [Double],
                                                     cotangent: UnsafePointer<Double>, lambda: UnsafeMutablePointer<Double>,
                                                     parameterCotangent: UnsafeMutablePointer<Double>,
                                                     cache: ODESolverCache, stored: UnsafePointer<Double>?) -> ODEStatistics {
        var stats = ODEStatistics()
        let tableau = rk.tableau
        let dense = tableau.denseOutput
        let weights = cache.weights
        var kNonzero = [Bool](repeating: false, count: s)
        var segmentFirst = -1
        var j = steps.count - 1
        while j >= 0 {
            let st = steps[j]
            // Stage states of step j.
            let block: UnsafePointer<Double>
            switch checkpointing {
            case .allStages:
                block = stored! + j * (s + 1) * n
            case let .every(m):
                let first = (j / m) * m
                if first != segmentFirst {
                    let last = min(first + m, steps.count)
                    let checkpoint = stored! + (first / m) * n
                    stats.rhsEvaluations += recompute(system: system, rk: rk, first: first, last: last,
                                                      from: checkpoint, cache: cache)
                    segmentFirst = first
                }
                block = UnsafePointer(segment + (j - first) * (s + 1) * n)
            }
            let h = st.h
            // Cotangents of the save times this step served.
            kBar.initialize(repeating: 0, count: s * n)
            for i in 0..<s { kNonzero[i] = false }
            yBar.initialize(repeating: 0, count: n)
            var endUsed = false
            // FSAL: the last stage of step j is f(t_{j+1}, y_{j+1}), the same evaluation as k_1 of step j + 1
            // (unless a jump separates them), so its interpolation cotangent joins step j + 1's kbar_1
            // and one vector-Jacobian product per step is saved.
            let fsalLast = s - 1
            if tableau.isFSAL && j > 0 && steps[j - 1].tEnd == steps[j - 1].tNew {
                let prev = steps[j - 1]
                for idx in prev.saves where saveAt[idx] != prev.tNew {
                    dense.weights(theta: (saveAt[idx] - prev.t) / prev.h, into: weights)
                    if weights[fsalLast] == 0 { continue }
                    let hw = prev.h * weights[fsalLast], g = cotangent + idx * n
                    for q in 0..<n { kBar[q] += hw * g[q] }
                    kNonzero[0] = true
                }
            }
            let mergedIntoNext = tableau.isFSAL && j < steps.count - 1 && st.tEnd == st.tNew
            for idx in st.saves {
                let g = cotangent + idx * n
                if saveAt[idx] == st.tNew {
                    for q in 0..<n { lambda[q] += g[q] }
                    continue
                }
                dense.weights(theta: (saveAt[idx] - st.t) / h, into: weights)
                for q in 0..<n { yBar[q] += g[q] }
                for i in 0..<s where weights[i] != 0 && !(mergedIntoNext && i == fsalLast) {
                    let hw = h * weights[i], kb = kBar + i * n
                    for q in 0..<n { kb[q] += hw * g[q] }
                    kNonzero[i] = true
                }
                if dense.needsEndDerivative && weights[s] != 0 {
                    if !endUsed { endBar.initialize(repeating: 0, count: n); endUsed = true }
                    let hw = h * weights[s]
                    for q in 0..<n { endBar[q] += hw * g[q] }
                }
            }
            // The Hermite end derivative f(tEnd, y_{n+1}) feeds lambda_{n+1}.
            let taped = tapeLength > 0
            if endUsed {
                if taped {
                    system.willUseRecordAfterThisCall(records + recordOffset(step: j, stage: s - 1), forWriting: false)
                    system.vectorJacobianProduct(t: st.tEnd, y: block + s * n, tape: records + recordOffset(step: j, stage: s),
                                                 cotangent: endBar, stateCotangent: lambda,
                                                 parameterCotangent: parameterCotangent)
                } else {
                    system.vectorJacobianProduct(t: st.tEnd, y: block + s * n, cotangent: endBar,
                                                 stateCotangent: lambda, parameterCotangent: parameterCotangent)
                }
                stats.vjpEvaluations += 1
            }
            // kbar_i += h b_i lambda_{n+1}.
            for (i, b) in rk.bTerms {
                let hb = h * b, kb = kBar + i * n
                for q in 0..<n { kb[q] += hb * lambda[q] }
                kNonzero[i] = true
            }
            for q in 0..<n { yBar[q] += lambda[q] }
            // Stages in reverse.
            for i in stride(from: s - 1, through: 0, by: -1) where kNonzero[i] {
                let ti = rk.stageTime(i, t: st.t, h: h, tEnd: st.tEnd)
                stageBar.initialize(repeating: 0, count: n)
                if taped {
                    let record = records + (i == 0 ? st.k1Record : recordOffset(step: j, stage: i))
                    // The record the sweep most likely reads next (stage i - 1, or the last stage of
                    // the step before; for FSAL the one before it, the last stage being this step's
                    // k_1): request it while this one is used.
                    let next = i > 1 ? recordOffset(step: j, stage: i - 1) : i == 1 ? st.k1Record
                        : j == 0 ? -1
                        : recordOffset(step: j - 1, stage: tableau.isFSAL && steps[j - 1].tEnd == steps[j - 1].tNew ? s - 2 : s - 1)
                    if next >= 0 { spinode_prefetch_range(records + next, tapeLength * MemoryLayout<Double>.stride) }
                    system.willUseRecordAfterThisCall(next >= 0 ? UnsafeRawPointer(records + next) : nil, forWriting: false)
                    system.vectorJacobianProduct(t: ti, y: block + i * n, tape: record, cotangent: kBar + i * n,
                                                 stateCotangent: stageBar, parameterCotangent: parameterCotangent)
                } else {
                    system.vectorJacobianProduct(t: ti, y: block + i * n, cotangent: kBar + i * n,
                                                 stateCotangent: stageBar, parameterCotangent: parameterCotangent)
                }
                stats.vjpEvaluations += 1
                for q in 0..<n { yBar[q] += stageBar[q] }
                for (jj, a) in rk.aRows[i] {
                    let ha = h * a, kb = kBar + jj * n
                    for q in 0..<n { kb[q] += ha * stageBar[q] }
                    kNonzero[jj] = true
                }
            }
            lambda.update(from: yBar, count: n)
            j -= 1
        }
        if tapeLength > 0 { system.flushParameterCotangent(parameterCotangent) }
        // Save times at t0 (served before the first step).
        let atStart = steps.first?.saves.lowerBound ?? saveAt.count
        for idx in 0..<atStart {
            let g = cotangent + idx * n
            for q in 0..<n { lambda[q] += g[q] }
        }
        return stats
    }
}

/// Where a taping system writes its next forward record (nil: do not record).
protocol TapeDestination: AnyObject {
    /// Where the next evaluation writes its record (nil: no record).
    var destination: UnsafeMutablePointer<Double>? { get set }
    /// The record the evaluation after it will most likely write (a hint for the system).
    var nextDestination: UnsafeMutablePointer<Double>? { get set }
}

/// Forwards evaluations to a differentiable system, writing its forward record to `destination`
/// when one is set (the discrete adjoint's forward pass).
final class TapingSystem<Base: DifferentiableODESystem>: ODESystem, TapeDestination {
    let base: Base
    var destination: UnsafeMutablePointer<Double>?
    var nextDestination: UnsafeMutablePointer<Double>?
    var dimension: Int { base.dimension }

    init(_ base: Base) { self.base = base }

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        if let destination {
            base.willUseRecordAfterThisCall(nextDestination.map { UnsafeRawPointer($0) }, forWriting: true)
            base.evaluate(t: t, y: y, dydt: dydt, tape: destination)
        } else {
            base.evaluate(t: t, y: y, dydt: dydt)
        }
    }
}
