import Testing
import WinnowCore
import WinnowHTML

/// Parses UTF-8 HTML source.
func parse(_ html: String, limits: HTMLLimits = .default) throws -> HTMLDocument {
    try HTMLDocument(bytes: Array(html.utf8), limits: limits)
}

let articlePage = """
    <!DOCTYPE html>
    <html lang="de"><head><meta charset="utf-8"><title>  Blinken trifft
      Lawrow  </title><style>p { color: red }</style></head>
    <body class="page">
      <nav id="menu"><a href="/">Home</a> <a href="/news">News</a></nav>
      <article class="story main" data-kind="news">
        <h1>Blinken trifft Lawrow</h1>
        <p>Erster Absatz über die Gespräche.</p>
        <script>var ad = "</div>";</script>
        <p>Zweiter <b>Absatz</b> mit <a href="/x">Link</a>.</p>
      </article>
      <footer><p>© watson</p></footer>
    </body></html>
    """

@Suite struct HTMLDocumentParsing {
    @Test("finds the root, head, body and the whitespace-normalised title")
    func structure() throws {
        let document = try parse(articlePage)
        #expect(document.root?.tagName == "html")
        #expect(document.head?.tagName == "head")
        #expect(document.body?.tagName == "body")
        #expect(document.body?.attribute("class") == "page")
        #expect(document.title == "Blinken trifft Lawrow")
        #expect(document.charset == "utf-8")
        #expect(document.nodeCount > 20)
    }

    @Test("serialises in UTF-8 without turning non-ASCII into entities")
    func serialisesUTF8() throws {
        let document = try parse(articlePage)
        let html = document.html()
        #expect(html.contains("Erster Absatz über die Gespräche."))
        #expect(html.contains("© watson"))
        #expect(!html.contains("&uuml;"))
        #expect(!html.contains("&auml;"))
        let article = try #require(document.select(try CSSSelector("article")).first)
        let fragment = document.html(of: article)
        #expect(fragment.hasPrefix("<article class=\"story main\" data-kind=\"news\">"))
        #expect(fragment.hasSuffix("</article>"))
        #expect(fragment.contains("<b>Absatz</b>"))
    }

    @Test("keeps a script holding '</div>' intact and nests unknown HTML5 void elements without losing text")
    func libxml2Quirks() throws {
        let document = try parse(#"<div><script type="application/ld+json">{"x": "</div>"}</script><p>a<wbr>b</p><picture><source src=a><img src=b></picture></div>"#)
        let script = try #require(document.select(try CSSSelector("script")).first)
        #expect(script.text == #"{"x": "</div>"}"#)
        #expect(document.select(try CSSSelector("div > p")).count == 1)
        #expect(document.body?.normalizedText == "ab")
        #expect(document.select(try CSSSelector("picture img")).count == 1)
    }

    @Test("an empty body parses to an empty document")
    func emptyBody() throws {
        let document = try HTMLDocument(bytes: [])
        #expect(document.root == nil)
        #expect(document.title == nil)
        #expect(document.nodeCount == 0)
        #expect(document.html().allSatisfy { $0.isWhitespace })
    }

    @Test("NUL bytes do not end the document")
    func nulBytes() throws {
        let document = try HTMLDocument(bytes: Array("<p>before".utf8) + [0, 0] + Array("after</p><p>next</p>".utf8))
        #expect(document.body?.normalizedText == "beforeafter next")
    }

    @Test("whitespace-only and text-only bodies parse")
    func tinyBodies() throws {
        let text = try parse("just words")
        #expect(text.body?.normalizedText == "just words")
        let blank = try parse("  \n\t ")
        #expect(blank.body?.textLength ?? 0 == 0)
    }

    @Test("a megabyte of random bytes parses without crashing and yields valid text")
    func randomBytes() throws {
        var generator = SplitMix64(seed: 42)
        let bytes = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let document = try HTMLDocument(bytes: bytes)
        let text = document.root?.text ?? ""
        // Random bytes are mostly invalid UTF-8, so they are read as windows-1252: no replacement characters.
        #expect(document.charset == "windows-1252")
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
        #expect(text.utf8.count > 100_000)
        #expect(!text.contains("\0"))
        _ = document.html()
    }

    @Test("100,000 nested divs parse, and the text at the bottom is found")
    func deepNesting() throws {
        let depth = 100_000
        let html = "<html><body>" + String(repeating: "<div>", count: depth) + "bottom text"
            + String(repeating: "</div>", count: depth) + "<p>after</p></body></html>"
        let document = try parse(html)
        let body = try #require(document.body)
        #expect(body.normalizedText == "bottom text after")
        #expect(body.textLength == "bottom text after".count)
        let deepest = try #require(body.descendants.first { $0.isText && $0.content == "bottom text" })
        #expect(deepest.depth == depth + 2)
        #expect(deepest.ancestors.count(where: { $0.hasTag("div") }) == depth)
        #expect(document.select(try CSSSelector("div > div > div")).count == depth - 2)
        #expect(document.select(try CSSSelector(".missing div")).isEmpty)
        #expect(deepest.parent?.matches(try CSSSelector("body div")) == true)
        let serialised = document.html()
        #expect(serialised.contains("bottom text"))
        body.firstChild?.remove()
        #expect(body.normalizedText == "after")
    }

    @Test("a 20 MB page parses under the default limit and fails with tooLarge under a smaller one")
    func largePage() throws {
        let paragraph = "<p>" + String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", count: 16) + "</p>\n"
        let html = "<html><body>" + String(repeating: paragraph, count: 20_000_000 / paragraph.utf8.count) + "</body></html>"
        let bytes = Array(html.utf8)
        #expect(bytes.count > 19_000_000)
        let document = try HTMLDocument(bytes: bytes)
        #expect(document.body?.elementChildren.reduce(0) { count, _ in count + 1 } ?? 0 > 20_000)

        let error = #expect(throws: StageError.self) {
            try HTMLDocument(bytes: bytes, limits: HTMLLimits(maxBytes: 10_000_000))
        }
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("maxBytes 10000000") == true)
        #expect(error?.message.contains("\(bytes.count) bytes") == true)
    }

    @Test("a document with more nodes than maxNodes fails with tooLarge")
    func nodeLimit() throws {
        let html = "<ul>" + String(repeating: "<li>x</li>", count: 1_000) + "</ul>"
        let error = #expect(throws: StageError.self) { try parse(html, limits: HTMLLimits(maxNodes: 500)) }
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("maxNodes") == true)
        let document = try parse(html, limits: HTMLLimits(maxNodes: 5_000))
        #expect(document.nodeCount > 2_000)
    }
}

/// A small deterministic random number generator for reproducible junk input.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
