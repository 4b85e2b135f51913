import CVectorExtension

/// The register width the surrogate's SIMD kernels (`FusedSampleGridRK4`, `FastRK4Kernel`) lay their
/// lane vectors and register tiles out for.
///
/// - `bits512`: 8 Doubles (16 Floats) per lane vector, one AVX-512 register; register tiles of up to
///   16 lane-vector accumulators (AVX-512 has 32 vector registers).
/// - `bits256`: 4 Doubles (8 Floats) per lane vector, one AVX2 register; register tiles of at most 12
///   accumulators (AVX2 has 16 vector registers, so the 512-bit tiles would spill: a SIMD8<Double>
///   there is two registers).
/// - `automatic`: `bits512` when the build targets AVX-512, `bits256` otherwise (AVX2, AVX, NEON).
///
/// Both layouts compute the same sums in the same order per window; only the final sums across lanes
/// are grouped differently, so results agree to rounding (tests: `FusedSampleGridRK4Tests`,
/// `FastRK4KernelTests`, run at both widths in every build).
public enum LaneVectorWidth: String, Sendable, Codable, CaseIterable {
    case automatic
    case bits256 = "256"
    case bits512 = "512"

    /// This build's choice (what `automatic` means here).
    public static var native: LaneVectorWidth { VectorRegisters.bytes >= 64 ? .bits512 : .bits256 }

    /// `native` for `automatic`, else self.
    public var resolved: LaneVectorWidth { self == .automatic ? LaneVectorWidth.native : self }
}

/// The vector register file of the build target, read at compile time from Clang's predefined
/// macros (`CVectorExtension`, preprocessed with this module's -target-cpu): 32 registers of 64 bytes
/// with AVX-512, 16 of 32 bytes with AVX/AVX2, 16 of 16 bytes with SSE2, 32 of 16 bytes on NEON.
/// Register tiles are sized from it so that accumulators, operands and a broadcast fit without spills.
public enum VectorRegisters {
    @inline(__always) public static var count: Int { SPINODE_TARGET_AVX512F != 0 || SPINODE_TARGET_NEON != 0 ? 32 : 16 }
    @inline(__always) public static var bytes: Int { SPINODE_TARGET_AVX512F != 0 ? 64 : SPINODE_TARGET_AVX != 0 ? 32 : 16 }
    /// Registers one value of V occupies.
    @inline(__always) public static func per<V>(_: V.Type) -> Int { max(1, MemoryLayout<V>.size / bytes) }
    /// Whether `accumulators` values of V, plus a few operands, fit in the register file (at most half
    /// of it for the accumulators).
    @inline(__always) public static func fit<V>(_ accumulators: Int, of _: V.Type) -> Bool { accumulators * per(V.self) <= count / 2 }
}
