// swift-tools-version:5.9
// SpinODE: neural-ODE surrogates of spintronic devices.
import PackageDescription

let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
// SIMD kernels (the surrogate's MLP and RK4, NeuralNet/VectorTanh) and the micromagnetic solver's cell
// loops (field terms, torque, the ODE engine's stage combinations) need the host's vector units
// (AVX2/AVX-512 + FMA); Swift otherwise targets baseline x86-64 (SSE2, no FMA). Linux release builds only.
let hostVector: [SwiftSetting] = optimise + [.unsafeFlags(["-target-cpu", "native"], .when(platforms: [.linux], configuration: .release))]

let package = Package(
    name: "SpinODE",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "spinode", targets: ["spinode"]),
        .library(name: "SpinODEKit", targets: ["SafeIO", "Numerics", "NeuralNet", "ODE", "TraceIO", "Micromagnetics",
                                                "Devices", "Surrogate", "Reservoir", "Plot", "Workflows"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries behind tiny C shims (see each module.modulemap / shim.h).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // Compile-time vector extensions (Clang's predefined macros), header only.
        .systemLibrary(name: "CVectorExtension", path: "Sources/CVectorExtension"),
        // prctl(2) (variadic in C) for a sweep task that ends with its sweep, header only.
        .systemLibrary(name: "CProcessControl", path: "Sources/CProcessControl"),

        // Library layers, lowest first. Lower layers never import higher ones.
        // Safe output files: checks before work, locks, atomic writes, temporaries removed; Foundation only.
        .target(name: "SafeIO", swiftSettings: optimise),
        // Open MPI point-to-point messages for `spinode sweep` under mpirun (MPI_Init only when launched by it).
        .target(name: "MessagePassing", dependencies: ["CMPI"], swiftSettings: optimise),
        .target(name: "Numerics", dependencies: ["CBLAS", "CLAPACKE", "CFFTW"], swiftSettings: optimise),
        .target(name: "NeuralNet", dependencies: ["Numerics"], swiftSettings: hostVector),
        .target(name: "ODE", dependencies: ["Numerics", "CVectorExtension"], swiftSettings: hostVector),
        .target(name: "TraceIO", dependencies: ["SafeIO", "Numerics", "CHDF5"], swiftSettings: optimise),
        .target(name: "Micromagnetics", dependencies: ["Numerics", "ODE", "CFFTW"], swiftSettings: hostVector),
        .target(name: "Devices", dependencies: ["SafeIO", "Numerics", "ODE", "Micromagnetics", "TOMLKit"], swiftSettings: optimise),
        .target(name: "Surrogate", dependencies: ["SafeIO", "Numerics", "NeuralNet", "ODE", "TraceIO", "Devices", "CVectorExtension"],
                swiftSettings: hostVector),
        .target(name: "Reservoir", dependencies: ["SafeIO", "Numerics", "Devices"], swiftSettings: optimise),
        .target(name: "Benchmarks", dependencies: ["Numerics", "NeuralNet", "ODE", "TraceIO", "Micromagnetics", "Surrogate",
                                                   "Reservoir", "Devices", "CVectorExtension"], swiftSettings: hostVector),
        // SVG line plots for the demo's figures; Foundation only.
        .target(name: "Plot", swiftSettings: optimise),
        // Workflows: what a command does beyond parsing and printing (the reservoir experiment and its
        // device comparison, the demo pipeline), so that it is callable and testable without a process.
        .target(name: "Workflows", dependencies: ["SafeIO", "Numerics", "NeuralNet", "TraceIO", "Devices", "Surrogate",
                                                  "Reservoir", "Plot", "MessagePassing", "CProcessControl"], swiftSettings: optimise),
        .executableTarget(name: "spinode", dependencies: [
            "Numerics", "NeuralNet", "ODE", "TraceIO", "Devices", "Surrogate", "Reservoir", "Benchmarks", "Plot",
            "Workflows", "MessagePassing", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),

        // Tests mirror the source layout. TestSupport: helpers shared by test targets (running a process,
        // temporary folders, finding Python, the tiny film spec); never linked into the library or the CLI.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SafeIOTests", dependencies: ["SafeIO"]),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Numerics"]),
        .testTarget(name: "ODETests", dependencies: ["ODE", "Numerics"]),
        .testTarget(name: "TraceIOTests", dependencies: ["TraceIO", "Numerics", "CHDF5", "TestSupport"]),
        .testTarget(name: "MicromagneticsTests", dependencies: ["Micromagnetics", "ODE", "Numerics"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "ODE", "Numerics", "TestSupport"]),
        .testTarget(name: "SurrogateTests", dependencies: ["Surrogate", "NeuralNet", "ODE", "TraceIO", "Numerics"]),
        .testTarget(name: "ReservoirTests", dependencies: ["Reservoir", "Devices", "Numerics"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "ODE", "Numerics"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows", "Reservoir", "Devices", "Surrogate", "NeuralNet",
                                                      "TraceIO", "Numerics", "MessagePassing", "SafeIO", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["spinode", "TraceIO", "Numerics", "CHDF5", "TestSupport"]),
    ]
)
