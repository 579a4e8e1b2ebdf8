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
        try decode(Data(contentsOf: url))
    }

    public static func decode(_ data: Data) throws -> ModelsManifest {
        let manifest: ModelsManifest
        do { manifest = try JSONDecoder().decode(ModelsManifest.self, from: data) } catch {
            throw IFaceError.badInput("models.json does not parse: \(error)")
        }
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
        /// The PC also reads the mirrored crop and averages (the mask: only when unsure).
        public let flipAverage: Bool?

        enum CodingKeys: String, CodingKey {
            case name, shape, colour
            case cropMargin = "crop_margin"
            case cropSquare = "crop_square"
            case flipAverage = "flip_average"
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
    public var compiledName: String {
        guard let dot = file.lastIndex(of: ".") else { return file }
        return String(file[..<dot])
    }
}
