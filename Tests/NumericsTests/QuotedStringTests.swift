import Numerics
import XCTest

/// The quoted literals JSON and TOML basic strings share, escape by escape.
final class QuotedStringTests: XCTestCase {
    func testEscapes() {
        let text = "a\"b\\c\nd\re\tf\u{01}g\u{7F}h\u{e9}"
        XCTAssertEqual(QuotedString.quoted(text, escapingDelete: false), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\u{7F}h\u{e9}\"")
        XCTAssertEqual(QuotedString.quoted(text, escapingDelete: true), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007Fh\u{e9}\"")
        XCTAssertEqual(QuotedString.quoted("", escapingDelete: true), "\"\"")
        XCTAssertEqual(QuotedString.quoted("\u{1F}", escapingDelete: false), "\"\\u001F\"")
    }
}
