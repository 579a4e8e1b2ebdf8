import Foundation

/// catalog.json (BUNDLE_FORMAT.md).
public struct Catalog: Decodable, Sendable {
    public struct Product: Decodable, Sendable, Identifiable, Equatable {
        public let id: String
        public let name: String
        public let category: String
        public let price_minor: Int?
        public let tags: [String]?
        public let image: String?
        public let valence: [String: Double]?   // "positive" / "neutral" / "negative" -> weight
    }
    public let products: [Product]
    public init(products: [Product]) { self.products = products }
}

public enum Valence: String, Sendable { case positive, neutral, negative }

/// Emotion probabilities -> smoothed valence, with the manifest's label -> valence map.
public struct ValenceTracker: Sendable {
    let weights: [String: Double]
    let threshold: Double
    var smoothed = 0.0
    let alpha = 0.2   // exponential smoothing per emotion reading (~10 Hz -> ~0.5 s)

    public init(weights: [String: Double], threshold: Double) { self.weights = weights; self.threshold = threshold }

    public mutating func add(probabilities: [String: Double]) -> Valence {
        let score = probabilities.reduce(0.0) { $0 + (weights[$1.key] ?? 0) * $1.value }
        smoothed = (1 - alpha) * smoothed + alpha * score
        return smoothed >= threshold ? .positive : smoothed <= -threshold ? .negative : .neutral
    }
}

/// Rules baseline, as on the kiosk: preferred categories first, then by valence weight, then
/// catalog order (popularity). Never more than `limit` products.
public func suggest(_ catalog: Catalog, person: Person?, valence: Valence, limit: Int = 3) -> [Catalog.Product] {
    let preferred = Set(person?.preferredCategories ?? [])
    let ranked = catalog.products.enumerated().sorted { lhs, rhs in
        let lp = preferred.contains(lhs.element.category), rp = preferred.contains(rhs.element.category)
        if lp != rp { return lp }
        let lv = lhs.element.valence?[valence.rawValue] ?? 0, rv = rhs.element.valence?[valence.rawValue] ?? 0
        if lv != rv { return lv > rv }
        return lhs.offset < rhs.offset
    }
    return ranked.prefix(limit).map(\.element)
}
