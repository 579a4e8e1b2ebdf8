import Foundation

/// An 8-bit grey image as Float, row-major, origin top-left (the frame's luma).
public struct GreyImage: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "GreyImage needs width * height values")
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// OpenCV's BGR2GRAY weights on a BGRA buffer (0.114 B + 0.587 G + 0.299 R).
    public static func fromBGRA(_ bgra: Data, width: Int, height: Int, bytesPerRow: Int) -> GreyImage {
        var out = [Float](repeating: 0, count: width * height)
        bgra.withUnsafeBytes { raw in
            for y in 0..<height {
                for x in 0..<width {
                    let s = y * bytesPerRow + 4 * x
                    out[y * width + x] = (0.114 * Float(raw[s]) + 0.587 * Float(raw[s + 1]) + 0.299 * Float(raw[s + 2])).rounded()
                }
            }
        }
        return GreyImage(width: width, height: height, pixels: out)
    }

    func at(_ x: Int, _ y: Int) -> Float {
        pixels[min(max(y, 0), height - 1) * width + min(max(x, 0), width - 1)]
    }

    /// Bilinear sample, edges replicated.
    func sample(_ x: Double, _ y: Double) -> Float {
        let x0 = Int(floor(x)), y0 = Int(floor(y))
        let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    func crop(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) -> GreyImage {
        var out: [Float] = []
        out.reserveCapacity((x2 - x1) * (y2 - y1))
        for y in y1..<y2 { for x in x1..<x2 { out.append(pixels[y * width + x]) } }
        return GreyImage(width: x2 - x1, height: y2 - y1, pixels: out)
    }
}

/// How the points are followed (kiosk/vision/texture_motion.py TextureSettings, same defaults).
public struct TextureSettings: Sendable, Equatable {
    public var windowPx = 13
    public var levels = 2
    public var maxFbErrorPx = 0.7
    public var minFbErrorPx = 0.35
    public var minOkFraction = 0.6
    public var maxDriftIod = 0.25
    public var marginIod = 0.8
    public var highPassSigmaPx = 3.0
    public var iterations = 20          // OpenCV's criteria: 20 iterations or a step below 0.03 px
    public var epsilonPx = 0.03
    public init() {}
}

/// Optical-flow points for one face track, fed every frame in time order: a port of
/// kiosk/vision/texture_motion.py TextureTracker (seeded at the mesh landmarks, every other
/// landmark plus the nose tip and eye corners followed by pyramidal Lucas-Kanade on the image
/// detail, there and back; reseeded when too few are followed or they drift off the mesh).
/// The Lucas-Kanade here is written after OpenCV's (same window, levels and stop criteria) but
/// is not OpenCV's code: its numbers differ from the PC's somewhat, see README.
public struct TextureFollower: Sendable {
    public let settings: TextureSettings
    public static let followed: [Int] = {
        var set = Set(stride(from: 0, to: 468, by: 2))
        for i in FaceMotion.noseTip { set.insert(i) }
        for i in [33, 133, 362, 263] { set.insert(i) }
        return set.sorted()
    }()

    private var seed = 0
    private var previous: GreyImage? = nil
    private var xy: [Point]? = nil
    private var ok: [Bool]? = nil

    public init(settings: TextureSettings = TextureSettings()) { self.settings = settings }

    /// Follow the points into this frame (or seed them on `mesh`); nil before any mesh.
    public mutating func update(_ grey: GreyImage, mesh: [Point3]?) -> TexturePoints? {
        var landmarks: [Point]? = nil
        if let mesh, mesh.count == 468 { landmarks = mesh.map { Point($0.x, $0.y) } }
        let before = previous
        previous = grey
        guard let xy, let ok, let before, before.width == grey.width, before.height == grey.height else {
            guard let landmarks else { return nil }
            return reseed(landmarks)
        }
        let (newXY, newOK) = follow(before, grey, xy, ok)
        if let landmarks, lost(newXY, newOK, landmarks) { return reseed(landmarks) }
        self.xy = newXY
        self.ok = newOK
        return TexturePoints(seed: seed, xy: newXY, ok: newOK)
    }

    private mutating func reseed(_ landmarks: [Point]) -> TexturePoints {
        seed += 1
        var flags = [Bool](repeating: false, count: landmarks.count)
        for i in Self.followed { flags[i] = true }
        xy = landmarks
        ok = flags
        return TexturePoints(seed: seed, xy: landmarks, ok: flags)
    }

    static func iod(_ xy: [Point]) -> Double {
        let right = FaceMotion.mean(xy, [33, 133]), left = FaceMotion.mean(xy, [362, 263])
        return hypot(left.x - right.x, left.y - right.y)
    }

    /// Lucas-Kanade there and back inside a region around the points.
    func follow(_ previous: GreyImage, _ grey: GreyImage, _ xy: [Point], _ ok: [Bool]) -> ([Point], [Bool]) {
        let s = settings
        let margin = s.marginIod * Self.iod(xy)
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in xy { minX = min(minX, p.x); minY = min(minY, p.y); maxX = max(maxX, p.x); maxY = max(maxY, p.y) }
        guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite, margin.isFinite else {
            return (xy, [Bool](repeating: false, count: xy.count))
        }
        let x1 = min(max(Int(floor(minX - margin)), 0), grey.width - 1)
        let y1 = min(max(Int(floor(minY - margin)), 0), grey.height - 1)
        let x2 = min(max(Int(ceil(maxX + margin)), x1 + 1), grey.width)
        let y2 = min(max(Int(ceil(maxY + margin)), y1 + 1), grey.height)
        let a = LucasKanade.highPass(previous.crop(x1, y1, x2, y2), sigma: s.highPassSigmaPx)
        let b = LucasKanade.highPass(grey.crop(x1, y1, x2, y2), sigma: s.highPassSigmaPx)
        let pyramidA = LucasKanade.pyramid(a, levels: s.levels), pyramidB = LucasKanade.pyramid(b, levels: s.levels)
        let limit = max(s.minFbErrorPx, s.maxFbErrorPx * Self.iod(xy) / 100.0)
        var newXY = xy, newOK = ok
        for i in 0..<xy.count { newOK[i] = false }
        for i in Self.followed {
            let start = Point(xy[i].x - Double(x1), xy[i].y - Double(y1))
            guard let ahead = LucasKanade.track(pyramidA, pyramidB, start, s),
                  let back = LucasKanade.track(pyramidB, pyramidA, ahead, s) else { continue }
            let miss = hypot(back.x - start.x, back.y - start.y)
            if miss <= limit {
                newXY[i] = Point(ahead.x + Double(x1), ahead.y + Double(y1))
                newOK[i] = ok[i]
            }
        }
        return (newXY, newOK)
    }

    /// Too few points followed, or the points no longer lie on the mesh's face.
    func lost(_ xy: [Point], _ ok: [Bool], _ landmarks: [Point]) -> Bool {
        let kept = Self.followed.filter { ok[$0] }.count
        if Double(kept) / Double(Self.followed.count) < settings.minOkFraction { return true }
        var drift: [Double] = []
        for i in 0..<xy.count where ok[i] { drift.append(hypot(xy[i].x - landmarks[i].x, xy[i].y - landmarks[i].y)) }
        return FaceMotion.median(drift) > settings.maxDriftIod * Self.iod(landmarks)
    }
}
