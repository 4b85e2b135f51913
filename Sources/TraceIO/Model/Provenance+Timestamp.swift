import Foundation

extension SurrogateModelFile.Provenance {
    /// `date` in ISO 8601, UTC, to the second: "2026-11-29T09:00:00Z" (the `created` attribute).
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
