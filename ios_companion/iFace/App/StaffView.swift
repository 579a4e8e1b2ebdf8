import IFaceCore
import SwiftUI
import UniformTypeIdentifiers

extension UTType {
    /// `.ifacebundle`, declared in Info.plist (UTExportedTypeDeclarations).
    static let ifaceBundle = UTType(exportedAs: "com.iface.kiosk.bundle", conformingTo: .data)
}

/// Staff (after the PIN): what is loaded, Guided Access, import a bundle from the PC, wipe.
struct StaffView: View {
    @Environment(KioskModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var picking = false
    @State private var inspected: InspectedBundle?
    @State private var fingerprintConfirmed = false
    @State private var passphrase = ""
    @State private var busy = false
    @State private var confirmWipe = false

    var body: some View {
        NavigationStack {
            Form {
                Section("Kiosk") {
                    if !model.guidedAccess {
                        Label("Guided Access is off: a shopper can leave the app. Triple-click the top (or home) button to start it.",
                              systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
                    }
                    if let note = model.cameraNote { Text(verbatim: note) }
                    Text(verbatim: "\(model.gallery.people.count) people, \(model.gallery.templateCount) templates, "
                         + "\(model.catalog.products.count) products")
                    if let expires = model.expiresAt {
                        Text(verbatim: "Export #\(model.counter), valid until \(expires.formatted(date: .abbreviated, time: .shortened))")
                    }
                    Text(verbatim: "Paired PC key: " + (model.pinned.map { grouped(BundleSignature.fingerprint($0)) } ?? "none yet"))
                        .font(.footnote.monospaced())
                }
                Section("Import a bundle from the PC (kiosk people export)") {
                    Button(inspected == nil ? "Choose .ifacebundle file…" : "Choose another file…") { picking = true }
                    if let inspected {
                        Text(verbatim: "Export #\(inspected.counter) from \(inspected.createdAt): \(inspected.people) people, "
                             + "\(inspected.products) products")
                        if model.pinned == nil {
                            Text(verbatim: "First import: this PC's key is \(grouped(inspected.fingerprint)). "
                                 + "Compare it with `kiosk people bundle-key` on the PC.").font(.footnote.monospaced())
                            Toggle("The fingerprint matches the PC's", isOn: $fingerprintConfirmed)
                        }
                        SecureField("Bundle passphrase", text: $passphrase)
                        Button(busy ? "Importing…" : "Import") {
                            busy = true
                            Task {
                                if await model.install(inspected, passphrase: passphrase) { self.inspected = nil }
                                passphrase = ""
                                busy = false
                            }
                        }
                        .disabled(busy || passphrase.count < 10 || (model.pinned == nil && !fingerprintConfirmed))
                    }
                    if let message = model.importMessage { Text(verbatim: message) }
                }
                Section("Forget everyone on this iPad") {
                    Button("Wipe gallery, catalog and pairing…", role: .destructive) { confirmWipe = true }
                }
            }
            .navigationTitle("Staff")
            .toolbar { Button("Done") { dismiss() } }
            .fileImporter(isPresented: $picking, allowedContentTypes: [.ifaceBundle]) { result in
                fingerprintConfirmed = false
                Task {
                    do {
                        inspected = try await model.inspect(try result.get())
                        model.importMessage = nil
                    } catch {
                        inspected = nil
                        model.importMessage = error.localizedDescription
                    }
                }
            }
            .confirmationDialog("Delete every person and product from this iPad?", isPresented: $confirmWipe) {
                Button("Wipe", role: .destructive) { Task { await model.wipe() } }
            }
        }
    }

    private func grouped(_ hex: String) -> String {
        stride(from: 0, to: hex.count, by: 4).map { i -> String in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return String(hex[start..<hex.index(start, offsetBy: min(4, hex.count - i))])
        }.joined(separator: " ")
    }
}

/// First launch: the staff PIN is chosen here, twice, before the camera ever starts (a passer-by
/// cannot reach this once the kiosk runs).
struct SetupView: View {
    @Environment(KioskModel.self) private var model
    @State private var first: String?

    var body: some View {
        VStack(spacing: 24) {
            Text("Set the staff PIN").font(.largeTitle.bold())
            Text("At least \(StaffPin.minDigits) digits. Staff need it to import bundles and wipe the iPad.")
            PinPad(title: first == nil ? "New PIN" : "The same PIN again") { pin in
                guard let earlier = first else {
                    if let problem = StaffPin.problem(pin) { return problem }
                    first = pin
                    return nil
                }
                first = nil
                return await model.setPin(earlier, again: pin)
            }
        }
        .padding(60)
    }
}

/// A digit pad; `submit` returns an error to show, or nil.
struct PinPad: View {
    let title: String
    let submit: @MainActor (String) async -> String?
    @State private var pin = ""
    @State private var message: String?
    @State private var busy = false

    var body: some View {
        VStack(spacing: 16) {
            Text(verbatim: title).font(.title)
            Text(String(repeating: "●", count: pin.count)).font(.title).frame(height: 40)
            if let message { Text(verbatim: message).foregroundStyle(.red) }
            ForEach([["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["⌫", "0", "OK"]], id: \.self) { row in
                HStack(spacing: 16) {
                    ForEach(row, id: \.self) { key in
                        Button(key) { press(key) }
                            .font(.title).frame(width: 90, height: 70)
                            .background(.thinMaterial, in: RoundedRectangle(cornerRadius: 12))
                            .disabled(busy)
                    }
                }
            }
        }
        .padding(40)
    }

    private func press(_ key: String) {
        switch key {
        case "⌫": if !pin.isEmpty { pin.removeLast() }
        case "OK":
            let entered = pin
            pin = ""
            busy = true
            Task {
                message = await submit(entered)
                busy = false
            }
        default: if pin.count < 12 { pin.append(key) }
        }
    }
}
