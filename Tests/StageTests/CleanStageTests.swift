import CleanStage
import Foundation
import Logging
import Testing
import WinnowCore
import WinnowHTML

/// The clean stage's categories, options and user rules, on real HTML.
struct CleanStageTests {
    private func run(_ name: String, fixture: Bool = true, clean: [String: JSONValue] = [:]) async throws -> ExtractionHarness.Outcome {
        let bytes = fixture ? try ExtractionHarness.fixture(name) : try ExtractionHarness.sample(name)
        return try await ExtractionHarness.run(Record(id: name, body: Body(bytes: bytes, contentType: "text/html")), clean: clean)
    }

    @Test("German comments (Kommentare) are dropped by default, with the share bar, banner and navigation")
    func germanCommentsDropped() async throws {
        let outcome = try await run("comments-de.html")
        let text = outcome.text
        #expect(ExtractionHarness.containsInOrder(text, [
            "Die Werft in Friedrichshafen", "Das Schiff bietet Platz", "Erste Fahrt im Frühjahr", "Nach einer Erprobungsphase",
        ]))
        for absent in ["Kommentare", "Seefahrer71", "Endlich eine leise Fähre", "Auf Facebook teilen", "Cookies",
                       "Startseite", "Impressum", "Von Lena Hofmeister"] {
            #expect(!text.contains(absent), "unexpected: \(absent)")
        }
        #expect(outcome.record?.content?.comments == nil)
        #expect(outcome.record?.metadata.authors == ["Lena Hofmeister"])
    }

    @Test("a comment thread longer than the article is still removed (and kept apart with separate)")
    func longCommentThread() async throws {
        let comments = (1...25).map {
            "<li class=\"comment\"><p>Reader \($0) thinks the new timetable is a real improvement for commuters, but asks why the late bus still stops at ten.</p></li>"
        }.joined()
        let html = """
            <html><body><div class="page">
            <article><h1>New timetable for the valley buses</h1>
            <p>The regional transport authority published its new timetable on Monday, with buses every fifteen minutes during the morning peak.</p>
            <p>The changes take effect in December and add a night service on Fridays and Saturdays between the station and the university.</p>
            </article>
            <section id="comments" class="comments-area"><h2>25 comments</h2><ol class="comment-list">\(comments)</ol></section>
            </div></body></html>
            """
        let outcome = try await ExtractionHarness.run(html: html, clean: ["comments": "separate"])
        #expect(outcome.text.contains("buses every fifteen minutes"))
        #expect(outcome.text.contains("night service on Fridays"))
        #expect(!outcome.text.contains("Reader 3 thinks"))
        #expect(outcome.record?.content?.comments?.contains("Reader 25 thinks") == true)
    }

    @Test("a selection holding little of the page's good text is widened to include it")
    func widening() async throws {
        let paragraph = "<p>The harbour authority plans to dredge the inner basin next spring so that larger ferries can dock at the old quay again after almost twenty years away from the town</p>"
        let html = """
            <html><body><div class="wrapper">
            <div class="article-body"><p>A short note on the dredging plans, with more below.</p></div>
            <div><div><div class="misc">\(String(repeating: paragraph, count: 6))</div></div></div>
            </div><div class="sidebar"><a href="/a">Other news</a></div></body></html>
            """
        let text = try await ExtractionHarness.run(html: html).text
        #expect(text.contains("A short note on the dredging plans"))
        #expect(text.contains("larger ferries can dock"))
        #expect(!text.contains("Other news"))
    }

    @Test("comments: keep leaves the comment section in the document")
    func germanCommentsKept() async throws {
        let outcome = try await run("comments-de.html", clean: ["comments": "keep", "mainContent": false])
        #expect(outcome.text.contains("Endlich eine leise Fähre"))
        #expect(outcome.text.contains("Die Werft in Friedrichshafen"))
        #expect(!outcome.text.contains("Auf Facebook teilen"))
    }

    @Test("comments: separate moves Spanish comments (comentarios) into content.comments, one line per block")
    func spanishCommentsSeparate() async throws {
        let outcome = try await run("comments-es.html", clean: ["comments": "separate"])
        #expect(outcome.text.contains("Los agricultores del Campo de Cartagena"))
        #expect(!outcome.text.contains("Aquí en mi pueblo"))
        let comments = try #require(outcome.record?.content?.comments)
        #expect(comments.contains("Aquí en mi pueblo todavía no hemos empezado"))
        #expect(comments.contains("Lo importante es que llueva en otoño"))
        #expect(comments.split(separator: "\n").count >= 3)
    }

    @Test("English comments, share bar, cookie banner, sidebar and newsletter are removed; the byline becomes metadata")
    func englishBoilerplate() async throws {
        let outcome = try await run("harbour-tram-extension.html", fixture: false, clean: ["comments": "separate"])
        let text = outcome.text
        #expect(ExtractionHarness.containsInOrder(text, [
            "The city council voted 31 to 9", "A cheaper route", "We listened to the people", "What happens next",
            "Detailed design will be published", "who voted against.",
        ]))
        for absent in ["We use cookies", "Share on Facebook", "Most read", "Storm closes", "morning briefing",
                       "Advertisement", "tramfan88", "All rights reserved", "transport reporter"] {
            #expect(!text.contains(absent), "unexpected: \(absent)")
        }
        #expect(outcome.record?.content?.comments?.contains("Watch the budget double") == true)
        #expect(outcome.record?.metadata.authors == ["Maya Lindqvist"])
        #expect(outcome.record?.metadata.published == "2025-03-14T09:30:00Z")
    }

    @Test("mainContent false removes the categories only: teasers go as related, unless related is kept")
    func categoriesOnly() async throws {
        let dropped = try await run("several-articles.html", clean: ["mainContent": false])
        #expect(dropped.text.contains("The central library will stay open"))
        #expect(!dropped.text.contains("Old bridge to close"))
        let kept = try await run("several-articles.html", clean: ["mainContent": false, "related": "keep"])
        #expect(kept.text.contains("The central library will stay open"))
        #expect(kept.text.contains("Old bridge to close"))
        #expect(kept.text.contains("Latest news"))
        #expect(!kept.text.contains("City Chronicle"))
        #expect(!kept.text.contains("Schools"))
    }

    @Test("share: keep and navigation: keep leave those widgets in place")
    func keepCategories() async throws {
        let outcome = try await run("comments-de.html", clean: ["share": "keep", "navigation": "keep", "mainContent": false])
        #expect(outcome.text.contains("Auf Facebook teilen"))
        #expect(outcome.text.contains("Startseite"))
        #expect(!outcome.text.contains("Wir verwenden Cookies"))
    }

    @Test("user drop rules remove matches, keep rules protect them from every removal")
    func userRules() async throws {
        let dropped = try await run("comments-de.html", clean: ["drop": ["h2", ".artikel-text p.zwei"]])
        #expect(!dropped.text.contains("Erste Fahrt im Frühjahr"))
        #expect(dropped.text.contains("Nach einer Erprobungsphase"))
        let kept = try await run("comments-de.html", clean: ["keep": ["#kommentare"]])
        #expect(kept.text.contains("Endlich eine leise Fähre"))
        #expect(kept.text.contains("Die Werft in Friedrichshafen"))
        #expect(!kept.text.contains("Auf Facebook teilen"))
    }

    @Test("a malformed selector fails at init, naming the option")
    func malformedSelector() throws {
        #expect {
            _ = try ExtractionHarness.cleanStage(["keep": ["div:hover"]])
        } throws: { error in
            guard let error = error as? StageError else { return false }
            return error.message.contains("'keep'") && error.message.contains("div:hover")
        }
        #expect(throws: StageError.self) { _ = try ExtractionHarness.cleanStage(["drop": ["[unclosed"]]) }
    }

    @Test("maxBytes is applied per record with a too-large error")
    func maxBytesOption() async throws {
        let html = "<html><body><p>" + String(repeating: "word ", count: 400) + "</p></body></html>"
        await #expect(throws: StageError.self) {
            _ = try await ExtractionHarness.run(html: html, clean: ["maxBytes": "1KB"])
        }
        let small = try await ExtractionHarness.run(html: html, clean: ["maxBytes": "1MB"])
        #expect(small.text.hasPrefix("word word"))
    }

    @Test("hidden elements, scripts, styles, forms and ad slots never reach the text; JSON-LD stays for metadata")
    func alwaysRemoved() async throws {
        let html = """
            <html><head><title>T</title></head><body>
            <article><p>Visible paragraph with enough words in it to be the main content of this small page.</p>
            <p hidden>Hidden by attribute</p><div aria-hidden="true">Hidden from readers</div>
            <div style="display: none">Hidden by style</div><span class="sr-only">Screen reader only</span>
            <script>var tracking = "script text";</script><style>.a { color: red }</style>
            <form action="/s"><input name="q"><button>Search now</button></form>
            <div class="ad-slot">Advertisement</div><div class="header-shadow-download">Keeps its short words</div>
            <script type="application/ld+json">{"@type": "NewsArticle", "headline": "From JSON-LD"}</script>
            </article></body></html>
            """
        let outcome = try await ExtractionHarness.run(html: html, clean: ["mainContent": false])
        let text = outcome.text
        #expect(text.contains("Visible paragraph"))
        #expect(text.contains("Keeps its short words"))
        for absent in ["Hidden by", "Hidden from", "Screen reader", "script text", "color", "Search now", "Advertisement",
                       "headline"] {
            #expect(!text.contains(absent), "unexpected: \(absent)")
        }
        #expect(outcome.record?.metadata.title == "From JSON-LD")
    }

    private static let tramParagraphs = """
        <p>The city council approved the budget for the new harbour tram line on Tuesday evening, after a debate that lasted almost five hours.</p>
        <p>Supporters argued that the line would cut commuting times in half for the thousands of residents who live on the eastern shore.</p>
        <p>Opponents, including two members of the finance committee, warned that the cost estimates had already risen twice since last spring.</p>
        """

    @Test("the verses of a poem at the end of an article are all kept")
    func trailingPoem() async throws {
        let verses = ["The tide comes in", "the gulls go out", "the harbour lights", "burn on and on", "for ships that sail",
                      "no more today"]
        let html = """
            <html><body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav><article><h1>Harbour</h1>
            <p>This poem was written by a local fisherman in 1932 and first published in the harbour newsletter, which printed it every winter.</p>
            \(verses.map { "<p>\($0)</p>" }.joined())</article></body></html>
            """
        let text = try await ExtractionHarness.run(html: html).text
        #expect(ExtractionHarness.containsInOrder(text, ["This poem was written"] + verses))
        #expect(!text.contains("News"))
    }

    @Test("a trailing table, preformatted block and kept note stay; a closing note and a stray heading go")
    func trailingBlocks() async throws {
        let table = "<html><body><article><h1>Results</h1>\(Self.tramParagraphs)<table><tr><th>Party</th><th>Seats</th></tr><tr><td>Greens</td><td>12</td></tr><tr><td>Liberals</td><td>9</td></tr></table></article></body></html>"
        #expect(try await ExtractionHarness.run(html: table).text.contains("Liberals"))
        let pre = "<html><body><article><h1>Install</h1>\(Self.tramParagraphs)<p>To install the tool, run this in a terminal:</p><pre>npm install winnow</pre></article></body></html>"
        #expect(try await ExtractionHarness.run(html: pre).text.contains("npm install winnow"))
        let kept = "<html><body><article><h1>Tram</h1>\(Self.tramParagraphs)<p class='note'>Tram timetable v2</p></article></body></html>"
        #expect(try await ExtractionHarness.run(html: kept, clean: ["keep": ".note"]).text.contains("Tram timetable v2"))
        #expect(!(try await ExtractionHarness.run(html: kept).text.contains("Tram timetable v2")))
        let notes = """
            <html><body><article><h1>Tram</h1>\(Self.tramParagraphs)
            <p>About 3,000 people subscribe to the council newsletter, which will publish the full plans next week.</p>
            <p>Follow us on Twitter for more local news.</p><h3>Related</h3></article></body></html>
            """
        let text = try await ExtractionHarness.run(html: notes).text
        #expect(text.contains("About 3,000 people subscribe to the council newsletter"))
        for absent in ["Follow us on Twitter", "Related"] { #expect(!text.contains(absent), "unexpected: \(absent)") }
    }

    @Test("deeply nested removals and hidden wrappers next to JSON-LD take linear time", .timeLimit(.minutes(1)))
    func deepNesting() async throws {
        let depth = 20_000
        let buttons = String(repeating: "<div><button>x</button>", count: depth) + String(repeating: "</div>", count: depth)
        let hidden = String(repeating: "<div aria-hidden='true'>", count: depth) + "Hidden" + String(repeating: "</div>", count: depth)
        let html = """
            <html><body><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Deep"}</script>
            <article><h1>Tram</h1>\(Self.tramParagraphs)</article>\(buttons)\(hidden)</body></html>
            """
        let outcome = try await ExtractionHarness.run(html: html)
        #expect(ExtractionHarness.containsInOrder(outcome.text, ["The city council", "Supporters argued", "Opponents"]))
        #expect(!outcome.text.contains("Hidden"))
        #expect(outcome.record?.metadata.title == "Deep")
    }

    @Test("paragraph blocks that are direct children of the body are all kept, the link footer goes")
    func blocksUnderBody() async throws {
        let blocks = Self.tramParagraphs.split(separator: "\n").map { "<div class='block'>\($0)</div>" }.joined()
        let html = "<html><body><h1>Tram</h1>\(blocks)<div class='foot'><a href='/'>Home</a> <a href='/about'>About us</a></div></body></html>"
        let text = try await ExtractionHarness.run(html: html).text
        #expect(ExtractionHarness.containsInOrder(text, ["The city council", "Supporters argued", "Opponents"]))
        #expect(!text.contains("About us"))
    }

    @Test("body microdata meta and link elements feed the metadata")
    func microdataMeta() async throws {
        let html = """
            <html><head><title>Tram budget approved | City News</title></head><body><nav><a href="/">Home</a></nav>
            <article itemscope itemtype="https://schema.org/NewsArticle"><meta itemprop="datePublished" content="2021-03-04T10:00:00Z">
            <meta itemprop="author" content="Jane Doe"><link itemprop="image" href="https://example.org/tram.jpg">
            <h1 itemprop="headline">Tram budget approved</h1>\(Self.tramParagraphs)</article></body></html>
            """
        let metadata = try await ExtractionHarness.run(html: html).record?.metadata
        #expect(metadata?.published == "2021-03-04T10:00:00Z")
        #expect(metadata?.authors == ["Jane Doe"])
        #expect(metadata?.image == "https://example.org/tram.jpg")
    }

    @Test("a wrapper named for its comments that holds the whole article is kept")
    func commentsNamedWrapper() async throws {
        let html = """
            <html><body><div id='header'><a href='/'>Home</a></div><div class='post-wrap comments-open'>
            <h2 class='title'>Tram budget approved</h2>\(Self.tramParagraphs)</div></body></html>
            """
        let text = try await ExtractionHarness.run(html: html).text
        #expect(ExtractionHarness.containsInOrder(text, ["The city council", "Supporters argued", "Opponents"]))
    }

    @Test("a byline reads the Italian \"di\" as \"by\" only in lower case before a full name")
    func bylineParticles() async throws {
        func authors(_ byline: String) async throws -> [String]? {
            let html = "<html><body><article><h1>Tram</h1><div class='byline'>\(byline)</div>\(Self.tramParagraphs)</article></body></html>"
            return try await ExtractionHarness.run(html: html).record?.metadata.authors
        }
        #expect(try await authors("Di Maio") == ["Di Maio"])
        #expect(try await authors("di Maria Rossi") == ["Maria Rossi"])
    }

    @Test("a page wrapped in one big form keeps its text")
    func pageInsideForm() async throws {
        let html = """
            <html><body><form id="aspnetForm" action="/page.aspx"><div class="content">
            <p>The whole page sits inside a form, as older sites built on server forms still do, and the text must survive.</p>
            <p>A second paragraph makes sure the form holds most of the text of the page, not a search box.</p>
            </div></form></body></html>
            """
        let text = try await ExtractionHarness.run(html: html).text
        #expect(text.contains("The whole page sits inside a form"))
        #expect(text.contains("A second paragraph"))
    }

    @Test("a body that is not HTML is dropped with the reason not html")
    func notHTML() async throws {
        let outcome = try await ExtractionHarness.run(bytes: Array("{\"json\": true}".utf8), contentType: "application/json")
        guard case .dropped(let reason) = outcome else {
            Issue.record("expected a drop")
            return
        }
        #expect(reason == "not html")
    }

    @Test("the descriptor lists every category option with its default")
    func descriptor() {
        let names = Set(CleanStage.descriptor.options.map(\.name))
        for category in BoilerplateCategory.allCases { #expect(names.contains(category.rawValue)) }
        #expect(names.isSuperset(of: ["mainContent", "keep", "drop", "maxBytes", "maxNodes"]))
        #expect(CleanStage.descriptor.options.first { $0.name == "bylines" }?.defaultValue == "metadata")
    }
}
