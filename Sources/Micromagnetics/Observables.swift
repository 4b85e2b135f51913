/// Averages and energies of a magnetisation state (not on the hot path; these may allocate).
extension LLGSystem {
    /// Spatial average of m over the magnetic cells (mumax3 `m.average()` over the geometry).
    public func averageMagnetisation(_ m: UnsafePointer<Double>) -> SIMD3<Double> {
        averageMagnetisation(m, region: nil)
    }

    /// Average of m over the cells of one region (all magnetic cells if `region` is nil).
    public func averageMagnetisation(_ m: UnsafePointer<Double>, region r: Int?) -> SIMD3<Double> {
        let n = cellCount
        var s = SIMD3<Double>.zero
        var count = 0
        for i in 0..<n where parameters.region[i] >= 0 && (r == nil || Int(parameters.region[i]) == r!) {
            s += SIMD3(m[i], m[n + i], m[2 * n + i]); count += 1
        }
        return count > 0 ? s / Double(count) : .zero
    }

    /// Energy of one term in joules: E = -f sum_i Ms_i V B_i . m_i (f = the term's energy factor).
    public func energy(of term: FieldTerm, t: Double = 0, m: UnsafePointer<Double>) -> Double {
        let n = cellCount
        let b = CellBuffer(3 * n)
        term.addField(t: t, m: m, into: b.p)
        var e = 0.0
        for i in 0..<n {
            e += parameters.Msat[i] * (b.p[i] * m[i] + b.p[n + i] * m[n + i] + b.p[2 * n + i] * m[2 * n + i])
        }
        return -term.energyFactor * mesh.cellVolume * e
    }

    /// Energy of every term (name, joules) and the total.
    public func energies(t: Double = 0, m: UnsafePointer<Double>) -> (terms: [(String, Double)], total: Double) {
        let list = terms.map { ($0.name, energy(of: $0, t: t, m: m)) }
        return (list, list.reduce(0) { $0 + $1.1 })
    }

    /// Total energy in joules.
    public func totalEnergy(t: Double = 0, m: UnsafePointer<Double>) -> Double { energies(t: t, m: m).total }

    /// Energy density of one term per cell (J/m^3), e_i = -f Ms_i B_i . m_i.
    public func energyDensity(of term: FieldTerm, t: Double = 0, m: UnsafePointer<Double>) -> [Double] {
        let n = cellCount
        let b = CellBuffer(3 * n)
        term.addField(t: t, m: m, into: b.p)
        return (0..<n).map { i in
            -term.energyFactor * parameters.Msat[i]
                * (b.p[i] * m[i] + b.p[n + i] * m[n + i] + b.p[2 * n + i] * m[2 * n + i])
        }
    }
}
