/// The demagnetising tensor N_ab(R) between two rectangular cells of size dx x dy x dz whose centres are
/// R apart: the cell-averaged field at the target is H_a = -sum_b N_ab(R) M_b (self term N(0) has trace 1).
///
/// Near cells use the exact closed form of Newell, Williams and Dunlop, J. Geophys. Res. 98, 9551 (1993),
/// eqs. (20)-(22) and (26)-(28): N_xx = (1/(4 pi V)) sum over the 27-point stencil of weights
/// (2, -1, -1)^{(x) 3} of f(X +- dx, Y +- dy, Z +- dz), N_xy likewise with g; the other components follow
/// by permuting the arguments. Computed in Float64.
///
/// This stencil cancels terms of size R^3 down to a result of size V/R^3, losing about (R/d)^6 of the
/// 16 digits; so beyond `farDistance` cell sizes we use instead the exact identity
/// N(R) = V < T(R + s) > with T the point-dipole tensor -(1/4 pi)(3 r r^T - r^2 I)/r^5 and s distributed
/// as the difference of two points uniform in a cell (a triangle law of half-width d per axis), averaged
/// by 4-point Gauss-Legendre quadrature on each half of every triangle (512 points; quadrature error of
/// order (d/R)^8, below 1e-11 relative at R = 24 d).
public enum DemagKernel {
    /// Distance, in units of the largest cell side, beyond which the quadrature replaces the Newell stencil.
    public static let farDistance = 24.0

    /// The six independent components (xx, yy, zz, xy, xz, yz) at centre offset (X, Y, Z) metres.
    public static func tensor(_ X: Double, _ Y: Double, _ Z: Double,
                              dx: Double, dy: Double, dz: Double) -> [Double] {
        let dmax = max(dx, max(dy, dz))
        let r = (X * X + Y * Y + Z * Z).squareRoot()
        if r > farDistance * dmax { return farTensor(X, Y, Z, dx: dx, dy: dy, dz: dz) }
        let scale = 1 / (4 * Double.pi * dx * dy * dz)
        return [
            scale * stencil(X, Y, Z, dx, dy, dz) { newellF($0, $1, $2) },
            scale * stencil(X, Y, Z, dx, dy, dz) { newellF($1, $0, $2) },
            scale * stencil(X, Y, Z, dx, dy, dz) { newellF($2, $1, $0) },
            scale * stencil(X, Y, Z, dx, dy, dz) { newellG($0, $1, $2) },
            scale * stencil(X, Y, Z, dx, dy, dz) { newellG($0, $2, $1) },
            scale * stencil(X, Y, Z, dx, dy, dz) { newellG($1, $2, $0) },
        ]
    }

    /// sum_{a,b,c in -1,0,1} w_a w_b w_c F(X + a dx, Y + b dy, Z + c dz), w_0 = 2, w_{+-1} = -1.
    static func stencil(_ X: Double, _ Y: Double, _ Z: Double, _ dx: Double, _ dy: Double, _ dz: Double,
                        _ F: (Double, Double, Double) -> Double) -> Double {
        let w = [-1.0, 2.0, -1.0]
        var s = 0.0
        for a in 0..<3 { for b in 0..<3 { for c in 0..<3 {
            s += w[a] * w[b] * w[c] * F(X + Double(a - 1) * dx, Y + Double(b - 1) * dy, Z + Double(c - 1) * dz)
        } } }
        return s
    }

    /// Newell's f(x, y, z) (eq. 27), even in each argument.
    static func newellF(_ x0: Double, _ y0: Double, _ z0: Double) -> Double {
        let x = abs(x0), y = abs(y0), z = abs(z0)
        let x2 = x * x, y2 = y * y, z2 = z * z
        let r = (x2 + y2 + z2).squareRoot()
        if r == 0 { return 0 }
        var f = (2 * x2 - y2 - z2) * r / 6
        if y > 0 && (x2 + z2) > 0 { f += y / 2 * (z2 - x2) * asinh(y / (x2 + z2).squareRoot()) }
        if z > 0 && (x2 + y2) > 0 { f += z / 2 * (y2 - x2) * asinh(z / (x2 + y2).squareRoot()) }
        if x > 0 && y > 0 && z > 0 { f -= x * y * z * atan(y * z / (x * r)) }
        return f
    }

    /// Newell's g(x, y, z) (eq. 28), odd in x and in y, even in z.
    static func newellG(_ x0: Double, _ y0: Double, _ z0: Double) -> Double {
        let sign = (x0 < 0 ? -1.0 : 1.0) * (y0 < 0 ? -1.0 : 1.0)
        let x = abs(x0), y = abs(y0), z = abs(z0)
        let x2 = x * x, y2 = y * y, z2 = z * z
        let r = (x2 + y2 + z2).squareRoot()
        if r == 0 { return 0 }
        var g = -x * y * r / 3
        if z > 0 && (x2 + y2) > 0 { g += x * y * z * asinh(z / (x2 + y2).squareRoot()) }
        if x > 0 && (y2 + z2) > 0 { g += y / 6 * (3 * z2 - y2) * asinh(x / (y2 + z2).squareRoot()) }
        if y > 0 && (x2 + z2) > 0 { g += x / 6 * (3 * z2 - x2) * asinh(y / (x2 + z2).squareRoot()) }
        if z > 0 { g -= z2 * z / 6 * atan(x * y / (z * r)) }
        if y > 0 { g -= z * y2 / 2 * atan(x * z / (y * r)) }
        if x > 0 { g -= z * x2 / 2 * atan(y * z / (x * r)) }
        return sign * g
    }

    /// 4-point Gauss-Legendre nodes and weights on [0, 1].
    static let gauss: [(Double, Double)] = {
        let t = [0.3399810435848563, 0.8611363115940526], w = [0.6521451548625461, 0.3478548451374538]
        var out: [(Double, Double)] = []
        for k in 0..<2 {
            out.append(((1 - t[k]) / 2, w[k] / 2)); out.append(((1 + t[k]) / 2, w[k] / 2))
        }
        return out
    }()

    /// Nodes and weights of the triangle law on [-d, d] with density (1 - |s|/d)/d.
    static func triangleRule(_ d: Double) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for (t, w) in gauss {
            out.append((d * t, w * (1 - t)))
            out.append((-d * t, w * (1 - t)))
        }
        return out
    }

    /// Far-field tensor V < T(R + s) > by quadrature (see the type's documentation); accurate for R >> d.
    public static func farTensor(_ X: Double, _ Y: Double, _ Z: Double, dx: Double, dy: Double, dz: Double) -> [Double] {
        let qx = triangleRule(dx), qy = triangleRule(dy), qz = triangleRule(dz)
        var n = [Double](repeating: 0, count: 6)
        for (sx, wx) in qx { for (sy, wy) in qy { for (sz, wz) in qz {
            let x = X + sx, y = Y + sy, z = Z + sz
            let r2 = x * x + y * y + z * z
            let r = r2.squareRoot()
            let inv5 = 1 / (r2 * r2 * r), w = wx * wy * wz
            n[0] += w * (3 * x * x - r2) * inv5
            n[1] += w * (3 * y * y - r2) * inv5
            n[2] += w * (3 * z * z - r2) * inv5
            n[3] += w * 3 * x * y * inv5
            n[4] += w * 3 * x * z * inv5
            n[5] += w * 3 * y * z * inv5
        } } }
        let s = -dx * dy * dz / (4 * Double.pi)
        return n.map { $0 * s }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
