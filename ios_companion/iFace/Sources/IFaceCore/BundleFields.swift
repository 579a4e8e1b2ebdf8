import Foundation

/// manifest.json, checked field by field (the same rules as kiosk/store/bundle_validate.py).
struct BundleManifest: Decodable, Sendable {
    struct Embedding: Decodable, Sendable {
        let model_key: String
        let onnx_sha256: String
        let dim: Int
        let max_distance: Double
        var dimValue: Int { dim }
        var maxDistance: Double { max_distance }
    }
    struct Counts: Decodable, Sendable {
        let people: Int, templates: Int, forgotten: Int, products: Int, images: Int
    }
    struct KDFParams: Decodable, Sendable, Equatable {
        let N: Int, r: Int, p: Int, salt_bytes: Int, key_bytes: Int
    }
    struct Cipher: Decodable, Sendable, Equatable {
        let cipher: String, kdf: String, kdf_params: KDFParams, nonce_bytes: Int, tag_bytes: Int, aad: String
    }

    let format: String
    let format_version: Int
    let created_at: String
    let expires_at: String
    let counter: Int
    let signer: String
    let embedding: Embedding
    let counts: Counts
    let gallery: Cipher
    let rules: KioskRules
    let files: [String: String]

    var createdAt: String { created_at }
    var expiresAt: String { expires_at }

    static let cipher = Cipher(cipher: "AES-256-GCM", kdf: "scrypt",
                               kdf_params: KDFParams(N: 32_768, r: 8, p: 1, salt_bytes: 16, key_bytes: 32),
                               nonce_bytes: 12, tag_bytes: 16, aad: "manifest.json")

    static func decode(_ data: Data) throws -> BundleManifest {
        struct Head: Decodable { let format: String?; let format_version: Int? }
        guard let head = try? JSONDecoder().decode(Head.self, from: data), head.format == "iface-bundle" else {
            throw IFaceError.malformed("manifest.json is not an iface-bundle manifest")
        }
        guard head.format_version == BundleReader.formatVersion else {
            throw IFaceError.unsupportedFormat("bundle", head.format_version ?? 0)
        }
        do {
            return try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch let error as IFaceError {
            throw error
        } catch {
            throw IFaceError.malformed("manifest.json: \(error)")
        }
    }

    func check(_ expect: BundleExpectation, fingerprint: String) throws {
        guard signer == fingerprint else { throw IFaceError.signature("manifest.json names another signer") }
        guard embedding.onnx_sha256 == expect.embeddingSha256 else {
            throw IFaceError.embeddingModelMismatch(bundle: embedding.onnx_sha256, app: expect.embeddingSha256)
        }
        guard embedding.dim == expect.dim else {
            throw IFaceError.malformed("embedding dim must be \(expect.dim), got \(embedding.dim)")
        }
        guard embedding.max_distance.isFinite, embedding.max_distance > 0, embedding.max_distance <= 4 else {
            throw IFaceError.malformed("max_distance must be in (0, 4]")
        }
        guard gallery == Self.cipher else { throw IFaceError.malformed("cipher parameters differ from format 2") }
        let caps = [(counts.people, 10_000), (counts.templates, 100_000), (counts.forgotten, 100_000),
                    (counts.products, 10_000), (counts.images, BundleReader.maxImages)]
        guard counter >= 1, caps.allSatisfy({ $0.0 >= 0 && $0.0 <= $0.1 }) else {
            throw IFaceError.malformed("counter or counts out of range")
        }
        guard RFC3339.parse(created_at) != nil, let expires = RFC3339.parse(expires_at) else {
            throw IFaceError.malformed("created_at and expires_at must be RFC 3339 UTC")
        }
        guard expect.now < expires else { throw IFaceError.expired(expires_at) }
        guard counter >= expect.newestCounter else {
            throw IFaceError.rollback(counter: counter, newest: expect.newestCounter)
        }
    }
}

/// The decrypted gallery: people (with templates) and the ids of forgotten people.
struct GalleryPlaintext {
    struct Entry: Decodable {
        struct Consent: Decodable { let given_at: String; let scope: [String] }
        struct Preferences: Decodable { let categories: [String]? }
        let id: String
        let display_name: String
        let consent: Consent
        let preferences: Preferences?
        let templates_b64: String
        let template_count: Int
    }
    struct Body: Decodable { let people: [Entry]; let forgotten: [String] }

