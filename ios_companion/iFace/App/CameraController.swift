import AVFoundation
import CoreImage

/// Front camera frames, newest only: a slow consumer drops frames, never queues them
/// (`alwaysDiscardsLateVideoFrames`), as the PC kiosk's 1-slot buffer does.
final class CameraController: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "iface.camera")
    private let context = CIContext()
    var onFrame: ((CGImage) -> Void)?

    func start() throws {
        guard let device = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .front) else {
            throw NSError(domain: "iFace", code: 5, userInfo: [NSLocalizedDescriptionKey: "No front camera"])
        }
        session.beginConfiguration()
        session.sessionPreset = .vga640x480   // faces at kiosk distance; keeps the CPU models fast
        let input = try AVCaptureDeviceInput(device: device)
        if session.canAddInput(input) { session.addInput(input) }
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_32BGRA]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        if session.canAddOutput(output) { session.addOutput(output) }
        if let connection = output.connection(with: .video) {
            if #available(iOS 17, *) {               // landscape kiosk stand; match the mounting
                connection.videoRotationAngle = 0
            } else {
                connection.videoOrientation = .landscapeRight
            }
            connection.isVideoMirrored = true        // mirror like a looking glass
        }
        session.commitConfiguration()
        queue.async { self.session.startRunning() }
    }

    func stop() { queue.async { self.session.stopRunning() } }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer,
                       from connection: AVCaptureConnection) {
        guard let buffer = CMSampleBufferGetImageBuffer(sampleBuffer),
              let image = context.createCGImage(CIImage(cvPixelBuffer: buffer), from: CIImage(cvPixelBuffer: buffer).extent)
        else { return }
        onFrame?(image)
    }
}
