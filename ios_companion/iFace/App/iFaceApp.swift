import SwiftUI

/// Full-screen kiosk app. Lock it to this app with Guided Access (Settings > Accessibility >
/// Guided Access, then triple-click the side button): no system UI the shopper can reach, the
/// staff menu opens only with a long press in a corner and the bundle passphrase.
@main
struct IFaceApp: App {
    @StateObject private var model = KioskModel()

    var body: some Scene {
        WindowGroup {
            KioskView()
                .environmentObject(model)
                .statusBarHidden(true)
                .persistentSystemOverlays(.hidden)     // hide the home indicator
                .onAppear {
                    UIApplication.shared.isIdleTimerDisabled = true   // a kiosk never sleeps
                    model.start()
                }
        }
    }
}
