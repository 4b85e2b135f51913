import CHDF5

/// Reads every object of an HDF5 file the way SpinODE's readers do: every group's member list, every
/// dataset's shape, type, storage layout and data (whole when small, else its first and last rows), every
/// attribute's value (variable-length strings included, which go through HDF5's global heap).
///
/// Why: libhdf5 1.10 does not validate its own metadata. A flipped byte in a global-heap object size, an
/// attribute's dataspace or datatype message makes it read out of bounds and crash (SIGSEGV in `H5HG_read`,
/// `H5A__close`, `memcpy`) instead of returning an error, and no return code can be checked once the
/// process is dead. `HDF5Preflight` runs this walk in a child process (`spinode check-hdf5 FILE`): the
/// child crashing is how a damaged file is recognised, and the parent never touches it.
///
/// Errors libhdf5 does report (a missing object, a wrong type, a dataset claiming more values than the
/// file holds) are collected and the walk goes on: the reader that needs the object reports them with its
/// own message. Only crashes and hangs are the preflight's business.
public enum HDF5Walk {
    /// Datasets up to this many bytes (as Float64) are read whole; larger ones by their first and last
    /// rows, which touches their chunk index at both ends without loading them.
    public static let wholeReadBytes = 64 << 20
    /// Deepest group nesting followed (SpinODE files are 3 levels deep; a hard link cycle ends here).
    public static let maximumDepth = 32

    /// Walks `path`. `visiting` is told each step before it is taken, as a phrase that follows "while"
    /// ("reading /mlp attribute 'activation'"), so a crash can be attributed to the last step announced. Returns the errors libhdf5 reported, one line each.
    public static func run(_ path: String, visiting: (String) -> Void) -> [String] {
        var problems: [String] = []
        visiting("opening the file")
        let file: HDF5File
        do { file = try HDF5File.openUnchecked(path) } catch {
            return ["\(error)"]
        }
        visiting("opening the root group")
        do {
            try walk(try file.root, depth: 0, problems: &problems, visiting: visiting)
        } catch {
            problems.append("\(error)")
        }
        visiting("closing the file (all objects were read)")
        do { try file.close() } catch { problems.append("\(error)") }
        return problems
    }

    private static func walk(_ group: HDF5Group, depth: Int, problems: inout [String],
                             visiting: (String) -> Void) throws {
        attributes(of: group, problems: &problems, visiting: visiting)
        guard depth < maximumDepth else { return }
        visiting("listing the members of \(group.path)")
        for name in try group.memberNames() {
            let child = group.childPath(name)
            visiting("opening \(child)")
            do {
                if group.hasGroup(name) {
                    try walk(try group.group(name), depth: depth + 1, problems: &problems, visiting: visiting)
                } else if group.hasDataset(name) {
                    let dataset = try group.dataset(name)
                    attributes(of: dataset, problems: &problems, visiting: visiting)
                    visiting("reading the storage layout of \(child)")
                    _ = dataset.storageDescription
                    visiting("reading the data of \(child)")
                    try readData(of: dataset)
                }
            } catch {
                problems.append("\(error)")
            }
        }
    }

    private static func attributes(of object: HDF5Object, problems: inout [String], visiting: (String) -> Void) {
        visiting("listing the attributes of \(object.path)")
        let names: [String]
        do { names = try object.attributeNames() } catch {
            problems.append("\(error)")
            return
        }
        for name in names {
            visiting("reading " + object.attributeObject(name))
            do { _ = try object.attribute(name) } catch { problems.append("\(error)") }
        }
    }

    private static func readData(of dataset: HDF5Dataset) throws {
        let small = dataset.count <= wholeReadBytes / 8
        switch dataset.elementClass {
        case "floating-point":
            if small { _ = try dataset.readDoubles(); return }
            guard let rows = dataset.shape.first, rows > 0 else { return }
            _ = try dataset.readDoubles(rows: 0..<1)
            _ = try dataset.readDoubles(rows: (rows - 1)..<rows)
        case "integer":
            if small { _ = try dataset.readIntegers() }
        default:
            return
        }
    }
}
