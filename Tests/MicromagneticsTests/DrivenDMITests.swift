import Micromagnetics
import XCTest

/// A time-dependent interfacial DMI (`InterfacialDMI.strength`): the field at strength s equals the field
/// of the same magnet built with D s, interior and free-surface cells alike; strength 1 gives the
/// undriven field bit for bit.
final class DrivenDMITests: XCTestCase {
    func field(dind: Double, strength: Double?, m: [Double], magnet: Magnet) throws -> [Double] {
        var mat = magnet.materials[0]!
        mat.Dind = dind
        var scaled = magnet
        try scaled.setMaterial(region: 0, mat)
        let system = LLGSystem(magnet: scaled, demag: false)
        let dmi = system.term(InterfacialDMI.self)!
        if let s = strength { dmi.strength = { _ in s } }
        var b = [Double](repeating: 0, count: m.count)
        m.withUnsafeBufferPointer { mp in b.withUnsafeMutableBufferPointer { dmi.addField(t: 0, m: mp.baseAddress!, into: $0.baseAddress!) } }
        return b
    }

    func testStrengthScalesD() throws {
        let mesh = try Mesh(nx: 20, ny: 16, nz: 1, dx: 2e-9, dy: 2e-9, dz: 1e-9)
        let material = Material(Msat: 580e3, Aex: 15e-12, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1), Dind: 3.5e-3)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 36e-9), material: material)
        let m = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, background: SIMD3(0, 0, 1))
        let driven = try field(dind: 3.5e-3, strength: 1.3, m: m, magnet: magnet)
        let scaled = try field(dind: 3.5e-3 * 1.3, strength: nil, m: m, magnet: magnet)
        let scale = scaled.map(abs).max()!
        XCTAssertGreaterThan(scale, 0.1)
        for i in driven.indices { XCTAssertEqual(driven[i], scaled[i], accuracy: 1e-13 * scale, "component \(i)") }
        XCTAssertEqual(try field(dind: 3.5e-3, strength: 1, m: m, magnet: magnet), try field(dind: 3.5e-3, strength: nil, m: m, magnet: magnet))
    }
}
