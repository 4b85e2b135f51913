import Micromagnetics
import Numerics
import ODE

/// The micromagnetic model a spec describes: the magnet, its LLG system with every term the spec asks
/// for, and handles on the terms a stage or a drive changes (applied field, Ku1, current density).
/// Shared by `SimulationRunner` and `MicromagneticDevice`.
final class MagnetModel {
    let spec: SimulationSpec.MagnetSpec
    let file: String
    let seed: UInt64
    let magnet: Magnet
    let system: LLGSystem
    let zeeman: Zeeman
    private(set) var anisotropy: UniaxialAnisotropy?
    let stt: SlonczewskiTorque?
    /// Interfacial DMI (nil without one), for a `Dind` drive.
    let dmi: InterfacialDMI?
    private(set) var thermal: ThermalField?

    init(spec: SimulationSpec.MagnetSpec, file: String, seed: UInt64, needsAnisotropy: Bool) throws {
        self.spec = spec; self.file = file; self.seed = seed
        do {
            var magnet = try Magnet(mesh: spec.mesh, shape: .universe, material: spec.material)
            for r in spec.regions { try magnet.setRegion(r.id, shape: r.shape, material: r.material) }
            magnet.setGeometry(spec.geometry)
            guard magnet.magneticCellCount > 0 else { throw MicromagneticsError.emptyGeometry }
            magnet.grains = spec.grains
            self.magnet = magnet
        } catch let e as MicromagneticsError {
            throw SpecError.simulation(file: file, stage: "geometry", reason: e.description)
        }
        system = LLGSystem(magnet: magnet, demag: spec.terms.demag, demagKernel: spec.terms.demagKernel,
                           demagPrecision: spec.terms.demagPrecision, externalField: nil)
        let base = spec.terms.field
        zeeman = Zeeman(mesh: spec.mesh, parameters: system.parameters, field: { _ in base })
        system.add(zeeman)
        anisotropy = system.term(UniaxialAnisotropy.self)
        if anisotropy == nil && needsAnisotropy {
            let a = UniaxialAnisotropy(mesh: spec.mesh, parameters: system.parameters)
            system.add(a)
            anisotropy = a
        }
        if let s = spec.terms.slonczewski {
            let j = s.J
            let torque = SlonczewskiTorque(mesh: spec.mesh, parameters: system.parameters, polarizer: s.polarizer,
                                           polarization: s.P, lambda: s.Lambda, epsilonPrime: s.epsilonPrime,
                                           thickness: s.thickness, currentDensity: { _ in j })
            system.add(torque)
            stt = torque
        } else {
            stt = nil
        }
        dmi = system.term(InterfacialDMI.self)
    }

    /// Adds the thermal field (once, before the first dynamics stage: relax and minimize run without it).
    func enableThermal() {
        guard thermal == nil, spec.terms.temperature > 0 else { return }
        let th = ThermalField(mesh: spec.mesh, parameters: system.parameters, temperature: spec.terms.temperature,
                              seed: seed ^ 0x7468_6572_6D61_6C00)
        system.add(th)
        thermal = th
    }

