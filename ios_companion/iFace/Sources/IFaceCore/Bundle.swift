import Crypto
import CryptoExtras
import Foundation

/// What this iPad requires of a bundle before it reads the people in it.
public struct BundleExpectation: Sendable {
    /// `iface.source_onnx_sha256` of the app's face_embedder model.
    public var embeddingSha256: String
    public var dim: Int
    /// The shop's pinned Ed25519 public key (32 raw bytes); nil before the first pairing.
    public var pinnedKey: Data?
    /// The highest export number imported so far (0 for none): older bundles are refused.
    public var newestCounter: Int
    public var now: Date

    public init(embeddingSha256: String, dim: Int = 128, pinnedKey: Data?, newestCounter: Int, now: Date) {
        self.embeddingSha256 = embeddingSha256; self.dim = dim; self.pinnedKey = pinnedKey
        self.newestCounter = newestCounter; self.now = now
    }
}

/// A bundle whose ZIP, signature, manifest, expiry, counter and file hashes were checked: the
/// passphrase-free steps 1-5 of BUNDLE_FORMAT.md "Import on the iPad". Show `fingerprint` to staff
/// when no key is pinned yet.
public struct InspectedBundle: Sendable {
    public let signerKey: Data
    public let fingerprint: String
    public let counter: Int
    public let createdAt: String
    public let expiresAt: Date
    public let people: Int
    public let products: Int
    let manifest: BundleManifest
    let manifestBytes: Data
    let gallery: Data
    let catalogJSON: Data?
    let images: [String: Data]
}

/// A fully read bundle, ready to replace the iPad's gallery and catalog.
public struct ImportedBundle: Sendable {
    public let gallery: Gallery
    public let forgotten: [String]
    public let catalog: Catalog
    public let catalogJSON: Data
    public let images: [String: Data]
    public let rules: KioskRules
    public let counter: Int
    public let expiresAt: Date
    public let signerKey: Data
}

/// Reads `.ifacebundle` files (format 2, BUNDLE_FORMAT.md). Pure: no files, no clock, no UI.
public enum BundleReader {
    public static let formatVersion = 2
    public static let maxArchiveBytes = 256 << 20
    static let caps: [String: Int] = [
        "manifest.json": 256 << 10, "signature.json": 4 << 10, "gallery.enc": 96 << 20, "catalog.json": 8 << 20,
    ]
    static let maxImageBytes = 2 << 20
    static let maxImages = 5_000

