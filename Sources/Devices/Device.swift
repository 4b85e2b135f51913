/// Anything that maps a piecewise-constant input signal to an output signal: a trained surrogate,
/// a micromagnetic spec, a macrospin or the universal auto-oscillator. Every reservoir task runs on
/// every device through this one protocol, so speed and accuracy are compared on identical work.
public protocol Device: AnyObject {
    /// A short human-readable name ("surrogate skyrmion-disk", "macrospin STNO", ...).
    var name: String { get }

    /// Sample interval of the device's input/output grid, in seconds of device time.
    var sampleInterval: Double { get }

    /// Drives `inputs.count` independent copies of the device, each from the device's own initial
    /// state. `inputs[b][n]` is the input of copy b held over [n dt, (n + 1) dt) in the device's own
    /// input units (stated by the conforming type); the result's `[b][n]` is the output observed at
    /// (n + 1) dt. Copies may be simulated together as one batch.
    func respond(to inputs: [[Double]]) throws -> [[Double]]
}
