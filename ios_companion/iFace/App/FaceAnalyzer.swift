import CoreGraphics
import CoreImage
import CoreML
import IFaceCore
import Vision

/// One analysed face in a frame (frame pixel coordinates, origin top-left).
struct FaceReading: Identifiable {
    let id = UUID()
    let box: CGRect
    let descriptor: [Float]?
    let emotion: [String: Double]
    let withMask: Double
}

/// The kiosk's per-face pipeline on the iPad:
///   Vision VNDetectFaceRectanglesRequest (detection)
///   -> face_mesh.mlmodelc on the square crop with 25 % margin (manifest crop_margin / crop_square)
///   -> Alignment.fivePointsFromMesh + Alignment.dlibChip (ported from kiosk/vision/align.py)
///   -> face_embedder.mlmodelc (150x150 RGB chip, descriptor compared by Euclidean distance)
///   -> emotion.mlmodelc (64x64 grey, box crop) and mask.mlmodelc (224x224 RGB, box crop).
/// Vision's own landmarks (VNDetectFaceLandmarksRequest) are not used for alignment: its eye and
/// nose points are defined differently from dlib's and would need their own calibration, as the
/// PC kiosk's mesh -> dlib mapping did (models/build/check_alignment.py).
final class FaceAnalyzer {
    private let manifest: ModelsManifest
    private let embedder: MLModel, mesh: MLModel, emotion: MLModel, mask: MLModel
    let embedderSha256: String
    let maxDistance: Double

    init(bundle: Bundle = .main) throws {
        guard let url = bundle.url(forResource: "models", withExtension: "json") else {
            throw IFaceError.modelMissing("models.json")
        }
        manifest = try ModelsManifest.load(from: url)
        let config = MLModelConfiguration()
        config.computeUnits = .cpuAndGPU   // float32 models: the Neural Engine would run them in float16
        func load(_ key: String) throws -> MLModel {
            let name = try manifest.entry(key).compiledName
            guard let modelURL = bundle.url(forResource: name, withExtension: "mlmodelc") else {
                throw IFaceError.modelMissing(key)
            }
            return try MLModel(contentsOf: modelURL, configuration: config)
        }
        embedder = try load("face_embedder"); mesh = try load("face_mesh")
        emotion = try load("emotion"); mask = try load("mask")
        // the hash the gallery bundle must carry: from the model's own metadata, checked against models.json
        let meta = embedder.modelDescription.metadata[.creatorDefinedKey] as? [String: String] ?? [:]
        let fromJSON = try manifest.entry("face_embedder").sourceOnnx.sha256
        guard meta["iface.source_onnx_sha256"] == fromJSON else {
            throw IFaceError.badInput("face_embedder metadata and models.json disagree on the source ONNX sha256")
        }
        embedderSha256 = fromJSON
        maxDistance = try manifest.entry("face_embedder").thresholds["max_distance"] ?? 0.6
    }

    var emotionEntry: ModelEntry { try! manifest.entry("emotion") }

    /// Analyse every face in an upright frame. Runs on the analysis queue, never the main thread.
    func analyse(_ frame: CGImage, rgb: RGBImage, embed: Bool) throws -> [FaceReading] {
        let request = VNDetectFaceRectanglesRequest()
        try VNImageRequestHandler(cgImage: frame, options: [:]).perform([request])
        let size = CGSize(width: frame.width, height: frame.height)
        return try (request.results ?? []).map { face in
            // Vision: normalised, origin bottom-left -> pixels, origin top-left
            let b = face.boundingBox
            let box = CGRect(x: b.minX * size.width, y: (1 - b.maxY) * size.height,
                             width: b.width * size.width, height: b.height * size.height)
            return FaceReading(box: box,
                               descriptor: embed ? try descriptor(frame, rgb: rgb, box: box) : nil,
                               emotion: try classify(emotion, key: "emotion", frame, box: box),
                               withMask: try classify(mask, key: "mask", frame, box: box)["with_mask"] ?? 0)
        }
    }

    private func descriptor(_ frame: CGImage, rgb: RGBImage, box: CGRect) throws -> [Float] {
        let entry = try manifest.entry("face_mesh")
        let region = Self.region(box, margin: entry.input.cropMargin, square: entry.input.cropSquare)
        let crop = try Self.crop(frame, region, to: entry.input, grey: false)
        let out = try mesh.prediction(from: MLDictionaryFeatureProvider(dictionary: [entry.input.name: crop]))
        guard let raw = out.featureValue(for: "conv2d_21")?.multiArrayValue, raw.count == 1404 else {
            throw IFaceError.badInput("face_mesh returned no landmarks")
        }
        // crop pixels -> frame pixels, as kiosk/vision/mesh.py does
        let sx = region.width / Double(entry.input.width), sy = region.height / Double(entry.input.height)
        let points = (0..<468).map { i in
            Point(region.minX.rounded(.down) + raw[3 * i].doubleValue * sx,
                  region.minY.rounded(.down) + raw[3 * i + 1].doubleValue * sy)
        }
        let chip = try Alignment.dlibChip(rgb, points: try Alignment.fivePointsFromMesh(points))
        let embedEntry = try manifest.entry("face_embedder")
        let value = try MLFeatureValue(cgImage: Self.cgImage(chip), pixelsWide: 150, pixelsHigh: 150,
                                       pixelFormatType: kCVPixelFormatType_32BGRA, options: nil)
        let result = try embedder.prediction(from: MLDictionaryFeatureProvider(dictionary: [embedEntry.input.name: value]))
        guard let vector = result.featureValue(for: "descriptor")?.multiArrayValue else {
            throw IFaceError.badInput("face_embedder returned no descriptor")
        }
        return (0..<vector.count).map { vector[$0].floatValue }
    }

