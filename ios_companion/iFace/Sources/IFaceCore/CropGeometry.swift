import Foundation

/// Integer pixel rectangle, `xyxy`, x2/y2 exclusive.
public struct PixelRect: Sendable, Equatable {
    public let x1, y1, x2, y2: Int
    public init(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) { self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2 }
    public var width: Int { x2 - x1 }
    public var height: Int { y2 - y1 }
}

/// Where a model's face crop comes from, exactly as the PC cuts it (kiosk/core/geometry.py expand
/// and square, kiosk/vision/runtime.py crop_face, kiosk/vision/mesh.py's mapping back): the
/// region grown by the margin (and squared), a canvas from floor(x1, y1) to ceil(x2, y2) filled
/// black outside the frame, resized to the model input; points map back from the floored origin
/// with the canvas/input scale. Integer origins on both ways, so no 0-1 px shift.
public struct CropGeometry: Sendable, Equatable {
    public let region: Box
    public let canvas: PixelRect
    public let inside: PixelRect
    public let inputWidth: Int
    public let inputHeight: Int

    public init(box: Box, margin: Double, square: Bool, frameWidth: Int, frameHeight: Int,
                inputWidth: Int, inputHeight: Int) {
        var r = Box(box.x1 - box.width * margin, box.y1 - box.height * margin,
                    box.x2 + box.width * margin, box.y2 + box.height * margin)
        if square {
            let c = r.centre, half = max(r.width, r.height) / 2
            r = Box(c.x - half, c.y - half, c.x + half, c.y + half)
        }
        region = r
        canvas = PixelRect(Int(r.x1.rounded(.down)), Int(r.y1.rounded(.down)), Int(r.x2.rounded(.up)), Int(r.y2.rounded(.up)))
        inside = PixelRect(max(0, canvas.x1), max(0, canvas.y1), min(frameWidth, canvas.x2), min(frameHeight, canvas.y2))
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
    }

    /// False when the region lies entirely outside the frame (the PC raises InputError).
    public var isUsable: Bool { inside.width > 0 && inside.height > 0 && canvas.width > 0 && canvas.height > 0 }

    /// A point in model-input pixels back in frame pixels.
    public func mapBack(_ u: Double, _ v: Double) -> Point {
        Point(Double(canvas.x1) + u * Double(canvas.width) / Double(inputWidth),
              Double(canvas.y1) + v * Double(canvas.height) / Double(inputHeight))
    }
}
