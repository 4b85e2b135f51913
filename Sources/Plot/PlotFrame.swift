/// The plotting area of a figure in SVG user units (pixels; origin at the top left, y downwards) and the
/// two axes that map data onto it: x = left + f_x width, y = top + (1 - f_y) height, with f the axis
/// fraction (`Axis.fraction`), so the lower end of the y axis is at the bottom.
public struct PlotFrame: Sendable, Equatable {
    public var x: Axis
    public var y: Axis
    public var left: Double
    public var top: Double
    public var width: Double
    public var height: Double

    public init(x: Axis, y: Axis, left: Double, top: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    /// The pixel of data point (x, y); nil if it cannot be placed (non-finite, or <= 0 on a log axis).
    /// Points outside the axis ranges map outside the area (the SVG clips them).
    public func pixel(x value: Double, y other: Double) -> (x: Double, y: Double)? {
        guard value.isFinite, other.isFinite, let fx = x.fraction(value), let fy = y.fraction(other) else { return nil }
        return (left + fx * width, top + (1 - fy) * height)
    }
}
