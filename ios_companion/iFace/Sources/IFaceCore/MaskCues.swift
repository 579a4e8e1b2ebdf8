import Foundation

/// What the lower face looks like next to the forehead (kiosk/core/mask.py MaskCues).
public struct MaskCues: Sendable, Equatable {
    /// Distance between the mean (a, b) chroma of forehead and mouth/chin patches, Lab units
    /// (bare faces ~5, masks ~20).
    public let colourContrast: Double
    /// Share of lower-face pixels whose chroma matches the forehead's, in [0, 1] (bare ~0.8, masks ~0).
    public let skinFraction: Double

    public init(colourContrast: Double, skinFraction: Double) {
        self.colourContrast = colourContrast; self.skinFraction = skinFraction
    }
}

/// kiosk/core/mask.py MaskFusion: the mask classifier's log-odds fused with the cues, weights from
/// models.json mask "thresholds" (`fusion_*`, fitted on the PC's tuning data; the decision point
/// is folded into the bias, so a probability >= 0.5 means "with mask"). Without cues (a grey
/// image) the classifier decides alone.
public struct MaskFusion: Sendable, Equatable {
    public var classifier: Double, colour: Double, skin: Double, bias: Double

    public init(classifier: Double = 1, colour: Double = 0, skin: Double = 0, bias: Double = 0) {
        self.classifier = classifier; self.colour = colour; self.skin = skin; self.bias = bias
    }

    public init(_ thresholds: [String: Double]) {
        self.init(classifier: thresholds["fusion_classifier"] ?? 1, colour: thresholds["fusion_colour"] ?? 0,
                  skin: thresholds["fusion_skin"] ?? 0, bias: thresholds["fusion_bias"] ?? 0)
    }

    /// Log-odds of a probability clamped to [1e-4, 1 - 1e-4], as the PC reads the classifier.
    public static func logit(_ p: Double) -> Double {
        let q = min(1 - 1e-4, max(1e-4, p))
        return log(q / (1 - q))
    }

    /// Fused log-odds that the face wears a mask (0 is the decision point).
    public func withMaskLogit(classifier p: Double, cues: MaskCues?) -> Double {
        guard let cues else { return Self.logit(p) }
        return classifier * Self.logit(p) + colour * cues.colourContrast / 10 + skin * cues.skinFraction + bias
    }

    /// Is the answer unsure enough to read the mirrored crop too (kiosk/vision/mask_cue.py
    /// read_masks: fused log-odds within `within` of the decision point)? The two classifier
    /// readings are then averaged before fusing again.
    public func isUnsure(classifier p: Double, cues: MaskCues?, within: Double) -> Bool {
        abs(withMaskLogit(classifier: p, cues: cues)) < within
    }

    /// Fused probability in [0, 1] that the face wears a mask.
    public func withMaskProbability(classifier p: Double, cues: MaskCues?) -> Double {
        let z = withMaskLogit(classifier: p, cues: cues)
        return 1 / (1 + exp(-max(-60, min(60, z))))
    }
}

/// kiosk/vision/mask_cue.py lower_face_cues: chroma patches at forehead and mouth/chin landmarks,
/// and the share of pixels inside the lower face's outline within 3 standard deviations
/// (Mahalanobis, floor 4 Lab units squared) of the forehead's chroma. Lab is the float formula
/// OpenCV's 8-bit tables approximate (vectors/mask.json: L and b within 1, a within 3); the
/// outline is filled scanline by scanline like cv2.fillConvexPoly (~0.5 % of pixels differ).
public enum LowerFaceCues {
    static let upper = [10, 151, 9, 8, 107, 336, 108, 337, 69, 299]
    static let lower = [0, 17, 18, 200, 199, 175, 152, 164, 167, 393, 57, 287, 212, 432, 61, 291]
    static let outline = [205, 425, 152, 58, 288, 172, 397, 136, 365, 149, 378, 148, 377, 176, 400, 2, 98, 327]
    static let patch = 0.03, chromaFloor = 4.0, skinD2 = 9.0, grey = 2

