import Foundation
import Surrogate
import TraceIO

/// `spinode split`: one trace of a trace file cut in two at a time, e.g. a training part and a held-out test
/// part of one long run. Values are copied bit for bit (the two parts concatenated are the original), the
/// trace's extra attributes are carried to both parts with one `provenance` line recording the cut, and the
/// file's root attributes are copied.
public enum TraceSplit {
    /// One written part: its name, sample range in the source trace and first and last times (s).
    public struct Part: Sendable, Equatable {
        public var name: String
        public var range: Range<Int>
        public var firstTime: Double
        public var lastTime: Double
        public var samples: Int { range.count }
    }

    /// The trace `trace` (nil: the file's only trace) of `traces` cut at `at` seconds into parts named
    /// `names`, written atomically to `out`; `command(name)`, the command line for source trace `name`, is
    /// recorded in each part's provenance. Returns the source trace's name and the parts.
    public static func split(_ traces: String, trace: String?, at: Double, names: [String], out: String,
                             command: (String) -> String) throws -> (trace: String, parts: [Part]) {
        let file = try TraceFile(path: traces)
        let name = try chosenTrace(trace, of: file, path: traces)
        let source = try file.trace(name)
        let cut = try cutIndex(of: source, at: at, file: traces)
        var pieces = [source.window(start: 0, count: cut), source.window(start: cut, count: source.count - cut)]
        pieces[0].name = names[0]
        pieces[1].name = names[1]
        let ranges = [0..<cut, cut..<source.count]
        let extra = try file.extraAttributes(of: name)
        var notes = [String: String]()
        let command = command(name)
        for (i, piece) in pieces.enumerated() {
            notes[piece.name] = String(format: "%@: samples %d ..< %d of %d of trace '%@' of %@ (t = %.9g ... %.9g s)",
                                       command, ranges[i].lowerBound, ranges[i].upperBound, source.count, name, traces,
                                       source.time(ranges[i].lowerBound), source.time(ranges[i].upperBound - 1))
        }
        try TraceFile.write(pieces, to: out, rootAttributes: try file.rootAttributes(),
                            extras: [names[0]: extra, names[1]: extra], notes: notes)
        return (name, pieces.indices.map { i in
            Part(name: pieces[i].name, range: ranges[i], firstTime: pieces[i].time(0),
                 lastTime: pieces[i].time(pieces[i].count - 1))
        })
    }

    /// The time (s) of the sample at which `event` settles in trace `name` of `traces` (`RegimeEvent.settledIndex`
    /// over the event's output channel): the cut of `spinode split --at-event`, e.g. the annihilation of a
    /// skyrmion with `topological_charge>-0.5`. Refused when the trace has no such output or the event never
    /// settles in it.
    public static func eventTime(_ traces: String, trace name: String?, event: RegimeEvent) throws -> Double {
        let file = try TraceFile(path: traces)
        let chosen = try chosenTrace(name, of: file, path: traces)
        let source = try file.trace(chosen)
        guard let c = source.outputNames.firstIndex(of: event.output) else {
            throw TraceEditError.event(file: traces, trace: chosen, detail: "event \(event): no output '\(event.output)' (outputs: "
                                       + source.outputNames.joined(separator: ", ") + ")")
        }
        guard let i = event.settledIndex((0..<source.count).map { source.outputs[$0, c] }) else {
            throw TraceEditError.event(file: traces, trace: chosen, detail: "event \(event) does not hold to the end of the trace (no cut)")
        }
        return source.time(i)
    }

    /// `name` if `file` (at `path`) holds it; nil: the file's only trace.
    static func chosenTrace(_ name: String?, of file: TraceFile, path: String) throws -> String {
        guard let name else {
            guard file.traceNames.count == 1 else { throw TraceEditError.noSuchTrace(file: path, trace: nil, available: file.traceNames) }
            return file.traceNames[0]
        }
        guard file.traceNames.contains(name) else { throw TraceEditError.noSuchTrace(file: path, trace: name, available: file.traceNames) }
        return name
    }

    /// Index of the first sample with t >= `at` (within 1e-6 of the local sample interval), which must leave
    /// at least one sample on each side.
    public static func cutIndex(of trace: Trace, at: Double, file: String) throws -> Int {
        let n = trace.count
        let index: Int
        switch trace.sampling {
        case .uniform(let t0, let dt):
            let x = (at - t0) / dt
            let nearest = x.rounded()
            let i = abs(x - nearest) <= 1e-6 ? nearest : x.rounded(.up)
            index = i < 0 ? 0 : (i > Double(n) ? n : Int(i))
        case .times(let t):
            var i = 0
            while i < n {
                let interval = i > 0 ? t[i] - t[i - 1] : (n > 1 ? t[1] - t[0] : 0)
                if t[i] >= at - 1e-6 * interval { break }
                i += 1
            }
            index = i
        }
        guard index >= 1 && index <= n - 1 else {
            throw TraceEditError.cutOutside(file: file, trace: trace.name, at: at, first: trace.time(0), last: trace.time(n - 1))
        }
        return index
    }
}
