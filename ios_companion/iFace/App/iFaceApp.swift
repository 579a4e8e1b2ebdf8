import SwiftUI

/// Full-screen kiosk app. Distribution is private (Apple Business Manager / MDM, see README);
/// lock the iPad to it with Guided Access or, on supervised iPads, Autonomous Single App Mode.
/// The staff PIN is set on first launch, before the camera ever starts.
@main
struct IFaceApp: App {
    @State private var model = KioskModel()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(model)
                .statusBarHidden(true)
                .persistentSystemOverlays(.hidden)     // hide the home indicator
                .task {
                    UIApplication.shared.isIdleTimerDisabled = true   // a kiosk never sleeps
                    await model.start()
                }
                .onChange(of: scenePhase) { _, phase in
                    Task { await model.scene(active: phase == .active) }
                }
        }
    }
}

struct RootView: View {
    @Environment(KioskModel.self) private var model

    var body: some View {
        switch model.phase {
        case .setup: SetupView()
        case .starting: ProgressView("Starting…").font(.title)
        case .running: KioskView()
        case .problem(let text):
            Text(verbatim: text).font(.title2).multilineTextAlignment(.center).padding(60)
        }
    }
}
