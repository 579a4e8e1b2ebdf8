import Compression
import CryptoKit
import Foundation

/// Imports a `.ifacebundle` (BUNDLE_FORMAT.md): checks, in order, entry names, format, the
/// embedding model's sha256 against the app's own, file hashes, then decrypts the gallery.
public struct BundleImporter: Sendable {
    /// `iface.source_onnx_sha256` of the app's face_embedder model (models.json source_onnx).
    public let appEmbeddingSha256: String

    public init(appEmbeddingSha256: String) { self.appEmbeddingSha256 = appEmbeddingSha256 }

    public struct Imported: Sendable {
        public let gallery: Gallery
        public let catalog: Catalog
        public let catalogJSON: Data        // catalog.json as imported, kept by the app
        public let images: [String: Data]   // "images/<sha256>.jpg" -> bytes
        public let createdAt: String
    }

    struct Manifest: Decodable {
        struct Embedding: Decodable {
            let model_key: String; let onnx_sha256: String; let dim: Int; let max_distance: Double?
        }
        struct Counts: Decodable { let people: Int; let templates: Int }
        let format: String; let format_version: Int; let created_at: String
        let embedding: Embedding; let counts: Counts; let files: [String: String]
    }

    struct Plain: Decodable {
        struct Entry: Decodable {
            struct Prefs: Decodable { let categories: [String]? }
            let id: String; let display_name: String; let preferences: Prefs?
            let templates_b64: String; let template_count: Int
        }
        let people: [Entry]
    }

    /// Step 1-4 need no passphrase: call `inspect` first so a mismatched bundle is refused early.
    public func inspect(_ bundle: Data) throws -> (entries: [String: Data], manifestBytes: Data) {
        let entries = try ZipReader.entries(bundle)
        for name in entries.keys where !Self.allowed(name) { throw IFaceError.badBundle("unexpected entry \(name)") }
        guard let manifestBytes = entries["manifest.json"], let gallery = entries["gallery.enc"] else {
            throw IFaceError.badBundle("manifest.json or gallery.enc missing")
        }
        let manifest = try decode(Manifest.self, manifestBytes)
        guard manifest.format == "iface-bundle" else { throw IFaceError.badBundle("format \(manifest.format)") }
        guard manifest.format_version <= 1 else { throw IFaceError.unsupportedFormat("bundle", manifest.format_version) }
        guard manifest.embedding.onnx_sha256 == appEmbeddingSha256 else {
            throw IFaceError.embeddingModelMismatch(bundle: manifest.embedding.onnx_sha256, app: appEmbeddingSha256)
        }
        for (name, expected) in manifest.files {
            guard let data = entries[name], Self.sha256Hex(data) == expected else {
                throw IFaceError.badBundle("\(name) is missing or its sha256 differs")
            }
        }
        guard gallery.count > 16 + 12 + 16 else { throw IFaceError.badBundle("gallery.enc too short") }
        return (entries, manifestBytes)
    }

