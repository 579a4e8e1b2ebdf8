// swift-tools-version:5.9
// IFaceCore: the platform logic of the iPad companion that needs no camera and no UI (models.json,
// alignment ported from kiosk/vision/align.py, gallery matching, bundle import, scrypt), testable
// with `swift test` on a Mac. The app target (App/, see ../README.md) links it.
import PackageDescription

let package = Package(
    name: "IFaceCore",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [.library(name: "IFaceCore", targets: ["IFaceCore"])],
    targets: [
        .target(name: "IFaceCore"),
        .testTarget(name: "IFaceCoreTests", dependencies: ["IFaceCore"]),
    ]
)
