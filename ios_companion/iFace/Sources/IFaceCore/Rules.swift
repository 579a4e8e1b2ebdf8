import Foundation

/// The shop's recognition rules, as the PC exports them in a bundle's manifest ("rules"; see
/// kiosk/store/bundle_rules.py). The iPad follows the PC: a threshold retuned there reaches the
/// iPad with the next bundle. Every section decodes its numbers as Double, so an integer written
/// as 2 or 2.0 reads the same; the key sets are checked against the vectors (RulesTests).
public struct KioskRules: Codable, Sendable, Equatable {
    public var vote: VoteSettings
    public var tracking: TrackerSettings
    public var schedule: ScheduleSettings
    public var emotion: EmotionSettings
    public var liveness: LivenessSettings

    public init(vote: VoteSettings, tracking: TrackerSettings, schedule: ScheduleSettings,
                emotion: EmotionSettings, liveness: LivenessSettings) {
        self.vote = vote; self.tracking = tracking; self.schedule = schedule
        self.emotion = emotion; self.liveness = liveness
    }
}

/// kiosk/core/identity.py VoteSettings.
public struct VoteSettings: Codable, Sendable, Equatable {
    public var maxDistance: Double
    public var minVotes: Int
    public var splitDistance: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxDistance = "max_distance", minVotes = "min_votes", splitDistance = "split_distance"
    }

    public init(maxDistance: Double = 0.6, minVotes: Int = 2, splitDistance: Double = 0.75) {
        self.maxDistance = maxDistance; self.minVotes = minVotes; self.splitDistance = splitDistance
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxDistance = try c.decode(Double.self, forKey: .maxDistance)
        minVotes = try wholeNumber(c, .minVotes)
        splitDistance = try c.decode(Double.self, forKey: .splitDistance)
    }
}

/// kiosk/core/tracking.py TrackerSettings.
public struct TrackerSettings: Codable, Sendable, Equatable {
    public var minIoU: Double
    public var maxCentreShift: Double
    public var maxGapMs: Double
    public var jumpIoU: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minIoU = "min_iou", maxCentreShift = "max_centre_shift", maxGapMs = "max_gap_ms", jumpIoU = "jump_iou"
    }

    public init(minIoU: Double = 0.3, maxCentreShift: Double = 0.5, maxGapMs: Double = 600, jumpIoU: Double = 0.5) {
        self.minIoU = minIoU; self.maxCentreShift = maxCentreShift; self.maxGapMs = maxGapMs; self.jumpIoU = jumpIoU
    }
}

/// kiosk/config.py PipelineConfig: the per-track schedule of the PC pipeline.
public struct ScheduleSettings: Codable, Sendable, Equatable {
    public var minFacePx: Double
    public var embedBurstMs: Double
    public var embedIntervalMs: Double
    public var emotionIntervalMs: Double
    public var maskIntervalMs: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minFacePx = "min_face_px", embedBurstMs = "embed_burst_ms", embedIntervalMs = "embed_interval_ms"
        case emotionIntervalMs = "emotion_interval_ms", maskIntervalMs = "mask_interval_ms"
    }

    public init(minFacePx: Double = 40, embedBurstMs: Double = 150, embedIntervalMs: Double = 1000,
                emotionIntervalMs: Double = 100, maskIntervalMs: Double = 1000) {
        self.minFacePx = minFacePx; self.embedBurstMs = embedBurstMs; self.embedIntervalMs = embedIntervalMs
        self.emotionIntervalMs = emotionIntervalMs; self.maskIntervalMs = maskIntervalMs
    }
}

/// kiosk/core/emotion.py EmotionSmoother.
public struct EmotionSettings: Codable, Sendable, Equatable {
    public var halfLifeMs: Double
    enum CodingKeys: String, CodingKey, CaseIterable { case halfLifeMs = "half_life_ms" }
    public init(halfLifeMs: Double = 800) { self.halfLifeMs = halfLifeMs }
}

/// kiosk/core/liveness.py LivenessSettings (same names, same meaning).
public struct LivenessSettings: Codable, Sendable, Equatable {
    public var windowMs: Double
    public var maxGapMs: Double
    public var smoothFrames: Int
    public var refIntervalMs: Double
    public var minFrames: Int
    public var residualToPass: Double
    public var motionHits: Int
    public var blinkDrop: Double
    public var blinkReopen: Double
    public var blinkMaxMs: Double
    public var blinksToPass: Int
    public var suspiciousAfterMs: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case windowMs = "window_ms", maxGapMs = "max_gap_ms", smoothFrames = "smooth_frames"
        case refIntervalMs = "ref_interval_ms", minFrames = "min_frames", residualToPass = "residual_to_pass"
        case motionHits = "motion_hits", blinkDrop = "blink_drop", blinkReopen = "blink_reopen"
        case blinkMaxMs = "blink_max_ms", blinksToPass = "blinks_to_pass", suspiciousAfterMs = "suspicious_after_ms"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        windowMs = try c.decode(Double.self, forKey: .windowMs)
        maxGapMs = try c.decode(Double.self, forKey: .maxGapMs)
        smoothFrames = try wholeNumber(c, .smoothFrames)
        refIntervalMs = try c.decode(Double.self, forKey: .refIntervalMs)
        minFrames = try wholeNumber(c, .minFrames)
        residualToPass = try c.decode(Double.self, forKey: .residualToPass)
        motionHits = try wholeNumber(c, .motionHits)
        blinkDrop = try c.decode(Double.self, forKey: .blinkDrop)
        blinkReopen = try c.decode(Double.self, forKey: .blinkReopen)
        blinkMaxMs = try c.decode(Double.self, forKey: .blinkMaxMs)
        blinksToPass = try wholeNumber(c, .blinksToPass)
        suspiciousAfterMs = try c.decode(Double.self, forKey: .suspiciousAfterMs)
        guard windowMs > 0, maxGapMs > 0, smoothFrames >= 1, minFrames >= 2, motionHits >= 1,
              blinkDrop > 0, blinkDrop < 1, blinkReopen > 0, blinkReopen <= 1 else {
            throw IFaceError.malformed("liveness rules out of range")
        }
    }
}

/// An integer field that may be written as 2 or 2.0.
func wholeNumber<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int {
    let value = try c.decode(Double.self, forKey: key)
    guard value.isFinite, value >= 0, value <= 1e7, value == value.rounded() else {
        throw IFaceError.malformed("rules: \(key.stringValue) must be a whole number, got \(value)")
    }
    return Int(value)
}

/// Strict RFC 3339 UTC with seconds and `Z` (what the PC writes): "2026-01-31T12:00:00Z".
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
              b[19] == 0x5A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let hh = number(11..<13),
              let mm = number(14..<16), let ss = number(17..<19), (1...12).contains(m), (1...31).contains(d),
              hh < 24, mm < 60, ss < 60 else { return nil }
        // days from civil (Howard Hinnant's algorithm), proleptic Gregorian, UTC
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hh * 3_600 + mm * 60 + ss))
    }
}
