@preconcurrency import AVFoundation
import ARKit
import IFaceCore
import SwiftUI

/// Shopper view: the mirrored camera, the notice, a greeting only for a recognised shopper who
/// passed the liveness check, a mask note, three suggestions. User data is always shown with
/// Text(verbatim:) (never as Markdown). A 3 s long press in the top-left corner asks for the PIN.
struct KioskView: View {
    @Environment(KioskModel.self) private var model
    @State private var pinOpen = false
    @State private var staffOpen = false

    var body: some View {
        ZStack {
            if let source = model.trueDepth {
                TrueDepthPreview(source: source).ignoresSafeArea()
            } else {
                CameraPreview(session: model.capture.session).ignoresSafeArea()
            }
            VStack(alignment: .leading, spacing: 24) {
                Text("This kiosk analyses faces to suggest products. Nothing personal is shown until it is sure a real person is here. Ask staff to opt in or out.")
                    .font(.footnote).padding(10).background(.ultraThinMaterial, in: Capsule())
                if let note = model.cameraNote {
                    Text(verbatim: note).font(.headline).padding(10).background(.orange.opacity(0.8), in: Capsule())
                }
                Spacer()
                if let name = model.screen.greeting {
                    Text(verbatim: "Welcome back, \(name)")
                        .font(.system(size: 48, weight: .bold)).foregroundStyle(.white).shadow(radius: 8)
                } else if model.screen.checking {
                    Text("One moment…").font(.title).foregroundStyle(.white).shadow(radius: 8)
                }
                if model.screen.masked {
                    Text("Mask on: suggestions for everyone").font(.title3).foregroundStyle(.white).shadow(radius: 6)
                }
                HStack(spacing: 24) {
                    ForEach(model.screen.suggestions) { product in
                        ProductCard(product: product, currency: model.catalog.currency ?? "",
                                    image: product.image.map(model.imageURL))
                    }
                }
            }
            .padding(40)
            .frame(maxWidth: .infinity, maxHeight: .infinity, alignment: .topLeading)
            Color.clear.frame(width: 80, height: 80).contentShape(Rectangle())
                .onLongPressGesture(minimumDuration: 3) { pinOpen = true }
                .frame(maxWidth: .infinity, maxHeight: .infinity, alignment: .topLeading)
        }
        .sheet(isPresented: $pinOpen) {
            PinPad(title: "Staff PIN") { pin in
                let attempt = await model.unlock(pin)
                if attempt.accepted { pinOpen = false; staffOpen = true; return nil }
                return attempt.lockedForS > 0 ? "Locked for \(Int(attempt.lockedForS.rounded(.up))) s."
                    : "Wrong PIN (\(attempt.failures) in a row)."
            }
        }
        .fullScreenCover(isPresented: $staffOpen) { StaffView() }
    }
}

struct ProductCard: View {
    let product: Catalog.Product
    let currency: String
    let image: URL?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            if let image, let ui = UIImage(contentsOfFile: image.path) {
                Image(uiImage: ui).resizable().scaledToFit().frame(height: 120)
            }
            Text(verbatim: product.name).font(.title2.bold()).lineLimit(2)
            Text(verbatim: "\(Catalog.price(product.price_minor)) \(currency)").font(.title3)
        }
        .padding(24).frame(width: 260, alignment: .leading)
        .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 20))
    }
}

/// The camera preview, mirrored like a looking glass (the analysed frames are not), rotated to
/// stay level with gravity by AVCaptureDevice.RotationCoordinator; the same coordinator gives the
/// capture angle, so the analysed frames are upright however the stand holds the iPad.
struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession
    @Environment(KioskModel.self) private var model

    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.previewLayer.session = session
        view.previewLayer.videoGravity = .resizeAspectFill
        view.follow(CaptureService.frontCamera(), capture: model.capture)
        return view
    }

    func updateUIView(_ uiView: PreviewView, context: Context) {}

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
        private var coordinator: AVCaptureDevice.RotationCoordinator?
        private var observations: [NSKeyValueObservation] = []

        func follow(_ device: AVCaptureDevice?, capture: CaptureService) {
            guard let device else { return }
            let coordinator = AVCaptureDevice.RotationCoordinator(device: device, previewLayer: previewLayer)
            self.coordinator = coordinator
            apply(preview: coordinator.videoRotationAngleForHorizonLevelPreview)
            let initial = coordinator.videoRotationAngleForHorizonLevelCapture
            Task { await capture.setCaptureRotation(initial) }
            // KVO on the coordinator is delivered on the main queue.
            observations = [
                coordinator.observe(\.videoRotationAngleForHorizonLevelPreview, options: [.new]) { [weak self] _, change in
                    guard let angle = change.newValue else { return }
                    MainActor.assumeIsolated { self?.apply(preview: angle) }
                },
                coordinator.observe(\.videoRotationAngleForHorizonLevelCapture, options: [.new]) { _, change in
                    guard let angle = change.newValue else { return }
                    Task { await capture.setCaptureRotation(angle) }
                },
            ]
        }

        private func apply(preview angle: CGFloat) {
            guard let connection = previewLayer.connection else { return }
            if connection.isVideoRotationAngleSupported(angle) { connection.videoRotationAngle = angle }
            connection.automaticallyAdjustsVideoMirroring = false
            if connection.isVideoMirroringSupported { connection.isVideoMirrored = true }
        }
    }
}

/// The ARKit camera feed (TrueDepth iPads): ARSCNView draws the captured image as background and
/// tells the source the interface orientation once it is in a window.
struct TrueDepthPreview: UIViewRepresentable {
    let source: TrueDepthSource

    func makeUIView(context: Context) -> TrueDepthView {
        let view = TrueDepthView(frame: .zero)
        view.session = source.session
        view.automaticallyUpdatesLighting = false
        view.source = source
        return view
    }

    func updateUIView(_ uiView: TrueDepthView, context: Context) {}

    final class TrueDepthView: ARSCNView {
        var source: TrueDepthSource?
        override func didMoveToWindow() {
            super.didMoveToWindow()
            if let orientation = window?.windowScene?.interfaceOrientation { source?.interfaceOrientation(orientation) }
        }
    }
}
