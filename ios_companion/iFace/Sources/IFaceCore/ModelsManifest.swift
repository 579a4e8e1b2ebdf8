import Foundation

/// `models.json`, written by `ios_companion/build_coreml.py` beside the .mlpackage files.
public struct ModelsManifest: Decodable, Sendable {
    public let format: Int
    public let embeddingModel: String
    public let models: [ModelEntry]

    enum CodingKeys: String, CodingKey {
        case format, models
        case embeddingModel = "embedding_model"
    }

    public func entry(_ key: String) throws -> ModelEntry {
        guard let found = models.first(where: { $0.key == key }) else {
            throw IFaceError.modelMissing(key)
        }
        return found
    }

    public static func load(from url: URL) throws -> ModelsManifest {
        let manifest = try JSONDecoder().decode(ModelsManifest.self, from: Data(contentsOf: url))
        guard manifest.format == 1 else { throw IFaceError.unsupportedFormat("models.json", manifest.format) }
        return manifest
    }
}

public struct ModelEntry: Decodable, Sendable {
    public struct Input: Decodable, Sendable {
        public let name: String
        public let shape: [Int]          // [1, C, H, W]
        public let colour: String        // "RGB" or "GRAY"
        public let cropMargin: Double    // grow the face box by this fraction on every side
        public let cropSquare: Bool

        enum CodingKeys: String, CodingKey {
            case name, shape, colour
            case cropMargin = "crop_margin"
            case cropSquare = "crop_square"
        }

        public var width: Int { shape[3] }
        public var height: Int { shape[2] }
    }

    public struct Output: Decodable, Sendable {
        public let name: String
        public let shape: [Int]
    }

    public struct Source: Decodable, Sendable {
        public let file: String
        public let sha256: String
    }

    public let key: String
    public let task: String
    public let file: String              // "<key>.mlpackage"; compiled by Xcode to "<key>.mlmodelc"
    public let input: Input
    public let outputs: [Output]
    public let labels: [String]
    public let thresholds: [String: Double]
    public let valence: [String: Double]?
    public let display: [String: String]?
    public let sourceOnnx: Source
    public let licence: String

    enum CodingKeys: String, CodingKey {
        case key, task, file, input, outputs, labels, thresholds, valence, display, licence
        case sourceOnnx = "source_onnx"
    }

    /// The resource name of the compiled model in the app bundle.
    public var compiledName: String { (file as NSString).deletingPathExtension }
}

public enum IFaceError: Error, LocalizedError, Equatable {
    case modelMissing(String)
    case unsupportedFormat(String, Int)
    case embeddingModelMismatch(bundle: String, app: String)
    case badBundle(String)
    case wrongPassphraseOrDamaged
    case badInput(String)

    public var errorDescription: String? {
        switch self {
        case .modelMissing(let key): return "The app has no model '\(key)' (models.json)."
        case .unsupportedFormat(let what, let version):
            return "\(what) format \(version) is newer than this app understands: update the app."
        case .embeddingModelMismatch(let bundle, let app):
            return "This bundle was made with embedding model \(bundle.prefix(12))…, this app has "
                + "\(app.prefix(12))…. Export again from a kiosk with the same model, or update the app."
        case .badBundle(let why): return "Not a valid iFace bundle: \(why)."
        case .wrongPassphraseOrDamaged: return "Wrong passphrase or damaged bundle."
        case .badInput(let why): return why
        }
    }
}
