import Devices
import Dispatch
import Numerics
import Reservoir

/// `spinode reservoir --compare`: the device under test and a reference device driven by the same
/// multiplexed input segment, so their outputs and their speeds are compared on identical work.
struct DeviceComparison: Encodable {
    /// The reference device as named on the command line.
    var reference: String
    /// Device samples in the segment (task samples x nodes x hold).
    var deviceSamples: Int
    /// Device time simulated by each device, seconds.
    var simulatedSeconds: Double
    /// RMS(output - reference output) / std(reference output) over the segment.
    var outputNRMSE: Double
    /// Wall seconds per simulated nanosecond.
    var deviceWallSecondsPerNanosecond: Double
    var referenceWallSecondsPerNanosecond: Double
    /// referenceWallSecondsPerNanosecond / deviceWallSecondsPerNanosecond.
    var speedUp: Double

    enum CodingKeys: String, CodingKey {
        case reference, deviceSamples = "device_samples", simulatedSeconds = "simulated_seconds"
        case outputNRMSE = "output_nrmse", deviceWallSecondsPerNanosecond = "device_wall_seconds_per_ns"
        case referenceWallSecondsPerNanosecond = "reference_wall_seconds_per_ns", speedUp = "speed_up"
    }

    /// Drives both devices with the multiplexed first `samples` inputs of the task's first sequence.
    static func measure(primary: TimeMultiplexer, reference: Device, referenceName: String,
                        task: any ReservoirTask, samples: Int) throws -> DeviceComparison {
        let dt = primary.device.sampleInterval
        guard abs(reference.sampleInterval - dt) <= 1e-9 * dt else {
            throw ReservoirError.invalidParameter(name: "--compare sample interval", value: "\(reference.sampleInterval) s",
                                                  expected: "\(dt) s, the device's")
        }
        guard samples >= 1 else {
            throw ReservoirError.invalidParameter(name: "--compare-samples", value: "\(samples)", expected: ">= 1")
        }
        let sequence = try task.inputSequences()[0]
        let rows = min(samples, sequence.rows)
        let segment = Matrix(rows: rows, columns: sequence.columns,
                             storage: Array(sequence.storage[0..<(rows * sequence.columns)]))
        let drive = primary.deviceInput(for: segment, mask: primary.mask)
        func timed(_ device: Device) throws -> ([Double], Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let out = try device.respond(to: [drive])[0]
            return (out, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        let (a, wallA) = try timed(primary.device)
        let (b, wallB) = try timed(reference)
        let n = Double(b.count)
        let mean = b.reduce(0, +) / n
        let variance = b.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        var squared = 0.0
        for i in 0..<b.count { squared += (a[i] - b[i]) * (a[i] - b[i]) }
        let simulated = Double(drive.count) * dt
        let perA = wallA / (simulated * 1e9), perB = wallB / (simulated * 1e9)
        return DeviceComparison(reference: referenceName, deviceSamples: drive.count, simulatedSeconds: simulated,
                                outputNRMSE: (squared / n).squareRoot() / variance.squareRoot(),
                                deviceWallSecondsPerNanosecond: perA, referenceWallSecondsPerNanosecond: perB,
                                speedUp: perB / perA)
    }
}
