// swift-tools-version:6.0
// IFaceCore: everything of the iPad companion that needs no camera, no Core ML and no UI (bundle
// reading and checking, ZIP reading, scrypt and AES-GCM, alignment, crop geometry, tracking, the
// identity vote, liveness, emotion smoothing and valence, suggestions, the staff PIN), written
// against Foundation and swift-crypto only so `swift test` runs on Linux and macOS alike. Tools 6.0:
// the package compiles in the Swift 6 language mode (complete concurrency checking). The app
// (App/, built from ../project.yml) links it.
import PackageDescription

let package = Package(
    name: "IFaceCore",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [.library(name: "IFaceCore", targets: ["IFaceCore"])],
    dependencies: [
        // Crypto: AES.GCM, SHA256, Curve25519.Signing (CryptoKit's API; CryptoKit itself on Apple
        // platforms). CryptoExtras: KDF.Scrypt (BoringSSL's EVP_PBE_scrypt), since CryptoKit has none.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
    ],
    targets: [
        .target(
            name: "IFaceCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The tests read ios_companion/vectors/ (written by ../make_vectors.py) through #filePath.
        .testTarget(name: "IFaceCoreTests", dependencies: ["IFaceCore"]),
    ]
)
