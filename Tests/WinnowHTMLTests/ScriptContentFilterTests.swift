import Testing
@testable import WinnowHTML

/// How script and style contents are skipped before parsing, and what is left alone.
struct ScriptContentFilterTests {
    private func filtered(_ html: String) -> String? {
        Array(html.utf8).withUnsafeBufferPointer { ScriptContentFilter.strip($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("empties scripts and styles, whatever their case and attributes, and keeps the text around them")
    func emptiesScriptsAndStyles() {
        let html = #"<p>a</p><SCRIPT type="text/javascript">if (x > 1) { y = "</div>"; }</SCRIPT><p>b</p>"#
            + #"<style media='a>b'>p { color: red }</style ><p>c</p>"#
        #expect(filtered(html) == #"<p>a</p><SCRIPT type="text/javascript"></SCRIPT><p>b</p><style media='a>b'></style ><p>c</p>"#)
    }

    @Test("keeps JSON-LD scripts whole")
    func keepsLinkedData() {
        let html = #"<script type="application/ld+json">{"@type":"NewsArticle"}</script><script>track()</script>"#
        #expect(filtered(html) == #"<script type="application/ld+json">{"@type":"NewsArticle"}</script><script></script>"#)
    }

    @Test("leaves comments, look-alike tags and unterminated scripts untouched")
    func leavesOtherMarkupAlone() {
        #expect(filtered("<!-- <script> --><p>kept</p><scripts>x</scripts><stylesheet>y</stylesheet>") == nil)
        #expect(filtered("<p>a</p><script>never closed <p>b</p>") == nil)
        #expect(filtered("<p>a</p><!-- unterminated comment <script>x</script>") == nil)
    }

    @Test("the parsed tree keeps the script element, empty, and every paragraph")
    func parsedTreeKeepsStructure() throws {
        let html = "<html><body><p>one</p><script>var s = '<p>not a paragraph</p>';</script><p>two</p></body></html>"
        let document = try HTMLDocument(bytes: Array(html.utf8))
        let body = try #require(document.body)
        #expect(body.elementChildren.map(\.tagName) == ["p", "script", "p"])
        #expect(body.normalizedText.contains("one"))
        #expect(body.normalizedText.contains("two"))
        #expect(!document.html().contains("not a paragraph"))
    }
}
