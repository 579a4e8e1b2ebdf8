import Foundation

/// One enrolled person from an imported bundle. `id` is the person's stable id (the PC's
/// people.uid), the same on every kiosk.
public struct Person: Sendable, Identifiable, Equatable, Codable {
    public let id: String
    public let displayName: String
    public let preferredCategories: [String]
    public init(id: String, displayName: String, preferredCategories: [String]) {
        self.id = id; self.displayName = displayName; self.preferredCategories = preferredCategories
    }
}

/// The closest template of one person to a query (kiosk/core/gallery.py Match).
public struct Match: Sendable, Equatable {
    public let personId: String
    public let name: String
    public let distance: Double
}

/// Who a track is (kiosk/core/types.py Identity); `personId` nil means unknown.
public struct Identity: Sendable, Equatable {
    public let personId: String?
    public let name: String
    public let distance: Double?
    public let votes: Int
    public var known: Bool { personId != nil }
    public static let unknown = Identity(personId: nil, name: "", distance: nil, votes: 0)
}

/// Exact 1:N matching by Euclidean distance over raw dlib descriptors, as on the PC kiosk.
/// Immutable: an import builds a new Gallery and swaps it in.
public struct Gallery: Sendable {
    public let dim: Int
    public let maxDistance: Double
    public let people: [Person]
    let templates: [Float]        // row-major [count, dim]
    let owners: [Int]             // template row -> index into people

    public init(dim: Int, maxDistance: Double, people: [Person], templates: [[Float]], owners: [Int]) throws {
        guard dim > 0, templates.count == owners.count, templates.allSatisfy({ $0.count == dim }) else {
            throw IFaceError.malformed("template sizes do not match dim \(dim)")
        }
        guard owners.allSatisfy({ people.indices.contains($0) }) else {
            throw IFaceError.malformed("template owner out of range")
        }
        self.dim = dim; self.maxDistance = maxDistance; self.people = people
        self.templates = templates.flatMap { $0 }; self.owners = owners
    }

    public static let empty = Gallery(unchecked: 128)
    private init(unchecked dim: Int) {
        self.dim = dim; maxDistance = 0.6; people = []; templates = []; owners = []
    }

    public var templateCount: Int { owners.count }

    /// The templates of `people[personIndex]`, for storing the gallery on the device.
    public func templates(of personIndex: Int) -> [[Float]] {
        owners.indices.filter { owners[$0] == personIndex }.map { Array(templates[$0 * dim..<($0 + 1) * dim]) }
    }

    /// The closest person (by their closest template), or nil for an empty gallery or a
    /// descriptor of the wrong length. Distances are computed in Double.
    public func nearest(_ descriptor: [Float]) -> Match? {
        guard descriptor.count == dim, !owners.isEmpty else { return nil }
        var best = Double.infinity, bestRow = -1
        for row in 0..<owners.count {
            var sum = 0.0
            let base = row * dim
            for k in 0..<dim {
                let d = Double(templates[base + k]) - Double(descriptor[k])
                sum += d * d
            }
            if sum < best { best = sum; bestRow = row }
        }
        let person = people[owners[bestRow]]
        return Match(personId: person.id, name: person.displayName, distance: best.squareRoot())
    }

    /// The same gallery without the people whose ids are in `forgotten`.
    public func removing(_ forgotten: Set<String>) -> Gallery {
        guard people.contains(where: { forgotten.contains($0.id) }) else { return self }
        var kept: [Person] = [], rows: [[Float]] = [], owners: [Int] = []
        for (index, person) in people.enumerated() where !forgotten.contains(person.id) {
            for row in templates(of: index) { rows.append(row); owners.append(kept.count) }
            kept.append(person)
        }
        return (try? Gallery(dim: dim, maxDistance: maxDistance, people: kept, templates: rows, owners: owners))
            ?? Gallery(unchecked: dim)
    }
}

/// Vote state of one track: kiosk/core/identity.py TrackVote, rule for rule. Each embedding votes
/// for its nearest person within `maxDistance`, else for unknown, weighted by face quality; a
/// person is named when they lead and have at least `minVotes` votes. Ties go to unknown, then to
/// the first candidate seen (Python's max over an insertion-ordered dict).
public struct TrackVote: Sendable {
    public let settings: VoteSettings
    private var order: [String?] = []
    private var weights: [String?: Double] = [:]
    private var counts: [String?: Int] = [:]
    private var best: [String: Match] = [:]
    private var sum: [Double]?
    private var n = 0
    private var minDistance: Double?

    public init(settings: VoteSettings) { self.settings = settings }

    public var embeddings: Int { n }

    /// True when `descriptor` is farther than `splitDistance` from this track's mean embedding.
    public func isDifferentPerson(_ descriptor: [Float]) -> Bool {
        guard let sum, n > 0, sum.count == descriptor.count else { return false }
        var squared = 0.0
        for k in 0..<sum.count {
            let d = Double(descriptor[k]) - sum[k] / Double(n)
            squared += d * d
        }
        return squared.squareRoot() > settings.splitDistance
    }

    public mutating func add(_ descriptor: [Float], nearest: Match?, weight: Double) {
        let vector = descriptor.map(Double.init)
        sum = sum.map { zip($0, vector).map { $0 + $1 } } ?? vector
        n += 1
        if let nearest, minDistance.map({ nearest.distance < $0 }) ?? true { minDistance = nearest.distance }
        var person: String?
        if let nearest, nearest.distance <= settings.maxDistance {
            person = nearest.personId
            if best[nearest.personId].map({ nearest.distance < $0.distance }) ?? true { best[nearest.personId] = nearest }
        }
        if weights[person] == nil { order.append(person) }
        weights[person, default: 0] += max(weight, 1e-6)
        counts[person, default: 0] += 1
    }

    public func decide() -> Identity {
        guard var leader = order.first else { return .unknown }
        for candidate in order.dropFirst() {
            let (w, lw) = (weights[candidate] ?? 0, weights[leader] ?? 0)
            if w > lw || (w == lw && candidate == nil && leader != nil) { leader = candidate }
        }
        guard let id = leader, (counts[leader] ?? 0) >= settings.minVotes, let match = best[id] else {
            return Identity(personId: nil, name: "", distance: minDistance, votes: n)
        }
        return Identity(personId: id, name: match.name, distance: match.distance, votes: n)
    }
}
