/// A dense, row-major matrix of `Double` over one contiguous buffer.
///
/// Row-major means element (i, j) sits at `storage[i * columns + j]`, the layout C, NumPy and
/// PyTorch use, so weights move to and from files and other tools without transposition.
/// Batched quantities follow one convention across the toolkit: a batch of B vectors of length n
/// is a B x n matrix (one row per batch member).
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var storage: [Double]

    /// A rows x columns matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// A rows x columns matrix over `storage` (row-major; count must be rows * columns).
    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns,
                     "Matrix: \(storage.count) values do not fill \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix whose element (i, j) is `f(i, j)`.
    public init(rows: Int, columns: Int, _ f: (Int, Int) -> Double) {
        var s = [Double]()
        s.reserveCapacity(rows * columns)
        for i in 0..<rows { for j in 0..<columns { s.append(f(i, j)) } }
        self.init(rows: rows, columns: columns, storage: s)
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        Matrix(rows: n, columns: n) { i, j in i == j ? 1 : 0 }
    }

    @inlinable public var count: Int { rows * columns }

    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    /// The transpose, as a new matrix.
    public var transposed: Matrix {
        Matrix(rows: columns, columns: rows) { i, j in self[j, i] }
    }

    /// Frobenius norm sqrt(sum a_ij^2).
    public var frobeniusNorm: Double { BLAS.norm2(storage) }
}
