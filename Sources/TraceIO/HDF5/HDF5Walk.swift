import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
private let RLIMIT_AS_VALUE = __rlimit_resource_t(RLIMIT_AS.rawValue)
#endif

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
    /// rows, which touches their chunk index at both ends without loading them (well inside the child's
    /// `addressSpaceAllowance`).
    public static let wholeReadBytes = 64 << 20
    /// Deepest group nesting followed (SpinODE files are 3 levels deep; a hard link cycle ends here).
    public static let maximumDepth = 32

    /// Extra address space a walk may use, beyond what the process has mapped when it starts (bytes).
    public static let addressSpaceAllowance = 1 << 30

    /// Caps the calling process's address space (RLIMIT_AS) at its current size plus
    /// `addressSpaceAllowance`, so that a damaged length field (a variable-length string claiming 4 GB)
    /// makes libhdf5's allocation fail at once instead of filling gigabytes; for the child process only.
    public static func limitAddressSpace() {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").first.flatMap({ Int($0) }) else { return }
        let limit = rlim_t(pages * Int(sysconf(Int32(_SC_PAGESIZE))) + addressSpaceAllowance)
        var current = rlimit()
        guard getrlimit(RLIMIT_AS_VALUE, &current) == 0, current.rlim_max == rlim_t.max || current.rlim_max > limit else { return }
        var capped = rlimit(rlim_cur: limit, rlim_max: current.rlim_max)
        _ = setrlimit(RLIMIT_AS_VALUE, &capped)
    }

    /// The first problem of a walk under `limitAddressSpace` where libhdf5 could not allocate, as a phrase
    /// for the refusal ("reading / attribute 'x' needs more than 1 GiB of memory: ..."), or nil. Such an
    /// object has a damaged length: the command itself, without the cap, would allocate and fill it.
    public static func memoryExhaustion(in problems: [String], file: String) -> String? {
        guard let problem = problems.first(where: { $0.contains("allocation failed") }) else { return nil }
        let text = problem.hasPrefix(file + ": ") ? String(problem.dropFirst(file.count + 2)) : problem
        let parts = text.components(separatedBy: ": ")
        let object = parts.count > 1 ? parts[0] : "an object"
        return "reading \(object) needs more than \(ByteCount(Double(addressSpaceAllowance))) of memory "
            + "(libhdf5: \(parts.dropFirst().joined(separator: ": ")))"
    }

    /// Walks `path`. `visiting` is told each step before it is taken, as a phrase that follows "while"
    /// ("reading /mlp attribute 'activation'"), so a crash can be attributed to the last step announced.
    /// Returns the errors libhdf5 reported, one line each.
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
            // A row wider than the whole-read size is not a trace's row; its reader reports the size itself.
            guard let rows = dataset.shape.first, rows > 0, dataset.count / rows <= wholeReadBytes / 8 else { return }
            _ = try dataset.readDoubles(rows: 0..<1)
            _ = try dataset.readDoubles(rows: (rows - 1)..<rows)
        case "integer":
            if small { _ = try dataset.readIntegers() }
        default:
            return
        }
    }
}
