import ARKit
import CoreImage
import Foundation
import os
import UIKit

/// On iPads with a TrueDepth camera, ARKit face tracking owns the front camera (an
/// AVCaptureSession cannot use it at the same time), so frames come from ARKit instead: each
/// ARFrame's captured image is rotated upright for the interface orientation, scaled to 640 px
/// wide and copied out as BGRA at once (ARKit frames are never retained), and the face anchor's
/// blendshapes (MediaPipe's names) ride along for the emotion reading. Late frames are dropped by
/// the same FrameGate as the camera path.
///
/// `@unchecked Sendable`: every stored property is a constant; the ARSession calls this delegate
/// on `queue` only, where the CIContext is used; `run`/`pause` are ARSession's thread-safe entry
/// points; the orientation is lock-protected.
final class TrueDepthSource: NSObject, ARSessionDelegate, @unchecked Sendable {
    static var isSupported: Bool { ARFaceTrackingConfiguration.isSupported }

    let session = ARSession()
    private let queue = DispatchQueue(label: "iface.truedepth", qos: .userInitiated)
    private let gate = FrameGate()
    private let handler: @Sendable (CameraFrame) async -> Void
    private let context = CIContext()
    /// The captured image is in the sensor's orientation (landscape right); this turns it upright.
    private let orientation = OSAllocatedUnfairLock(initialState: CGImagePropertyOrientation.up)

    /// ARKit's blendshape locations under the names IFaceCore's BlendshapeEmotion reads.
    static let names: [(ARFaceAnchor.BlendShapeLocation, String)] = [
        (.mouthSmileLeft, "mouthSmileLeft"), (.mouthSmileRight, "mouthSmileRight"),
        (.mouthFrownLeft, "mouthFrownLeft"), (.mouthFrownRight, "mouthFrownRight"),
        (.browDownLeft, "browDownLeft"), (.browDownRight, "browDownRight"), (.browInnerUp, "browInnerUp"),
        (.mouthPressLeft, "mouthPressLeft"), (.mouthPressRight, "mouthPressRight"),
        (.eyeWideLeft, "eyeWideLeft"), (.eyeWideRight, "eyeWideRight"), (.jawOpen, "jawOpen"),
    ]

    init(handler: @escaping @Sendable (CameraFrame) async -> Void) {
        self.handler = handler
        super.init()
        session.delegate = self
        session.delegateQueue = queue
    }

    func start() {
        let configuration = ARFaceTrackingConfiguration()
        configuration.maximumNumberOfTrackedFaces = 1
        session.run(configuration, options: [.resetTracking, .removeExistingAnchors])
    }

    func stop() { session.pause() }

    /// Called by the preview when its window's interface orientation is known or changes.
    func interfaceOrientation(_ value: UIInterfaceOrientation) {
        let mapped: CGImagePropertyOrientation
        switch value {
        case .landscapeLeft: mapped = .down
        case .portrait: mapped = .right
        case .portraitUpsideDown: mapped = .left
        default: mapped = .up
        }
        orientation.withLock { $0 = mapped }
    }

    func session(_ session: ARSession, didUpdate frame: ARFrame) {
        guard gate.tryEnter() else { return }   // still busy with an earlier frame: drop this one
        guard var copied = copy(frame.capturedImage, timestamp: frame.timestamp) else { gate.leave(); return }
        if let face = frame.anchors.compactMap({ $0 as? ARFaceAnchor }).first(where: { $0.isTracked }) {
            var shapes: [String: Double] = [:]
            for (location, name) in Self.names { shapes[name] = face.blendShapes[location]?.doubleValue }
            copied.blendshapes = shapes
        }
        let gate = self.gate, handler = self.handler, ready = copied
        Task {
            await handler(ready)
            gate.leave()
        }
    }

    private func copy(_ buffer: CVPixelBuffer, timestamp: TimeInterval) -> CameraFrame? {
        var image = CIImage(cvPixelBuffer: buffer).oriented(orientation.withLock { $0 })
        let scale = 640 / max(image.extent.width, 1)
        image = image.transformed(by: CGAffineTransform(scaleX: scale, y: scale))
        let width = Int(image.extent.width.rounded(.down)), height = Int(image.extent.height.rounded(.down))
        guard width > 0, height > 0, let space = CGColorSpace(name: CGColorSpace.sRGB) else { return nil }
        var bytes = Data(count: 4 * width * height)
        let bounds = CGRect(x: image.extent.minX, y: image.extent.minY, width: CGFloat(width), height: CGFloat(height))
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            context.render(image, toBitmap: base, rowBytes: 4 * width, bounds: bounds, format: .BGRA8, colorSpace: space)
        }
        return CameraFrame(width: width, height: height, bytesPerRow: 4 * width, bgra: bytes, timestampMs: timestamp * 1000)
    }
}
