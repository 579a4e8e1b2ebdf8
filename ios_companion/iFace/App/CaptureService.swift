@preconcurrency import AVFoundation
import CoreMedia
import Foundation
import os

/// One camera frame as the analyser gets it: upright (the connection rotates buffers to the
/// gravity-level angle), not mirrored (the PC embeds unmirrored frames too), BGRA bytes copied out
/// of the pixel buffer so the value is Sendable and the buffer goes back to the camera at once.
struct CameraFrame: Sendable {
    let width: Int
    let height: Int
    let bytesPerRow: Int
    let bgra: Data
    let timestampMs: Double
    /// ARKit blendshape scores by MediaPipe name (TrueDepth source only), else empty.
    var blendshapes: [String: Double] = [:]
}

/// Lets one frame in at a time: a frame arriving while the previous one is analysed is dropped,
/// never queued (the PC kiosk's 1-slot buffer). Lock-protected, so it is Sendable.
final class FrameGate: Sendable {
    private let busy = OSAllocatedUnfairLock(initialState: false)

    func tryEnter() -> Bool {
        busy.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
    }

    func leave() { busy.withLock { $0 = false } }
}

/// Receives sample buffers on the video queue. Immutable: the frame handler is given at init and
/// is @Sendable, so nothing is shared mutably between the main actor and the camera queue.
final class FrameSink: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate, Sendable {
    private let gate = FrameGate()
    private let handler: @Sendable (CameraFrame) async -> Void

    init(handler: @escaping @Sendable (CameraFrame) async -> Void) { self.handler = handler }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer,
                       from connection: AVCaptureConnection) {
        guard gate.tryEnter() else { return }   // still busy with an earlier frame: drop this one
        guard let frame = Self.copy(sampleBuffer) else { gate.leave(); return }
        let gate = self.gate, handler = self.handler
        Task {
            await handler(frame)
            gate.leave()
        }
    }

    static func copy(_ sampleBuffer: CMSampleBuffer) -> CameraFrame? {
        guard let buffer = CMSampleBufferGetImageBuffer(sampleBuffer),
              CVPixelBufferGetPixelFormatType(buffer) == kCVPixelFormatType_32BGRA,
              CVPixelBufferLockBaseAddress(buffer, .readOnly) == kCVReturnSuccess else { return nil }
        defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
        guard let base = CVPixelBufferGetBaseAddress(buffer) else { return nil }
        let height = CVPixelBufferGetHeight(buffer), bytesPerRow = CVPixelBufferGetBytesPerRow(buffer)
        let time = CMSampleBufferGetPresentationTimeStamp(sampleBuffer)
        return CameraFrame(width: CVPixelBufferGetWidth(buffer), height: height, bytesPerRow: bytesPerRow,
                           bgra: Data(bytes: base, count: bytesPerRow * height),
                           timestampMs: time.isValid ? time.seconds * 1000 : Date().timeIntervalSince1970 * 1000)
    }
}

/// Owns the capture session. An actor whose executor is a serial dispatch queue (the pattern of
/// Apple's AVCam sample), so every session call runs off the main thread and in order.
actor CaptureService {
    enum Problem: Error, Equatable, LocalizedError {
        case noFrontCamera, cannotConfigure

        var errorDescription: String? {
            switch self {
            case .noFrontCamera: return "This iPad has no front camera the app can use."
            case .cannotConfigure: return "The front camera cannot be configured (another app may hold it)."
            }
        }
    }

    nonisolated let session = AVCaptureSession()
    private let sessionQueue = DispatchSerialQueue(label: "iface.capture", qos: .userInitiated)
    private let videoQueue = DispatchQueue(label: "iface.video", qos: .userInitiated)
    private let output = AVCaptureVideoDataOutput()
    private var sink: FrameSink?
    private var configured = false

    nonisolated var unownedExecutor: UnownedSerialExecutor { sessionQueue.asUnownedSerialExecutor() }

    /// Ask for the camera (the Info.plist's NSCameraUsageDescription is shown once).
    static func authorize() async -> Bool {
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized: return true
        case .notDetermined: return await AVCaptureDevice.requestAccess(for: .video)
        default: return false
        }
    }

    /// Configure (once) and start; frames go to `handler`, one at a time, late ones dropped.
    func start(handler: @escaping @Sendable (CameraFrame) async -> Void) throws {
        if !configured {
            try configure(handler: handler)
            configured = true
        }
        if !session.isRunning { session.startRunning() }
    }

    /// Start again after an interruption, a runtime error or the app returning to the foreground.
    func resume() {
        if configured, !session.isRunning { session.startRunning() }
    }

    func stop() {
        if session.isRunning { session.stopRunning() }
    }

    /// The gravity-level capture angle from the rotation coordinator (frames arrive upright
    /// whichever way the stand holds the iPad: data-output connections rotate the buffers).
    func setCaptureRotation(_ angle: CGFloat) {
        guard let connection = output.connection(with: .video), connection.isVideoRotationAngleSupported(angle) else {
            return
        }
        connection.videoRotationAngle = angle
    }

    private func configure(handler: @escaping @Sendable (CameraFrame) async -> Void) throws {
        guard let device = Self.frontCamera() else { throw Problem.noFrontCamera }
        session.beginConfiguration()
        defer { session.commitConfiguration() }
        session.sessionPreset = .vga640x480   // faces at kiosk distance; keeps the models fast
        let input = try AVCaptureDeviceInput(device: device)
        guard session.canAddInput(input), session.canAddOutput(output) else { throw Problem.cannotConfigure }
        session.addInput(input)
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_32BGRA]
        output.alwaysDiscardsLateVideoFrames = true
        let sink = FrameSink(handler: handler)
        self.sink = sink
        output.setSampleBufferDelegate(sink, queue: videoQueue)
        session.addOutput(output)
        if let connection = output.connection(with: .video) {
            // Analyse what the sensor sees, unmirrored, like the PC; only the preview is mirrored.
            connection.automaticallyAdjustsVideoMirroring = false
            if connection.isVideoMirroringSupported { connection.isVideoMirrored = false }
        }
    }

    static func frontCamera() -> AVCaptureDevice? {
        AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .front)
    }
}
