import Foundation

/// catalog.json (BUNDLE_FORMAT.md), checked: products with integer prices in minor units.
public struct Catalog: Decodable, Sendable {
    public struct Product: Decodable, Sendable, Identifiable, Equatable {
        public let id: String
        public let name: String
        public let category: String
        public let price_minor: Int
        public let tags: [String]?
        public let image: String?
    }
    public struct Category: Decodable, Sendable, Equatable { public let id: String; public let name: String }
    /// The PC rules policy's categories for an unhappy (cheer_up) and a happy (treats) shopper.
    public struct Rules: Decodable, Sendable, Equatable { public let cheer_up: [String]; public let treats: [String] }

    public let currency: String?
    public let categories: [Category]?
    public let rules: Rules?
    public let products: [Product]

    public init(products: [Product]) { currency = nil; categories = nil; rules = nil; self.products = products }

    public static let empty = Catalog(products: [])

    /// Parse and check: at most 10,000 products, visible names, prices >= 0, images present.
    public static func decode(_ data: Data, images: Set<String>) throws -> Catalog {
        let catalog: Catalog
        do { catalog = try JSONDecoder().decode(Catalog.self, from: data) } catch {
            throw IFaceError.malformed("catalog.json does not parse: \(error)")
        }
        guard catalog.products.count <= 10_000 else { throw IFaceError.malformed("catalog.json has too many products") }
        for product in catalog.products {
            _ = try visibleText(product.name, limit: 200, what: "product \(product.id) name")
            guard product.price_minor >= 0, product.price_minor <= 100_000_000,
                  product.image.map { images.contains($0) } ?? true else {
                throw IFaceError.malformed("product \(product.id): price_minor must be >= 0, image in the bundle")
            }
        }
        return catalog
    }

    /// "6.50" for 650 minor units with two decimals (the currency code is shown beside it).
    public static func price(_ minor: Int) -> String {
        String(format: "%d.%02d", minor / 100, minor % 100)
    }
}

/// The PC's rules policy (kiosk/recommend/policies.py RulesPolicy + rank_by_category) without
/// the signals the iPad does not have (learned preferences, popularity, already shown): category
/// score 3 if the person declared it, +2 for a cheering-up category when they look unhappy, +1
/// for a treat when they look happy; products by their category's score, then catalog order.
/// `preferred` is empty for an unknown or not-yet-live shopper.
public func suggest(_ catalog: Catalog, preferred: Set<String>, valence: Valence?, limit: Int = 3) -> [Catalog.Product] {
    let cheer = Set(catalog.rules?.cheer_up ?? []), treats = Set(catalog.rules?.treats ?? [])
    func score(_ category: String) -> Double {
        var s = preferred.contains(category) ? 3.0 : 0.0
        if valence == .negative, cheer.contains(category) { s += 2 }
        if valence == .positive, treats.contains(category) { s += 1 }
        return s
    }
    let ranked = catalog.products.enumerated().sorted { lhs, rhs in
        let (ls, rs) = (score(lhs.element.category), score(rhs.element.category))
        return ls != rs ? ls > rs : lhs.offset < rhs.offset
    }
    return ranked.prefix(max(0, limit)).map { $0.element }
}
