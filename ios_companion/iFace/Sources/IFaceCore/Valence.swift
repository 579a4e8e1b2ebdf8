import Foundation

public enum Valence: String, Sendable, Equatable {
    case positive, neutral, negative
}

/// kiosk/core/emotion.py ValenceRule: probability-weighted label weights, then a threshold.
public struct ValenceRule: Sendable {
    public let weights: [String: Double]
    public let threshold: Double

    public init(weights: [String: Double], threshold: Double) { self.weights = weights; self.threshold = threshold }

    public func score(labels: [String], probs: [Double]) -> Double {
        zip(labels, probs).reduce(0) { $0 + $1.1 * (weights[$1.0] ?? 0) }
    }

    public func classify(labels: [String], probs: [Double]) -> Valence {
        let value = score(labels: labels, probs: probs)
        return value >= threshold ? .positive : value <= -threshold ? .negative : .neutral
    }
}

/// kiosk/core/emotion.py EmotionSmoother: an exponential moving average of a track's emotion
/// probabilities over time (an old reading weighs half after `halfLifeMs`), seeded by the first
/// reading, restarted when the labels change.
public struct EmotionSmoother: Sendable {
    public let halfLifeMs: Double
    public private(set) var labels: [String] = []
    public private(set) var probs: [Double]?
    private var lastMs = 0.0

    public init(halfLifeMs: Double) { self.halfLifeMs = halfLifeMs }

    @discardableResult
    public mutating func update(labels: [String], probs new: [Double], nowMs: Double) -> [Double] {
        if let old = probs, labels == self.labels, old.count == new.count {
            let elapsed = max(0, nowMs - lastMs)
            let keep = halfLifeMs > 0 ? pow(0.5, elapsed / halfLifeMs) : 0
            probs = zip(old, new).map { keep * $0 + (1 - keep) * $1 }
        } else {
            probs = new
            self.labels = labels
        }
        lastMs = nowMs
        return probs ?? new
    }
}