    typealias Pixel = (x: Int, y: Int)

    /// The cues of one face (mesh: 468 points in frame pixels); nil for a grey image, a region
    /// outside the frame, or patches that all fall outside it.
    public static func cues(_ image: RGBImage, box: Box, mesh: [Point]) -> MaskCues? {
        guard mesh.count >= 468 else { return nil }
        let x1 = pyRound(box.x1), y1 = pyRound(box.y1), x2 = pyRound(box.x2), y2 = pyRound(box.y2)
        let pad = max(2, Int(box.width * 0.5))   // Int() truncates toward zero, as Python's int()
        let left = max(0, x1 - pad), top = max(0, y1 - pad)
        let right = min(image.width, x2 + pad), bottom = min(image.height, y2 + pad)
        guard right > left, bottom > top else { return nil }
        let width = right - left, height = bottom - top
        var chromaA = [Double](repeating: 0, count: width * height), chromaB = chromaA
        var chromatic = false
        for y in 0..<height {
            for x in 0..<width {
                let o = ((top + y) * image.width + left + x) * 3
                let lab = Self.lab(image.pixels[o], image.pixels[o + 1], image.pixels[o + 2])
                chromaA[y * width + x] = Double(lab.a); chromaB[y * width + x] = Double(lab.b)
                chromatic = chromatic || abs(lab.a - 128) > grey || abs(lab.b - 128) > grey
            }
        }
        guard chromatic else { return nil }
        let radius = max(1, Int(box.width * patch))
        let points = mesh.map { Point($0.x - Double(left), $0.y - Double(top)) }
        func patches(_ indices: [Int]) -> [(Double, Double)] {
            var out: [(Double, Double)] = []
            for index in indices {
                let x = pyRound(points[index].x), y = pyRound(points[index].y)
                let ya = max(0, y - radius), yb = min(height, y + radius + 1)
                let xa = max(0, x - radius), xb = min(width, x + radius + 1)
                guard yb > ya, xb > xa else { continue }
                for py in ya..<yb { for px in xa..<xb { out.append((chromaA[py * width + px], chromaB[py * width + px])) } }
            }
            return out
        }
        let forehead = patches(upper), mouth = patches(lower)
        let hull = convexHull(outline.map { (x: pyRound(points[$0].x), y: pyRound(points[$0].y)) })
        let inside = filled(hull, width: width, height: height).map { (chromaA[$0], chromaB[$0]) }
        guard !forehead.isEmpty, !mouth.isEmpty, !inside.isEmpty else { return nil }
        let (fa, fb) = mean(forehead), (ma, mb) = mean(mouth)
        return MaskCues(colourContrast: ((fa - ma) * (fa - ma) + (fb - mb) * (fb - mb)).squareRoot(),
                        skinFraction: skinFraction(forehead, inside))
    }

