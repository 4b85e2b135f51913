import Foundation

/// What a path given as an input is, so that a directory or a FIFO is reported as what it is
/// instead of "no such file" (or, for a FIFO given where HDF5 is expected, a read that never ends).
enum InputFile {
    /// Throws `.fileNotFound` when `path` does not exist and `.notAFile` when it is a directory or,
    /// unless `allowStreams`, anything but a regular file. Symbolic links are followed. Table
    /// readers allow streams (a FIFO or character device, as `<(zcat table.txt.gz)` gives), since
    /// they read the file once from start to end; HDF5 needs a regular file it can seek in.
    static func require(_ path: String, allowStreams: Bool = false) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw TraceIOError.fileNotFound(file: path) }
            throw TraceIOError.io(file: path, detail: "cannot read: " + String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw TraceIOError.notAFile(file: path, detail: "is a directory, not a file")
        case S_IFIFO where allowStreams, S_IFCHR where allowStreams: return
        case S_IFIFO: throw TraceIOError.notAFile(file: path, detail: "is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw TraceIOError.notAFile(file: path, detail: "is a device, not a regular file")
        case S_IFSOCK: throw TraceIOError.notAFile(file: path, detail: "is a socket, not a regular file")
        default: throw TraceIOError.notAFile(file: path, detail: "is not a regular file")
        }
    }
}
