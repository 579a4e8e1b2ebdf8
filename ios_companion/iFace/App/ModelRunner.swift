import CoreGraphics
import CoreML
import Foundation
import IFaceCore
import Vision

/// The four Core ML models and Vision's face detector, fed exactly as the PC feeds its ONNX
/// models: crops from CropGeometry (integer canvas, black outside the frame), the aligned chip from
/// Alignment (dlib's sampling), outputs read as MLShapedArray<Float> (logical order, whatever the
/// strides). Not Sendable: the FrameAnalyzer actor owns it.
final class ModelRunner {
    let manifest: ModelsManifest
    let embedderSha256: String
    let meshThresholds: MeshThresholds
    let emotionLabels: [String]
    let valenceRule: ValenceRule
    let maskFusion: MaskFusion
    /// Read the mirrored mask crop too when the fused log-odds lie within this (nil: never).
    let maskMirrorWithin: Double?
    private let embedder: MLModel, mesh: MLModel, emotion: MLModel, mask: MLModel
    private let meshEntry: ModelEntry, embedEntry: ModelEntry, emotionEntry: ModelEntry, maskEntry: ModelEntry

    /// Load models.json and the compiled models from the app bundle. Every stored property is set
    /// before any method runs (the loader is a static function, not a closure over `self`).
    init(bundle: Bundle = .main) throws {
        guard let url = bundle.url(forResource: "models", withExtension: "json") else {
            throw IFaceError.modelMissing("models.json")
        }
        let manifest = try ModelsManifest.load(from: url)
        let config = MLModelConfiguration()
        config.computeUnits = .cpuAndGPU   // float32: the Neural Engine would run float16 and move descriptors
        let meshEntry = try manifest.entry("face_mesh"), embedEntry = try manifest.entry("face_embedder")
        let emotionEntry = try manifest.entry("emotion"), maskEntry = try manifest.entry("mask")
        let embedder = try Self.load(embedEntry, bundle: bundle, config: config)
        let meta = embedder.modelDescription.metadata[.creatorDefinedKey] as? [String: String] ?? [:]
        guard meta["iface.source_onnx_sha256"] == embedEntry.sourceOnnx.sha256 else {
            throw IFaceError.badInput("face_embedder metadata and models.json disagree on the source ONNX sha256")
        }
        self.mesh = try Self.load(meshEntry, bundle: bundle, config: config)
        self.emotion = try Self.load(emotionEntry, bundle: bundle, config: config)
        self.mask = try Self.load(maskEntry, bundle: bundle, config: config)
        self.embedder = embedder
        self.meshEntry = meshEntry
        self.embedEntry = embedEntry
        self.emotionEntry = emotionEntry
        self.maskEntry = maskEntry
        self.manifest = manifest
        embedderSha256 = embedEntry.sourceOnnx.sha256
        meshThresholds = MeshThresholds(meshEntry.thresholds)
        emotionLabels = emotionEntry.labels
        valenceRule = ValenceRule(weights: emotionEntry.valence ?? [:], threshold: emotionEntry.thresholds["valence"] ?? 0.25)
        maskFusion = MaskFusion(maskEntry.thresholds)
        maskMirrorWithin = maskEntry.input.flipAverage == true ? maskEntry.thresholds["mirror_within"] ?? .infinity : nil
    }

    private static func load(_ entry: ModelEntry, bundle: Bundle, config: MLModelConfiguration) throws -> MLModel {
        guard let url = bundle.url(forResource: entry.compiledName, withExtension: "mlmodelc") else {
            throw IFaceError.modelMissing(entry.key)
        }
        return try MLModel(contentsOf: url, configuration: config)
    }

    /// Vision face rectangles in frame pixels (origin top-left) with their confidence.
    func detect(_ frame: CGImage) throws -> [(Box, Double)] {
        let request = VNDetectFaceRectanglesRequest()
        try VNImageRequestHandler(cgImage: frame, orientation: .up, options: [:]).perform([request])
        let w = Double(frame.width), h = Double(frame.height)
        return (request.results ?? []).compactMap { face in
            let b = face.boundingBox   // normalised, origin bottom-left
            let box = Box(b.minX * w, (1 - b.maxY) * h, b.maxX * w, (1 - b.minY) * h)
            return box.width > 1 && box.height > 1 ? (box, Double(face.confidence)) : nil
        }
    }

