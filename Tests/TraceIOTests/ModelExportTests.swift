import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode export` formats read back by Python, value for value, and the NumPy rebuild of the
/// vector field (scripts/surrogate_numpy.py) against an RK4 of the same field computed here.
final class ModelExportTests: XCTestCase {
    func testCRC32CheckValueAndZipLayout() {
        // Check value of CRC-32/ISO-HDLC (the ZIP CRC).
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        let npy = NPY.encode(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Array(npy.prefix(8)), [0x93] + Array("NUMPY".utf8) + [1, 0])
        // The 70-byte header (magic, version, length, dict, padding, newline) is padded to 128 bytes:
        // data start at a multiple of 64, as numpy.lib.format writes it.
        XCTAssertEqual(npy.count, 128 + 48)
        XCTAssertEqual(npy[8], 128 - 10)
        let safetensors = Safetensors.encode([NamedTensor(name: "0.weight", shape: [1, 2], values: [0.5, -1])])
        let headerLength = safetensors.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertEqual(safetensors.count, 8 + headerLength + 16)
    }

    func testTorchNamingAndModules() {
        let model = ModelFileTests.sampleModel()
        XCTAssertEqual(ModelExport.tensors(model).map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        XCTAssertEqual(ModelExport.torchModules(model), ["Linear(6, 5)", "Tanh()", "Linear(5, 4)", "Softplus()", "Linear(4, 3)"])
    }

    /// Every tensor read back by NumPy from model.npz (np.load, zip CRCs checked by zipfile) and
    /// from model.safetensors (header parsed with json; also with the `safetensors` package when
    /// installed), and from model.json, equals the model's values bit for bit.
    func testPythonReadsEveryValueExactly() throws {
        guard let python = python(with: ["numpy"]) else { throw XCTSkip("python3 with numpy not available") }
        let dir = try makeTemporaryDirectory(self)
        let model = ModelFileTests.sampleModel()
        for format in ModelExportFormat.allCases {
            try ModelExport.write(model, format: format, to: dir + "/" + format.rawValue, source: "m.h5")
        }
        let script = """
        import sys, json, zipfile, numpy as np
        d = sys.argv[1]
        out = {}
        assert zipfile.ZipFile(d + '/npz/model.npz').testzip() is None
        with np.load(d + '/npz/model.npz') as z:
            out['npz'] = {n[:-4] if n.endswith('.npy') else n: [float(v).hex() for v in z[n].ravel()] for n in z.files}
            out['npz_shapes'] = {n: list(z[n].shape) for n in z.files}
            out['npz_dtypes'] = sorted({str(z[n].dtype) for n in z.files})
        data = open(d + '/safetensors/model.safetensors', 'rb').read()
        n = int.from_bytes(data[:8], 'little'); header = json.loads(data[8:8 + n])
        st = {}
        for name, info in header.items():
            if name == '__metadata__': continue
            b, e = info['data_offsets']
            assert info['dtype'] == 'F64'
            st[name] = [float(v).hex() for v in np.frombuffer(data[8 + n + b:8 + n + e], '<f8')]
        out['safetensors'] = st
        try:
            from safetensors.numpy import load_file
            out['safetensors_package'] = {k: [float(v).hex() for v in a.ravel()] for k, a in load_file(d + '/safetensors/model.safetensors').items()}
        except ImportError:
            out['safetensors_package'] = None
        w = json.load(open(d + '/json/model.json'))['weights']
        out['json'] = {k: [float(v).hex() for v in np.asarray(a, dtype=np.float64).ravel()] for k, a in w.items()}
        c = json.load(open(d + '/safetensors/config.json'))
        out['config'] = {'output_std': [float(v).hex() for v in c['normalisation']['output_std']],
                         'linear_term': [float(v).hex() for v in np.asarray(c['linear_term']).ravel()],
                         'time_scale': float(c['time_scale']).hex(), 'sample_interval': float(c['sample_interval']).hex(),
                         'torch': c['torch_sequential'], 'tensor_file': c['tensor_file']}
        print(json.dumps(out))
        """
        let text = try runPython(python, script, [dir])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let expected = Dictionary(uniqueKeysWithValues: ModelExport.tensors(model).map { ($0.name, $0.values.map(pythonHex)) })
        XCTAssertEqual(json["npz"] as? [String: [String]], expected)
        XCTAssertEqual(json["safetensors"] as? [String: [String]], expected)
        XCTAssertEqual(json["json"] as? [String: [String]], expected)
        if let package = json["safetensors_package"] as? [String: [String]] { XCTAssertEqual(package, expected) }
        XCTAssertEqual((json["npz_shapes"] as? [String: [Int]])?["2.weight"], [4, 5])
        XCTAssertEqual(json["npz_dtypes"] as? [String], ["float64"])
        let config = try XCTUnwrap(json["config"] as? [String: Any])
        XCTAssertEqual(config["output_std"] as? [String], model.normalisation.outputStd.map(pythonHex))
        XCTAssertEqual(config["linear_term"] as? [String], model.linearTerm!.storage.map(pythonHex))
        XCTAssertEqual(config["time_scale"] as? String, pythonHex(model.timeScale))
        XCTAssertEqual(config["sample_interval"] as? String, pythonHex(model.sampleInterval))
        XCTAssertEqual(config["tensor_file"] as? String, "model.safetensors")
        XCTAssertEqual(config["torch"] as? [String], ModelExport.torchModules(model))
        // Nothing but the two files per directory (no temporaries left).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/npz").sorted(), ["config.json", "model.npz"])
    }

    // MARK: The vector field, computed here independently of the script

    private func activation(_ a: SurrogateModelFile.Activation, _ x: Double) -> Double {
        switch a {
        case .tanh: return Foundation.tanh(x)
        case .softplus: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
        case .relu: return max(x, 0)
        case .identity: return x
        }
    }

    /// dy/dtau = MLP([y, delayed normalised inputs, p~]) + A y (docs/surrogate-model.md), with
    /// the inputs given as a function of the delay index m and the stage's tau.
    private func field(_ model: SurrogateModelFile, y: [Double], inputs: (Int) -> [Double], p: [Double]) -> [Double] {
        var v = y
        for j in 0..<model.inputCount { for m in 0..<model.embeddingOrder { v.append(inputs(m)[j]) } }
        v += p
        for layer in model.layers {
            v = (0..<layer.weight.rows).map { i in
                activation(layer.activation, layer.bias[i] + (0..<layer.weight.columns).reduce(0) { $0 + layer.weight[i, $1] * v[$1] })
            }
        }
        if let a = model.linearTerm {
            for i in 0..<y.count { for j in 0..<y.count { v[i] += a[i, j] * y[j] } }
        }
        return v
    }

    /// Classic RK4 on the sample grid with zoh or linear inputs (normalised), states at 0...steps.
    private func rk4(_ model: SurrogateModelFile, y0: [Double], u: [[Double]], p: [Double], steps: Int) -> [[Double]] {
        let h = model.sampleInterval / model.timeScale
        let last = u.count - 1
        func input(at tau: Double, step: Int, delay m: Int) -> [Double] {
            if model.inputInterpolation == .zoh { return u[min(step + m, last)] }
            let s = min(max(tau / h + Double(m), 0), Double(last))
            let i = min(Int(s.rounded(.down)), last - 1)
            let f = s - Double(i)
            return (0..<u[0].count).map { (1 - f) * u[i][$0] + f * u[i + 1][$0] }
        }
        var y = y0
        var states = [y]
        for i in 0..<steps {
            let tau = Double(i) * h
            func f(_ t: Double, _ z: [Double]) -> [Double] {
                field(model, y: z, inputs: { m in input(at: t, step: i, delay: m) }, p: p)
            }
            let k1 = f(tau, y)
            let k2 = f(tau + h / 2, zip(y, k1).map { $0 + h / 2 * $1 })
            let k3 = f(tau + h / 2, zip(y, k2).map { $0 + h / 2 * $1 })
            let k4 = f(tau + h, zip(y, k3).map { $0 + h * $1 })
            y = (0..<y.count).map { y[$0] + h / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
            states.append(y)
        }
        return states
    }

    /// scripts/surrogate_numpy.py's RK4 equals this file's RK4 of the same field to 1e-9 (zoh and
    /// linear inputs, safetensors and npz), and its solve_ivp (zoh, restarted at every sample) agrees
    /// with RK4 within RK4's truncation error at d_tau = 0.025 (1e-6). Its natural spline equals scipy's CubicSpline(bc_type="natural").
    func testNumpyRebuildMatchesSwiftRK4() throws {
        guard let python = python(with: ["numpy"]) else { throw XCTSkip("python3 with numpy not available") }
        let script = repositoryRoot() + "/scripts/surrogate_numpy.py"
        let dir = try makeTemporaryDirectory(self)
        var rng = SeededRandom(seed: 11)
        let samples = 30
        let physicalInputs = (0..<samples).map { _ in 8e5 + 1e5 * rng.normal() }
        let parameter = 0.012
        let inputCSV = dir + "/u.csv"
        try ("Ku1\n" + physicalInputs.map { "\($0)" }.joined(separator: "\n") + "\n").write(toFile: inputCSV, atomically: true, encoding: .utf8)
        let y0 = [0.3, -0.2, 0.0]
        for (interpolation, format) in [(SurrogateModelFile.InputInterpolation.zoh, ModelExportFormat.safetensors),
                                        (.linear, .npz)] {
            let model = ModelFileTests.sampleModel(interpolation: interpolation)
            let export = dir + "/\(interpolation.rawValue)"
            try ModelExport.write(model, format: format, to: export)
            let n = model.normalisation
            let u = physicalInputs.map { [($0 - n.inputMean[0]) / n.inputStd[0]] }
            let p = [(parameter - n.parameterMean[0]) / n.parameterStd[0]]
            let expected = rk4(model, y0: y0, u: u, p: p, steps: samples - 1)
            let arguments = [script, export, "--inputs", inputCSV, "--parameters", "\(parameter)",
                             "--y0", y0.map { "\($0)" }.joined(separator: ","), "--state"]
            let result = try runProcess(python, arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
            XCTAssertEqual(rows.count, samples)
            var worst = 0.0
            for (a, b) in zip(rows, expected) { for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) } }
            XCTAssertLessThan(worst, 1e-9, "\(interpolation): max |numpy - swift| = \(worst)")
            XCTAssertGreaterThan(abs(expected.last![0] - y0[0]), 1e-3, "trajectory should move")

            if interpolation == .zoh, python == (ModelExportTests.scipyPython ?? "") {
                let ivp = try runProcess(python, arguments + ["--method", "solve_ivp"])
                XCTAssertEqual(ivp.status, 0, ivp.stderr)
                let adaptive = ivp.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
                var gap = 0.0
                for (a, b) in zip(adaptive, expected) { for (x, y) in zip(a, b) { gap = max(gap, abs(x - y)) } }
                // RK4's own error at d_tau = 0.025 with inputs held over each step (restarted at each
                // sample by solve_ivp): below 1e-6. (With linear inputs changing by O(1) per sample,
                // du~/dtau ~ 40, RK4's error grows to ~2e-5; that case is not compared here.)
                XCTAssertLessThan(gap, 1e-6, "\(interpolation): max |solve_ivp - RK4| = \(gap)")
            }
            // Outputs de-normalised: x = mean + std y_{c k}.
            guard interpolation == .zoh else { continue }
            let outputs = try runProcess(python, Array(arguments.dropLast()))
            let x = outputs.stdout.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
            for (xi, state) in zip(x, expected) {
                XCTAssertEqual(xi, n.outputMean[0] + n.outputStd[0] * state[0], accuracy: 1e-11)
            }
            // --free-run (as `spinode predict` forms outputs): y_0 at samples 0...L-k, then the last
            // state's delay y_1 for sample L-1 (k = 2).
            let freeRun = try runProcess(python, Array(arguments.dropLast()) + ["--free-run"])
            XCTAssertEqual(freeRun.status, 0, freeRun.stderr)
            let free = freeRun.stdout.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
            let k = model.embeddingOrder
            let series = expected[0...(samples - k)].map { $0[0] } + [expected[samples - k][1]]
            XCTAssertEqual(free.count, samples)
            for (xi, yi) in zip(free, series) { XCTAssertEqual(xi, n.outputMean[0] + n.outputStd[0] * yi, accuracy: 1e-11) }

        }
        if let scipy = ModelExportTests.scipyPython {
            try runPython(scipy, """
            import sys, numpy as np
            sys.dont_write_bytecode = True
            sys.path.insert(0, sys.argv[1])
            from surrogate_numpy import natural_cubic_coefficients
            from scipy.interpolate import CubicSpline
            rng = np.random.default_rng(3)
            y = rng.normal(size=(17, 2)); h = 0.025
            m = natural_cubic_coefficients(y, h)
            s = CubicSpline(np.arange(17) * h, y, bc_type='natural')
            assert np.max(np.abs(m - s(np.arange(17) * h, 2))) < 1e-9 * np.max(np.abs(m)), 'spline second derivatives differ'
            """, [repositoryRoot() + "/scripts"])
        }
    }

    static let scipyPython = python(with: ["numpy", "scipy"])
}
