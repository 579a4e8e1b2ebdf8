import Foundation

/// Every error IFaceCore throws on purpose. Messages say what was expected and what arrived;
/// `outcome` is the short name the shared test vectors use (ios_companion/vectors/bundle.json).
public enum IFaceError: Error, Equatable, Sendable, LocalizedError {
    case modelMissing(String)
    case unsupportedFormat(String, Int)
    case embeddingModelMismatch(bundle: String, app: String)
    /// Not a bundle ZIP, an unknown or unsafe entry, a compressed entry, or over a size cap.
    case zip(String)
    /// signature.json is missing, malformed, or does not verify over manifest.json and gallery.enc.
    case signature(String)
    /// Signed by a valid key that is not the shop key this iPad pinned.
    case signer(expected: String, found: String)
    case expired(String)
    /// An export number below one already imported: an old bundle could bring back forgotten people.
    case rollback(counter: Int, newest: Int)
    case fileHash(String)
    /// Authentic (right key, right passphrase) but a field is missing or out of range.
    case malformed(String)
    case wrongPassphraseOrDamaged
    case badInput(String)

    /// The vectors' name for this kind of refusal.
    public var outcome: String {
        switch self {
        case .modelMissing, .unsupportedFormat, .badInput: return "input"
        case .embeddingModelMismatch: return "model"
        case .zip: return "zip"
        case .signature: return "signature"
        case .signer: return "signer"
        case .expired: return "expired"
        case .rollback: return "rollback"
        case .fileHash: return "file_hash"
        case .malformed: return "malformed"
        case .wrongPassphraseOrDamaged: return "passphrase"
        }
    }

    public var errorDescription: String? {
        switch self {
        case .modelMissing(let key): return "The app has no model '\(key)' (models.json)."
        case .unsupportedFormat(let what, let version):
            return "\(what) format \(version) is not one this app reads: update the app or export again."
        case .embeddingModelMismatch(let bundle, let app):
            return "This bundle was made with embedding model \(bundle.prefix(12))…, this app has "
                + "\(app.prefix(12))…. Export again from a kiosk with the same model, or update the app."
        case .zip(let why): return "Not a valid iFace bundle: \(why)."
        case .signature(let why): return "The bundle's signature is not valid (\(why)): it was changed or forged."
        case .signer(let expected, let found):
            return "This bundle was signed by key \(found.prefix(16))…, not by this shop's key "
                + "\(expected.prefix(16))…. Use the shop's own PC, or wipe the iPad to pair it anew."
        case .expired(let when): return "This bundle expired at \(when): export a new one on the PC."
        case .rollback(let counter, let newest):
            return "This is export number \(counter), older than number \(newest) already imported: "
                + "an old bundle could bring back people who asked to be forgotten."
        case .fileHash(let name): return "\(name) does not match its sha256 in the manifest."
        case .malformed(let why): return "The bundle is damaged or malformed: \(why)."
        case .wrongPassphraseOrDamaged: return "Wrong passphrase or damaged bundle."
        case .badInput(let why): return why
        }
    }
}
