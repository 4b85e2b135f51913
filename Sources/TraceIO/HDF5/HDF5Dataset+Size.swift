import CHDF5

/// Checks that a dataset's claimed shape is backed by the file and fits in memory before any of it
/// is read: a small file can claim billions of values (a dataset created and never written, a
/// header edited by hand), and reading it would allocate their whole size, failing in the
/// allocator or waking the OOM killer instead of giving a message.
extension HDF5Dataset {
    /// Largest compression ratio of deflate (zlib's 1032:1, "zlib technical details"), with margin: a
    /// deflated dataset cannot hold more than this many bytes per stored byte.
    static let deflateRatioBound = 1100.0

    /// Reads smaller than this (bytes as Float64) skip the memory check: they cannot exhaust a
    /// machine that runs the toolkit, and training reads many small windows.
    public static let memoryCheckThreshold = 64e6

    /// Refuses a read of `values` values (converted to Float64) when the dataset's storage does not
    /// hold the values it claims, or when they need more than `availableMemory()` bytes (asked only
    /// for reads of `threshold` bytes or more; nil: no limit). The storage check is done once per
    /// dataset.
    public func checkReadable(values: Int, availableMemory: () -> Int? = AvailableMemory.bytes,
                              threshold: Double = HDF5Dataset.memoryCheckThreshold) throws {
        if !storageChecked {
            if let problem = storageProblem() {
                throw TraceIOError.tooLarge(file: file.path, object: path, detail: problem)
            }
            storageChecked = true
        }
        let bytes = Double(values) * 8
        if bytes >= threshold, let available = availableMemory(), bytes > Double(available) {
            throw TraceIOError.tooLarge(
                file: file.path, object: path,
                detail: "\(claim(values: values)), more than the \(ByteCount(available)) of memory available (MemAvailable)")
        }
    }

    /// "claims 3000000000 values (24 GB as Float64)": `values` of the shape `shape`.
    func claim(values: Int) -> String {
        let shapeText = shape.map(String.init).joined(separator: " x ")
        let part = values == count ? "" : " (\(values) of its \(count))"
        return "shape [\(shapeText)] claims \(values) values\(part) (\(ByteCount(Double(values) * 8)) as Float64)"
    }

    /// Why the file cannot hold the values the shape claims, or nil.
    func storageProblem() -> String? {
        guard count > 0 else { return nil }
        if count == Int.max { return "shape [\(shape.map(String.init).joined(separator: " x "))] overflows a 64-bit count" }
        HDF5Library.prepareThread()
        let needed = Double(count) * Double(elementSize)
        var fileSize: hsize_t = 0
        _ = H5Fget_filesize(file.id, &fileSize)
        let fileText = "file size \(ByteCount(Double(fileSize)))"
        let properties = H5Dget_create_plist(id)
        guard properties >= 0 else { return nil }
        defer { H5Pclose(properties) }
        switch H5Pget_layout(properties) {
        case H5D_CONTIGUOUS where H5Pget_external_count(properties) == 0:
            let offset = H5Dget_offset(id)
            if offset == haddr_t.max {
                return "\(claim(values: count)) but it was never written (\(fileText)); it would read as fill values"
            }
            if Double(offset) + needed > Double(fileSize) {
                return "\(claim(values: count)) but the file ends \(ByteCount(Double(offset) + needed - Double(fileSize))) "
                    + "before them (\(fileText)): truncated"
            }
            return nil
        case H5D_CHUNKED:
            var chunk = [hsize_t](repeating: 0, count: max(shape.count, 1))
            let rank = Int(H5Pget_chunk(properties, Int32(chunk.count), &chunk))
            guard rank == shape.count, chunk.allSatisfy({ $0 > 0 }) else { return nil }
            var expected = 1.0
            for (d, c) in zip(shape, chunk) { expected *= (Double(d) / Double(c)).rounded(.up) }
            let space = H5Dget_space(id)
            guard space >= 0 else { return nil }
            defer { H5Sclose(space) }
            var written: hsize_t = 0
            if H5Dget_num_chunks(id, space, &written) >= 0, Double(written) < expected {
                return "\(claim(values: count)) but only \(written) of its \(Int(expected)) chunks were written (\(fileText)); "
                    + "the rest would read as fill values"
            }
            let stored = Double(H5Dget_storage_size(id))
            if onlyDeflateLikeFilters(properties), stored * HDF5Dataset.deflateRatioBound < needed {
                return "\(claim(values: count)) but its chunks hold \(ByteCount(stored)), "
                    + "more than deflate can compress (\(fileText)): corrupt"
            }
            return nil
        default:
            return nil
        }
    }

    /// Whether every filter is deflate, shuffle or the Fletcher-32 checksum, whose output bounds the
    /// data they hold.
    private func onlyDeflateLikeFilters(_ properties: hid_t) -> Bool {
        let filters = H5Pget_nfilters(properties)
        for i in 0..<max(filters, 0) {
            var flags: UInt32 = 0
            var n = 0
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            let filter = H5Pget_filter2(properties, UInt32(i), &flags, &n, nil, 64, &name, &config)
            guard filter == H5Z_FILTER_DEFLATE || filter == H5Z_FILTER_SHUFFLE || filter == H5Z_FILTER_FLETCHER32 else {
                return false
            }
        }
        return true
    }
}
