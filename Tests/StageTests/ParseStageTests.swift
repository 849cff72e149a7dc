import Foundation
import ParseStage
import Testing
import WinnowCore

/// The parse stage's rendering of blocks, text and Markdown, run alone on hand-written HTML.
struct ParseStageTests {
    private func parse(_ body: String, options: [String: JSONValue] = [:], url: String? = nil) async throws -> ExtractedContent {
        let outcome = try await ExtractionHarness.run(
            html: "<html><head><title>Page</title></head><body>\(body)</body></html>", url: url, clean: nil, parse: options)
        return try #require(outcome.record?.content)
    }

    @Test("headings keep their level, paragraphs are separated by blank lines")
    func headingsAndParagraphs() async throws {
        let content = try await parse("<h2>Section one</h2><p>First   paragraph\n text.</p><h3>Sub</h3><p>Second.</p>")
        #expect(content.blocks.map(\.kind) == [.heading, .paragraph, .heading, .paragraph])
        #expect(content.blocks.map(\.level) == [2, nil, 3, nil])
        #expect(content.text == "Section one\n\nFirst paragraph text.\n\nSub\n\nSecond.")
        #expect(content.markdown == "## Section one\n\nFirst paragraph text.\n\n### Sub\n\nSecond.")
    }

    @Test("inline elements do not break blocks, <br> is a newline, a div with direct text is a block")
    func inlineAndBreaks() async throws {
        let content = try await parse("<p>One <b>bold</b> and <a href='/x'>linked</a> word.<br>Next line.</p><div>Loose text<p>Inner</p>tail</div>")
        #expect(content.text == "One bold and linked word.\nNext line.\n\nLoose text\n\nInner\n\ntail")
        #expect(content.markdown.hasPrefix("One bold and linked word.  \nNext line."))
    }

    @Test("lists give one item per line in text and Markdown list syntax, nested lists indented")
    func lists() async throws {
        let content = try await parse("<ul><li>Apples</li><li>Pears<ul><li>Conference</li></ul></li></ul><ol><li>First</li><li>Second</li></ol>")
        #expect(content.text == "Apples\nPears\nConference\n\nFirst\nSecond")
        #expect(content.markdown == "- Apples\n- Pears\n  - Conference\n\n1. First\n2. Second")
        #expect(content.blocks.first?.items == ["Apples", "Pears", "Conference"])
        #expect(content.blocks.last?.ordered == true)
    }

    @Test("data tables become GFM pipe tables and rows of cells; tables: false reads cells as paragraphs")
    func tables() async throws {
        let html = "<table><tr><th>City</th><th>Stops</th></tr><tr><td>Harbour</td><td>4</td></tr><tr><td>A|B</td><td>2</td></tr></table>"
        let content = try await parse(html)
        #expect(content.blocks.first?.kind == .table)
        #expect(content.blocks.first?.rows == [["City", "Stops"], ["Harbour", "4"], ["A|B", "2"]])
        #expect(content.text == "City\tStops\nHarbour\t4\nA|B\t2")
        #expect(content.markdown == "| City | Stops |\n| --- | --- |\n| Harbour | 4 |\n| A\\|B | 2 |")
        let flat = try await parse(html, options: ["tables": false])
        #expect(flat.blocks.allSatisfy { $0.kind == .paragraph })
        #expect(flat.text.contains("Harbour\n\n4"))
    }

    @Test("a table caption becomes a paragraph before the table, not part of its first row")
    func tableCaption() async throws {
        let content = try await parse("<table><caption>Expected output</caption><tr><th>Season</th><th>GWh</th></tr><tr><td>Winter</td><td>11</td></tr></table>")
        #expect(content.blocks.map(\.kind) == [.paragraph, .table])
        #expect(content.text == "Expected output\n\nSeason\tGWh\nWinter\t11")
    }

    @Test("quotes and code blocks keep their kind; code keeps its whitespace in a fence")
    func quotesAndCode() async throws {
        let content = try await parse("<blockquote><p>Quoted words.</p></blockquote><pre><code>let x = 1\n    print(x)</code></pre>")
        #expect(content.blocks.map(\.kind) == [.quote, .code])
        #expect(content.blocks[1].text == "let x = 1\n    print(x)")
        #expect(content.markdown == "> Quoted words.\n\n```\nlet x = 1\n    print(x)\n```")
    }

