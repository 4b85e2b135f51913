import NeuralNet

/// The matrix kernels of `FusedSampleGridRK4` on lane-major batches: a batch of B windows is stored
/// as rows of `lv` SIMD lane vectors (row r, window b at lane b of the row), so one lane vector holds
/// the same neuron of 8 (Float64) or 16 (Float32) windows, and a layer of any width runs at full
/// vector width (the 2-wide state, the 4-wide input, the 50-wide hidden layers alike).
///
/// Register tiles: 4 rows x 4, 3, 2 or 1 lane vectors, and 2 rows x 4, 3 or 1 for a last pair of
/// rows; one broadcast weight per row and reduction index; fused multiply-adds summed in increasing
/// reduction index (the same order in every tile, so a window's arithmetic does not depend on where
/// its lanes sit, nor on the tile shapes). The widest tiles (16 accumulators in the products, 24 in
/// the weight-gradient outer products) are used only where they fit the build's register file
/// (`VectorRegisters`: 32 AVX-512 registers); with 16 AVX2 registers the products use 4 x 3 tiles and
/// the outer products 4 x 2, which keep every accumulator in a register. `spinode bench fit-paper`
/// measures the kernel these products serve.
enum LaneProducts<V: SIMD> where V.Scalar: LaneScalar {
    typealias T = V.Scalar

    /// out[r][v] = act(out[r][v] + bias[r]), r < R, v < lv (rows `ld` vectors apart): the forward layer's epilogue.
    /// tanh goes two vectors at a time (`LaneScalar.tanh(lanes:_:)`: on 256-bit lanes the two chains
    /// interleave; the bits are those of one vector at a time).
    @inline(__always)
    static func biasActivation(R: Int, lv: Int, out: UnsafeMutablePointer<V>, ld: Int, bias: UnsafePointer<T>, _ act: Activation) {
        switch act {
        case .tanh:
            for r in 0..<R {
                let b = V(repeating: bias[r]), o = out + r * ld
                var v = 0
                while v + 2 <= lv { (o[v], o[v + 1]) = T.tanh(lanes: o[v] + b, o[v + 1] + b); v += 2 }
                if v < lv { o[v] = T.tanh(lanes: o[v] + b) }
            }
        case .relu:
            for r in 0..<R {
                let b = V(repeating: bias[r]), o = out + r * ld
                for v in 0..<lv { let z = o[v] + b; o[v] = z.replacing(with: 0, where: z .< 0) }
            }
        default:                                  // identity (softplus is not fused)
            for r in 0..<R {
                let b = V(repeating: bias[r]), o = out + r * ld
                for v in 0..<lv { o[v] = o[v] + b }
            }
        }
    }

    /// g[r][v] *= act'(h[r][v]) for r < R, v < lv, from the layer's output h (tanh 1 - h^2, relu
    /// h > 0, identity 1): the backward layer's epilogue. Rows `ldg` and `ldh` vectors apart.
    @inline(__always)
    static func multiplyDerivative(R: Int, lv: Int, g: UnsafeMutablePointer<V>, ldg: Int, h: UnsafePointer<V>, ldh: Int, _ act: Activation) {
        switch act {
        case .tanh:
            let one = V(repeating: 1)
            for r in 0..<R {
                let gr = g + r * ldg, hr = h + r * ldh
                for v in 0..<lv { let x = hr[v]; gr[v] = gr[v] * (one - x * x) }
            }
        case .relu:
            for r in 0..<R {
                let gr = g + r * ldg, hr = h + r * ldh
                for v in 0..<lv { gr[v] = gr[v].replacing(with: 0, where: hr[v] .<= 0) }
            }
        default:
            break
        }
    }

