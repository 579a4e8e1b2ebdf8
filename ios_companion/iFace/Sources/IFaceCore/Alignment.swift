import Foundation

// A port of kiosk/vision/align.py and chip_extraction.py: dlib's 150x150 face chip from five points, and the five points
// from MediaPipe's 468-point mesh (the face_mesh Core ML model). Same template, same rules and
// coefficients, same sampling (rectangle one pixel narrower, centre at 74.5, bilinear, black
// outside, truncation to UInt8, [1 4 6 4 1] pyramid halving for large faces), so the iPad's
// descriptors land where the PC kiosk's do and a gallery exported from the kiosk matches.
// Keep this file in step with align.py and chip_extraction.py; AlignmentTests checks values computed by the Python code.

public struct Point: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// An 8-bit RGB image, row-major, 3 bytes per pixel, origin top-left.
public struct RGBImage: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage needs width * height * 3 bytes")
        self.width = width; self.height = height; self.pixels = pixels
    }
    public static func black(_ width: Int, _ height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }
}

/// x' = a*x - b*y + tx, y' = b*x + a*y + ty.
public struct Similarity: Sendable {
    public let a, b, tx, ty: Double
    public var scale: Double { (a * a + b * b).squareRoot() }
    public var angle: Double { atan2(b, a) }
    public func apply(_ p: Point) -> Point { Point(a * p.x - b * p.y + tx, b * p.x + a * p.y + ty) }

    /// Least-squares similarity taking `src` onto `dst` (Umeyama without reflection).
    public static func fit(_ src: [Point], _ dst: [Point]) -> Similarity {
        let n = Double(src.count)
        let sm = Point(src.map(\.x).reduce(0, +) / n, src.map(\.y).reduce(0, +) / n)
        let dm = Point(dst.map(\.x).reduce(0, +) / n, dst.map(\.y).reduce(0, +) / n)
        var norm = 0.0, num_a = 0.0, num_b = 0.0
        for (s, d) in zip(src, dst) {
            let sx = s.x - sm.x, sy = s.y - sm.y, dx = d.x - dm.x, dy = d.y - dm.y
            norm += sx * sx + sy * sy
            num_a += sx * dx + sy * dy
            num_b += sx * dy - sy * dx
        }
        let a = num_a / norm, b = num_b / norm
        return Similarity(a: a, b: b, tx: dm.x - (a * sm.x - b * sm.y), ty: dm.y - (b * sm.x + a * sm.y))
    }
}

public enum Alignment {
    public static let chipSize = 150
    public static let chipPadding = 0.25
    static let templateUnit: [Point] = [
        Point(0.8595674595992, 0.2134981538014), Point(0.6460604764104, 0.2289674387677),
        Point(0.1205750620789, 0.2137274526848), Point(0.3340850613712, 0.2290642403242),
        Point(0.4901123135679, 0.6277975316475),
    ]

    public static func templatePoints(size: Int = chipSize, padding: Double = chipPadding) -> [Point] {
        templateUnit.map { Point((padding + $0.x) / (2 * padding + 1) * Double(size),
                                 (padding + $0.y) / (2 * padding + 1) * Double(size)) }
    }

    // MARK: five points from the mesh (align.py MESH_RULES, calibrated by check_alignment.py)

    struct Rule { let index: Int; let offsetU: Double; let offsetV: Double }
    static let meshRules: [Rule] = [
        Rule(index: 263, offsetU: -0.0363, offsetV: 0.0115),
        Rule(index: 362, offsetU: 0.0182, offsetV: -0.0032),
        Rule(index: 33, offsetU: 0.0363, offsetV: 0.0115),
        Rule(index: 133, offsetU: -0.0182, offsetV: -0.0032),
        Rule(index: 2, offsetU: -0.0038, offsetV: 0.0292),
    ]

    /// dlib-order five points (frame pixels) from 468 mesh points (frame pixels, z ignored).
    public static func fivePointsFromMesh(_ mesh: [Point]) throws -> [Point] {
        guard mesh.count == 468 else { throw IFaceError.badInput("expected 468 mesh points, got \(mesh.count)") }
        let left = Point((mesh[33].x + mesh[133].x) / 2, (mesh[33].y + mesh[133].y) / 2)
        let right = Point((mesh[263].x + mesh[362].x) / 2, (mesh[263].y + mesh[362].y) / 2)
        let iod = hypot(right.x - left.x, right.y - left.y)
        guard iod > 0 else { throw IFaceError.badInput("the two eye centres coincide") }
        let u = Point((right.x - left.x) / iod, (right.y - left.y) / iod)
        let v = Point(-u.y, u.x)
        return meshRules.map { r in
            let p = mesh[r.index]
            return Point(p.x + iod * (r.offsetU * u.x + r.offsetV * v.x),
                         p.y + iod * (r.offsetU * u.y + r.offsetV * v.y))
        }
    }

    // MARK: dlib chip

    struct Rect {
        var left, top, right, bottom: Double
        var area: Double { (right - left + 1) * (bottom - top + 1) }
        var centre: Point { Point((left + right) / 2, (top + bottom) / 2) }
        func down() -> Rect {  // dlib pyramid_down<2>::rect_down: p / 2 - (1.25, 0.75)
            Rect(left: left / 2 - 1.25, top: top / 2 - 0.75, right: right / 2 - 1.25, bottom: bottom / 2 - 0.75)
        }
        func shifted(_ dx: Double, _ dy: Double) -> Rect {
            Rect(left: left + dx, top: top + dy, right: right + dx, bottom: bottom + dy)
        }
        func rotatedCorners(_ angle: Double) -> [Point] {  // tl, tr, bl, br
            let c = cos(angle), s = sin(angle), m = centre
            return [Point(left, top), Point(right, top), Point(left, bottom), Point(right, bottom)].map {
                let rx = $0.x - m.x, ry = $0.y - m.y
                return Point(c * rx - s * ry + m.x, s * rx + c * ry + m.y)
            }
        }
    }