    public func importBundle(_ bundle: Data, passphrase: String, defaultMaxDistance: Double) throws -> Imported {
        let (entries, manifestBytes) = try inspect(bundle)
        let manifest = try decode(Manifest.self, manifestBytes)
        let blob = entries["gallery.enc"]!
        let salt = blob.prefix(16), nonce = blob.dropFirst(16).prefix(12)
        let body = blob.dropFirst(28)
        let password = Data(passphrase.precomposedStringWithCanonicalMapping.utf8)   // NFC, UTF-8
        let key = try Scrypt.derive(password: password, salt: Data(salt), n: 1 << 15, r: 8, p: 1, length: 32)
        let plainBytes: Data
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce),
                                            ciphertext: body.dropLast(16), tag: body.suffix(16))
            plainBytes = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: manifestBytes)
        } catch {
            throw IFaceError.wrongPassphraseOrDamaged
        }
        let plain = try decode(Plain.self, plainBytes)
        let dim = manifest.embedding.dim
        var people: [Person] = [], templates: [[Float]] = [], owners: [Int] = []
        for (index, entry) in plain.people.enumerated() {
            guard let raw = Data(base64Encoded: entry.templates_b64), raw.count == 4 * dim * entry.template_count else {
                throw IFaceError.badBundle("templates of \(entry.id) have the wrong size")
            }
            let floats: [Float] = raw.withUnsafeBytes { buf in
                (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            for t in 0..<entry.template_count { templates.append(Array(floats[t * dim..<(t + 1) * dim])); owners.append(index) }
            people.append(Person(id: entry.id, displayName: entry.display_name,
                                 preferredCategories: entry.preferences?.categories ?? []))
        }
        guard people.count == manifest.counts.people, templates.count == manifest.counts.templates else {
            throw IFaceError.badBundle("counts differ from manifest.json")
        }
        let gallery = try Gallery(dim: dim, maxDistance: Float(manifest.embedding.max_distance ?? defaultMaxDistance),
                                  people: people, templates: templates, owners: owners)
        let catalogJSON = entries["catalog.json"] ?? Data(#"{"products":[]}"#.utf8)
        let catalog = try decode(Catalog.self, catalogJSON)
        let images = entries.filter { $0.key.hasPrefix("images/") && $0.key != "images/" }
        return Imported(gallery: gallery, catalog: catalog, catalogJSON: catalogJSON, images: images,
                        createdAt: manifest.created_at)
    }

    static func allowed(_ name: String) -> Bool {
        if ["manifest.json", "gallery.enc", "catalog.json", "images/"].contains(name) { return true }
        guard name.hasPrefix("images/"), !name.contains(".."), !name.dropFirst(7).contains("/") else { return false }
        return name.allSatisfy { $0.isASCII }
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw IFaceError.badBundle("\(type) does not parse: \(error.localizedDescription)")
        }
    }
}

/// The smallest ZIP reader the bundle needs: central directory, stored and deflated entries.
enum ZipReader {
    static func entries(_ zip: Data) throws -> [String: Data] {
        let bytes = [UInt8](zip)
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard bytes.count >= 22 else { throw IFaceError.badBundle("not a ZIP file") }
        var eocd = bytes.count - 22
        while eocd >= max(0, bytes.count - 65_557), u32(eocd) != 0x0605_4b50 { eocd -= 1 }
        guard eocd >= 0, u32(eocd) == 0x0605_4b50 else { throw IFaceError.badBundle("no ZIP directory") }
        var offset = u32(eocd + 16), result: [String: Data] = [:]
        for _ in 0..<u16(eocd + 10) {
            guard offset + 46 <= bytes.count, u32(offset) == 0x0201_4b50 else { throw IFaceError.badBundle("bad ZIP directory") }
            let method = u16(offset + 10), packed = u32(offset + 20), size = u32(offset + 24)
            let nameLen = u16(offset + 28), extraLen = u16(offset + 30), commentLen = u16(offset + 32)
            let local = u32(offset + 42)
            let name = String(decoding: bytes[offset + 46..<offset + 46 + nameLen], as: UTF8.self)
            guard local + 30 <= bytes.count, u32(local) == 0x0403_4b50 else { throw IFaceError.badBundle("bad entry \(name)") }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + packed <= bytes.count else { throw IFaceError.badBundle("truncated entry \(name)") }
            let raw = Data(bytes[start..<start + packed])
            switch method {
            case 0: result[name] = raw
            case 8: result[name] = try inflate(raw, size: size)
            default: throw IFaceError.badBundle("entry \(name) uses ZIP method \(method)")
            }
            offset += 46 + nameLen + extraLen + commentLen
        }
        return result
    }

    /// Raw DEFLATE (RFC 1951), which Compression calls COMPRESSION_ZLIB.
    static func inflate(_ data: Data, size: Int) throws -> Data {
        if size == 0 { return Data() }
        var out = Data(count: size)
        let written = out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in
                compression_decode_buffer(dst.bindMemory(to: UInt8.self).baseAddress!, size,
                                          src.bindMemory(to: UInt8.self).baseAddress!, data.count, nil, COMPRESSION_ZLIB)
            }
        }
        guard written == size else { throw IFaceError.badBundle("a deflated entry does not inflate") }
        return out
    }
}
