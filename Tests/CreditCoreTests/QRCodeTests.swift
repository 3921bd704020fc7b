import CreditCore
import Testing

/// The QR code printed on a report. Reed–Solomon is checked against the worked example of the thonky.com QR tutorial
/// (HELLO WORLD at 1-M); whether a reader reads the whole code is checked in the browser test with zbar.
@Suite("QR code of a report's verification address")
struct QRCodeTests {
    @Test("the error-correction codewords of the tutorial's 1-M example")
    func reedSolomon() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.codewords(for: data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("the smallest version that holds the text; finder patterns in three corners; too long a text has none")
    func layout() throws {
        let short = try #require(QRCode("XYBG20261126000001"))
        #expect(short.version == 2 && short.size == 25)
        // 62 bytes: exactly the byte-mode capacity of 4-M (ISO/IEC 18004 Table 7); one more needs version 5.
        let address = try #require(QRCode("http://127.0.0.1:8080/reports/verify?number=XYBG20261126000001"))
        #expect(address.version == 4 && address.size == 33)
        #expect(QRCode("https://127.0.0.1:8080/reports/verify?number=XYBG20261126000001")?.version == 5)
        // A finder: a dark 7×7 ring, a light ring, a dark 3×3 core.
        for (x, y) in [(0, 0), (address.size - 7, 0), (0, address.size - 7)] {
            #expect((0..<7).allSatisfy { address.modules[y][x + $0] && address.modules[y + 6][x + $0] })
            #expect(!address.modules[y + 1][x + 1] && address.modules[y + 3][x + 3])
        }
        #expect(QRCode(String(repeating: "a", count: 107)) == nil)
        #expect(address.svg(label: "核验").hasPrefix("<svg") && address.svg(label: "a<b").contains("a&lt;b"))
    }
}