    private func classify(_ model: MLModel, key: String, _ frame: CGImage, box: CGRect) throws -> [String: Double] {
        let entry = try manifest.entry(key)
        let region = Self.region(box, margin: entry.input.cropMargin, square: entry.input.cropSquare)
        let value = try Self.crop(frame, region, to: entry.input, grey: entry.input.colour == "GRAY")
        let out = try model.prediction(from: MLDictionaryFeatureProvider(dictionary: [entry.input.name: value]))
        return (out.featureValue(for: "label_probs")?.dictionaryValue as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue)
    }

    /// kiosk/core/geometry.py expand() then square().
    static func region(_ box: CGRect, margin: Double, square: Bool) -> CGRect {
        var r = box.insetBy(dx: -box.width * margin, dy: -box.height * margin)
        if square {
            let side = max(r.width, r.height)
            r = CGRect(x: r.midX - side / 2, y: r.midY - side / 2, width: side, height: side)
        }
        return r
    }

    /// Cut `region` (black outside the frame, like the kiosk's crop_face) and scale it to the model's
    /// input size. Grey uses ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), as cv2.COLOR_BGR2GRAY.
    static func crop(_ frame: CGImage, _ region: CGRect, to input: ModelEntry.Input, grey: Bool) throws -> MLFeatureValue {
        let w = input.width, h = input.height
        let space = CGColorSpace(name: CGColorSpace.sRGB)!
        guard let ctx = CGContext(data: nil, width: w, height: h, bitsPerComponent: 8, bytesPerRow: 4 * w,
                                  space: space, bitmapInfo: CGImageAlphaInfo.noneSkipLast.rawValue) else {
            throw IFaceError.badInput("cannot make a drawing context")
        }
        ctx.interpolationQuality = .high   // area-like averaging; the kiosk uses cv2 INTER_AREA
        ctx.setFillColor(CGColor(red: 0, green: 0, blue: 0, alpha: 1)); ctx.fill(CGRect(x: 0, y: 0, width: w, height: h))
        let sx = Double(w) / region.width, sy = Double(h) / region.height
        // CoreGraphics' origin is bottom-left: place the frame so that `region` fills the context
        ctx.draw(frame, in: CGRect(x: -region.minX * sx, y: (region.maxY - Double(frame.height)) * sy,
                                   width: Double(frame.width) * sx, height: Double(frame.height) * sy))
        guard let rgba = ctx.makeImage() else { throw IFaceError.badInput("crop failed") }
        guard grey else {
            return try MLFeatureValue(cgImage: rgba, pixelsWide: w, pixelsHigh: h,
                                      pixelFormatType: kCVPixelFormatType_32BGRA, options: nil)
        }
        let bytes = ctx.data!.assumingMemoryBound(to: UInt8.self)
        var luma = [UInt8](repeating: 0, count: w * h)
        for i in 0..<(w * h) {
            let r = Double(bytes[4 * i]), g = Double(bytes[4 * i + 1]), b = Double(bytes[4 * i + 2])
            luma[i] = UInt8(min(255, (0.299 * r + 0.587 * g + 0.114 * b).rounded()))
        }
        let provider = CGDataProvider(data: Data(luma) as CFData)!
        let greyImage = CGImage(width: w, height: h, bitsPerComponent: 8, bitsPerPixel: 8, bytesPerRow: w,
                                space: CGColorSpaceCreateDeviceGray(), bitmapInfo: CGBitmapInfo(rawValue: 0),
                                provider: provider, decode: nil, shouldInterpolate: false, intent: .defaultIntent)!
        return try MLFeatureValue(cgImage: greyImage, pixelsWide: w, pixelsHigh: h,
                                  pixelFormatType: kCVPixelFormatType_OneComponent8, options: nil)
    }

    static func cgImage(_ image: RGBImage) -> CGImage {
        let provider = CGDataProvider(data: Data(image.pixels) as CFData)!
        return CGImage(width: image.width, height: image.height, bitsPerComponent: 8, bitsPerPixel: 24,
                       bytesPerRow: 3 * image.width, space: CGColorSpace(name: CGColorSpace.sRGB)!,
                       bitmapInfo: CGBitmapInfo(rawValue: CGImageAlphaInfo.none.rawValue), provider: provider,
                       decode: nil, shouldInterpolate: false, intent: .defaultIntent)!
    }

    /// The frame's RGB bytes for the chip sampler (once per frame that needs an embedding).
    static func rgbImage(_ frame: CGImage) -> RGBImage {
        let w = frame.width, h = frame.height
        let ctx = CGContext(data: nil, width: w, height: h, bitsPerComponent: 8, bytesPerRow: 4 * w,
                            space: CGColorSpace(name: CGColorSpace.sRGB)!,
                            bitmapInfo: CGImageAlphaInfo.noneSkipLast.rawValue)!
        ctx.draw(frame, in: CGRect(x: 0, y: 0, width: w, height: h))
        let src = ctx.data!.assumingMemoryBound(to: UInt8.self)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) { rgb[3 * i] = src[4 * i]; rgb[3 * i + 1] = src[4 * i + 1]; rgb[3 * i + 2] = src[4 * i + 2] }
        return RGBImage(width: w, height: h, pixels: rgb)
    }
}
