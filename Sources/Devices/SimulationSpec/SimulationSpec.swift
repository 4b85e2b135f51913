import Foundation
import SafeIO
import Micromagnetics
import Numerics
import ODE

/// A simulation spec: one TOML file that fully describes a micromagnetic (or preset-device) run, from
/// mesh and materials to the drive and what is recorded (format: docs/spec-format.md). SI units
/// throughout, parameters named as in mumax3 (`Msat`, `Aex`, `Ku1`, `Dind`, ...).
///
/// Parsing is strict: unknown keys, wrong types, missing required keys and out-of-range values throw a
/// `SpecError` naming the file and the dotted key.
public struct SimulationSpec: Sendable {
    /// Path of the spec file (for messages) and its verbatim text (stored in traces for provenance).
    public var file: String
    public var text: String
    public var title: String
    /// Seed of everything random: random initial states, drive amplitudes, thermal noise, device noise.
    public var seed: UInt64
    /// The micromagnetic part (nil for a `[device]` preset).
    public var magnet: MagnetSpec?
    public var stages: [Stage]
    /// Simulated seconds of dynamics: the run stages' durations summed (relax and minimize take none).
    public var runDuration: Double {
        stages.reduce(0.0) { if case .run(let r) = $1 { return $0 + r.duration } else { return $0 } }
    }
    public var drives: [String: Drive]
    public var output: Output
    public var device: DevicePreset?
    /// Every file the spec reads (drive CSV/.npy files, the initial OVF) with the SHA-256 of the bytes
    /// read: a checkpoint records them and a resume refuses to continue when one has changed.
    public var inputFiles: [InputFile] = []

    /// A file a spec reads: the dotted key that names it, its resolved path and the SHA-256 (hex) of
    /// its contents as read when the spec was parsed.
    public struct InputFile: Sendable, Equatable {
        public var key: String
        public var path: String
        public var sha256: String
    }

    /// Mesh, geometry, materials, grains, terms and initial state of a micromagnetic spec.
    public struct MagnetSpec: Sendable {
        public var mesh: Mesh
        public var geometry: Shape
        public var material: Material
        public var regions: [(id: Int, shape: Shape, material: Material)]
        public var grains: VoronoiGrains?
        public var terms: Terms
        public var initial: Initial
    }

    /// `[terms]`: demagnetisation, a constant applied field (T), Slonczewski torque, temperature (K).
    public struct Terms: Sendable {
        public var demag = true
        /// `demag_kernel`: "newell" (exact tensor, default) or "mumax3" (mumax3's numerically integrated
        /// face-charge tensor, `FaceChargeDemagKernel`, to reproduce mumax3 numbers; docs/micromagnetics.md).
        public var demagKernel: Demag.Kernel = .newell
        /// `demag_precision`: "float64" (default) or "float32" (the demag transforms in single precision,
        /// `Demag.Precision`; docs/micromagnetics.md).
        public var demagPrecision: Demag.Precision = .float64
        public var field = SIMD3<Double>(0, 0, 0)
        public var slonczewski: Slonczewski?
        public var temperature = 0.0
    }

    /// `[terms.slonczewski]` (mumax3 names): fixed-layer direction, Pol, Lambda, EpsilonPrime, current
    /// density J (A/m^2, along z), free-layer thickness (m; default the mesh thickness).
    public struct Slonczewski: Sendable {
        public var polarizer: SIMD3<Double>
        public var P: Double
        public var Lambda = 1.0
        public var epsilonPrime = 0.0
        public var J = 0.0
        public var thickness: Double?
    }

    /// `[initial]`: the state before the first stage.
    public enum Initial: Sendable {
        case uniform(SIMD3<Double>)
        case neelSkyrmions(centres: [SIMD2<Double>], radius: Double, wallWidth: Double, core: Double)
        /// mumax3's `NeelSkyrmion(charge, pol)` profile, optionally inside `circle(diameter)` (see
        /// `Magnet.mumaxNeelSkyrmion`).
        case mumaxNeelSkyrmion(charge: Double, polarisation: Double, centre: SIMD2<Double>, diameter: Double?,
                               background: SIMD3<Double>)
        case random(seed: UInt64)
        case ovf(path: String)
    }

