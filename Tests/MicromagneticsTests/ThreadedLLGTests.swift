import Micromagnetics
import ODE
import XCTest

/// `LLGSystem.threads`: the cell loops split over fixed blocks and the demag FFTs on FFTW's threads.
///
/// What is promised (docs/micromagnetics.md, "Threads"): a run is bit-identical for a given thread count;
/// the local terms and the torque give the same bits for every count (each cell's arithmetic does not
/// depend on the split); only the threaded FFTW plans of the demag term may round differently per
/// count, so runs with different counts agree to round-off.
final class ThreadedLLGTests: XCTestCase {
    /// The skyrmion-disk material of Datasets/specs/skyrmion-disk.toml (Chen et al., Nat. Commun. 13, 1016
    /// (2022)) on a smaller disk: 40 nm, 1 nm cells (40 x 40 cells, 1,264 magnetic), every local term the
    /// device has (exchange, uniaxial anisotropy, interfacial DMI, Zeeman) and, if `demag`, the demag term.
    func skyrmionDisk(demag: Bool, threads: Int, precision: Demag.Precision = .float64,
                      split: Demag.ThreadSplit? = nil) throws -> (LLGSystem, [Double]) {
        let mesh = try Mesh(nx: 40, ny: 40, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let material = Material(Msat: 580e3, Aex: 15e-12, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1), Dind: 3.5e-3, alpha: 0.01)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 40e-9), material: material)
        let system = LLGSystem(magnet: magnet, demag: demag, demagPrecision: precision,
                               externalField: { t in SIMD3(0, 0, 0.05 * sin(2e10 * t)) })
        system.threads = threads
        system.term(Demag.self)?.preferredSplit = split
        let m = magnet.neelSkyrmion(radius: 8e-9, wallWidth: 3e-9)
        return (system, m)
    }

    /// RK4 at 25 fs (the skyrmion specs' step) for `steps` steps, renormalised every 10 ps (`LLGSystem.run`).
    func integrate(_ system: LLGSystem, _ m0: [Double], steps: Int) throws -> [Double] {
        var m = m0
        try system.run(&m, from: 0, to: Double(steps) * 25e-15, solver: ODESolver(method: .rk4, stepping: .fixed(step: 25e-15)))
        return m
    }

    func derivative(_ system: LLGSystem, _ m: [Double]) -> [Double] {
        var d = [Double](repeating: .nan, count: m.count)
        m.withUnsafeBufferPointer { y in d.withUnsafeMutableBufferPointer { system.evaluate(t: 3e-12, y: y.baseAddress!, dydt: $0.baseAddress!) } }
        return d
    }

    func testBlocksTileTheCellsInWholeVectors() {
        for (n, t) in [(1_600, 1), (1_600, 2), (1_600, 3), (6_400, 7), (13, 4), (5, 3)] {
            let p = CellPartition(cellCount: n, threads: t)
            XCTAssertEqual(p.bounds.first, 0); XCTAssertEqual(p.bounds.last, n)
            XCTAssertTrue(zip(p.bounds, p.bounds.dropFirst()).allSatisfy { $0 <= $1 }, "\(p.bounds)")
            XCTAssertTrue(p.bounds.dropLast().allSatisfy { $0 % 8 == 0 }, "\(p.bounds)")
            XCTAssertEqual(p.threads, max(1, min(t, n / 8)))
            var seen = [Int](repeating: 0, count: n)
            let lock = NSLock()
            p.forEachBlock { r in lock.lock(); for i in r { seen[i] += 1 }; lock.unlock() }
            XCTAssertEqual(seen, [Int](repeating: 1, count: n), "n \(n), threads \(t)")
        }
    }

    /// Without demag every cell's field and torque are computed by the same arithmetic whatever the
    /// split: 1, 2 and 3 threads give the same bits, for one evaluation and for 400 RK4 steps (10 ps).
    func testLocalTermsAreBitIdenticalForEveryThreadCount() throws {
        let (s1, m) = try skyrmionDisk(demag: false, threads: 1)
        let reference = derivative(s1, m)
        XCTAssertGreaterThan(reference.map(abs).max()!, 1e9, "the skyrmion precesses at GHz rates")
        let run1 = try integrate(s1, m, steps: 400)
        for t in [2, 3] {
            let (s, _) = try skyrmionDisk(demag: false, threads: t)
            XCTAssertEqual(s.threads, t)
            XCTAssertEqual(derivative(s, m), reference, "\(t) threads")
            XCTAssertEqual(try integrate(s, m, steps: 400), run1, "\(t) threads")
        }
    }

    /// The thread configurations the demag tests run: two threads split both ways (by field components
    /// and by the transform's shares), three by shares (where `.components` does not apply).
    let splits: [(threads: Int, split: Demag.ThreadSplit?, used: Demag.ThreadSplit)] =
        [(2, .components, .components), (2, .shares, .shares), (3, nil, .shares), (3, .components, .shares)]

    /// The default split of a single layer on two threads is by field components in both precisions;
    /// one thread splits nothing (`.shares`), a preference applies only where it can, and a thread count
    /// change re-chooses.
    func testDefaultSplitFollowsThreadCount() throws {
        for precision in Demag.Precision.allCases {
            let (s, _) = try skyrmionDisk(demag: true, threads: 2, precision: precision)
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, .components, "\(precision)")
            s.term(Demag.self)?.preferredSplit = .shares
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, .shares, "\(precision), asked for shares")
            s.threads = 1
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, .shares, "\(precision), 1 thread")
            s.term(Demag.self)?.preferredSplit = .components
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, .shares, "\(precision), 1 thread asked for components")
            s.threads = 2
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, .components, "\(precision), asked for components")
        }
    }

    /// With demag: two runs with the same thread count (and split) are bit-identical (fixed blocks,
    /// FFTW_ESTIMATE plans); 2 and 3 threads agree with 1 to round-off.
    ///
    /// Bounds: FFTW's error is O(eps log N) relative to the transformed data (Frigo and Johnson, Proc.
    /// IEEE 93, 216 (2005)); for the 80 x 80 padded grid eps log2 N ~ 1.1e-16 x 13 = 1.4e-15 per transform,
    /// so the derivative is held to 1e-13 of its largest component (about 70x that). Over 400 RK4 steps the
    /// difference is carried by the dynamics (no exponential growth over 10 ps of a damped skyrmion);
    /// |m| = 1, so 1e-11 absolute is still 1e4 times the rounding of one step's update.
    func testDemagRunsRepeatBitForBitAndAgreeAcrossThreadCounts() throws {
        let (s1, m) = try skyrmionDisk(demag: true, threads: 1)
        let d1 = derivative(s1, m)
        let scale = d1.map(abs).max()!
        let run1 = try integrate(s1, m, steps: 400)
        for (t, split, used) in splits {
            let (s, _) = try skyrmionDisk(demag: true, threads: t, split: split)
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, used, "\(t) threads, \(String(describing: split))")
            let d = derivative(s, m)
            let dd = zip(d, d1).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(dd, 1e-13 * scale, "\(t) threads, \(used): derivative differs by \(dd / scale) relative")
            let first = try integrate(s, m, steps: 400)
            let (again, _) = try skyrmionDisk(demag: true, threads: t, split: split)
            XCTAssertEqual(try integrate(again, m, steps: 400), first, "\(t) threads: a repeated run differs")
            let dm = zip(first, run1).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(dm, 1e-11, "\(t) threads, \(used): m after 10 ps differs from 1 thread by \(dm)")
        }
    }

    /// Single-precision demag transforms (`Demag.Precision.float32`): a given thread count repeats bit for
    /// bit; other counts agree with one thread to Float32 round-off of the demag field (the shares' single-
    /// precision plans round differently); and the run stays within round-off of the Float64 one.
    func testFloat32DemagRunsRepeatBitForBitAndAgreeAcrossThreadCounts() throws {
        let (s1, m) = try skyrmionDisk(demag: true, threads: 1, precision: .float32)
        let d1 = derivative(s1, m)
        let scale = d1.map(abs).max()!
        let run1 = try integrate(s1, m, steps: 400)
        let (s64, _) = try skyrmionDisk(demag: true, threads: 1)
        let d64 = derivative(s64, m)
        let dPrecision = zip(d1, d64).map { abs($0 - $1) }.max()!
        print("float32 demag: derivative differs from float64 by \(dPrecision / scale) relative")
        XCTAssertLessThanOrEqual(dPrecision, 1e-6 * scale)
        XCTAssertGreaterThan(dPrecision, 1e-12 * scale, "the float32 path gave Float64 bits")
        let mPrecision = zip(run1, try integrate(s64, m, steps: 400)).map { abs($0 - $1) }.max()!
        print("float32 demag: m after 10 ps differs from float64 by \(mPrecision)")
        XCTAssertLessThanOrEqual(mPrecision, 1e-6)
        for (t, split, used) in splits {
            let (s, _) = try skyrmionDisk(demag: true, threads: t, precision: .float32, split: split)
            XCTAssertEqual(s.term(Demag.self)?.threadSplit, used, "\(t) threads, \(String(describing: split))")
            let dd = zip(derivative(s, m), d1).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(dd, 1e-6 * scale, "\(t) threads: derivative differs by \(dd / scale) relative")
            let first = try integrate(s, m, steps: 400)
            let (again, _) = try skyrmionDisk(demag: true, threads: t, precision: .float32, split: split)
            XCTAssertEqual(try integrate(again, m, steps: 400), first, "\(t) threads: a repeated run differs")
            let dm = zip(first, run1).map { abs($0 - $1) }.max()!
            print("float32 demag, \(t) threads, \(used): derivative \(dd / scale) relative, m after 10 ps \(dm) from 1 thread")
            XCTAssertLessThanOrEqual(dm, 1e-6, "\(t) threads: m after 10 ps differs from 1 thread by \(dm)")
        }
    }

    /// The demag term as a plain threaded term: its own three passes, the local terms and the torque in
    /// passes of their own (how `LLGSystem` ran every threaded evaluation before `CellPassFieldTerm`).
    final class UnfusedDemag: ThreadedFieldTerm {
        let demag: Demag
        init(_ demag: Demag) { self.demag = demag }
        var name: String { demag.name }
        var energyFactor: Double { demag.energyFactor }
        func setPartition(_ partition: CellPartition) { demag.setPartition(partition) }
        func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
            demag.addField(t: t, m: m, into: b)
        }
    }

    /// The local terms before and after the demag term (exchange, anisotropy and DMI; Zeeman) and the
    /// torque run inside the demag's gather and scatter passes; each cell still gets its terms in the same
    /// order, so the derivative is bit for bit that of the unfused passes, for both precisions and for
    /// 2 and 3 threads.
    func testFusedPassesGiveTheUnfusedDerivativeBitForBit() throws {
        for precision in Demag.Precision.allCases {
            let (reference, m) = try skyrmionDisk(demag: true, threads: 1, precision: precision)
            let magnet = try Magnet(mesh: reference.mesh, shape: .disk(diameter: 40e-9),
                                    material: Material(Msat: 580e3, Aex: 15e-12, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1),
                                                       Dind: 3.5e-3, alpha: 0.01))
            let p = magnet.cellParameters(), mesh = magnet.mesh
            let terms: [FieldTerm] = [Exchange(mesh: mesh, parameters: p), UniaxialAnisotropy(mesh: mesh, parameters: p),
                                      InterfacialDMI(mesh: mesh, parameters: p),
                                      UnfusedDemag(Demag(mesh: mesh, parameters: p, precision: precision)),
                                      Zeeman(mesh: mesh, parameters: p, field: { t in SIMD3(0, 0, 0.05 * sin(2e10 * t)) })]
            let unfused = LLGSystem(magnet: magnet, terms: terms)
            XCTAssertEqual(unfused.terms.map(\.name), reference.terms.map(\.name))
            for (t, split, used) in splits {
                let (fused, _) = try skyrmionDisk(demag: true, threads: t, precision: precision, split: split)
                unfused.threads = t
                (unfused.terms[3] as! UnfusedDemag).demag.preferredSplit = split
                let d = derivative(fused, m)
                XCTAssertGreaterThan(d.map(abs).max()!, 1e9)
                XCTAssertEqual(d, derivative(unfused, m), "\(precision), \(t) threads, \(used)")
            }
        }
    }

    /// The solver's stage combinations run on the system's threads (`forEachStateRange`): the ranges
    /// cover every state index exactly once, and a threaded RK4 run equals one with the combinations on
    /// the calling thread bit for bit.
    func testStateRangesCoverTheStateOnceAndSplitTheCombinations() throws {
        for t in [1, 2, 3] {
            let (s, m) = try skyrmionDisk(demag: false, threads: t)
            let seen = UnsafeMutablePointer<Int>.allocate(capacity: s.dimension)
            seen.initialize(repeating: 0, count: s.dimension)
            defer { seen.deallocate() }
            var ranges = 0
            let lock = NSLock()
            s.forEachStateRange { r in
                for i in r { seen[i] += 1 }
                lock.lock(); ranges += 1; lock.unlock()
            }
            XCTAssertEqual(ranges, 3 * t)
            XCTAssertEqual((0..<s.dimension).filter { seen[$0] != 1 }.count, 0, "\(t) threads")
            if t > 1 {
                // The same system behind a wrapper that keeps the default (serial) state ranges.
                final class Serial: ODESystem {
                    let s: LLGSystem
                    init(_ s: LLGSystem) { self.s = s }
                    var dimension: Int { s.dimension }
                    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
                        s.evaluate(t: t, y: y, dydt: dydt)
                    }
                }
                let solver = ODESolver(method: .rk4, stepping: .fixed(step: 25e-15))
                let threaded = try solver.solve(s, y0: m, t0: 0, t1: 4e-12).finalState
                let serial = try solver.solve(Serial(s), y0: m, t0: 0, t1: 4e-12).finalState
                XCTAssertEqual(threaded, serial, "\(t) threads")
                XCTAssertNotEqual(threaded, m)
            }
        }
    }

    /// The thread count can change between stages (the spec's per-stage `threads`): the field after a
    /// change equals that of a system built with the new count.
    func testChangingThreadsReplansTheDemagTransforms() throws {
        let (s, m) = try skyrmionDisk(demag: true, threads: 1)
        s.threads = 2
        let (s2, _) = try skyrmionDisk(demag: true, threads: 2)
        XCTAssertEqual(derivative(s, m), derivative(s2, m))
        XCTAssertEqual(s.maxTorque(m: m), s2.maxTorque(m: m))
        s.threads = 1
        let (s1, _) = try skyrmionDisk(demag: true, threads: 1)
        XCTAssertEqual(derivative(s, m), derivative(s1, m))
    }
}