    /// 8-bit Lab of an sRGB pixel as OpenCV's COLOR_RGB2Lab scales it (L * 255 / 100, a and b + 128).
    public static func lab(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (l: Int, a: Int, b: Int) {
        func linear(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
        let rl = linear(r), gl = linear(g), bl = linear(b)
        let x = (0.412453 * rl + 0.357580 * gl + 0.180423 * bl) / 0.950456
        let y = 0.212671 * rl + 0.715160 * gl + 0.072169 * bl
        let z = (0.019334 * rl + 0.119193 * gl + 0.950227 * bl) / 1.088754
        let l = y > 0.008856 ? 116 * f(y) - 16 : 903.3 * y
        func byte(_ v: Double) -> Int { Int(min(255, max(0, v.rounded(.toNearestOrEven)))) }
        return (byte(l * 255 / 100), byte(500 * (f(x) - f(y)) + 128), byte(200 * (f(y) - f(z)) + 128))
    }

    /// Python's round(): to the nearest integer, halves to even.
    static func pyRound(_ v: Double) -> Int { Int(v.rounded(.toNearestOrEven)) }

    static func mean(_ values: [(Double, Double)]) -> (Double, Double) {
        let n = Double(values.count)
        return (values.reduce(0) { $0 + $1.0 } / n, values.reduce(0) { $0 + $1.1 } / n)
    }

    /// Share of `pixels` within 3 sigma of the forehead's chroma (np.cov: N - 1 in the denominator).
    static func skinFraction(_ forehead: [(Double, Double)], _ pixels: [(Double, Double)]) -> Double {
        let (ma, mb) = mean(forehead)
        var saa = 0.0, sab = 0.0, sbb = 0.0
        if forehead.count > 1 {
            for (a, b) in forehead { saa += (a - ma) * (a - ma); sab += (a - ma) * (b - mb); sbb += (b - mb) * (b - mb) }
            let n = Double(forehead.count - 1)
            saa /= n; sab /= n; sbb /= n
        }
        saa += chromaFloor; sbb += chromaFloor
        let det = saa * sbb - sab * sab
        let within = pixels.filter { pixel in
            let da = pixel.0 - ma, db = pixel.1 - mb
            return (da * da * sbb - 2 * da * db * sab + db * db * saa) / det < skinD2
        }.count
        return min(1, max(0, Double(within) / Double(pixels.count)))
    }

    /// Andrew's monotone chain: the hull's corners, without repeats or collinear points.
    static func convexHull(_ points: [Pixel]) -> [Pixel] {
        var sorted = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        sorted = sorted.indices.filter { $0 == 0 || sorted[$0 - 1].x != sorted[$0].x || sorted[$0 - 1].y != sorted[$0].y }
            .map { sorted[$0] }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: Pixel, _ a: Pixel, _ b: Pixel) -> Int { (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x) }
        var low: [Pixel] = [], high: [Pixel] = []
        for p in sorted {
            while low.count >= 2, cross(low[low.count - 2], low[low.count - 1], p) <= 0 { low.removeLast() }
            low.append(p)
        }
        for p in sorted.reversed() {
            while high.count >= 2, cross(high[high.count - 2], high[high.count - 1], p) <= 0 { high.removeLast() }
            high.append(p)
        }
        return Array(low.dropLast()) + Array(high.dropLast())
    }

    /// Indices (y * width + x) of the pixels of a convex polygon, edges included, clipped.
    static func filled(_ hull: [Pixel], width: Int, height: Int) -> [Int] {
        guard let minY = hull.map({ $0.y }).min(), let maxY = hull.map({ $0.y }).max() else { return [] }
        let first = max(0, minY), last = min(height - 1, maxY)
        guard first <= last else { return [] }
        var out: [Int] = []
        for y in first...last {
            var lo = Double.infinity, hi = -Double.infinity
            for i in hull.indices {
                let p = hull[i], q = hull[(i + 1) % hull.count]
                if p.y == q.y {
                    if y == p.y { lo = min(lo, Double(min(p.x, q.x))); hi = max(hi, Double(max(p.x, q.x))) }
                } else if min(p.y, q.y) <= y, y <= max(p.y, q.y) {
                    let x = Double(p.x) + Double(y - p.y) * Double(q.x - p.x) / Double(q.y - p.y)
                    lo = min(lo, x); hi = max(hi, x)
                }
            }
            guard lo <= hi else { continue }
            let from = max(0, Int((lo + 0.5).rounded(.down))), to = min(width - 1, Int((hi + 0.5).rounded(.down)))
            if from <= to { out.append(contentsOf: (from...to).map { y * width + $0 }) }
        }
        return out
    }
}

/// Rows of 8-bit pixels mirrored left to right (the PC's mirrored crop, `np.flip` on the width).
public enum PixelRows {
    public static func mirrored(_ bytes: [UInt8], width: Int, channels: Int) -> [UInt8] {
        precondition(width > 0 && channels > 0 && bytes.count % (width * channels) == 0, "not whole rows")
        var out = bytes
        let row = width * channels
        for start in stride(from: 0, to: bytes.count, by: row) {
            for x in 0..<width {
                let from = start + (width - 1 - x) * channels, to = start + x * channels
                for c in 0..<channels { out[to + c] = bytes[from + c] }
            }
        }
        return out
    }
}
