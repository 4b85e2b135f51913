import CHDF5

/// An open HDF5 group: finds, lists and creates its members (groups and datasets).
public final class HDF5Group: HDF5Object {
    static func open(in file: HDF5File, parentID: hid_t, name: String, path: String) throws -> HDF5Group {
        HDF5Library.prepareThread()
        let id = H5Gopen2(parentID, name, spinode_H5P_DEFAULT())
        guard id >= 0 else {
            throw TraceIOError.hdf5(file: file.path, object: path, operation: "opening group",
                                    detail: HDF5Library.innermostMessage())
        }
        return HDF5Group(file: file, path: path, id: id, close: { H5Gclose($0) })
    }

    /// Whether `name` (a relative path, "a/b/c" allowed) names a member. Each link on the way is
    /// checked, as H5Lexists requires.
    public func exists(_ name: String) -> Bool {
        HDF5Library.prepareThread()
        var prefix = ""
        for component in name.split(separator: "/") {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            if H5Lexists(id, prefix, spinode_H5P_DEFAULT()) <= 0 { return false }
        }
        return !prefix.isEmpty
    }

    /// Opens any object and returns its identifier and HDF5 type (group, dataset, ...).
    private func openObject(_ name: String) throws -> (hid_t, H5I_type_t) {
        HDF5Library.prepareThread()
        let path = childPath(name)
        guard exists(name) else { throw TraceIOError.missingObject(file: file.path, object: path) }
        let object = H5Oopen(id, name, spinode_H5P_DEFAULT())
        guard object >= 0 else { throw failure("opening object", object: path) }
        return (object, H5Iget_type(object))
    }

    /// Whether member `name` exists and is a group.
    public func hasGroup(_ name: String) -> Bool {
        guard exists(name), let (object, type) = try? openObject(name) else { return false }
        H5Oclose(object)
        return type == H5I_GROUP
    }

    /// Whether member `name` exists and is a dataset.
    public func hasDataset(_ name: String) -> Bool {
        guard exists(name), let (object, type) = try? openObject(name) else { return false }
        H5Oclose(object)
        return type == H5I_DATASET
    }

    /// Opens subgroup `name` (relative path).
    public func group(_ name: String) throws -> HDF5Group {
        let (object, type) = try openObject(name)
        guard type == H5I_GROUP else {
            H5Oclose(object)
            throw TraceIOError.wrongType(file: file.path, object: childPath(name), expected: "a group",
                                         found: type == H5I_DATASET ? "dataset (not group)" : "non-group")
        }
        return HDF5Group(file: file, path: childPath(name), id: object, close: { H5Oclose($0) })
    }

    /// Opens dataset `name` (relative path).
    public func dataset(_ name: String) throws -> HDF5Dataset {
        let (object, type) = try openObject(name)
        guard type == H5I_DATASET else {
            H5Oclose(object)
            throw TraceIOError.wrongType(file: file.path, object: childPath(name), expected: "a dataset",
                                         found: type == H5I_GROUP ? "group (not dataset)" : "non-dataset")
        }
        return try HDF5Dataset(file: file, path: childPath(name), id: object)
    }

