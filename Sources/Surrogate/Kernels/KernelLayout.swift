/// How the free-run kernels (`FastRK4Kernel` in Float64, `Float32Network`) store one layer's
/// parameters, y = W x + b with W of nOut x nIn (row-major in the MLP):
/// - wide layers: W^T per 64-neuron chunk, w[(c nIn + i) 64 + j] = W[c 64 + j, i], bias b[c 64 + j];
/// - narrow layers: W row-major with rows padded to `rowLength`, bias in the first lanes.
/// Padding entries are zero, so padded neurons and inputs change nothing.
enum KernelLayout {
    static func write<T: BinaryFloatingPoint>(weights w: UnsafePointer<Double>, bias b: UnsafePointer<Double>,
                                              nIn: Int, nOut: Int, wide: Bool, chunks: Int, rowLength: Int, biasLanes: Int,
                                              into wd: UnsafeMutablePointer<T>, biasInto bd: UnsafeMutablePointer<T>) {
        if wide {
            for c in 0..<chunks {
                for i in 0..<nIn {
                    for j in 0..<64 {
                        let o = c * 64 + j
                        wd[(c * nIn + i) * 64 + j] = o < nOut ? T(w[o * nIn + i]) : 0
                    }
                }
                for j in 0..<64 { let o = c * 64 + j; bd[c * 64 + j] = o < nOut ? T(b[o]) : 0 }
            }
        } else {
            for o in 0..<nOut {
                for i in 0..<rowLength { wd[o * rowLength + i] = i < nIn ? T(w[o * nIn + i]) : 0 }
            }
            for j in 0..<biasLanes { bd[j] = j < nOut ? T(b[j]) : 0 }
        }
    }
}
