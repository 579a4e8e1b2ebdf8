import Foundation

/// One enrolled person from an imported bundle (BUNDLE_FORMAT.md, gallery plaintext).
public struct Person: Sendable, Identifiable, Equatable {
    public let id: String
    public let displayName: String
    public let preferredCategories: [String]
    public init(id: String, displayName: String, preferredCategories: [String]) {
        self.id = id; self.displayName = displayName; self.preferredCategories = preferredCategories
    }
}

public enum MatchResult: Equatable, Sendable {
    case unknown(nearestDistance: Float?)
    case person(Person, distance: Float)
}

/// Exact 1:N matching by Euclidean distance over raw dlib descriptors, as on the PC kiosk.
/// Immutable: an import builds a new Gallery and swaps it in.
public struct Gallery: Sendable {
    public let dim: Int
    public let maxDistance: Float
    public let people: [Person]
    let templates: [Float]        // row-major [count, dim]
    let owners: [Int]             // template row -> index into people

    public init(dim: Int, maxDistance: Float, people: [Person], templates: [[Float]], owners: [Int]) throws {
        guard templates.count == owners.count, templates.allSatisfy({ $0.count == dim }) else {
            throw IFaceError.badBundle("template sizes do not match dim \(dim)")
        }
        guard owners.allSatisfy({ people.indices.contains($0) }) else { throw IFaceError.badBundle("template owner out of range") }
        self.dim = dim; self.maxDistance = maxDistance; self.people = people
        self.templates = templates.flatMap { $0 }; self.owners = owners
    }

    public static let empty = try! Gallery(dim: 128, maxDistance: 0.6, people: [], templates: [], owners: [])

    public var templateCount: Int { owners.count }

    /// The templates of `people[personIndex]`, for storing the gallery on the device.
    public func templates(of personIndex: Int) -> [[Float]] {
        owners.indices.filter { owners[$0] == personIndex }.map { Array(templates[$0 * dim..<($0 + 1) * dim]) }
    }

    /// The nearest template's person if within `maxDistance`, else unknown.
    public func match(_ descriptor: [Float]) -> MatchResult {
        precondition(descriptor.count == dim, "descriptor has \(descriptor.count) values, gallery \(dim)")
        var best = Float.infinity, bestRow = -1
        for row in 0..<owners.count {
            var sum: Float = 0
            let base = row * dim
            for k in 0..<dim { let d = templates[base + k] - descriptor[k]; sum += d * d }
            if sum < best { best = sum; bestRow = row }
        }
        guard bestRow >= 0 else { return .unknown(nearestDistance: nil) }
        let distance = best.squareRoot()
        return distance <= maxDistance ? .person(people[owners[bestRow]], distance: distance)
                                       : .unknown(nearestDistance: distance)
    }
}

/// Identity per track, not per frame: a weighted vote over the last few matches.
public struct IdentityVote: Sendable {
    public let window: Int
    public let minVotes: Int
    private var recent: [String?] = []   // person id or nil (unknown), newest last

    public init(window: Int = 7, minVotes: Int = 4) { self.window = window; self.minVotes = minVotes }

    public mutating func add(_ result: MatchResult) -> String? {
        if case .person(let p, _) = result { recent.append(p.id) } else { recent.append(nil) }
        if recent.count > window { recent.removeFirst(recent.count - window) }
        let counts = Dictionary(grouping: recent.compactMap { $0 }, by: { $0 }).mapValues(\.count)
        guard let (id, votes) = counts.max(by: { $0.value < $1.value }), votes >= minVotes else { return nil }
        return id
    }
}