    /// Which parameter a drive adds to: Ku1 (J/m^3, as deltaKu of every magnetic cell), a field
    /// component (T, added to the applied field), or the Slonczewski current density (A/m^2).
    public enum DriveTarget: String, Sendable, CaseIterable {
        case Ku1, Dind, field_x, field_y, field_z, current_density, current
        /// Name of the trace input channel and its unit.
        public var channel: (name: String, unit: String) {
            switch self {
            case .Ku1: return ("deltaKu1", "J/m3")
            case .Dind: return ("deltaDind", "J/m2")
            case .field_x: return ("deltaBx", "T")
            case .field_y: return ("deltaBy", "T")
            case .field_z: return ("deltaBz", "T")
            case .current_density: return ("J", "A/m2")
            case .current: return ("I", "A")
            }
        }
    }

    /// `[[stage]]`.
    public enum Stage: Sendable {
        /// Damping-only dynamics until max |m x B| < torqueTolerance (T), at most maxTime of relaxation time (s);
        /// on `threads` threads (nil: all cores; `spinode simulate --threads` overrides it).
        case relax(torqueTolerance: Double, maxTime: Double, threads: Int?)
        /// Barzilai-Borwein minimisation until max |m x B| < torqueTolerance (T) or the largest change of m
        /// stays below `stop` for 10 iterations (mumax3 MinimizerStop; 0 = torque criterion only); on
        /// `threads` threads as `relax`.
        case minimize(torqueTolerance: Double, stop: Double, threads: Int?)
        case run(Run)

        /// The stage's `threads` key (nil: not set).
        public var threads: Int? {
            switch self {
            case .relax(_, _, let n), .minimize(_, _, let n): return n
            case .run(let r): return r.threads
            }
        }
    }

    /// A `kind = "run"` stage: dynamics for `duration` seconds.
    public struct Run: Sendable {
        public var duration: Double
        /// Damping override for this stage (nil: the materials' alpha).
        public var alpha: Double?
        /// Applied field for this stage (T; nil: `[terms] field`).
        public var field: SIMD3<Double>?
        /// Names of the `[drive.NAME]` tables active in this stage (`drive = "NAME"` or `["A", "B"]`), each
        /// on its own target.
        public var drives: [String]
        /// The first of `drives` (the stage's drive when it has one).
        public var drive: String? { drives.first }
        public var solver: ODESolver
        public var solverName: String
        public var record: Bool
        /// Largest ||m| - 1| before renormalisation (`norm_tolerance`, default 1e-2): beyond it the stage
        /// stops as diverged (`LLGSystem.normTolerance`).
        public var normTolerance = 1e-2
        /// Threads of the solver in this stage (`threads`, >= 1; nil: all cores), `LLGSystem.threads`.
        /// `spinode simulate --threads` overrides it.
        public var threads: Int? = nil
    }

    /// `[output]`: sampling interval (s), recorded quantities, OVF snapshots, checkpoint interval.
    public struct Output: Sendable {
        public var interval: Double?
        public var quantities: [String] = ["mx", "my", "mz"]
        public var snapshotEvery: Double?
        public var snapshotDirectory: String?
        public var checkpointEvery = 1e-9
    }

    /// `[device]`: a preset reference device (macrospin STNO or auto-oscillator) with its Codable
    /// parameters and a piecewise drive.
    public struct DevicePreset: Sendable {
        public enum Kind: String, Sendable { case macrospin, autoOscillator = "auto-oscillator" }
        public var kind: Kind
        public var macrospin: MacrospinParameters?
        public var oscillator: AutoOscillator.Parameters?
        public var sampleInterval: Double
        public var timeStep: Double
        public var drive: String
        public var output: String
    }

