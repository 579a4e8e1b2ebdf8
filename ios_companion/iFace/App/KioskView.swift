import AVFoundation
import IFaceCore
import SwiftUI
import UniformTypeIdentifiers

/// Shopper view: camera, a greeting for a recognised (consenting) shopper, three suggestions.
/// Large type, no small controls; a long press in the top-left corner opens the staff sheet.
struct KioskView: View {
    @EnvironmentObject private var model: KioskModel
    @State private var staffOpen = false

    var body: some View {
        ZStack {
            CameraPreview(session: model.camera.session).ignoresSafeArea()
            VStack(alignment: .leading, spacing: 24) {
                Text("This kiosk analyses faces to suggest products. Ask staff to opt in or out.")
                    .font(.footnote).padding(8).background(.ultraThinMaterial, in: Capsule())
                Spacer()
                if let greeting = model.greeting {
                    Text(greeting).font(.system(size: 48, weight: .bold)).foregroundStyle(.white).shadow(radius: 8)
                }
                HStack(spacing: 24) {
                    ForEach(model.suggestions) { product in ProductCard(product: product) }
                }
            }
            .padding(40)
            .frame(maxWidth: .infinity, maxHeight: .infinity, alignment: .topLeading)
            Color.clear.frame(width: 80, height: 80).contentShape(Rectangle())
                .onLongPressGesture(minimumDuration: 3) { staffOpen = true }
                .frame(maxWidth: .infinity, maxHeight: .infinity, alignment: .topLeading)
        }
        .sheet(isPresented: $staffOpen) { StaffView().environmentObject(model) }
    }
}

struct ProductCard: View {
    let product: Catalog.Product
    var body: some View {
        VStack(alignment: .leading) {
            Text(product.name).font(.title2.bold())
            if let minor = product.price_minor {
                Text(Decimal(minor) / 100, format: .number.precision(.fractionLength(2))).font(.title3)
            }
        }
        .padding(24).frame(width: 260, alignment: .leading)
        .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 20))
    }
}

/// Staff: import a gallery + catalog bundle with its passphrase; see what is loaded.
struct StaffView: View {
    @EnvironmentObject private var model: KioskModel
    @Environment(\.dismiss) private var dismiss
    @State private var picking = false
    @State private var file: URL?
    @State private var passphrase = ""
    @State private var importing = false

    var body: some View {
        NavigationStack {
            Form {
                Section("Loaded") {
                    Text(model.status)
                    Text("\(model.gallery.people.count) people, \(model.gallery.templateCount) templates")
                }
                Section("Import bundle from the PC kiosk (kiosk people export)") {
                    Button(file?.lastPathComponent ?? "Choose .ifacebundle file…") { picking = true }
                    SecureField("Staff passphrase", text: $passphrase)
                    Button(importing ? "Importing…" : "Import") {
                        guard let file else { return }
                        importing = true
                        Task {
                            await model.importBundle(at: file, passphrase: passphrase)
                            passphrase = ""; importing = false
                        }
                    }
                    .disabled(file == nil || passphrase.isEmpty || importing)
                    if let error = model.importError { Text(error).foregroundStyle(.red) }
                }
            }
            .navigationTitle("Staff")
            .toolbar { Button("Done") { dismiss() } }
            .fileImporter(isPresented: $picking, allowedContentTypes: [.zip, .data]) { result in
                file = try? result.get()
            }
        }
    }
}

struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession
    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.previewLayer.session = session
        view.previewLayer.videoGravity = .resizeAspectFill
        return view
    }
    func updateUIView(_ uiView: PreviewView, context: Context) {}

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }
}