    @Test("links and images appear in Markdown and in lists only when asked for")
    func linksAndImages() async throws {
        let html = "<p>See <a href='/guide'>the guide</a> and <img src='/map.png' alt='Map'>.</p>"
        let plain = try await parse(html, url: "https://example.org/news/")
        #expect(plain.markdown == "See the guide and .")
        #expect(plain.links == nil && plain.images == nil)
        let rich = try await parse(html, options: ["links": true, "images": true], url: "https://example.org/news/")
        #expect(rich.markdown == "See [the guide](https://example.org/guide) and ![Map](https://example.org/map.png).")
        #expect(rich.links == [ExtractedContent.Link(url: "https://example.org/guide", text: "the guide")])
        #expect(rich.images?.first?.url == "https://example.org/map.png")
        #expect(rich.text == "See the guide and .")
    }

    @Test("adjacent anchors to one URL merge into one link, and spaces stay outside link brackets")
    func linkMerging() async throws {
        let content = try await parse("<p>Join the <a href='/a'>Arte</a><a href='/a'>mis prog</a><a href='/a'>ram</a> and <a href='/b'>read this </a>now.</p>",
                                      options: ["links": true], url: "https://example.org/")
        #expect(content.markdown == "Join the [Artemis program](https://example.org/a) and [read this](https://example.org/b) now.")
        #expect(content.links?.map(\.text) == ["Artemis program", "read this"])
    }

    @Test("Markdown escapes characters that would read as syntax")
    func escaping() async throws {
        let content = try await parse("<p>1. not a list *or* emphasis_here</p><p># not a heading</p>")
        #expect(content.markdown == "1\\. not a list \\*or\\* emphasis\\_here\n\n\\# not a heading")
        #expect(content.text == "1. not a list *or* emphasis_here\n\n# not a heading")
    }

    @Test("the title comes from metadata, else the first h1, and a leading h1 is not repeated in the text")
    func title() async throws {
        let content = try await parse("<h1>Main headline</h1><p>Body text of the article.</p>")
        #expect(content.title == "Page")
        #expect(content.text == "Body text of the article.")
        #expect(content.blocks.count == 1)
        let untitled = try await ExtractionHarness.run(
            html: "<html><body><h1>Main headline</h1><p>Body text of the article.</p></body></html>", clean: nil)
        #expect(untitled.record?.content?.title == "Main headline")
        #expect(untitled.record?.content?.text == "Body text of the article.")
    }

    private static let paragraphs = "<p>The city council approved the budget for the new harbour tram line on Tuesday evening.</p>"
        + "<p>Supporters argued that the line would cut commuting times in half for eastern residents.</p>"

    @Test("containers whose class merely mentions captions or credits keep their text; small captions are dropped")
    func captionClasses() async throws {
        let captions = try await parse("<div class='story-body with-captions'><h2>Tram budget</h2>\(Self.paragraphs)</div>")
        #expect(captions.text.hasPrefix("Tram budget\n\nThe city council approved"))
        #expect(captions.text.contains("eastern residents."))
        let cards = try await parse("<div class='article credit-cards'><h1>Best credit cards</h1>\(Self.paragraphs)</div>")
        #expect(cards.blocks.map(\.kind) == [.paragraph, .paragraph])
        #expect(cards.text.hasPrefix("The city council approved"))
        let long = String(repeating: Self.paragraphs, count: 3)
        let credits = try await parse("<div class='credits'>\(long)</div>")
        #expect(credits.blocks.count == 6)
        let html = "<div>\(Self.paragraphs)<p class='wp-caption-text'>The harbour at dawn.</p>"
            + "<span class='photo-credit'>Photo: A. Smith</span><div id='imageCaption'>Trams in 1950.</div></div>"
        let small = try await parse(html)
        #expect(small.text.hasSuffix("eastern residents."))
        #expect(!small.text.contains("harbour at dawn") && !small.text.contains("A. Smith") && !small.text.contains("1950"))
        let kept = try await parse(html, options: ["figures": true])
        #expect(kept.text.contains("The harbour at dawn.") && kept.text.contains("Photo: A. Smith"))
    }

