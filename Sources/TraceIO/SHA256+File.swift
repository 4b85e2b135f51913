import Foundation
@_exported import struct Numerics.SHA256

extension SHA256 {
    /// Lower-case hex SHA-256 of the contents of the file at `path`, read in 1 MiB pieces.
    public static func hexOfFile(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileManager.default.fileExists(atPath: path) ? TraceIOError.io(file: path, detail: "cannot read file")
                                                               : TraceIOError.fileNotFound(file: path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return SHA256.hexString(hasher.finalize())
    }
}
