import Foundation

/// The digest of what a model computes, stored in the model file as `/@weights_sha256` and checked on
/// every read, so a model edited after it was written (a weight changed with h5py, a partial copy,
/// bit rot) is refused instead of silently predicting something else. It detects changes; it is not a
/// signature (whoever can edit the weights can also recompute or delete the digest).
///
/// The bytes hashed (docs/model-file.md, "Weights digest"; scripts/model_digest.py recomputes it):
/// a sequence of fields, each
///   int(v)   8 bytes, two's-complement little-endian (int64)
///   real(v)  8 bytes, IEEE 754 binary64 little-endian, the stored bits (-0.0 and 0.0 differ)
///   text(s)  int(byte count) then the UTF-8 bytes
///   reals(a) int(count) then real(a[i]) for each i (matrices row-major, [out, in] as stored)
///   texts(a) int(count) then text(a[i]) for each i
/// in this order:
///   text("spinode-model-digest-1")
///   int(embedding_order) int(augment) int(n_out) int(n_in) int(n_par)
///   text(input_interpolation) real(sample_interval) real(time_scale)
///   texts(output_names) texts(input_names) texts(parameter_names)
///   texts(output_units) texts(input_units) texts(parameter_units)
///   int(L), then for l = 1 ... L: text(activation) int(rows) int(columns) reals(weight) reals(bias)
///   reals(output_mean) reals(output_std) reals(input_mean) reals(input_std) reals(parameter_mean) reals(parameter_std)
///   int(rows) int(columns) reals(linear_term)   (0, 0 and an empty list when there is no linear term)
/// Provenance and the training command are descriptive and not covered.
extension SurrogateModelFile {
    /// Tag that starts the hashed bytes; a new layout of those bytes gets a new tag.
    static let digestTag = "spinode-model-digest-1"

    /// SHA-256 (64 lower-case hex digits) of the weights and configuration, as documented above.
    public var weightsDigest: String {
        var bytes = DigestBytes()
        bytes.text(SurrogateModelFile.digestTag)
        for v in [embeddingOrder, augment, outputCount, inputCount, parameterCount] { bytes.int(v) }
        bytes.text(inputInterpolation.rawValue)
        bytes.real(sampleInterval)
        bytes.real(timeScale)
        for list in [outputNames, inputNames, parameterNames, outputUnits, inputUnits, parameterUnits] { bytes.texts(list) }
        bytes.int(layers.count)
        for layer in layers {
            bytes.text(layer.activation.rawValue)
            bytes.int(layer.weight.rows)
            bytes.int(layer.weight.columns)
            bytes.reals(layer.weight.storage)
            bytes.reals(layer.bias)
        }
        for (_, values) in normalisationVectors { bytes.reals(values) }
        bytes.int(linearTerm?.rows ?? 0)
        bytes.int(linearTerm?.columns ?? 0)
        bytes.reals(linearTerm?.storage ?? [])
        return SHA256.hex(bytes.data)
    }

    /// What reading found about the digest.
    public enum DigestCheck: Equatable, Sendable {
        /// The stored digest matches the contents (the hex digest).
        case verified(String)
        /// The file has no digest (written before SpinODE stored one): read, not verified.
        case absent
    }
}

/// The byte stream of the weights digest.
private struct DigestBytes {
    var data: [UInt8] = []

    mutating func int(_ v: Int) {
        withUnsafeBytes(of: Int64(v).littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func real(_ v: Double) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func text(_ s: String) {
        let utf8 = Array(s.utf8)
        int(utf8.count)
        data.append(contentsOf: utf8)
    }

    mutating func reals(_ values: [Double]) {
        int(values.count)
        data.reserveCapacity(data.count + 8 * values.count)
        for v in values { real(v) }
    }

    mutating func texts(_ values: [String]) {
        int(values.count)
        for s in values { text(s) }
    }
}
