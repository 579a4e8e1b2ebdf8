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

/// kiosk/core/liveness.py LivenessSettings (same names, same meaning, same defaults; the bundle
/// carries the PC's values). Distances are in inter-ocular distances (IOD) of the face.
public struct LivenessSettings: Codable, Sendable, Equatable {
    public var windowMs: Double
    public var maxGapMs: Double
    public var smoothMs: Double
    public var refIntervalMs: Double
    public var minPairMs: Double
    public var maxCompared: Int
    public var maxRollDeg: Double
    public var maxScaleChange: Double
    public var textureMaxRollDeg: Double
    public var textureMaxScaleChange: Double
    public var parallaxToPass: Double
    public var minAgreement: Double
    public var meshConfirmToPass: Double
    public var textureToPass: Double
    public var deformationToPass: Double
    public var hitsToPass: Int
    public var hitSpacingMs: Double
    public var blinkDrop: Double
    public var blinkReopen: Double
    public var blinkMaxMs: Double
    public var minBlinkFrames: Int
    public var suspiciousAfterMs: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case windowMs = "window_ms"
        case maxGapMs = "max_gap_ms"
        case smoothMs = "smooth_ms"
        case refIntervalMs = "ref_interval_ms"
        case minPairMs = "min_pair_ms"
        case maxCompared = "max_compared"
        case maxRollDeg = "max_roll_deg"
        case maxScaleChange = "max_scale_change"
        case textureMaxRollDeg = "texture_max_roll_deg"
        case textureMaxScaleChange = "texture_max_scale_change"
        case parallaxToPass = "parallax_to_pass"
        case minAgreement = "min_agreement"
        case meshConfirmToPass = "mesh_confirm_to_pass"
        case textureToPass = "texture_to_pass"
        case deformationToPass = "deformation_to_pass"
        case hitsToPass = "hits_to_pass"
        case hitSpacingMs = "hit_spacing_ms"
        case blinkDrop = "blink_drop"
        case blinkReopen = "blink_reopen"
        case blinkMaxMs = "blink_max_ms"
        case minBlinkFrames = "min_blink_frames"
        case suspiciousAfterMs = "suspicious_after_ms"
    }

    /// The PC's defaults (kiosk/core/liveness.py).
    public init() {
        windowMs = 1500
        maxGapMs = 500
        smoothMs = 140
        refIntervalMs = 100
        minPairMs = 150
        maxCompared = 5
        maxRollDeg = 3
        maxScaleChange = 0.05
        textureMaxRollDeg = 8
        textureMaxScaleChange = 0.15
        parallaxToPass = 0.035
        minAgreement = 0.8
        meshConfirmToPass = 0.015
        textureToPass = 0.08
        deformationToPass = 0.025
        hitsToPass = 1
        hitSpacingMs = 60
        blinkDrop = 0.25
        blinkReopen = 0.5
        blinkMaxMs = 400
        minBlinkFrames = 6
        suspiciousAfterMs = 6000
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        windowMs = try c.decode(Double.self, forKey: .windowMs)
        maxGapMs = try c.decode(Double.self, forKey: .maxGapMs)
        smoothMs = try c.decode(Double.self, forKey: .smoothMs)
        refIntervalMs = try c.decode(Double.self, forKey: .refIntervalMs)
        minPairMs = try c.decode(Double.self, forKey: .minPairMs)
        maxCompared = try wholeNumber(c, .maxCompared)
        maxRollDeg = try c.decode(Double.self, forKey: .maxRollDeg)
        maxScaleChange = try c.decode(Double.self, forKey: .maxScaleChange)
        textureMaxRollDeg = try c.decode(Double.self, forKey: .textureMaxRollDeg)
        textureMaxScaleChange = try c.decode(Double.self, forKey: .textureMaxScaleChange)
        parallaxToPass = try c.decode(Double.self, forKey: .parallaxToPass)
        minAgreement = try c.decode(Double.self, forKey: .minAgreement)
        meshConfirmToPass = try c.decode(Double.self, forKey: .meshConfirmToPass)
        textureToPass = try c.decode(Double.self, forKey: .textureToPass)
        deformationToPass = try c.decode(Double.self, forKey: .deformationToPass)
        hitsToPass = try wholeNumber(c, .hitsToPass)
        hitSpacingMs = try c.decode(Double.self, forKey: .hitSpacingMs)
        blinkDrop = try c.decode(Double.self, forKey: .blinkDrop)
        blinkReopen = try c.decode(Double.self, forKey: .blinkReopen)
        blinkMaxMs = try c.decode(Double.self, forKey: .blinkMaxMs)
        minBlinkFrames = try wholeNumber(c, .minBlinkFrames)
        suspiciousAfterMs = try c.decode(Double.self, forKey: .suspiciousAfterMs)
        // The checks of LivenessSettings.__post_init__.
        guard windowMs > 0, maxGapMs > 0, smoothMs >= 0, hitsToPass >= 1, minBlinkFrames >= 2, maxCompared >= 1,
              minAgreement >= -1, minAgreement <= 1, blinkDrop > 0, blinkDrop < 1, blinkReopen > 0,
              blinkReopen <= 1 else {
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