    let people: [Person]
    let templates: [[Float]]
    let owners: [Int]
    let forgotten: [String]
    var templateCount: Int { templates.count }

    static let maxTemplatesPerPerson = 500
    static let maxAbsValue: Float = 16

    static func decode(_ data: Data, dim: Int) throws -> GalleryPlaintext {
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: data) } catch {
            throw IFaceError.malformed("the decrypted gallery does not parse: \(error)")
        }
        var people: [Person] = [], templates: [[Float]] = [], owners: [Int] = []
        var ids = Set<String>()
        for (index, entry) in body.people.enumerated() {
            let person = try check(entry, index: index)
            guard ids.insert(person.id).inserted else { throw IFaceError.malformed("person id \(person.id) appears twice") }
            for row in try rows(entry, dim: dim, index: index) { templates.append(row); owners.append(index) }
            people.append(person)
        }
        guard body.forgotten.allSatisfy(isUID), Set(body.forgotten).count == body.forgotten.count,
              ids.isDisjoint(with: body.forgotten) else {
            throw IFaceError.malformed("forgotten ids must be unique uids of people not in the gallery")
        }
        return GalleryPlaintext(people: people, templates: templates, owners: owners, forgotten: body.forgotten)
    }

    static func check(_ entry: Entry, index: Int) throws -> Person {
        let at = "person \(index + 1)"
        guard isUID(entry.id) else { throw IFaceError.malformed("\(at): id must be 32 lowercase hex digits") }
        let name = try visibleText(entry.display_name, limit: 100, what: "\(at): display_name")
        guard (1...8).contains(entry.consent.scope.count), entry.consent.scope.allSatisfy(isScopeWord),
              RFC3339.parse(entry.consent.given_at) != nil else {
            throw IFaceError.malformed("\(at): consent must have a time and 1..8 scope words")
        }
        let categories = entry.preferences?.categories ?? []
        guard categories.count <= 64 else { throw IFaceError.malformed("\(at): too many preferred categories") }
        let preferred = try categories.map { try visibleText($0, limit: 64, what: "\(at): a category") }
        return Person(id: entry.id, displayName: name, preferredCategories: preferred)
    }

    static func rows(_ entry: Entry, dim: Int, index: Int) throws -> [[Float]] {
        let at = "person \(index + 1)"
        let count = entry.template_count
        guard (1...maxTemplatesPerPerson).contains(count), let raw = Data(base64Encoded: entry.templates_b64),
              raw.count == 4 * count * dim else {
            throw IFaceError.malformed("\(at): \(count) templates of \(dim) floats do not match templates_b64")
        }
        let bytes = [UInt8](raw)
        var rows: [[Float]] = []
        rows.reserveCapacity(count)
        for t in 0..<count {
            var row = [Float](repeating: 0, count: dim)
            for k in 0..<dim {
                let o = 4 * (t * dim + k)
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    | UInt32(bytes[o + 3]) << 24
                let value = Float(bitPattern: bits)
                guard value.isFinite, abs(value) <= maxAbsValue else {
                    throw IFaceError.malformed("\(at): templates must be finite and within ±16")
                }
                row[k] = value
            }
            rows.append(row)
        }
        return rows
    }

    static func isUID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func isScopeWord(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard (1...32).contains(b.count), (0x61...0x7A).contains(b[0]) else { return false }
        return b.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F || $0 == 0x2D }
    }
}

/// NFC, trimmed, 1...limit scalars, no control, format (bidi), private-use, unassigned or
/// line/paragraph separator characters: what may reach a label.
func visibleText(_ text: String, limit: Int, what: String) throws -> String {
    let value = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    let banned: Set<Unicode.GeneralCategory> = [.control, .format, .surrogate, .privateUse, .unassigned,
                                                .lineSeparator, .paragraphSeparator]
    guard (1...limit).contains(value.unicodeScalars.count),
          !value.unicodeScalars.contains(where: { banned.contains($0.properties.generalCategory) }) else {
        throw IFaceError.malformed("\(what) must be 1...\(limit) visible characters")
    }
    return value
}
