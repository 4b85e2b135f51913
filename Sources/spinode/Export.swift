import ArgumentParser
import Foundation
import TraceIO

extension ModelExportFormat: ExpressibleByArgument {}

/// `spinode export MODEL.h5 --format safetensors|npz|json --out DIR/`
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a surrogate's weights and configuration for NumPy and PyTorch.",
        discussion: """
        Writes DIR/config.json (embedding, normalisation, time scale, interpolation, architecture; see \
        docs/model-file.md) and one tensor file: model.safetensors (F64, tensors named as torch.nn.Sequential \
        names them: 0.weight, 0.bias, 2.weight, ...), model.npz (uncompressed .npy files, same names) or \
        model.json (weights inline). Load them with scripts/surrogate_numpy.py or scripts/surrogate_torch.py.
        An ensemble model exports one member at a time (--member, default 0); export each member to its own \
        directory and average their predictions for the ensemble's.
        Example: spinode export skyrmion.h5 --format safetensors --out export/
        """
    )

    @Argument(help: "Model file (HDF5, format spinode-model).")
    var model: String

    @Option(help: "Tensor format: safetensors, npz or json.")
    var format: ModelExportFormat = .safetensors

    @Option(help: "Output directory (created if needed; files in it are replaced atomically).")
    var out: String

    @Option(parsing: .unconditional, help: "Of an ensemble model: the member to export (0 ... N-1; default 0, the file's root network).")
    var member: Int?

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func run() throws {
        let folder = OutputFolder(out)
        try folder.check()
        let whole = try SurrogateModelFile.read(model)
        let index = member ?? 0
        let file = try whole.member(index, of: model)
        try folder.create()
        let locks = try OutputTarget.claim([folder.file(ModelExport.tensorFileName(format)), folder.file("config.json")],
                                           inputs: [model])
        defer { locks.forEach { $0.release() } }
        let paths = try ModelExport.write(file, format: format, to: out, source: model)
        let tensors = ModelExport.tensors(file)
        if json {
            print(JSONValue.object([
                ("model", .string(model)), ("format", .string(format.rawValue)), ("files", .strings(paths)),
                ("tensors", .object(tensors.map { ($0.name, .array($0.shape.map { .integer($0) })) })),
                ("torch_sequential", .strings(ModelExport.torchModules(file))),
                ("members", .integer(whole.memberCount)), ("member", .integer(index)),
            ]).rendered())
        } else {
            for path in paths { print("wrote \(path)") }
            print("torch.nn.Sequential(" + ModelExport.torchModules(file).joined(separator: ", ") + ")")
            if whole.memberCount > 1 {
                print("exported member \(index) of the ensemble of \(whole.memberCount) (--member selects another; the ensemble's prediction is the members' mean)")
            }
        }
    }
}
