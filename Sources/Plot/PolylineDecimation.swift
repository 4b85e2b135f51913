/// Thins a polyline of many more points than pixel columns without changing what is drawn: within each
/// pixel column the first, lowest, highest and last points are kept, in their original order (the
/// min/max envelope decimation of oscilloscopes and of plotting libraries' fast paths). A 20,000-sample
/// trace on a 700-pixel-wide plot shrinks to at most 2,800 points; every local extreme wider than a
/// column survives.
public enum PolylineDecimation {
    /// `points` (pixel coordinates, x non-decreasing) reduced to at most four per unit-wide column of x.
    public static func reduce(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard points.count > 4 else { return points }
        var result = [(x: Double, y: Double)]()
        result.reserveCapacity(min(points.count, 4096))
        var start = 0
        while start < points.count {
            let column = points[start].x.rounded(.down)
            var end = start + 1
            while end < points.count && points[end].x.rounded(.down) == column { end += 1 }
            var lowest = start, highest = start
            for i in start..<end {
                if points[i].y < points[lowest].y { lowest = i }
                if points[i].y > points[highest].y { highest = i }
            }
            for i in Set([start, lowest, highest, end - 1]).sorted() { result.append(points[i]) }
            start = end
        }
        return result
    }
}
