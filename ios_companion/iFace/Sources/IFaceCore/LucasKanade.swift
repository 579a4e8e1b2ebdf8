import Foundation

/// Pyramidal Lucas-Kanade optical flow on small Float images, written after the method OpenCV's
/// calcOpticalFlowPyrLK implements (Bouguet's pyramidal tracker: a square window, a Gaussian
/// pyramid, iterations until the step is below epsilon, the point lost when its structure tensor
/// is too weak or it leaves the image). Not OpenCV's code: central differences instead of Scharr,
/// edges replicated instead of reflected, so positions differ from the PC's by small amounts.
enum LucasKanade {
    /// The image detail: the image minus its Gaussian blur (sigma px) plus 128, clipped to 0...255
    /// and truncated to whole numbers as the PC's uint8 detail image is.
    static func highPass(_ image: GreyImage, sigma: Double) -> GreyImage {
        guard sigma > 0 else { return image }
        let blurred = gaussian(image, sigma: sigma)
        var out = image.pixels
        for i in 0..<out.count { out[i] = Float(Int(max(0, min(255, out[i] - blurred.pixels[i] + 128)))) }
        return GreyImage(width: image.width, height: image.height, pixels: out)
    }

    /// Separable Gaussian blur with OpenCV's kernel size for Float images (4 sigma each side).
    static func gaussian(_ image: GreyImage, sigma: Double) -> GreyImage {
        let radius = max(1, Int((sigma * 4).rounded()))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        return convolve(convolve(image, kernel, horizontal: true), kernel, horizontal: false)
    }

    static func convolve(_ image: GreyImage, _ kernel: [Float], horizontal: Bool) -> GreyImage {
        let radius = kernel.count / 2
        var out = [Float](repeating: 0, count: image.pixels.count)
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum: Float = 0
                for k in -radius...radius {
                    sum += kernel[k + radius] * (horizontal ? image.at(x + k, y) : image.at(x, y + k))
                }
                out[y * image.width + x] = sum
            }
        }
        return GreyImage(width: image.width, height: image.height, pixels: out)
    }

    /// Level 0 is the image; each next level is blurred ([1 4 6 4 1] / 16) and halved.
    static func pyramid(_ image: GreyImage, levels: Int) -> [GreyImage] {
        var out = [image]
        let kernel: [Float] = [1.0 / 16, 4.0 / 16, 6.0 / 16, 4.0 / 16, 1.0 / 16]
        for _ in 0..<max(0, levels) {
            let last = out[out.count - 1]
            if last.width < 16 || last.height < 16 { break }
            let smooth = convolve(convolve(last, kernel, horizontal: true), kernel, horizontal: false)
            let w = (last.width + 1) / 2, h = (last.height + 1) / 2
            var px = [Float](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w { px[y * w + x] = smooth.at(2 * x, 2 * y) } }
            out.append(GreyImage(width: w, height: h, pixels: px))
        }
        return out
    }

    /// Where `point` of pyramid `a` went in pyramid `b`; nil when lost.
    static func track(_ a: [GreyImage], _ b: [GreyImage], _ point: Point, _ s: TextureSettings) -> Point? {
        let top = min(a.count, b.count) - 1
        guard top >= 0 else { return nil }
        let half = s.windowPx / 2
        var guess = Point(0, 0)     // flow at the current level
        var level = top
        while level >= 0 {
            let scale = Double(1 << level)
            let p = Point(point.x / scale, point.y / scale)
            let ia = a[level], ib = b[level]
            // Gradients of `a` and its values in the window (fixed through the iterations).
            var gxx = 0.0, gxy = 0.0, gyy = 0.0
            var values: [Float] = [], dxs: [Float] = [], dys: [Float] = []
            for wy in -half...half {
                for wx in -half...half {
                    let x = p.x + Double(wx), y = p.y + Double(wy)
                    let dx = (ia.sample(x + 1, y) - ia.sample(x - 1, y)) / 2
                    let dy = (ia.sample(x, y + 1) - ia.sample(x, y - 1)) / 2
                    values.append(ia.sample(x, y)); dxs.append(dx); dys.append(dy)
                    gxx += Double(dx * dx); gxy += Double(dx * dy); gyy += Double(dy * dy)
                }
            }
            let area = Double(values.count)
            let det = gxx * gyy - gxy * gxy
            let minEigen = (gxx + gyy - ((gxx - gyy) * (gxx - gyy) + 4 * gxy * gxy).squareRoot()) / (2 * area)
            if !(det > 1e-12) || minEigen < 1e-4 { return nil }
            var d = guess
            for _ in 0..<s.iterations {
                var bx = 0.0, by = 0.0, k = 0
                for wy in -half...half {
                    for wx in -half...half {
                        let diff = Double(values[k] - ib.sample(p.x + d.x + Double(wx), p.y + d.y + Double(wy)))
                        bx += diff * Double(dxs[k]); by += diff * Double(dys[k])
                        k += 1
                    }
                }
                let stepX = (gyy * bx - gxy * by) / det, stepY = (gxx * by - gxy * bx) / det
                d = Point(d.x + stepX, d.y + stepY)
                let q = Point(p.x + d.x, p.y + d.y)
                if q.x < -Double(half) || q.y < -Double(half) || q.x > Double(ib.width + half)
                    || q.y > Double(ib.height + half) { return nil }
                if (stepX * stepX + stepY * stepY).squareRoot() < s.epsilonPx { break }
            }
            if level == 0 { return Point(point.x + d.x, point.y + d.y) }
            guess = Point(2 * d.x, 2 * d.y)
            level -= 1
        }
        return nil
    }
}