    /// Reads and parses a spec file.
    public init(contentsOf path: String) throws {
        let text: String
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists, !isDirectory.boolValue else {
            throw SpecError.unreadable(file: path, reason: exists ? "is a directory, not a spec file" : "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError.unreadable(file: path, reason: "cannot be read (permissions?)")
        }
        guard let decoded = String(data: data, encoding: .utf8) else {
            throw SpecError.unreadable(file: path, reason: "not UTF-8 text")
        }
        text = decoded
        try self.init(text: text, file: path)
    }

    /// Parses spec text; `file` names it in errors and resolves relative paths (OVF, drive files).
    public init(text: String, file: String = "<spec>") throws {
        self.file = file
        self.text = text
        let root = try SpecTable(file: file, path: "", value: try SpecValue.parse(text, file: file))
        title = try root.optionalString("title") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let s = try root.optionalInt("seed") ?? 0
        guard s >= 0 else { throw root.invalid("seed", s, "must be a non-negative integer") }
        seed = UInt64(s)
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }

        var drives: [String: Drive] = [:]
        var inputFiles: [InputFile] = []
        for (name, t) in try root.namedTables("drive") {
            let d = try Drive(table: t, name: name, seed: seed, resolve: resolve)
            drives[name] = d
            if let source = d.source { inputFiles.append(InputFile(key: t.key("file"), path: source.path, sha256: source.sha256)) }
        }
        self.drives = drives
        self.inputFiles = inputFiles

        var output = Output()
        if let t = try root.optionalTable("output") {
            output.interval = try t.optionalPositive("interval")
            if let q = t.raw("quantities") {
                guard case .array(let a) = q else { throw t.wrong("quantities", "an array of strings", q) }
                output.quantities = try a.map { v in
                    guard case .string(let s) = v else { throw t.wrong("quantities", "an array of strings", v) }
                    guard RecordedQuantity(s) != nil else {
                        throw t.invalid("quantities", "\"\(s)\"", "quantities are " + RecordedQuantity.accepted)
                    }
                    return s
                }
                guard !output.quantities.isEmpty else { throw t.invalid("quantities", "[]", "name at least one quantity") }
            }
            output.snapshotEvery = try t.optionalPositive("snapshot_every")
            output.snapshotDirectory = try t.optionalString("snapshot_dir").map(resolve)
            output.checkpointEvery = try t.optionalPositive("checkpoint_every") ?? 1e-9
            try t.finish()
        }
        self.output = output

        if let d = try root.optionalTable("device") {
            device = try Self.parseDevice(d, drives: drives)
            magnet = nil
            stages = []
            for k in ["mesh", "geometry", "material", "region", "grains", "terms", "initial", "stage"] where root.has(k) {
                throw SpecError.invalidValue(file: file, key: k, value: "present", requirement: "a [device] spec has no micromagnetic tables")
            }
            try root.finish()
            try SimulationBudget(spec: self).check(spec: self, memory: AvailableMemory.bytes().map(Double.init), disk: nil)
            return
        }
        device = nil

        guard let meshT = try root.optionalTable("mesh") else { throw SpecError.missingKey(file: file, key: "mesh") }
        let cells = try meshT.optionalDoubles("cells") ?? []
        let size = try meshT.optionalDoubles("cell_size") ?? []
        guard cells.count == 3, cells.allSatisfy({ $0 >= 1 && $0 == $0.rounded() }) else {
            throw meshT.has("cells") || !cells.isEmpty ? meshT.invalid("cells", cells, "must be three positive integers [nx, ny, nz]")
                : SpecError.missingKey(file: file, key: "mesh.cells")
        }
        // The cell count in floating point (an Int product can overflow), refused before any array is
        // made; the full estimate with demag and samples follows once the spec is read.
        try SimulationBudget.checkCells(cells[0] * cells[1] * cells[2], bytesPerCell: SimulationBudget.bytesPerCell(demag: false, thick: false),
                                        memory: AvailableMemory.bytes().map(Double.init), file: file)
        guard size.count == 3, size.allSatisfy({ $0 > 0 }) else {
            throw size.isEmpty ? SpecError.missingKey(file: file, key: "mesh.cell_size")
                : meshT.invalid("cell_size", size, "must be three positive lengths [dx, dy, dz] in metres")
        }
        try meshT.finish()
        let mesh = try Mesh(nx: Int(cells[0]), ny: Int(cells[1]), nz: Int(cells[2]), dx: size[0], dy: size[1], dz: size[2])

        var geometry = Shape.universe
        if let g = try root.optionalTable("geometry") { geometry = try Self.parseShape(g); try g.finish() }

        guard let matT = try root.optionalTable("material") else { throw SpecError.missingKey(file: file, key: "material") }
        let material = try Self.parseMaterial(matT, base: nil)
        try matT.finish()

        var regions: [(id: Int, shape: Shape, material: Material)] = []
        for r in try root.tables("region") {
            let id = try r.int("id")
            guard (1...255).contains(id) else { throw r.invalid("id", id, "regions are 1...255 (0 is the base material)") }
            let shape = try Self.parseShape(r)
            let m = try Self.parseMaterial(r, base: material)
            try r.finish()
            regions.append((id, shape, m))
        }

        var grains: VoronoiGrains? = nil
        if let g = try root.optionalTable("grains") {
            let gs = try g.optionalInt("seed") ?? Int(truncatingIfNeeded: seed)
            grains = VoronoiGrains(grainSize: try g.positive("grain_size"), kuSpread: try g.nonNegative("ku_spread", default: 0),
                                   dSpread: try g.nonNegative("d_spread", default: 0), maxTilt: try g.nonNegative("max_tilt", default: 0),
                                   seed: UInt64(truncatingIfNeeded: gs))
            try g.finish()
        }

        var terms = Terms()
        if let t = try root.optionalTable("terms") {
            terms.demag = try t.optionalBool("demag") ?? true
            if try t.choice("demag_kernel", ["newell", "mumax3"], default: "newell") == "mumax3" { terms.demagKernel = .mumax3() }
            terms.demagPrecision = Demag.Precision(rawValue: try t.choice("demag_precision", Demag.Precision.allCases.map(\.rawValue),
                                                                            default: "float64"))!
            terms.field = try t.optionalVector("field") ?? .zero
            terms.temperature = try t.nonNegative("temperature", default: 0)
            if let s = try t.optionalTable("slonczewski") {
                let p = try s.vector("polarizer")
                guard (p * p).sum() > 0 else { throw s.invalid("polarizer", p, "must be a non-zero direction") }
                terms.slonczewski = Slonczewski(polarizer: p, P: try s.double("P"), Lambda: try s.double("Lambda", default: 1),
                                                epsilonPrime: try s.double("epsilon_prime", default: 0),
                                                J: try s.double("J", default: 0), thickness: try s.optionalPositive("thickness"))
                try s.finish()
            }
            try t.finish()
        }

        guard let ini = try root.optionalTable("initial") else { throw SpecError.missingKey(file: file, key: "initial") }
        let initial = try Self.parseInitial(ini, seed: seed, resolve: resolve)
        try ini.finish()
        if case .ovf(let path) = initial {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"", requirement: Drive.unreadable(path))
            }
            self.inputFiles.append(InputFile(key: "initial.ovf", path: path, sha256: SHA256.hex(data)))
            // Its mesh is checked now, not after the demag kernel has been computed.
            let f: OVFField
            do { f = try OVFField.read(from: path) } catch {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"", requirement: "\(error)")
            }
            guard f.nx == mesh.nx, f.ny == mesh.ny, f.nz == mesh.nz, f.valueDimension == 3 else {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"",
                    requirement: "holds \(f.nx) x \(f.ny) x \(f.nz) cells of dimension \(f.valueDimension), the mesh is \(mesh.nx) x \(mesh.ny) x \(mesh.nz) vectors")
            }
            if let bad = f.values.firstIndex(where: { !$0.isFinite }) {
                throw SpecError.invalidValue(file: file, key: "initial.ovf", value: "\"\(path)\"",
                                             requirement: "value \(bad) is \(f.values[bad]) (not finite)")
            }
        }

        magnet = MagnetSpec(mesh: mesh, geometry: geometry, material: material, regions: regions, grains: grains,
                            terms: terms, initial: initial)

        var stages: [Stage] = []
        for st in try root.tables("stage") {
            stages.append(try Self.parseStage(st, drives: drives, terms: terms))
            try st.finish()
        }
        guard !stages.isEmpty else { throw SpecError.missingKey(file: file, key: "stage") }
        // A Dind drive scales every cell's D by (D + delta) / D of the base material.
        for case let .run(r) in stages {
            for name in r.drives where drives[name]?.target == .Dind && (magnet?.material.Dind ?? 0) == 0 {
                throw SpecError.invalidValue(file: file, key: "drive.\(name).target", value: "\"Dind\"",
                                             requirement: "a Dind drive needs a nonzero [material] Dind, which it scales")
            }
        }
        self.stages = stages
        if stages.contains(where: { if case .run(let r) = $0 { return r.record } else { return false } }) && output.interval == nil {
            throw SpecError.missingKey(file: file, key: "output.interval")
        }
        try root.finish()
        try SimulationBudget(spec: self).check(spec: self, memory: AvailableMemory.bytes().map(Double.init),
                                               disk: output.snapshotEvery == nil ? nil
                                                   : SystemResources.freeDiskSpace(at: output.snapshotDirectory ?? file + ".snapshots"))
    }

    static func parseShape(_ t: SpecTable) throws -> Shape {
        let kind = try t.choice("shape", ["universe", "rectangle", "cuboid", "ellipse", "disk", "cylinder"], default: "universe")
        var shape: Shape
        switch kind {
        case "rectangle":
            guard let s = try t.optionalDoubles("size"), s.count == 2, s.allSatisfy({ $0 > 0 }) else {
                throw t.has("size") ? t.invalid("size", "?", "must be [sx, sy], positive metres") : SpecError.missingKey(file: t.file, key: t.key("size"))
            }
            shape = .rectangle(s[0], s[1])
        case "cuboid":
            guard let s = try t.optionalDoubles("size"), s.count == 3, s.allSatisfy({ $0 > 0 }) else {
                throw t.has("size") ? t.invalid("size", "?", "must be [sx, sy, sz], positive metres") : SpecError.missingKey(file: t.file, key: t.key("size"))
            }
            shape = .cuboid(s[0], s[1], s[2])
        case "ellipse":
            guard let s = try t.optionalDoubles("diameters"), s.count == 2, s.allSatisfy({ $0 > 0 }) else {
                throw t.has("diameters") ? t.invalid("diameters", "?", "must be [dx, dy], positive metres") : SpecError.missingKey(file: t.file, key: t.key("diameters"))
            }
            shape = .ellipse(s[0], s[1])
        case "disk": shape = .disk(diameter: try t.positive("diameter"))
        case "cylinder": shape = .cylinder(diameter: try t.positive("diameter"), height: try t.positive("height"))
        default: shape = .universe
        }
        if let tr = try t.optionalDoubles("translate") {
            guard tr.count == 2 || tr.count == 3 else { throw t.invalid("translate", tr, "must be [tx, ty] or [tx, ty, tz] metres") }
            shape = shape.translated(tr[0], tr[1], tr.count == 3 ? tr[2] : 0)
        }
        for (k, combine) in [("add", { (a: Shape, b: Shape) in a.add(b) }), ("subtract", { (a: Shape, b: Shape) in a.sub(b) }),
                             ("intersect", { (a: Shape, b: Shape) in a.intersect(b) })] {
            guard let v = t.raw(k) else { continue }
            guard case .array(let list) = v else { throw t.wrong(k, "an array of shape tables", v) }
            for (i, e) in list.enumerated() {
                let sub = try SpecTable(file: t.file, path: t.key(k) + "[\(i)]", value: e)
                let other = try parseShape(sub)
                try sub.finish()
                shape = combine(shape, other)
            }
        }
        return shape
    }

    static func parseMaterial(_ t: SpecTable, base: Material?) throws -> Material {
        var m = base ?? Material(Msat: 1)
        if base == nil { m.Msat = try t.positive("Msat") } else if let ms = try t.optionalPositive("Msat") { m.Msat = ms }
        m.Aex = try t.double("Aex", default: m.Aex)
        m.Ku1 = try t.double("Ku1", default: m.Ku1)
        m.anisU = try t.optionalVector("anisU") ?? m.anisU
        m.Kc1 = try t.double("Kc1", default: m.Kc1)
        m.anisC1 = try t.optionalVector("anisC1") ?? m.anisC1
        m.anisC2 = try t.optionalVector("anisC2") ?? m.anisC2
        m.Dind = try t.double("Dind", default: m.Dind)
        m.Dbulk = try t.double("Dbulk", default: m.Dbulk)
        m.alpha = try t.double("alpha", default: m.alpha)
        m.gamma = try t.double("gamma", default: m.gamma)
        do { try m.validate() } catch let e as MicromagneticsError {
            if case let .invalidMaterial(p, v, r) = e {
                throw SpecError.invalidValue(file: t.file, key: t.key(p), value: "\(v)", requirement: r)
            }
            throw SpecError.invalidValue(file: t.file, key: t.path, value: "", requirement: e.description)
        }
        return m
    }

    static func parseInitial(_ t: SpecTable, seed: UInt64, resolve: (String) -> String) throws -> Initial {
        if t.has("uniform") {
            let u = try t.vector("uniform")
            guard (u * u).sum() > 0 else { throw t.invalid("uniform", u, "must be a non-zero direction") }
            return .uniform(u)
        }
        if t.has("ovf") { return .ovf(path: resolve(try t.string("ovf"))) }
        let kind = try t.choice("kind", ["uniform", "neel-skyrmion", "neel-skyrmions", "mumax-neel-skyrmion", "random", "ovf"])
        switch kind {
        case "random":
            let s = try t.optionalInt("seed") ?? Int(truncatingIfNeeded: seed)
            return .random(seed: UInt64(truncatingIfNeeded: s))
        case "mumax-neel-skyrmion":
            let charge = try t.double("charge"), pol = try t.double("pol")
            guard charge == 1 || charge == -1 else { throw t.invalid("charge", charge, "must be +1 or -1") }
            guard pol == 1 || pol == -1 else { throw t.invalid("pol", pol, "must be +1 or -1 (the core's m_z)") }
            var centre = SIMD2<Double>.zero
            if let v = t.raw("centre") {
                guard case .array(let p) = v, p.count == 2, let x = SpecTable.number(p[0]), let y = SpecTable.number(p[1]),
                      x.isFinite, y.isFinite else {
                    throw t.wrong("centre", "an [x, y] pair (metres)", v)
                }
                centre = SIMD2(x, y)
            }
            let diameter = try t.optionalPositive("diameter")
            var background = SIMD3<Double>(0, 0, -pol)
            if t.has("background") {
                background = try t.vector("background")
                guard (background * background).sum() > 0 else { throw t.invalid("background", background, "must be a non-zero direction") }
            }
            return .mumaxNeelSkyrmion(charge: charge, polarisation: pol, centre: centre, diameter: diameter,
                                      background: background)
        case "neel-skyrmion", "neel-skyrmions":
            var centres: [SIMD2<Double>] = [.zero]
            if let v = t.raw("centres") {
                guard case .array(let a) = v else { throw t.wrong("centres", "an array of [x, y] pairs", v) }
                centres = try a.map { e in
                    guard case .array(let p) = e, p.count == 2, let x = SpecTable.number(p[0]), let y = SpecTable.number(p[1]) else {
                        throw t.wrong("centres", "an array of [x, y] pairs (metres)", e)
                    }
                    return SIMD2(x, y)
                }
                guard !centres.isEmpty else { throw t.invalid("centres", "[]", "give at least one centre") }
            }
            let core = try t.double("core", default: 1)
            guard core == 1 || core == -1 else { throw t.invalid("core", core, "must be +1 or -1") }
            return .neelSkyrmions(centres: centres, radius: try t.positive("radius"),
                                  wallWidth: try t.positive("wall_width"), core: core)
        default:
            throw SpecError.missingKey(file: t.file, key: t.key(kind == "ovf" ? "ovf" : "uniform"))
        }
    }

    static func parseStage(_ t: SpecTable, drives: [String: Drive], terms: Terms) throws -> Stage {
        let threads = try t.optionalInt("threads")
        if let n = threads, !(1...4096).contains(n) { throw t.invalid("threads", "\(n)", "must be an integer from 1 to 4096") }
        switch try t.choice("kind", ["relax", "minimize", "run"]) {
        case "relax": return .relax(torqueTolerance: try t.optionalPositive("torque_tolerance") ?? 1e-4,
                                    maxTime: try t.optionalPositive("max_time") ?? 50e-9, threads: threads)
        case "minimize":
            let tol = try t.nonNegative("torque_tolerance", default: 0), stop = try t.nonNegative("stop", default: 1e-6)
            guard tol > 0 || stop > 0 else { throw t.invalid("stop", 0, "with torque_tolerance = 0 the minimiser needs stop > 0") }
            if terms.demag, terms.demagPrecision == .float32, tol > 0, tol < Demag.float32TorqueFloor {
                throw t.invalid("torque_tolerance", tol, "must be >= \(Demag.float32TorqueFloor) T with demag_precision = \"float32\" "
                                + "(below the round-off of a single-precision demag field the minimiser cannot converge); use stop, or float64")
            }
            return .minimize(torqueTolerance: tol, stop: stop, threads: threads)
        default:
            let duration = try t.double("duration")
            guard duration > 0 else { throw t.invalid("duration", duration, "must be a positive time in seconds") }
            let alpha = try t.optionalDouble("alpha")
            if let a = alpha, a < 0 { throw t.invalid("alpha", a, "must not be negative") }
            var stageDrives: [String] = []
            if let value = t.raw("drive") {
                switch value {
                case .string(let d): stageDrives = [d]
                case .array(let a):
                    stageDrives = try a.map { v in
                        guard case .string(let d) = v else { throw t.wrong("drive", "a drive name or an array of drive names", value) }
                        return d
                    }
                default: throw t.wrong("drive", "a drive name or an array of drive names", value)
                }
            }
            var targets: Set<DriveTarget> = []
            for d in stageDrives {
                guard let dr = drives[d] else {
                    throw t.invalid("drive", "\"\(d)\"", "no [drive.\(d)] table" + (drives.isEmpty ? "" : " (defined: " + drives.keys.sorted().joined(separator: ", ") + ")"))
                }
                if dr.target == .current_density && terms.slonczewski == nil {
                    throw t.invalid("drive", "\"\(d)\"", "drives the current density but [terms.slonczewski] is absent")
                }
                if dr.target == .current { throw t.invalid("drive", "\"\(d)\"", "target 'current' (A) is for the auto-oscillator preset") }
                guard targets.insert(dr.target).inserted else {
                    throw t.invalid("drive", "\"\(d)\"", "a second drive of target \(dr.target.rawValue) in one stage")
                }
            }
            let name = try t.choice("solver", ["dopri5", "tsit5", "bs3", "rk4", "heun"], default: terms.temperature > 0 ? "heun" : "dopri5")
            // The thermal field is drawn once per step and held through its stages: a consistent
            // (Stratonovich) stochastic LLG needs Heun's scheme; RK4 would integrate other dynamics.
            if terms.temperature > 0 && name != "heun" {
                throw t.invalid("solver", "\"\(name)\"", "thermal runs (terms.temperature > 0) need solver = \"heun\" with a fixed step")
            }
            let method: ButcherTableau = ["dopri5": .dormandPrince54, "tsit5": .tsitouras54, "bs3": .bogackiShampine32,
                                          "rk4": .rk4, "heun": LLGSystem.heun][name]!
            let stepping: Stepping
            if name == "rk4" || name == "heun" {
                stepping = .fixed(step: try t.positive("step"))
                _ = try t.optionalDouble("rtol"); _ = try t.optionalDouble("atol")
            } else {
                let rtol = try t.optionalPositive("rtol") ?? 1e-6, atol = try t.optionalPositive("atol") ?? 1e-6
                stepping = .adaptive(rtol: rtol, atol: atol)
                if t.has("step") { throw t.invalid("step", "set", "adaptive solver \(name) chooses its own steps (use rk4 or heun for fixed steps)") }
            }
            let normTolerance = try t.optionalPositive("norm_tolerance") ?? 1e-2
            return .run(Run(duration: duration, alpha: alpha, field: try t.optionalVector("field"), drives: stageDrives,
                            solver: ODESolver(method: method, stepping: stepping), solverName: name,
                            record: try t.optionalBool("record") ?? false, normTolerance: normTolerance, threads: threads))
        }
    }

    static func parseDevice(_ t: SpecTable, drives: [String: Drive]) throws -> DevicePreset {
        let kind = DevicePreset.Kind(rawValue: try t.choice("kind", ["macrospin", "auto-oscillator"]))!
        let drive = try t.string("drive")
        guard let d = drives[drive] else { throw t.invalid("drive", "\"\(drive)\"", "no [drive.\(drive)] table") }
        guard case .piecewise = d.kind else { throw t.invalid("drive", "\"\(drive)\"", "device presets take a piecewise drive") }
        let wanted: SimulationSpec.DriveTarget = kind == .macrospin ? .current_density : .current
        guard d.target == wanted else {
            throw SpecError.invalidValue(file: t.file, key: "drive.\(drive).target", value: d.target.rawValue,
                                         requirement: "the \(kind.rawValue) preset is driven by '\(wanted.rawValue)'")
        }
        let dt = try t.positive("sample_interval")
        let ratio = d.hold / dt
        guard abs(ratio - ratio.rounded()) < 1e-9 * ratio, ratio >= 1 else {
            throw SpecError.invalidValue(file: t.file, key: "drive.\(drive).hold", value: "\(d.hold)",
                                         requirement: "must be a whole multiple of device.sample_interval = \(dt) s")
        }
        var preset = DevicePreset(kind: kind, macrospin: nil, oscillator: nil, sampleInterval: dt,
                                  timeStep: try t.optionalPositive("time_step") ?? (kind == .macrospin ? 1e-13 : 1e-11),
                                  drive: drive, output: "")
        let params = try t.optionalTable("parameters")
        switch kind {
        case .macrospin:
            preset.output = try t.choice("output", MacrospinSTNO.Observable.allCases.map(\.rawValue), default: "mx")
            preset.macrospin = try decodeParameters(MacrospinParameters(), params)
        case .autoOscillator:
            preset.output = try t.choice("output", AutoOscillator.Observable.allCases.map(\.rawValue), default: "power")
            preset.oscillator = try decodeParameters(AutoOscillator.Parameters(), params)
        }
        try t.finish()
        return preset
    }

    /// Overlays the keys of `table` on the encoded defaults and decodes (Codable parameter structs).
    static func decodeParameters<P: Codable>(_ defaults: P, _ table: SpecTable?) throws -> P {
        guard let table else { return defaults }
        let encoded = try JSONEncoder().encode(defaults)
        guard var dict = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return defaults }
        for (k, v) in table.entries {
            guard let old = dict[k] else { throw SpecError.unknownKey(file: table.file, key: table.key(k)) }
            _ = table.raw(k)
            func json(_ v: SpecValue) throws -> Any {
                switch v {
                case .double(let x): return x
                case .integer(let i): return Double(i)
                case .array(let a): return try a.map(json)
                case .bool(let b): return b
                default: throw table.wrong(k, "a number or an array of numbers", v)
                }
            }
            let new = try json(v)
            if let o = old as? [Any], (new as? [Any])?.count != o.count {
                throw table.invalid(k, v, "must be an array of \(o.count) numbers")
            }
            if !(old is [Any]) && new is [Any] { throw table.wrong(k, "a number", v) }
            dict[k] = new
        }
        do {
            return try JSONDecoder().decode(P.self, from: try JSONSerialization.data(withJSONObject: dict))
        } catch {
            throw SpecError.invalidValue(file: table.file, key: table.path, value: "", requirement: "\(error)")
        }
    }
}
