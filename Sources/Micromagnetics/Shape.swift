/// A geometric shape: a predicate on points (metres, origin at the mesh centre, as mumax3).
///
/// Shapes combine like mumax3's (`add`, `intersect`, `sub`, `inverse`, `transl`): a cell belongs to a
/// shape when its centre does.
public struct Shape: Sendable {
    public let contains: @Sendable (SIMD3<Double>) -> Bool

    public init(_ contains: @escaping @Sendable (SIMD3<Double>) -> Bool) { self.contains = contains }

    /// Every point.
    public static let universe = Shape { _ in true }

    /// An axis-aligned box of sides (sx, sy, sz) metres centred at the origin (infinite if a side is `.infinity`).
    public static func cuboid(_ sx: Double, _ sy: Double, _ sz: Double = .infinity) -> Shape {
        Shape { p in abs(p.x) <= sx / 2 && abs(p.y) <= sy / 2 && abs(p.z) <= sz / 2 }
    }

    /// A rectangle of sides (sx, sy) metres in the xy plane, infinite along z.
    public static func rectangle(_ sx: Double, _ sy: Double) -> Shape { cuboid(sx, sy) }

    /// An ellipse with diameters (dx, dy) metres in the xy plane, infinite along z.
    public static func ellipse(_ diameterX: Double, _ diameterY: Double) -> Shape {
        Shape { p in
            let u = 2 * p.x / diameterX, v = 2 * p.y / diameterY
            return u * u + v * v <= 1
        }
    }

    /// A disk (circle) of the given diameter in metres, infinite along z.
    public static func disk(diameter: Double) -> Shape { ellipse(diameter, diameter) }

    /// A cylinder of the given diameter and height (metres) along z, centred at the origin.
    public static func cylinder(diameter: Double, height: Double) -> Shape {
        disk(diameter: diameter).intersect(cuboid(.infinity, .infinity, height))
    }

    /// Union.
    public func add(_ other: Shape) -> Shape {
        let a = contains, b = other.contains
        return Shape { p in a(p) || b(p) }
    }
    /// Intersection.
    public func intersect(_ other: Shape) -> Shape {
        let a = contains, b = other.contains
        return Shape { p in a(p) && b(p) }
    }
    /// Difference: points in self but not in `other`.
    public func sub(_ other: Shape) -> Shape {
        let a = contains, b = other.contains
        return Shape { p in a(p) && !b(p) }
    }
    /// Complement.
    public func inverse() -> Shape {
        let a = contains
        return Shape { p in !a(p) }
    }
    /// The shape moved by (tx, ty, tz) metres.
    public func translated(_ tx: Double, _ ty: Double, _ tz: Double = 0) -> Shape {
        let a = contains, t = SIMD3(tx, ty, tz)
        return Shape { p in a(p - t) }
    }
}