    @Test("10,000 nested layout tables are read in linear time")
    func nestedTables() async throws {
        let depth = 10_000
        let start = ContinuousClock.now
        let content = try await parse(String(repeating: "<table><tr><td>", count: depth) + "innermost cell"
            + String(repeating: "</td></tr></table>", count: depth))
        #expect(content.text == "innermost cell")
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("figures around tables, quotes and code are containers; image figures still follow the figures option")
    func figureContainers() async throws {
        let html = "<article>\(Self.paragraphs)<figure class='wp-block-table'><table><tr><th>Year</th><th>Cost</th></tr>"
            + "<tr><td>2024</td><td>120 million</td></tr></table><figcaption>Cost estimates</figcaption></figure>"
            + "<figure class='wp-block-pullquote'><blockquote><p>We have waited thirty years for this line.</p>"
            + "<cite>Mayor Jane Doe</cite></blockquote></figure><figure><pre>make tram</pre></figure>"
            + "<figure><img src='/tram.jpg' alt='Tram'><figcaption>The first tram.</figcaption></figure></article>"
        let content = try await parse(html, options: ["images": true])
        #expect(content.blocks.map(\.kind) == [.paragraph, .paragraph, .table, .quote, .quote, .code])
        #expect(content.blocks[2].rows == [["Year", "Cost"], ["2024", "120 million"]])
        #expect(content.blocks[3].text == "We have waited thirty years for this line.")
        #expect(content.blocks[4].text == "Mayor Jane Doe")
        #expect(content.blocks[5].text == "make tram")
        #expect(!content.text.contains("Cost estimates") && !content.text.contains("first tram"))
        #expect(content.images == [])
        let figures = try await parse(html, options: ["figures": true])
        #expect(figures.blocks.map(\.kind) == [.paragraph, .paragraph, .table, .paragraph, .quote, .quote, .code, .figure])
        #expect(figures.blocks[3].text == "Cost estimates")
        #expect(figures.blocks[7].text == "The first tram.")
        #expect(figures.blocks[7].source == "/tram.jpg")
    }

    @Test("a link wrapping paragraphs is listed but writes no brackets, and no block is empty")
    func blockLink() async throws {
        let content = try await parse("<article><p>The council approved the budget.</p><a href='/more'><p>Read the full plan.</p>"
            + "<p>Second linked paragraph.</p></a><p>See <a href='/map'>the map</a>.</p></article>",
            options: ["links": true], url: "https://example.org/")
        #expect(content.markdown == "The council approved the budget.\n\nRead the full plan.\n\nSecond linked paragraph.\n\n"
            + "See [the map](https://example.org/map).")
        #expect(content.blocks.allSatisfy { !$0.text.isEmpty })
        #expect(content.links == [ExtractedContent.Link(url: "https://example.org/more", text: "Read the full plan. Second linked paragraph."),
                                  ExtractedContent.Link(url: "https://example.org/map", text: "the map")])
    }

    @Test("HTML, XHTML and XML media types are parsed whatever their case and parameters; text/plain only with markup")
    func mediaTypes() async throws {
        let markup = Array("<p>Body.</p>".utf8)
        for type in ["text/html; charset=UTF-8", "TEXT/HTML", "application/xhtml+xml", "text/xml", "text/plain; charset=utf-8"] {
            let outcome = try await ExtractionHarness.run(Record(id: "m", body: Body(bytes: markup, contentType: type)), clean: nil)
            #expect(outcome.record?.content?.text == "Body.", "\(type)")
        }
        let plain = try await ExtractionHarness.run(
            Record(id: "p", body: Body(bytes: Array("Just words.".utf8), contentType: "text/plain; charset=utf-8")), clean: nil)
        #expect(plain.record == nil)
    }

    @Test("comments set by the clean stage are kept")
    func commentsKept() async throws {
        let record = Record(id: "c", body: Body(bytes: Array("<p>Body.</p>".utf8), contentType: "text/html"),
                            content: ExtractedContent(comments: "A reader wrote this."))
        let outcome = try await ExtractionHarness.run(record, clean: nil)
        #expect(outcome.record?.content?.comments == "A reader wrote this.")
        #expect(outcome.record?.content?.text == "Body.")
    }

    @Test("100,000 nested elements are rendered iteratively")
    func deepNesting() async throws {
        let depth = 100_000
        let content = try await parse(String(repeating: "<div><span>", count: depth) + "deep text"
            + String(repeating: "</span></div>", count: depth))
        #expect(content.text == "deep text")
    }

    @Test("deeply nested lists and quotes stay linear: Markdown indentation stops growing")
    func deepListsAndQuotes() async throws {
        let depth = 20_000
        let lists = try await parse(String(repeating: "<ul><li>item", count: depth) + String(repeating: "</li></ul>", count: depth))
        #expect(lists.blocks.first?.items?.count == depth)
        #expect((lists.markdown.split(separator: "\n").map(\.count).max() ?? 0) < 40)
        let quotes = try await parse(String(repeating: "<blockquote><p>said</p>", count: depth) + String(repeating: "</blockquote>", count: depth))
        #expect(quotes.blocks.count == depth)
        #expect(quotes.markdown.hasSuffix("> > > > > > > > said"))
    }

    @Test("a body that is not HTML is dropped")
    func notHTML() async throws {
        let outcome = try await ExtractionHarness.run(
            Record(id: "j", body: Body(bytes: Array("{}".utf8), contentType: "application/json")), clean: nil)
        #expect(outcome.record == nil)
    }
}
