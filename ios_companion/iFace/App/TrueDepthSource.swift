import ARKit
import CoreImage
import Foundation
import UIKit

/// On iPads with a TrueDepth camera, ARKit face tracking owns the front camera (an
/// AVCaptureSession cannot use it at the same time), so frames come from ARKit instead: each
/// ARFrame's captured image is rotated upright for the interface orientation, scaled to 640 px
/// wide and copied out as BGRA (ARKit frames are never retained), and the face anchor's 52
/// blendshapes (MediaPipe's names) ride along for the emotion reading. Late frames are dropped by
/// the same FrameGate as the camera path. ARSession calls its delegate on the main queue.
@MainActor
final class TrueDepthSource: NSObject, ARSessionDelegate {
    static var isSupported: Bool { ARFaceTrackingConfiguration.isSupported }

    let session = ARSession()
    private let gate = FrameGate()
    private let handler: @Sendable (CameraFrame) async -> Void
    private let context = CIContext(options: [.useSoftwareRenderer: false])

    /// ARKit's blendshape locations under the names IFaceCore's BlendshapeEmotion reads.
    static let names: [ARFaceAnchor.BlendShapeLocation: String] = [
        .mouthSmileLeft: "mouthSmileLeft", .mouthSmileRight: "mouthSmileRight",
        .mouthFrownLeft: "mouthFrownLeft", .mouthFrownRight: "mouthFrownRight",
        .browDownLeft: "browDownLeft", .browDownRight: "browDownRight", .browInnerUp: "browInnerUp",
        .mouthPressLeft: "mouthPressLeft", .mouthPressRight: "mouthPressRight",
        .eyeWideLeft: "eyeWideLeft", .eyeWideRight: "eyeWideRight", .jawOpen: "jawOpen",
    ]

    init(handler: @escaping @Sendable (CameraFrame) async -> Void) {
        self.handler = handler
        super.init()
        session.delegate = self
    }

    func start() {
        let configuration = ARFaceTrackingConfiguration()
        configuration.maximumNumberOfTrackedFaces = 1
        session.run(configuration, options: [.resetTracking, .removeExistingAnchors])
    }

    func stop() { session.pause() }

    nonisolated func session(_ session: ARSession, didUpdate frame: ARFrame) {
        MainActor.assumeIsolated { self.take(frame) }
    }

    private func take(_ frame: ARFrame) {
        guard gate.tryEnter() else { return }
        guard var copied = copy(frame.capturedImage, timestamp: frame.timestamp) else { gate.leave(); return }
        if let face = frame.anchors.compactMap({ $0 as? ARFaceAnchor }).first(where: \.isTracked) {
            var shapes: [String: Double] = [:]
            for (location, name) in Self.names { shapes[name] = face.blendShapes[location]?.doubleValue }
            copied.blendshapes = shapes
        }
        let gate = self.gate, handler = self.handler, ready = copied
        Task.detached {
            await handler(ready)
            gate.leave()
        }
    }

    /// The captured image (sensor orientation: landscape right) upright for the interface
    /// orientation, 640 px wide, as BGRA bytes.
    private func copy(_ buffer: CVPixelBuffer, timestamp: TimeInterval) -> CameraFrame? {
        let orientation: CGImagePropertyOrientation
        switch view?.window?.windowScene?.interfaceOrientation ?? .landscapeRight {
        case .landscapeLeft: orientation = .down
        case .portrait: orientation = .right
        case .portraitUpsideDown: orientation = .left
        default: orientation = .up
        }
        var image = CIImage(cvPixelBuffer: buffer).oriented(orientation)
        let scale = 640 / max(image.extent.width, 1)
        image = image.transformed(by: CGAffineTransform(scaleX: scale, y: scale))
        let width = Int(image.extent.width.rounded(.down)), height = Int(image.extent.height.rounded(.down))
        guard width > 0, height > 0, let space = CGColorSpace(name: CGColorSpace.sRGB) else { return nil }
        var bytes = Data(count: 4 * width * height)
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            context.render(image, toBitmap: base, rowBytes: 4 * width,
                           bounds: CGRect(x: image.extent.minX, y: image.extent.minY, width: CGFloat(width), height: CGFloat(height)),
                           format: .BGRA8, colorSpace: space)
        }
        return CameraFrame(width: width, height: height, bytesPerRow: 4 * width, bgra: bytes, timestampMs: timestamp * 1000)
    }

    /// The view showing the session (for the interface orientation), set by TrueDepthPreview.
    weak var view: UIView?
}