    /// Which entries may appear and how large each may be (nil: refused).
    public static func cap(_ name: String) -> Int? {
        if let cap = caps[name] { return cap }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "images" else { return nil }
        let file = parts[1]
        guard file.hasSuffix(".jpg") || file.hasSuffix(".png") else { return nil }
        let stem = file.dropLast(4)
        guard stem.count == 64, stem.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            return nil
        }
        return maxImageBytes
    }

    static let limits = ZipReader.Limits(maxArchiveBytes: maxArchiveBytes, maxEntries: 4 + maxImages,
                                         maxDirectoryBytes: 4 << 20, cap: { BundleReader.cap($0) })

    /// Steps 1-5: ZIP and caps, signature (and the pinned key), manifest, model, expiry, counter,
    /// file hashes. Needs no passphrase.
    public static func inspect(_ data: Data, expecting expect: BundleExpectation) throws -> InspectedBundle {
        let entries = try ZipReader.entries(data, limits: limits)
        var byName: [String: Data] = [:]
        for entry in entries { byName[entry.name] = entry.data }
        guard entries.first?.name == "manifest.json", let manifestBytes = byName["manifest.json"],
              let gallery = byName["gallery.enc"] else {
            throw IFaceError.zip("manifest.json must come first, and gallery.enc must be present")
        }
        guard let signature = byName["signature.json"] else { throw IFaceError.signature("signature.json is missing") }
        let key = try BundleSignature.verify(signature, manifest: manifestBytes, gallery: gallery)
        let fingerprint = BundleSignature.fingerprint(key)
        if let pinned = expect.pinnedKey, pinned != key {
            throw IFaceError.signer(expected: BundleSignature.fingerprint(pinned), found: fingerprint)
        }
        let manifest = try BundleManifest.decode(manifestBytes)
        try manifest.check(expect, fingerprint: fingerprint)
        let plain = entries.map(\.name).filter { !["manifest.json", "signature.json", "gallery.enc"].contains($0) }
        guard Set(plain) == Set(manifest.files.keys) else {
            throw IFaceError.fileHash("the entries differ from the manifest's file list")
        }
        for name in plain where hex(SHA256.hash(data: byName[name] ?? Data())) != manifest.files[name] {
            throw IFaceError.fileHash(name)
        }
        var images: [String: Data] = [:]
        for name in plain where name.hasPrefix("images/") { images[name] = byName[name] }
        guard let expires = RFC3339.parse(manifest.expiresAt) else { throw IFaceError.malformed("expires_at") }
        return InspectedBundle(signerKey: key, fingerprint: fingerprint, counter: manifest.counter,
                               createdAt: manifest.createdAt, expiresAt: expires,
                               people: manifest.counts.people, products: manifest.counts.products,
                               manifest: manifest, manifestBytes: manifestBytes, gallery: gallery,
                               catalogJSON: byName["catalog.json"], images: images)
    }

    /// Steps 6-7: derive the key, decrypt with manifest.json as associated data, check every field.
    public static func open(_ bundle: InspectedBundle, passphrase: String) throws -> ImportedBundle {
        let plainBytes = try decrypt(bundle.gallery, passphrase: passphrase, manifest: bundle.manifestBytes)
        let manifest = bundle.manifest
        let plain = try GalleryPlaintext.decode(plainBytes, dim: manifest.embedding.dim)
        guard plain.people.count == manifest.counts.people, plain.forgotten.count == manifest.counts.forgotten,
              plain.templateCount == manifest.counts.templates else {
            throw IFaceError.malformed("the gallery's counts differ from manifest.json")
        }
        let gallery = try Gallery(dim: manifest.embedding.dim, maxDistance: manifest.embedding.maxDistance,
                                  people: plain.people, templates: plain.templates, owners: plain.owners)
        let catalogJSON = bundle.catalogJSON ?? Data(#"{"products":[]}"#.utf8)
        let catalog = try Catalog.decode(catalogJSON, images: Set(bundle.images.keys))
        guard catalog.products.count == manifest.counts.products, bundle.images.count == manifest.counts.images else {
            throw IFaceError.malformed("the catalog's counts differ from manifest.json")
        }
        return ImportedBundle(gallery: gallery, forgotten: plain.forgotten, catalog: catalog, catalogJSON: catalogJSON,
                              images: bundle.images, rules: manifest.rules, counter: manifest.counter,
                              expiresAt: bundle.expiresAt, signerKey: bundle.signerKey)
    }

    /// scrypt(NFC UTF-8 passphrase, salt, N=2^15, r=8, p=1, 32) then AES-256-GCM.
    static func decrypt(_ blob: Data, passphrase: String, manifest: Data) throws -> Data {
        guard blob.count >= 16 + 12 + 16 else { throw IFaceError.malformed("gallery.enc is too short") }
        let bytes = [UInt8](blob)
        let key = try BundleKey.derive(passphrase: passphrase, salt: Data(bytes[0..<16]))
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: Data(bytes[16..<28])),
                                            ciphertext: Data(bytes[28..<(bytes.count - 16)]),
                                            tag: Data(bytes[(bytes.count - 16)...]))
            return try AES.GCM.open(box, using: key, authenticating: manifest)
        } catch {
            throw IFaceError.wrongPassphraseOrDamaged
        }
    }
}

/// The bundle key: scrypt (RFC 7914) from swift-crypto's CryptoExtras, the same parameters as the
/// PC's hashlib.scrypt call. The passphrase is NFC-normalised before UTF-8 encoding, as on the PC.
public enum BundleKey {
    public static func derive(passphrase: String, salt: Data) throws -> SymmetricKey {
        let password = Data(passphrase.precomposedStringWithCanonicalMapping.utf8)
        guard !password.isEmpty else { throw IFaceError.wrongPassphraseOrDamaged }
        return try scrypt(password: password, salt: salt, n: 1 << 15, r: 8, p: 1, length: 32)
    }

    public static func scrypt(password: Data, salt: Data, n: Int, r: Int, p: Int, length: Int) throws -> SymmetricKey {
        guard !password.isEmpty, !salt.isEmpty else { throw IFaceError.badInput("scrypt needs a password and a salt") }
        return try CryptoExtras.KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: length,
                                        rounds: n, blockSize: r, parallelism: p)
    }
}

/// signature.json (kiosk/store/bundle_signing.py): Ed25519 over the sha256 of manifest.json and of
/// gallery.enc.
public enum BundleSignature {
    struct Body: Decodable { let algorithm: String; let public_key: String; let signature: String }

    public static func message(manifest: Data, gallery: Data) -> Data {
        Data(("iface-bundle-signature-v2\n" + hex(SHA256.hash(data: manifest)) + "\n"
              + hex(SHA256.hash(data: gallery)) + "\n").utf8)
    }

    /// The signer's raw public key if the signature verifies.
    public static func verify(_ json: Data, manifest: Data, gallery: Data) throws -> Data {
        guard let body = try? JSONDecoder().decode(Body.self, from: json), body.algorithm == "Ed25519",
              let raw = Data(base64Encoded: body.public_key), raw.count == 32,
              let signature = Data(base64Encoded: body.signature), signature.count == 64,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw IFaceError.signature("signature.json is malformed")
        }
        guard key.isValidSignature(signature, for: message(manifest: manifest, gallery: gallery)) else {
            throw IFaceError.signature("it does not verify")
        }
        return raw
    }

    /// sha256 of the raw public key, hex: what `kiosk people bundle-key` prints.
    public static func fingerprint(_ key: Data) -> String { hex(SHA256.hash(data: key)) }
}

func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
}
