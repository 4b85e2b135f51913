// The core's peak rate of fused multiply-adds of Doubles, measured: 12 independent accumulator chains
// of SIMD4<Double> (one 256-bit register each, AVX2) or SIMD8<Double> (one 512-bit register with
// AVX-512) updated in a loop, so two FMA pipes with a latency of 4 cycles are kept full. Kernels'
// efficiencies in docs/performance.md are their multiply-add counts per second over this rate.
//
//   swiftc -O -target-cpu haswell scripts/bench/fma-peak.swift -o /tmp/fma-peak && /tmp/fma-peak
//   swiftc -O -target-cpu native  scripts/bench/fma-peak.swift -o /tmp/fma-peak && /tmp/fma-peak
//
// Prints one JSON line: simd4_ and simd8_fma_instructions_per_second and _multiply_adds_per_second
// (Doubles), best of 5 runs of 50 million iterations, for 4- and 8-lane vectors.
import Foundation

@inline(never)
func chains<V: SIMD>(_ type: V.Type, iterations: Int, seed: Double) -> Double where V.Scalar == Double {
    var a0 = V(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    let m = V(repeating: 0.999999)
    for _ in 0..<iterations {
        a0 = a0.addingProduct(a0, m); a1 = a1.addingProduct(a1, m); a2 = a2.addingProduct(a2, m)
        a3 = a3.addingProduct(a3, m); a4 = a4.addingProduct(a4, m); a5 = a5.addingProduct(a5, m)
        a6 = a6.addingProduct(a6, m); a7 = a7.addingProduct(a7, m); a8 = a8.addingProduct(a8, m)
        a9 = a9.addingProduct(a9, m); a10 = a10.addingProduct(a10, m); a11 = a11.addingProduct(a11, m)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}

func best<V: SIMD>(_ type: V.Type) -> (instructions: Double, multiplyAdds: Double) where V.Scalar == Double {
    let iterations = 50_000_000
    var seconds = Double.infinity
    for run in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        let r = chains(type, iterations: iterations, seed: 0.5 + Double(run))
        seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        if r == 42 { print(r) }   // keeps the result alive
    }
    let instructions = Double(12 * iterations) / seconds
    return (instructions, instructions * Double(V.scalarCount))
}

let four = best(SIMD4<Double>.self), eight = best(SIMD8<Double>.self)
print("{\"simd4_fma_instructions_per_second\": \(four.instructions), \"simd4_multiply_adds_per_second\": \(four.multiplyAdds), "
      + "\"simd8_fma_instructions_per_second\": \(eight.instructions), \"simd8_multiply_adds_per_second\": \(eight.multiplyAdds)}")