    /// The `[initial]` state (planar, unit vectors in magnetic cells).
    func initialState() throws -> [Double] {
        switch spec.initial {
        case .uniform(let u): return magnet.uniform(u)
        case let .neelSkyrmions(centres, radius, wallWidth, core):
            return magnet.neelSkyrmions(centres: centres, radius: radius, wallWidth: wallWidth, core: core)
        case let .mumaxNeelSkyrmion(charge, pol, centre, diameter, background):
            return magnet.mumaxNeelSkyrmion(charge: charge, polarisation: pol, centre: centre, diameter: diameter,
                                            background: background)
        case .random(let s):
            var rng = SeededRandom(seed: s)
            return magnet.magnetisation { _ in
                while true {
                    let v = SIMD3(rng.normal(), rng.normal(), rng.normal())
                    if (v * v).sum() > 1e-12 { return v }
                }
            }
        case .ovf(let path):
            let f: OVFField
            do { f = try OVFField.read(from: path) } catch {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"", requirement: "\(error)")
            }
            let mesh = spec.mesh
            guard f.nx == mesh.nx, f.ny == mesh.ny, f.nz == mesh.nz, f.valueDimension == 3 else {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"",
                    requirement: "holds \(f.nx) x \(f.ny) x \(f.nz) cells of dimension \(f.valueDimension), the mesh is \(mesh.nx) x \(mesh.ny) x \(mesh.nz) vectors")
            }
            let n = mesh.cellCount
            var m = [Double](repeating: 0, count: 3 * n)
            for i in 0..<n where magnet.region[i] >= 0 {
                let v = SIMD3(f.values[3 * i], f.values[3 * i + 1], f.values[3 * i + 2])
                let r = (v * v).sum().squareRoot()
                guard r > 0 else {
                    throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"",
                                                 requirement: "cell \(i) is magnetic in the spec but zero in the file")
                }
                m[i] = v.x / r; m[n + i] = v.y / r; m[2 * n + i] = v.z / r
            }
            return m
        }
    }

    /// Sets the stage's damping, applied field and drive. `stageStart` is the global time (s) at which
    /// the stage's drive time tau = 0.
    func configure(run: SimulationSpec.Run?, drives: [Drive], stageStart: Double, pieces: [Int]? = nil) {
        system.dampingOverride = run?.alpha
        system.normTolerance = run?.normTolerance ?? 1e-2
        let baseField = run?.field ?? spec.terms.field
        let baseJ = spec.terms.slonczewski?.J ?? 0
        let baseD = spec.material.Dind
        zeeman.field = { _ in baseField }
        anisotropy?.deltaKu = nil
        dmi?.strength = nil
        stt?.currentDensity = { _ in baseJ }
        let t0 = stageStart
        var field: [@Sendable (Double) -> SIMD3<Double>] = []
        for (k, drive) in drives.enumerated() {
            let value: @Sendable (Double) -> Double
            if let i = pieces?[k] { value = { t in drive.value(at: t, origin: t0, piece: i) } }
            else { value = { t in drive.value(at: t, origin: t0) } }
            switch drive.target {
            case .Ku1: anisotropy?.deltaKu = { t in value(t) }
            case .Dind: dmi?.strength = { t in (baseD + value(t)) / baseD }
            case .field_x: field.append { t in SIMD3(value(t), 0, 0) }
            case .field_y: field.append { t in SIMD3(0, value(t), 0) }
            case .field_z: field.append { t in SIMD3(0, 0, value(t)) }
            case .current_density: stt?.currentDensity = { t in baseJ + value(t) }
            case .current: break
            }
        }
        if !field.isEmpty { zeeman.field = { [field] t in field.reduce(baseField) { $0 + $1(t) } } }
    }

    /// Integrates m over [a, b] in the stage `run` (started at `origin`) one drive piece at a time: the
    /// interval is split at the drive's jumps and each part is solved with the piece index frozen, so
    /// every step, including one ending on a jump, sees the right value. `observe` as `LLGSystem.run`.
    @discardableResult
    func integrate(_ m: inout [Double], from a: Double, to b: Double, run: SimulationSpec.Run, drives: [Drive],
                   origin: Double, sampleTimes: [Double] = [],
                   observe: ((Double, UnsafePointer<Double>) -> Void)? = nil) throws -> ODEStatistics {
        var cuts = [a]
        for d in drives {
            let jumps = d.jumps(duration: b - origin + d.hold).map { origin + $0 }
            cuts += jumps.filter { $0 > a && $0 < b }
        }
        cuts = Array(Set(cuts)).sorted() + [b]
        var stats = ODEStatistics()
        for k in 0..<(cuts.count - 1) {
            let p = cuts[k], q = cuts[k + 1]
            configure(run: run, drives: drives, stageStart: origin, pieces: drives.map { $0.piece(at: p, origin: origin) })
            let samples = sampleTimes.filter { ($0 > p || (k == 0 && $0 == p)) && $0 <= q }
            stats = stats + (try system.run(&m, from: p, to: q, solver: run.solver, sampleTimes: samples, observe: observe))
        }
        return stats
    }

    /// The recorded quantity q of state m.
    func quantity(_ q: RecordedQuantity, _ m: UnsafePointer<Double>) -> Double { q.value(system, m) }
}