    /// The mesh on the square crop: 468 points in frame pixels (z scaled like x) and the face
    /// presence (sigmoid of the presence logit), as kiosk/vision/mesh.py computes them.
    func landmarks(_ frame: CGImage, box: Box) throws -> (presence: Double, points: [Point3])? {
        let geometry = crop(frame, box: box, entry: meshEntry)
        guard geometry.isUsable else { return nil }
        let input = try Self.image(frame, geometry: geometry, grey: false)
        let out = try mesh.prediction(from: MLDictionaryFeatureProvider(dictionary: [meshEntry.input.name: input]))
        guard meshEntry.outputs.count >= 2,
              let raw = out.featureValue(for: meshEntry.outputs[0].name)?.multiArrayValue,
              let logit = out.featureValue(for: meshEntry.outputs[1].name)?.multiArrayValue else {
            throw IFaceError.badInput("face_mesh returned no landmarks or presence")
        }
        let xyz = MLShapedArray<Float>(converting: raw).scalars
        let presenceLogit = Double(MLShapedArray<Float>(converting: logit).scalars.first ?? -20)
        guard xyz.count == 1404 else { throw IFaceError.badInput("face_mesh returned \(xyz.count) values") }
        let scaleX = Double(geometry.canvas.width) / Double(meshEntry.input.width)
        let points = (0..<468).map { i -> Point3 in
            let p = geometry.mapBack(Double(xyz[3 * i]), Double(xyz[3 * i + 1]))
            return Point3(p.x, p.y, Double(xyz[3 * i + 2]) * scaleX)
        }
        return (1 / (1 + exp(-presenceLogit)), points)
    }

    /// The 128-d descriptor of the dlib chip aligned on the mesh's five points.
    func descriptor(_ rgb: RGBImage, mesh: [Point3]) throws -> [Float] {
        let five = try Alignment.fivePointsFromMesh(mesh.map { Point($0.x, $0.y) })
        let chip = try Alignment.dlibChip(rgb, points: five)
        let value = try MLFeatureValue(cgImage: Self.cgImage(chip), pixelsWide: chip.width, pixelsHigh: chip.height,
                                       pixelFormatType: kCVPixelFormatType_32BGRA, options: nil)
        let out = try embedder.prediction(from: MLDictionaryFeatureProvider(dictionary: [embedEntry.input.name: value]))
        guard let array = out.featureValue(for: embedEntry.outputs.first?.name ?? "descriptor")?.multiArrayValue else {
            throw IFaceError.badInput("face_embedder returned no descriptor")
        }
        return MLShapedArray<Float>(converting: array).scalars
    }

    /// Emotion probabilities in the manifest's label order.
    func emotionProbabilities(_ frame: CGImage, box: Box) throws -> [Double]? {
        let geometry = crop(frame, box: box, entry: emotionEntry)
        guard geometry.isUsable else { return nil }
        let probs = try classify(emotion, entry: emotionEntry, frame, geometry)
        return emotionLabels.map { probs[$0] ?? 0 }
    }

    /// The classifier's P(with_mask) for the face's crop, or for its mirror image.
    func maskProbability(_ frame: CGImage, box: Box, mirrored: Bool = false) throws -> Double? {
        let geometry = crop(frame, box: box, entry: maskEntry)
        guard geometry.isUsable else { return nil }
        return try classify(mask, entry: maskEntry, frame, geometry, mirrored: mirrored)["with_mask"]
    }

    /// Sharpness of the grey face box at 96 px wide (kiosk/vision/runtime.py grey_face).
    func sharpness(_ frame: CGImage, box: Box) -> Double {
        let height = max(3, Int((96 * box.height / max(box.width, 1)).rounded()))
        let geometry = CropGeometry(box: box, margin: 0, square: false, frameWidth: frame.width,
                                    frameHeight: frame.height, inputWidth: 96, inputHeight: height)
        guard geometry.isUsable, let grey = try? Self.pixels(frame, geometry: geometry, grey: true) else { return 0 }
        return FaceQuality.sharpness(grey, width: 96)
    }

    private func crop(_ frame: CGImage, box: Box, entry: ModelEntry) -> CropGeometry {
        CropGeometry(box: box, margin: entry.input.cropMargin, square: entry.input.cropSquare,
                     frameWidth: frame.width, frameHeight: frame.height,
                     inputWidth: entry.input.width, inputHeight: entry.input.height)
    }

    private func classify(_ model: MLModel, entry: ModelEntry, _ frame: CGImage,
                          _ geometry: CropGeometry, mirrored: Bool = false) throws -> [String: Double] {
        let value = try Self.image(frame, geometry: geometry, grey: entry.input.colour == "GRAY", mirrored: mirrored)
        let out = try model.prediction(from: MLDictionaryFeatureProvider(dictionary: [entry.input.name: value]))
        let probs = out.featureValue(for: "label_probs")?.dictionaryValue as? [String: NSNumber] ?? [:]
        return probs.mapValues(\.doubleValue)
    }

    // MARK: pixels

    /// The crop of `geometry` at the model's input size (mirrored left to right if asked), as a
    /// feature value.
    static func image(_ frame: CGImage, geometry: CropGeometry, grey: Bool, mirrored: Bool = false) throws -> MLFeatureValue {
        let w = geometry.inputWidth, h = geometry.inputHeight
        var bytes = try pixels(frame, geometry: geometry, grey: grey)
        if mirrored { bytes = PixelRows.mirrored(bytes, width: w, channels: grey ? 1 : 3) }
        let image = grey ? greyImage(bytes, width: w, height: h) : cgImage(RGBImage(width: w, height: h, pixels: bytes))
        guard let image else { throw IFaceError.badInput("cannot make a \(w)x\(h) image") }
        return try MLFeatureValue(cgImage: image, pixelsWide: w, pixelsHigh: h,
                                  pixelFormatType: grey ? kCVPixelFormatType_OneComponent8 : kCVPixelFormatType_32BGRA,
                                  options: nil)
    }

