import ArgumentParser
import Foundation
import TraceIO

/// `spinode check-hdf5 FILE` (hidden): the child process of `HDF5Preflight`. Walks every object of FILE as
/// the readers do (`HDF5Walk`), printing each step to stdout before taking it, and exits 0 when the walk
/// finished. If libhdf5 crashes on damaged metadata, only this child dies; the parent names the last step.
struct CheckHDF5: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-hdf5",
        abstract: "Read every object of an HDF5 file (used by spinode itself to refuse corrupted files).",
        shouldDisplay: false
    )

    @Argument(help: "HDF5 file to read through.")
    var file: String

    @Flag(help: "Also print the errors libhdf5 reported (the walk goes on after them).")
    var verbose = false

    func run() throws {
        // A damaged length field can make libhdf5 allocate and fill gigabytes for one attribute; with the
        // address space capped, that allocation fails fast inside libhdf5 instead.
        HDF5Walk.limitAddressSpace()
        let out = FileHandle.standardOutput
        let problems = HDF5Walk.run(file) { step in out.write(Data((step + "\n").utf8)) }
        if verbose { for problem in problems { FileHandle.standardError.write(Data((problem + "\n").utf8)) } }
        if let exhausted = HDF5Walk.memoryExhaustion(in: problems, file: file) {
            out.write(Data((exhausted + "\n").utf8))
            throw ExitCode(HDF5Preflight.memoryExitStatus)
        }
    }
}

extension Spinode {
    /// Every HDF5 read of this process first walks the file in a child (`check-hdf5`), so a file that
    /// crashes libhdf5 is refused with one line instead of killing the command.
    static func enableHDF5Preflight() {
        HDF5Preflight.configure(executable: "/proc/self/exe", arguments: ["check-hdf5"])
    }
}