    /// out[r][v] = sum_{k < K} a[k lda + r] x[k][v], r < R (even), v < lv; rows of x and
    /// out `ldx` and `ldo` vectors apart. With `tanhDerivative` h (rows `ldh` apart), each result is
    /// multiplied by 1 - h[r][v]^2 as it is stored (a backward tanh layer).
    /// - Complexity: 2 K R lv x lanes flops; no allocation.
    @inline(__always)
    static func product(K: Int, R: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int, lv: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, tanhDerivative h: UnsafePointer<V>? = nil, ldh: Int = 0) {
        let wide = VectorRegisters.fit(16, of: V.self)
        var r = 0
        while r + 4 <= R {
            var v = 0
            if wide {
                while v + 4 <= lv {
                    tile4x4(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
                    v += 4
                }
            }
            while v + 3 <= lv {
                tile4x3(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
                v += 3
            }
            switch lv - v {
            case 2: tile4x2(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
            case 1: tile4x1(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
            default: break
            }
            r += 4
        }
        if r < R {                               // two rows left (R is even)
            var v = 0
            while v + 4 <= lv {
                tile2x4(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
                v += 4
            }
            if v + 3 == lv {
                tile2x3(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
            } else {
                while v < lv {
                    tile2x1(K: K, a: a + r, lda: lda, x: x + v, ldx: ldx, out: out, ldo: ldo, h: h, ldh: ldh, r: r, v: v)
                    v += 1
                }
            }
        }
    }

    @inline(__always)
    static func tile2x4(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s00 = V(), s01 = V(), s02 = V(), s03 = V()
        var s10 = V(), s11 = V(), s12 = V(), s13 = V()
        for k in 0..<K {
            let xk = x + k * ldx
            let x0 = xk[0], x1 = xk[1], x2 = xk[2], x3 = xk[3]
            let ak = a + k * lda
            let w0 = V(repeating: ak[0]), w1 = V(repeating: ak[1])
            s00 = s00.addingProduct(w0, x0); s01 = s01.addingProduct(w0, x1); s02 = s02.addingProduct(w0, x2); s03 = s03.addingProduct(w0, x3)
            s10 = s10.addingProduct(w1, x0); s11 = s11.addingProduct(w1, x1); s12 = s12.addingProduct(w1, x2); s13 = s13.addingProduct(w1, x3)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo
        put(s00, o0 + 0, h, r * ldh + v + 0); put(s01, o0 + 1, h, r * ldh + v + 1)
        put(s02, o0 + 2, h, r * ldh + v + 2); put(s03, o0 + 3, h, r * ldh + v + 3)
        put(s10, o1 + 0, h, (r + 1) * ldh + v + 0); put(s11, o1 + 1, h, (r + 1) * ldh + v + 1)
        put(s12, o1 + 2, h, (r + 1) * ldh + v + 2); put(s13, o1 + 3, h, (r + 1) * ldh + v + 3)
    }

    @inline(__always)
    static func tile2x3(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s00 = V(), s01 = V(), s02 = V(), s10 = V(), s11 = V(), s12 = V()
        for k in 0..<K {
            let xk = x + k * ldx
            let x0 = xk[0], x1 = xk[1], x2 = xk[2]
            let ak = a + k * lda
            let w0 = V(repeating: ak[0]), w1 = V(repeating: ak[1])
            s00 = s00.addingProduct(w0, x0); s01 = s01.addingProduct(w0, x1); s02 = s02.addingProduct(w0, x2)
            s10 = s10.addingProduct(w1, x0); s11 = s11.addingProduct(w1, x1); s12 = s12.addingProduct(w1, x2)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo
        put(s00, o0 + 0, h, r * ldh + v + 0); put(s01, o0 + 1, h, r * ldh + v + 1); put(s02, o0 + 2, h, r * ldh + v + 2)
        put(s10, o1 + 0, h, (r + 1) * ldh + v + 0); put(s11, o1 + 1, h, (r + 1) * ldh + v + 1); put(s12, o1 + 2, h, (r + 1) * ldh + v + 2)
    }

    /// Two rows, one lane vector: the reduction split into two interleaved halves (even and odd k)
    /// would change the summation order, so it stays one chain per row, as in every other tile.
    @inline(__always)
    static func tile2x1(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s0 = V(), s1 = V()
        for k in 0..<K {
            let x0 = x[k * ldx]
            let ak = a + k * lda
            s0 = s0.addingProduct(V(repeating: ak[0]), x0)
            s1 = s1.addingProduct(V(repeating: ak[1]), x0)
        }
        let o0 = out + r * ldo + v
        put(s0, o0, h, r * ldh + v)
        put(s1, o0 + ldo, h, (r + 1) * ldh + v)
    }

    /// o = s, or s (1 - h[offset]^2) (the tanh derivative from the layer's output) when h is given.
    @inline(__always)
    static func put(_ s: V, _ o: UnsafeMutablePointer<V>, _ h: UnsafePointer<V>?, _ offset: Int) {
        if let h {
            let x = h[offset]
            o.pointee = s * (V(repeating: 1) - x * x)
        } else {
            o.pointee = s
        }
    }

    @inline(__always)
    static func tile4x4(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s00 = V(), s01 = V(), s02 = V(), s03 = V()
        var s10 = V(), s11 = V(), s12 = V(), s13 = V()
        var s20 = V(), s21 = V(), s22 = V(), s23 = V()
        var s30 = V(), s31 = V(), s32 = V(), s33 = V()
        for k in 0..<K {
            let xk = x + k * ldx
            let x0 = xk[0], x1 = xk[1], x2 = xk[2], x3 = xk[3]
            let ak = a + k * lda
            let w0 = V(repeating: ak[0]), w1 = V(repeating: ak[1]), w2 = V(repeating: ak[2]), w3 = V(repeating: ak[3])
            s00 = s00.addingProduct(w0, x0); s01 = s01.addingProduct(w0, x1); s02 = s02.addingProduct(w0, x2); s03 = s03.addingProduct(w0, x3)
            s10 = s10.addingProduct(w1, x0); s11 = s11.addingProduct(w1, x1); s12 = s12.addingProduct(w1, x2); s13 = s13.addingProduct(w1, x3)
            s20 = s20.addingProduct(w2, x0); s21 = s21.addingProduct(w2, x1); s22 = s22.addingProduct(w2, x2); s23 = s23.addingProduct(w2, x3)
            s30 = s30.addingProduct(w3, x0); s31 = s31.addingProduct(w3, x1); s32 = s32.addingProduct(w3, x2); s33 = s33.addingProduct(w3, x3)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo
        put(s00, o0 + 0, h, (r + 0) * ldh + v + 0); put(s01, o0 + 1, h, (r + 0) * ldh + v + 1)
        put(s02, o0 + 2, h, (r + 0) * ldh + v + 2); put(s03, o0 + 3, h, (r + 0) * ldh + v + 3)
        put(s10, o1 + 0, h, (r + 1) * ldh + v + 0); put(s11, o1 + 1, h, (r + 1) * ldh + v + 1)
        put(s12, o1 + 2, h, (r + 1) * ldh + v + 2); put(s13, o1 + 3, h, (r + 1) * ldh + v + 3)
        put(s20, o2 + 0, h, (r + 2) * ldh + v + 0); put(s21, o2 + 1, h, (r + 2) * ldh + v + 1)
        put(s22, o2 + 2, h, (r + 2) * ldh + v + 2); put(s23, o2 + 3, h, (r + 2) * ldh + v + 3)
        put(s30, o3 + 0, h, (r + 3) * ldh + v + 0); put(s31, o3 + 1, h, (r + 3) * ldh + v + 1)
        put(s32, o3 + 2, h, (r + 3) * ldh + v + 2); put(s33, o3 + 3, h, (r + 3) * ldh + v + 3)
    }

    @inline(__always)
    static func tile4x3(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s00 = V(), s01 = V(), s02 = V(), s10 = V(), s11 = V(), s12 = V()
        var s20 = V(), s21 = V(), s22 = V(), s30 = V(), s31 = V(), s32 = V()
        for k in 0..<K {
            let xk = x + k * ldx
            let x0 = xk[0], x1 = xk[1], x2 = xk[2]
            let ak = a + k * lda
            let w0 = V(repeating: ak[0]), w1 = V(repeating: ak[1]), w2 = V(repeating: ak[2]), w3 = V(repeating: ak[3])
            s00 = s00.addingProduct(w0, x0); s01 = s01.addingProduct(w0, x1); s02 = s02.addingProduct(w0, x2)
            s10 = s10.addingProduct(w1, x0); s11 = s11.addingProduct(w1, x1); s12 = s12.addingProduct(w1, x2)
            s20 = s20.addingProduct(w2, x0); s21 = s21.addingProduct(w2, x1); s22 = s22.addingProduct(w2, x2)
            s30 = s30.addingProduct(w3, x0); s31 = s31.addingProduct(w3, x1); s32 = s32.addingProduct(w3, x2)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo
        put(s00, o0 + 0, h, (r + 0) * ldh + v + 0); put(s01, o0 + 1, h, (r + 0) * ldh + v + 1); put(s02, o0 + 2, h, (r + 0) * ldh + v + 2)
        put(s10, o1 + 0, h, (r + 1) * ldh + v + 0); put(s11, o1 + 1, h, (r + 1) * ldh + v + 1); put(s12, o1 + 2, h, (r + 1) * ldh + v + 2)
        put(s20, o2 + 0, h, (r + 2) * ldh + v + 0); put(s21, o2 + 1, h, (r + 2) * ldh + v + 1); put(s22, o2 + 2, h, (r + 2) * ldh + v + 2)
        put(s30, o3 + 0, h, (r + 3) * ldh + v + 0); put(s31, o3 + 1, h, (r + 3) * ldh + v + 1); put(s32, o3 + 2, h, (r + 3) * ldh + v + 2)
    }

    @inline(__always)
    static func tile4x2(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s00 = V(), s01 = V(), s10 = V(), s11 = V()
        var s20 = V(), s21 = V(), s30 = V(), s31 = V()
        for k in 0..<K {
            let xk = x + k * ldx
            let x0 = xk[0], x1 = xk[1]
            let ak = a + k * lda
            let w0 = V(repeating: ak[0]), w1 = V(repeating: ak[1]), w2 = V(repeating: ak[2]), w3 = V(repeating: ak[3])
            s00 = s00.addingProduct(w0, x0); s01 = s01.addingProduct(w0, x1)
            s10 = s10.addingProduct(w1, x0); s11 = s11.addingProduct(w1, x1)
            s20 = s20.addingProduct(w2, x0); s21 = s21.addingProduct(w2, x1)
            s30 = s30.addingProduct(w3, x0); s31 = s31.addingProduct(w3, x1)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo
        put(s00, o0 + 0, h, (r + 0) * ldh + v + 0); put(s01, o0 + 1, h, (r + 0) * ldh + v + 1)
        put(s10, o1 + 0, h, (r + 1) * ldh + v + 0); put(s11, o1 + 1, h, (r + 1) * ldh + v + 1)
        put(s20, o2 + 0, h, (r + 2) * ldh + v + 0); put(s21, o2 + 1, h, (r + 2) * ldh + v + 1)
        put(s30, o3 + 0, h, (r + 3) * ldh + v + 0); put(s31, o3 + 1, h, (r + 3) * ldh + v + 1)
    }

    @inline(__always)
    static func tile4x1(K: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<V>, ldx: Int,
                        out: UnsafeMutablePointer<V>, ldo: Int, h: UnsafePointer<V>?, ldh: Int, r: Int, v: Int) {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        for k in 0..<K {
            let x0 = x[k * ldx]
            let ak = a + k * lda
            s0 = s0.addingProduct(V(repeating: ak[0]), x0)
            s1 = s1.addingProduct(V(repeating: ak[1]), x0)
            s2 = s2.addingProduct(V(repeating: ak[2]), x0)
            s3 = s3.addingProduct(V(repeating: ak[3]), x0)
        }
        let o0 = out + r * ldo + v, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo
        put(s0, o0, h, r * ldh + v)
        put(s1, o1, h, (r + 1) * ldh + v)
        put(s2, o2, h, (r + 2) * ldh + v)
        put(s3, o3, h, (r + 3) * ldh + v)
    }

    /// Weight-gradient accumulation of one stage: acc[o ldAcc + i] += d[o][.] x[i][.] (lane-wise, summed
    /// over the lv vectors in increasing v), bacc[o] += d[o][.], for o < O, i < I (even).
    /// The accumulators stay lane vectors (summed across lanes once per iteration).
    @inline(__always)
    static func accumulateOuter(O: Int, I: Int, d: UnsafePointer<V>, x: UnsafePointer<V>, lv: Int,
                                acc: UnsafeMutablePointer<V>, ldAcc: Int, bacc: UnsafeMutablePointer<V>) {
        let wide = VectorRegisters.fit(24, of: V.self)
        var o = 0
        while o + 4 <= O {
            let d0 = d + o * lv, d1 = d0 + lv, d2 = d1 + lv, d3 = d2 + lv
            var i = 0
            while wide && i + 6 <= I {                   // 4 x 6 tile: 24 accumulators, 10 loads per 24 FMAs
                let x0 = x + i * lv, x1 = x0 + lv, x2 = x1 + lv, x3 = x2 + lv, x4 = x3 + lv, x5 = x4 + lv
                let a0 = acc + o * ldAcc + i, a1 = a0 + ldAcc, a2 = a1 + ldAcc, a3 = a2 + ldAcc
                var s00 = a0[0], s01 = a0[1], s02 = a0[2], s03 = a0[3], s04 = a0[4], s05 = a0[5]
                var s10 = a1[0], s11 = a1[1], s12 = a1[2], s13 = a1[3], s14 = a1[4], s15 = a1[5]
                var s20 = a2[0], s21 = a2[1], s22 = a2[2], s23 = a2[3], s24 = a2[4], s25 = a2[5]
                var s30 = a3[0], s31 = a3[1], s32 = a3[2], s33 = a3[3], s34 = a3[4], s35 = a3[5]
                for v in 0..<lv {
                    let p0 = d0[v], p1 = d1[v], p2 = d2[v], p3 = d3[v]
                    var q = x0[v]
                    s00 = s00.addingProduct(p0, q); s10 = s10.addingProduct(p1, q); s20 = s20.addingProduct(p2, q); s30 = s30.addingProduct(p3, q)
                    q = x1[v]
                    s01 = s01.addingProduct(p0, q); s11 = s11.addingProduct(p1, q); s21 = s21.addingProduct(p2, q); s31 = s31.addingProduct(p3, q)
                    q = x2[v]
                    s02 = s02.addingProduct(p0, q); s12 = s12.addingProduct(p1, q); s22 = s22.addingProduct(p2, q); s32 = s32.addingProduct(p3, q)
                    q = x3[v]
                    s03 = s03.addingProduct(p0, q); s13 = s13.addingProduct(p1, q); s23 = s23.addingProduct(p2, q); s33 = s33.addingProduct(p3, q)
                    q = x4[v]
                    s04 = s04.addingProduct(p0, q); s14 = s14.addingProduct(p1, q); s24 = s24.addingProduct(p2, q); s34 = s34.addingProduct(p3, q)
                    q = x5[v]
                    s05 = s05.addingProduct(p0, q); s15 = s15.addingProduct(p1, q); s25 = s25.addingProduct(p2, q); s35 = s35.addingProduct(p3, q)
                }
                a0[0] = s00; a0[1] = s01; a0[2] = s02; a0[3] = s03; a0[4] = s04; a0[5] = s05
                a1[0] = s10; a1[1] = s11; a1[2] = s12; a1[3] = s13; a1[4] = s14; a1[5] = s15
                a2[0] = s20; a2[1] = s21; a2[2] = s22; a2[3] = s23; a2[4] = s24; a2[5] = s25
                a3[0] = s30; a3[1] = s31; a3[2] = s32; a3[3] = s33; a3[4] = s34; a3[5] = s35
                i += 6
            }
            while wide && i + 4 <= I {
                let x0 = x + i * lv, x1 = x0 + lv, x2 = x1 + lv, x3 = x2 + lv
                let a0 = acc + o * ldAcc + i, a1 = a0 + ldAcc, a2 = a1 + ldAcc, a3 = a2 + ldAcc
                var s00 = a0[0], s01 = a0[1], s02 = a0[2], s03 = a0[3]
                var s10 = a1[0], s11 = a1[1], s12 = a1[2], s13 = a1[3]
                var s20 = a2[0], s21 = a2[1], s22 = a2[2], s23 = a2[3]
                var s30 = a3[0], s31 = a3[1], s32 = a3[2], s33 = a3[3]
                for v in 0..<lv {
                    let p0 = d0[v], p1 = d1[v], p2 = d2[v], p3 = d3[v]
                    let q0 = x0[v], q1 = x1[v], q2 = x2[v], q3 = x3[v]
                    s00 = s00.addingProduct(p0, q0); s01 = s01.addingProduct(p0, q1); s02 = s02.addingProduct(p0, q2); s03 = s03.addingProduct(p0, q3)
                    s10 = s10.addingProduct(p1, q0); s11 = s11.addingProduct(p1, q1); s12 = s12.addingProduct(p1, q2); s13 = s13.addingProduct(p1, q3)
                    s20 = s20.addingProduct(p2, q0); s21 = s21.addingProduct(p2, q1); s22 = s22.addingProduct(p2, q2); s23 = s23.addingProduct(p2, q3)
                    s30 = s30.addingProduct(p3, q0); s31 = s31.addingProduct(p3, q1); s32 = s32.addingProduct(p3, q2); s33 = s33.addingProduct(p3, q3)
                }
                a0[0] = s00; a0[1] = s01; a0[2] = s02; a0[3] = s03
                a1[0] = s10; a1[1] = s11; a1[2] = s12; a1[3] = s13
                a2[0] = s20; a2[1] = s21; a2[2] = s22; a2[3] = s23
                a3[0] = s30; a3[1] = s31; a3[2] = s32; a3[3] = s33
                i += 4
            }
            while i < I {                        // pairs of input rows (4 x 2 tiles: 8 accumulators)
                let x0 = x + i * lv, x1 = x0 + lv
                let a0 = acc + o * ldAcc + i, a1 = a0 + ldAcc, a2 = a1 + ldAcc, a3 = a2 + ldAcc
                var s00 = a0[0], s01 = a0[1], s10 = a1[0], s11 = a1[1]
                var s20 = a2[0], s21 = a2[1], s30 = a3[0], s31 = a3[1]
                for v in 0..<lv {
                    let q0 = x0[v], q1 = x1[v]
                    let p0 = d0[v], p1 = d1[v], p2 = d2[v], p3 = d3[v]
                    s00 = s00.addingProduct(p0, q0); s01 = s01.addingProduct(p0, q1)
                    s10 = s10.addingProduct(p1, q0); s11 = s11.addingProduct(p1, q1)
                    s20 = s20.addingProduct(p2, q0); s21 = s21.addingProduct(p2, q1)
                    s30 = s30.addingProduct(p3, q0); s31 = s31.addingProduct(p3, q1)
                }
                a0[0] = s00; a0[1] = s01; a1[0] = s10; a1[1] = s11
                a2[0] = s20; a2[1] = s21; a3[0] = s30; a3[1] = s31
                i += 2
            }
            var b0 = bacc[o], b1 = bacc[o + 1], b2 = bacc[o + 2], b3 = bacc[o + 3]
            for v in 0..<lv { b0 += d0[v]; b1 += d1[v]; b2 += d2[v]; b3 += d3[v] }
            bacc[o] = b0; bacc[o + 1] = b1; bacc[o + 2] = b2; bacc[o + 3] = b3
            o += 4
        }
        if o < O {                               // two output rows left
            let d0 = d + o * lv, d1 = d0 + lv
            var i = 0
            while i + 4 <= I {
                let x0 = x + i * lv, x1 = x0 + lv, x2 = x1 + lv, x3 = x2 + lv
                let a0 = acc + o * ldAcc + i, a1 = a0 + ldAcc
                var s00 = a0[0], s01 = a0[1], s02 = a0[2], s03 = a0[3]
                var s10 = a1[0], s11 = a1[1], s12 = a1[2], s13 = a1[3]
                for v in 0..<lv {
                    let p0 = d0[v], p1 = d1[v]
                    let q0 = x0[v], q1 = x1[v], q2 = x2[v], q3 = x3[v]
                    s00 = s00.addingProduct(p0, q0); s01 = s01.addingProduct(p0, q1); s02 = s02.addingProduct(p0, q2); s03 = s03.addingProduct(p0, q3)
                    s10 = s10.addingProduct(p1, q0); s11 = s11.addingProduct(p1, q1); s12 = s12.addingProduct(p1, q2); s13 = s13.addingProduct(p1, q3)
                }
                a0[0] = s00; a0[1] = s01; a0[2] = s02; a0[3] = s03
                a1[0] = s10; a1[1] = s11; a1[2] = s12; a1[3] = s13
                i += 4
            }
            if i < I {
                let x0 = x + i * lv, x1 = x0 + lv
                let a0 = acc + o * ldAcc + i, a1 = a0 + ldAcc
                var s00 = a0[0], s01 = a0[1], s10 = a1[0], s11 = a1[1]
                for v in 0..<lv {
                    let p0 = d0[v], p1 = d1[v], q0 = x0[v], q1 = x1[v]
                    s00 = s00.addingProduct(p0, q0); s01 = s01.addingProduct(p0, q1)
                    s10 = s10.addingProduct(p1, q0); s11 = s11.addingProduct(p1, q1)
                }
                a0[0] = s00; a0[1] = s01; a1[0] = s10; a1[1] = s11
            }
            var b0 = bacc[o], b1 = bacc[o + 1]
            for v in 0..<lv { b0 += d0[v]; b1 += d1[v] }
            bacc[o] = b0; bacc[o + 1] = b1
        }
    }
}