    /// RGB (or ITU-R 601 grey, as cv2.COLOR_BGR2GRAY) bytes of the crop: the canvas from
    /// floor(x1, y1) to ceil(x2, y2), black outside the frame, scaled to the input size.
    static func pixels(_ frame: CGImage, geometry g: CropGeometry, grey: Bool) throws -> [UInt8] {
        let w = g.inputWidth, h = g.inputHeight
        guard let space = CGColorSpace(name: CGColorSpace.sRGB),
              let ctx = CGContext(data: nil, width: w, height: h, bitsPerComponent: 8, bytesPerRow: 4 * w, space: space,
                                  bitmapInfo: CGImageAlphaInfo.noneSkipLast.rawValue) else {
            throw IFaceError.badInput("cannot make a drawing context")
        }
        ctx.interpolationQuality = .high   // area-like averaging; the PC resizes with cv2 INTER_AREA
        ctx.setFillColor(CGColor(red: 0, green: 0, blue: 0, alpha: 1))
        ctx.fill(CGRect(x: 0, y: 0, width: w, height: h))
        let sx = Double(w) / Double(g.canvas.width), sy = Double(h) / Double(g.canvas.height)
        // CoreGraphics' origin is bottom-left: the frame's top row lands at the canvas top.
        ctx.draw(frame, in: CGRect(x: -Double(g.canvas.x1) * sx, y: Double(g.canvas.y2 - frame.height) * sy,
                                   width: Double(frame.width) * sx, height: Double(frame.height) * sy))
        guard let data = ctx.data else { throw IFaceError.badInput("crop failed") }
        let rgba = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: 4 * w * h)
        if grey {
            return (0..<(w * h)).map { i in
                let value = 0.299 * Double(rgba[4 * i]) + 0.587 * Double(rgba[4 * i + 1]) + 0.114 * Double(rgba[4 * i + 2])
                return UInt8(min(255, value.rounded()))
            }
        }
        var rgb = [UInt8](repeating: 0, count: 3 * w * h)
        for i in 0..<(w * h) { rgb[3 * i] = rgba[4 * i]; rgb[3 * i + 1] = rgba[4 * i + 1]; rgb[3 * i + 2] = rgba[4 * i + 2] }
        return rgb
    }

    static func cgImage(_ image: RGBImage) -> CGImage? {
        guard let provider = CGDataProvider(data: Data(image.pixels) as CFData),
              let space = CGColorSpace(name: CGColorSpace.sRGB) else { return nil }
        return CGImage(width: image.width, height: image.height, bitsPerComponent: 8, bitsPerPixel: 24,
                       bytesPerRow: 3 * image.width, space: space,
                       bitmapInfo: CGBitmapInfo(rawValue: CGImageAlphaInfo.none.rawValue), provider: provider,
                       decode: nil, shouldInterpolate: false, intent: .defaultIntent)
    }

    static func greyImage(_ bytes: [UInt8], width: Int, height: Int) -> CGImage? {
        guard let provider = CGDataProvider(data: Data(bytes) as CFData) else { return nil }
        return CGImage(width: width, height: height, bitsPerComponent: 8, bitsPerPixel: 8, bytesPerRow: width,
                       space: CGColorSpaceCreateDeviceGray(), bitmapInfo: CGBitmapInfo(rawValue: 0),
                       provider: provider, decode: nil, shouldInterpolate: false, intent: .defaultIntent)
    }

    /// The camera's BGRA frame as a CGImage (no copy) and, when needed, as RGB bytes for the chip.
    static func frameImage(_ frame: CameraFrame) -> CGImage? {
        guard let provider = CGDataProvider(data: frame.bgra as CFData),
              let space = CGColorSpace(name: CGColorSpace.sRGB) else { return nil }
        let info = CGBitmapInfo(rawValue: CGImageAlphaInfo.noneSkipFirst.rawValue | CGBitmapInfo.byteOrder32Little.rawValue)
        return CGImage(width: frame.width, height: frame.height, bitsPerComponent: 8, bitsPerPixel: 32,
                       bytesPerRow: frame.bytesPerRow, space: space, bitmapInfo: info, provider: provider,
                       decode: nil, shouldInterpolate: false, intent: .defaultIntent)
    }

    static func rgb(_ frame: CameraFrame) -> RGBImage {
        var rgb = [UInt8](repeating: 0, count: 3 * frame.width * frame.height)
        frame.bgra.withUnsafeBytes { raw in
            for y in 0..<frame.height {
                for x in 0..<frame.width {
                    let s = y * frame.bytesPerRow + 4 * x, d = 3 * (y * frame.width + x)
                    rgb[d] = raw[s + 2]; rgb[d + 1] = raw[s + 1]; rgb[d + 2] = raw[s]
                }
            }
        }
        return RGBImage(width: frame.width, height: frame.height, pixels: rgb)
    }
}
