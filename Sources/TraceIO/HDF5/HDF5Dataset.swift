import CHDF5

/// An open HDF5 dataset: its shape and element class, and reads of all of it or of a block of
/// rows (a hyperslab along the first dimension) converted by HDF5 to native Float64.
public final class HDF5Dataset: HDF5Object {
    /// Dimensions, slowest first ([] for a scalar dataset).
    public let shape: [Int]
    /// The stored element class: "floating-point", "integer", "string", ...
    public let elementClass: String
    private let typeClass: H5T_class_t
    /// Bytes per stored element (4 for Float32, 8 for Float64, ...).
    public let elementSize: Int
    /// Number of elements (product of the shape; 1 for a scalar), Int.max when the product overflows.
    public let count: Int
    /// Whether `checkReadable` found the storage consistent with the shape (checked once).
    var storageChecked = false

    init(file: HDF5File, path: String, id: hid_t) throws {
        let space = H5Dget_space(id)
        let type = H5Dget_type(id)
        defer { if space >= 0 { H5Sclose(space) }; if type >= 0 { H5Tclose(type) } }
        guard space >= 0, type >= 0 else {
            let detail = HDF5Library.innermostMessage()
            H5Oclose(id)
            throw TraceIOError.hdf5(file: file.path, object: path, operation: "reading dataset shape", detail: detail)
        }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 0))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = dims.map { $0 > hsize_t(Int.max) ? Int.max : Int($0) }
        var product = 1, overflow = false
        for d in shape where !overflow { (product, overflow) = product.multipliedReportingOverflow(by: d) }
        count = overflow ? Int.max : product
        typeClass = H5Tget_class(type)
        elementClass = HDF5Object.className(typeClass)
        elementSize = Int(H5Tget_size(type))
        super.init(file: file, path: path, id: id, close: { H5Oclose($0) })
    }

    /// How the data are stored, for `spinode inspect`: "contiguous", "chunked [r, c] gzip", ...
    public var storageDescription: String {
        let properties = H5Dget_create_plist(id)
        guard properties >= 0 else { return "unknown" }
        defer { H5Pclose(properties) }
        switch H5Pget_layout(properties) {
        case H5D_CHUNKED:
            var chunk = [hsize_t](repeating: 0, count: max(shape.count, 1))
            let rank = H5Pget_chunk(properties, Int32(chunk.count), &chunk)
            var text = "chunked [" + chunk.prefix(Int(max(rank, 0))).map { "\($0)" }.joined(separator: ", ") + "]"
            let filters = H5Pget_nfilters(properties)
            for i in 0..<max(filters, 0) {
                var flags: UInt32 = 0
                var n = 0
                var name = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let filter = H5Pget_filter2(properties, UInt32(i), &flags, &n, nil, 64, &name, &config)
                text += filter == H5Z_FILTER_DEFLATE ? " gzip" : filter == H5Z_FILTER_SHUFFLE ? " shuffle" : " filter \(filter)"
            }
            return text
        case H5D_COMPACT: return "compact"
        default: return "contiguous"
        }
    }

    private func requireFloatingPoint() throws {
        guard typeClass == H5T_FLOAT else {
            throw TraceIOError.wrongType(file: file.path, object: path, expected: "floating-point", found: elementClass)
        }
    }

    /// All values, row-major, converted to Float64 (Float32 and Float64 storage, contiguous or
    /// chunked, compressed or not). Integer, string or other data are refused with `.wrongType`:
    /// trace and weight data must be floating point.
    public func readDoubles() throws -> [Double] {
        try requireFloatingPoint()
        try checkReadable(values: count)
        HDF5Library.prepareThread()
        var values = [Double](repeating: 0, count: count)
        if values.isEmpty { return values }
        let status = values.withUnsafeMutableBytes {
            H5Dread(id, spinode_H5T_NATIVE_DOUBLE(), spinode_H5S_ALL(), spinode_H5S_ALL(), spinode_H5P_DEFAULT(), $0.baseAddress)
        }
        if status < 0 { throw failure("reading dataset") }
        return values
    }

    /// Rows `rows` (along the first dimension) of the dataset, row-major, converted to Float64.
    /// Reads only the chunks the rows touch, so a window of a long trace loads without the rest.
    public func readDoubles(rows: Range<Int>) throws -> [Double] {
        try requireFloatingPoint()
        HDF5Library.prepareThread()
        guard let first = shape.first else {
            throw TraceIOError.wrongRank(file: file.path, object: path, expected: "at least 1", found: 0)
        }
        guard rows.lowerBound >= 0, rows.upperBound <= first else {
            throw TraceIOError.invalidValue(file: file.path, object: path,
                                            detail: "rows \(rows.lowerBound)..<\(rows.upperBound) outside 0..<\(first)")
        }
        let rowElements = first > 0 && count < Int.max ? count / first : 0
        let (values, overflow) = rows.count.multipliedReportingOverflow(by: rowElements)
        try checkReadable(values: overflow ? Int.max : values)
        var result = [Double](repeating: 0, count: values)
        if result.isEmpty { return result }
        let fileSpace = H5Dget_space(id)
        guard fileSpace >= 0 else { throw failure("reading dataset shape") }
        defer { H5Sclose(fileSpace) }
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var block = shape.map { hsize_t($0) }
        block[0] = hsize_t(rows.count)
        guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &block, nil) >= 0 else {
            throw failure("selecting rows")
        }
        let memorySpace = H5Screate_simple(Int32(block.count), &block, nil)
        guard memorySpace >= 0 else { throw failure("creating dataspace") }
        defer { H5Sclose(memorySpace) }
        let status = result.withUnsafeMutableBytes {
            H5Dread(id, spinode_H5T_NATIVE_DOUBLE(), memorySpace, fileSpace, spinode_H5P_DEFAULT(), $0.baseAddress)
        }
        if status < 0 { throw failure("reading rows") }
        return result
    }

    /// All values of an integer dataset (indices, counts) as Int.
    public func readIntegers() throws -> [Int] {
        guard typeClass == H5T_INTEGER else {
            throw TraceIOError.wrongType(file: file.path, object: path, expected: "integer", found: elementClass)
        }
        try checkReadable(values: count)
        HDF5Library.prepareThread()
        var values = [Int64](repeating: 0, count: count)
        if values.isEmpty { return [] }
        let status = values.withUnsafeMutableBytes {
            H5Dread(id, spinode_H5T_NATIVE_INT64(), spinode_H5S_ALL(), spinode_H5S_ALL(), spinode_H5P_DEFAULT(), $0.baseAddress)
        }
        if status < 0 { throw failure("reading dataset") }
        return values.map { Int($0) }
    }
}