    /// Names of the direct members, in name order.
    public func memberNames() throws -> [String] {
        HDF5Library.prepareThread()
        var info = H5G_info_t()
        guard H5Gget_info(id, &info) >= 0 else { throw failure("listing group") }
        var names: [String] = []
        for i in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, spinode_H5P_DEFAULT())
            guard length >= 0 else { throw failure("listing group") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            let n = buffer.count
            guard H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, n, spinode_H5P_DEFAULT()) >= 0 else {
                throw failure("listing group")
            }
            names.append(String(cString: buffer))
        }
        return names
    }

    /// Creates subgroup `name` (one level).
    @discardableResult
    public func createGroup(_ name: String) throws -> HDF5Group {
        HDF5Library.prepareThread()
        let id = H5Gcreate2(self.id, name, spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        guard id >= 0 else { throw failure("creating group", object: childPath(name)) }
        return HDF5Group(file: file, path: childPath(name), id: id, close: { H5Gclose($0) })
    }

    /// Unlinks member `name` (the space it used is not reclaimed until the file is rewritten).
    public func removeMember(_ name: String) throws {
        HDF5Library.prepareThread()
        guard exists(name) else { throw TraceIOError.missingObject(file: file.path, object: childPath(name)) }
        guard H5Ldelete(id, name, spinode_H5P_DEFAULT()) >= 0 else { throw failure("removing member", object: childPath(name)) }
    }

    /// Datasets with at least this many elements are written chunked and deflate-compressed.
    public static let compressionThreshold = 4096
    /// Target elements per chunk (8 KiB of Float64): small enough that reading a training window
    /// decompresses little (`spinode bench traceio`: a random 20-sample window of a 10^6-sample trace
    /// read in 272 us with 1024-value chunks against 1670 us with 8192, file 0.5% larger).
    public static let chunkElements = 1024
    /// Deflate (gzip) level for large datasets.
    public static let deflateLevel: UInt32 = 4

    /// Writes `values` (row-major, count = product of `shape`) as a new Float64 dataset;
    /// large datasets are chunked along the first dimension, byte-shuffled and gzip-compressed.
    @discardableResult
    public func createDataset(_ name: String, shape: [Int], values: [Double]) throws -> HDF5Dataset {
        try values.withUnsafeBytes {
            try createDataset(name, shape: shape, count: values.count, fileType: spinode_H5T_IEEE_F64LE(),
                              memoryType: spinode_H5T_NATIVE_DOUBLE(), $0.baseAddress)
        }
    }

    /// Writes `values` as a new 64-bit integer dataset (indices, counts).
    @discardableResult
    public func createDataset(_ name: String, shape: [Int], integers: [Int]) throws -> HDF5Dataset {
        let values = integers.map { Int64($0) }
        return try values.withUnsafeBytes {
            try createDataset(name, shape: shape, count: values.count, fileType: spinode_H5T_STD_I64LE(),
                              memoryType: spinode_H5T_NATIVE_INT64(), $0.baseAddress)
        }
    }

    private func createDataset(_ name: String, shape: [Int], count: Int, fileType: hid_t, memoryType: hid_t,
                               _ buffer: UnsafeRawPointer?) throws -> HDF5Dataset {
        HDF5Library.prepareThread()
        let path = childPath(name)
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == count else {
            throw TraceIOError.lengthMismatch(file: file.path, object: path, expected: shape.reduce(1, *),
                                              found: count, reference: "shape \(shape)")
        }
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(shape.count), &dims, nil)
        guard space >= 0 else { throw failure("creating dataspace", object: path) }
        defer { H5Sclose(space) }
        let properties = H5Pcreate(spinode_H5P_DATASET_CREATE())
        guard properties >= 0 else { throw failure("creating dataset properties", object: path) }
        defer { H5Pclose(properties) }
        if count >= HDF5Group.compressionThreshold, !shape.isEmpty {
            let rowElements = max(1, shape.dropFirst().reduce(1, *))
            var chunk = dims
            chunk[0] = hsize_t(max(1, min(shape[0], HDF5Group.chunkElements / rowElements)))
            guard H5Pset_chunk(properties, Int32(shape.count), &chunk) >= 0 else {
                throw failure("setting chunk shape", object: path)
            }
            // Byte shuffle before deflate groups the exponent bytes of neighbouring doubles, which
            // compresses sampled signals better (both filters are built into every libhdf5).
            if H5Pset_shuffle(properties) < 0 { throw failure("enabling shuffle", object: path) }
            if H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0, H5Pset_deflate(properties, HDF5Group.deflateLevel) < 0 {
                throw failure("enabling gzip compression", object: path)
            }
        }
        let dataset = H5Dcreate2(id, name, fileType, space, spinode_H5P_DEFAULT(), properties, spinode_H5P_DEFAULT())
        guard dataset >= 0 else { throw failure("creating dataset", object: path) }
        if count > 0, H5Dwrite(dataset, memoryType, spinode_H5S_ALL(), spinode_H5S_ALL(), spinode_H5P_DEFAULT(), buffer) < 0 {
            H5Dclose(dataset)
            throw failure("writing dataset", object: path)
        }
        return try HDF5Dataset(file: file, path: path, id: dataset)
    }
}
