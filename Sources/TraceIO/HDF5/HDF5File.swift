import CHDF5
import Foundation

/// An open HDF5 file (libhdf5, The HDF Group). The file identifier is closed when the value is
/// released or by `close()`; every failure is a `TraceIOError` naming the file, the object and
/// HDF5's own innermost message. HDF5's automatic printing of error stacks to stderr is turned
/// off (per thread, as the thread-safe library keeps one error stack per thread).
///
/// The installed libhdf5 is built thread-safe (`H5_HAVE_THREADSAFE`), so HDF5 calls from several
/// threads are serialised by the library itself.
public final class HDF5File {
    /// Path of the file as given by the caller (used in every error message).
    public let path: String
    @usableFromInline let id: hid_t
    private var isOpen = true

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    deinit {
        if isOpen { H5Fclose(id) }
    }

    /// Opens an existing file, read-only unless `writable`.
    ///
    /// Distinguishes a missing file, a directory or other non-regular file, a file that is not HDF5
    /// (no signature), one that has the signature but cannot be opened (truncated or corrupt) and one
    /// whose metadata would crash libhdf5 (`HDF5Preflight`, when configured: `.corrupted`).
    ///
    /// HDF5's own file locking is off: SpinODE locks its outputs itself (SafeIO `FileLock`) and writes
    /// them by rename, so a reader sees the old file or the new one whole, never a half-written one, and
    /// must not fail with libhdf5's "unable to lock file" because another process holds the file open.
    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        try InputFile.require(path)
        try HDF5Preflight.check(path)
        return try openUnchecked(path, writable: writable)
    }

    /// `open` without the preflight (the preflight's own walk uses it).
    static func openUnchecked(_ path: String, writable: Bool = false) throws -> HDF5File {
        HDF5Library.prepareThread()
        try InputFile.require(path)
        let signature = H5Fis_hdf5(path)
        if signature == 0 { throw TraceIOError.notHDF5(file: path) }
        if signature < 0 {
            // H5Fis_hdf5 fails on files it cannot read at all (empty, unreadable).
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            if size == 0 { throw TraceIOError.notHDF5(file: path) }
            throw TraceIOError.unreadableFile(file: path, detail: HDF5Library.innermostMessage())
        }
        let flags = writable ? spinode_H5F_ACC_RDWR() : spinode_H5F_ACC_RDONLY()
        let access = H5Pcreate(spinode_H5P_FILE_ACCESS())
        guard access >= 0 else { throw TraceIOError.io(file: path, detail: "cannot create a file-access property list") }
        defer { H5Pclose(access) }
        // Locking off (1.10.7+); `ignore_when_disabled` keeps file systems without flock working too.
        _ = H5Pset_file_locking(access, false, true)
        let id = H5Fopen(path, flags, access)
        guard id >= 0 else {
            throw TraceIOError.unreadableFile(file: path, detail: HDF5Library.innermostMessage())
        }
        return HDF5File(path: path, id: id)
    }

    /// Creates a new file at `path`, replacing any existing one. Commands write through
    /// `writeAtomically` instead (in memory, then a temporary file and a rename).
    public static func create(_ path: String) throws -> HDF5File {
        HDF5Library.prepareThread()
        let id = H5Fcreate(path, spinode_H5F_ACC_TRUNC(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        guard id >= 0 else {
            throw TraceIOError.io(file: path, detail: "cannot create HDF5 file: \(HDF5Library.innermostMessage())")
        }
        return HDF5File(path: path, id: id)
    }

    /// Creates a new file in memory (HDF5's core driver, no backing store): nothing touches the disk until
    /// `image()` hands the finished bytes to the caller, who writes them with `AtomicFile`. A full disk or an
    /// I/O error then surfaces as a plain write error, never inside libhdf5 (whose clean-up after a failed
    /// flush crashes at exit). `name` is used in error messages only.
    public static func createInMemory(named name: String) throws -> HDF5File {
        HDF5Library.prepareThread()
        let access = H5Pcreate(spinode_H5P_FILE_ACCESS())
        guard access >= 0 else { throw TraceIOError.io(file: name, detail: "cannot create a file-access property list") }
        defer { H5Pclose(access) }
        guard H5Pset_fapl_core(access, 1 << 20, false) >= 0 else {
            throw TraceIOError.io(file: name, detail: "cannot select HDF5's in-memory driver: \(HDF5Library.innermostMessage())")
        }
        let id = H5Fcreate(name, spinode_H5F_ACC_TRUNC(), spinode_H5P_DEFAULT(), access)
        guard id >= 0 else {
            throw TraceIOError.io(file: name, detail: "cannot create HDF5 file in memory: \(HDF5Library.innermostMessage())")
        }
        return HDF5File(path: name, id: id)
    }

    /// The bytes of the whole file as it stands (HDF5's file image), ready to be written to disk.
    public func image() throws -> Data {
        HDF5Library.prepareThread()
        guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else {
            throw TraceIOError.io(file: path, detail: "cannot flush the file image: \(HDF5Library.innermostMessage())")
        }
        let size = H5Fget_file_image(id, nil, 0)
        guard size > 0 else { throw TraceIOError.io(file: path, detail: "cannot read the file image: \(HDF5Library.innermostMessage())") }
        var data = Data(count: size)
        let copied = data.withUnsafeMutableBytes { H5Fget_file_image(id, $0.baseAddress, size) }
        guard copied == size else { throw TraceIOError.io(file: path, detail: "cannot read the file image: \(HDF5Library.innermostMessage())") }
        return data
    }

    /// Builds a new HDF5 file in memory with `fill`, then writes it to `path` atomically (`AtomicFile`).
    public static func writeAtomically(_ path: String, _ fill: (HDF5Group) throws -> Void) throws {
        let file = try createInMemory(named: path)
        try fill(try file.root)
        let bytes = try file.image()
        try file.close()
        try AtomicFile.write(bytes, to: path)
    }

    /// The root group "/".
    public var root: HDF5Group {
        get throws { try HDF5Group.open(in: self, parentID: id, name: "/", path: "/") }
    }

    /// Flushes everything to disk and closes the file, reporting a failure (a full disk, say),
    /// which a silent close in `deinit` could not. Objects still open keep the file open until
    /// they are released (HDF5's weak close degree), but their data are flushed here.
    public func close() throws {
        guard isOpen else { return }
        isOpen = false
        let flushed = H5Fflush(id, H5F_SCOPE_GLOBAL)
        let closed = H5Fclose(id)
        if flushed < 0 || closed < 0 {
            throw TraceIOError.io(file: path, detail: "closing HDF5 file failed: \(HDF5Library.innermostMessage())")
        }
    }
}

/// Process-wide libhdf5 set-up and error-stack reading.
enum HDF5Library {
    /// Turns HDF5's stderr error printing off for the calling thread (cheap; called at every entry point).
    static func prepareThread() {
        spinode_H5_silence_errors()
    }

    /// The innermost (most specific) description on the calling thread's HDF5 error stack,
    /// e.g. "truncated file: eof = 1024, sblock->base_addr = 0, stored_eof = 4096".
    static func innermostMessage() -> String {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(spinode_H5E_DEFAULT(), H5E_WALK_DOWNWARD, { _, error, data in
                guard let error, let data, let desc = error.pointee.desc else { return 0 }
                let list = data.assumingMemoryBound(to: [String].self)
                let text = String(cString: desc)
                if !text.isEmpty { list.pointee.append(text) }
                return 0
            }, pointer)
        }
        return messages.last ?? "unknown HDF5 error"
    }
}