    static func lround(_ v: Double) -> Int { Int((abs(v) + 0.5).rounded(.down) * (v < 0 ? -1 : 1)) }

    /// The aligned RGB chip dlib's ResNet expects (dlib.get_face_chip, size 150, padding 0.25).
    public static func dlibChip(_ image: RGBImage, points: [Point], size: Int = chipSize,
                                padding: Double = chipPadding) throws -> RGBImage {
        guard points.count == 5, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw IFaceError.badInput("expected 5 finite points")
        }
        let t = Similarity.fit(templatePoints(size: size, padding: padding), points)
        let centre = t.apply(Point(Double(size) / 2, Double(size) / 2))
        let half = (Double(size) * t.scale - 1) / 2
        let rect = Rect(left: centre.x - half, top: centre.y - half, right: centre.x + half, bottom: centre.y + half)
        return extractChip(image, rect: rect, angle: t.angle, size: size)
    }

    static func extractChip(_ image: RGBImage, rect: Rect, angle: Double, size: Int) -> RGBImage {
        var levels = 0, grow = 2.0, probe = rect.down()
        while probe.area > Double(size * size) { probe = probe.down(); levels += 1; grow = grow * 2 + 2 }
        let corners = rect.rotatedCorners(angle)
        let bl = max(corners.map(\.x).min()! - grow, 0), bt = max(corners.map(\.y).min()! - grow, 0)
        let br = min(corners.map(\.x).max()! + grow, Double(image.width - 1))
        let bb = min(corners.map(\.y).max()! + grow, Double(image.height - 1))
        let (x0, y0, x1, y1) = (lround(bl), lround(bt), lround(br), lround(bb))
        guard x1 >= x0, y1 >= y0 else { return .black(size, size) }
        var source = crop(image, x0: x0, y0: y0, x1: x1, y1: y1)
        var local = rect.shifted(Double(-x0), Double(-y0))
        for _ in 0..<levels { source = pyramidDown(source); local = local.down() }
        let c = local.rotatedCorners(angle)
        let n = Double(size - 1)
        let ex = Point((c[1].x - c[0].x) / n, (c[1].y - c[0].y) / n)
        let ey = Point((c[2].x - c[0].x) / n, (c[2].y - c[0].y) / n)
        var out = RGBImage.black(size, size)
        for row in 0..<size {
            for col in 0..<size {
                let x = ex.x * Double(col) + ey.x * Double(row) + c[0].x
                let y = ex.y * Double(col) + ey.y * Double(row) + c[0].y
                sampleBilinear(source, x, y, into: &out.pixels, at: (row * size + col) * 3)
            }
        }
        return out
    }

    static func crop(_ image: RGBImage, x0: Int, y0: Int, x1: Int, y1: Int) -> RGBImage {
        let w = x1 - x0 + 1, h = y1 - y0 + 1
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for row in 0..<h {
            let src = ((y0 + row) * image.width + x0) * 3
            pixels.replaceSubrange(row * w * 3..<(row + 1) * w * 3, with: image.pixels[src..<src + w * 3])
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// dlib's interpolate_bilinear; black where the 2x2 patch leaves the image; truncation.
    static func sampleBilinear(_ img: RGBImage, _ x: Double, _ y: Double, into out: inout [UInt8], at o: Int) {
        let left = x.rounded(.down), top = y.rounded(.down)
        guard left >= 0, top >= 0, Int(left) + 1 < img.width, Int(top) + 1 < img.height else { return }
        let lr = x - left, tb = y - top
        let i = (Int(top) * img.width + Int(left)) * 3, w3 = img.width * 3
        for ch in 0..<3 {
            let p00 = Double(img.pixels[i + ch]), p01 = Double(img.pixels[i + 3 + ch])
            let p10 = Double(img.pixels[i + w3 + ch]), p11 = Double(img.pixels[i + w3 + 3 + ch])
            let upper = (1 - lr) * p00 + lr * p01, lower = (1 - lr) * p10 + lr * p11
            out[o + ch] = UInt8(max(0, min(255, (1 - tb) * upper + tb * lower)))  // truncates
        }
    }

    /// dlib's pyramid_down<2>: [1 4 6 4 1]^2 / 256, every other pixel, truncated.
    static func pyramidDown(_ img: RGBImage) -> RGBImage {
        guard img.width > 8, img.height > 8 else { return .black(0, 0) }
        let cols = (img.width - 3) / 2, rows = (img.height - 3) / 2
        let k: [UInt32] = [1, 4, 6, 4, 1]
        var temp = [UInt32](repeating: 0, count: img.height * cols * 3)
        for y in 0..<img.height { for c in 0..<cols { for ch in 0..<3 {
            var s: UInt32 = 0
            for t in 0..<5 { s += k[t] * UInt32(img.pixels[(y * img.width + 2 * c + t) * 3 + ch]) }
            temp[(y * cols + c) * 3 + ch] = s
        } } }
        var out = [UInt8](repeating: 0, count: rows * cols * 3)
        for r in 0..<rows { for c in 0..<cols { for ch in 0..<3 {
            var s: UInt32 = 0
            for t in 0..<5 { s += k[t] * temp[((2 * r + t) * cols + c) * 3 + ch] }
            out[(r * cols + c) * 3 + ch] = UInt8(truncatingIfNeeded: (s & 0xFFFF) >> 8)  // uint16 sums, as dlib
        } } }
        return RGBImage(width: cols, height: rows, pixels: out)
    }
}
