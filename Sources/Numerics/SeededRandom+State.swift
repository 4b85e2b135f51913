extension SeededRandom {
    /// The complete state of a generator: the four xoshiro256** words and the cached second normal
    /// variate of the polar method. Restoring it continues the exact stream, so a checkpointed
    /// stochastic run (thermal noise) resumes bit for bit.
    public struct State: Sendable, Equatable {
        public var words: [UInt64]
        public var spareNormal: Double?
        public init(words: [UInt64], spareNormal: Double?) {
            self.words = words
            self.spareNormal = spareNormal
        }
    }

    /// The generator's state; setting it requires four words, not all zero (xoshiro's forbidden state).
    public var state: State {
        get { State(words: [s0, s1, s2, s3], spareNormal: spareNormal) }
        set {
            precondition(newValue.words.count == 4 && newValue.words.contains { $0 != 0 },
                         "SeededRandom.state needs four words, not all zero")
            s0 = newValue.words[0]; s1 = newValue.words[1]; s2 = newValue.words[2]; s3 = newValue.words[3]
            spareNormal = newValue.spareNormal
        }
    }
}
