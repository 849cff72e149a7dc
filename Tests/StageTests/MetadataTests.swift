import Foundation
import Testing
import WinnowCore
import WinnowHTML
@testable import ParseStage

/// The package root, derived from this file's path (Tests/StageTests/MetadataTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let sharedSeedDirectory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seed")
private let seedURL = "https://www.watson.ch/fr/international/russie/blinken-et-lavrov-se-sont-telephone-pour-regler-la-crise"

private func metadata(ofHTML html: String, url: String?, preset: Metadata = Metadata()) throws -> Metadata {
    let document = try HTMLDocument(bytes: Array(html.utf8), url: url)
    var metadata = preset
    MetadataExtractor.extract(from: document, url: url, into: &metadata)
    return metadata
}

private func metadata(ofFile file: URL, url: String?, preset: Metadata = Metadata()) throws -> Metadata {
    let document = try HTMLDocument(bytes: Array(try Data(contentsOf: file)), url: url)
    var metadata = preset
    MetadataExtractor.extract(from: document, url: url, into: &metadata)
    return metadata
}

private func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: "html", subdirectory: "Fixtures/metadata"))
}

struct MetadataExtractorTests {
    @Test("reads the seed page's title, dates, section, site name, tags and language")
    func seedSample() throws {
        let metadata = try metadata(ofFile: packageRoot.appendingPathComponent("Samples/watson-blinken-lavrov.html"),
                                    url: seedURL)
        #expect(metadata.title == "Blinken et Lavrov se sont téléphoné pour régler la crise (et ça a encore raté)")
        #expect(metadata.language == "fr")
        #expect(metadata.published == "2022-02-01T18:41:00+01:00")
        #expect(metadata.modified == "2022-02-02T07:38:00+01:00")
        #expect(metadata.section == "International")
        #expect(metadata.sitename == "watson.ch")
        #expect(metadata.tags == ["Russie", "Ukraine"])
        #expect(metadata.canonical == seedURL)
        #expect(metadata.image == "https://www.watson.ch/img/blinken-lavrov-geneve.jpg")
        #expect(metadata.description?.hasPrefix("Le secrétaire d'Etat américain Antony Blinken") == true)
        #expect(metadata.authors == ["ats"])
    }

    @Test("matches every metadata field of the shared seed's expected.json",
          .enabled(if: FileManager.default.fileExists(atPath: sharedSeedDirectory.appendingPathComponent("expected.json").path)))
    func sharedSeed() throws {
        let expectedData = try Data(contentsOf: sharedSeedDirectory.appendingPathComponent("expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        let file = try #require(expected["file"] as? String)
        let fields = try #require(expected["metadata"] as? [String: Any])
        let metadata = try metadata(ofFile: sharedSeedDirectory.appendingPathComponent(file), url: expected["url"] as? String)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(metadata)) as? [String: Any] ?? [:]
        for (key, value) in fields {
            #expect(String(describing: encoded[key] ?? "absent") == String(describing: value), "metadata.\(key)")
        }
    }

    @Test("structured sources replace the clean stage's guesses")
    func structuredSourcesOverrideGuesses() throws {
        let preset = Metadata(authors: ["Guessed Byline"], published: "2001-01-01", section: "Guess")
        let metadata = try metadata(ofFile: packageRoot.appendingPathComponent("Samples/watson-blinken-lavrov.html"),
                                    url: seedURL, preset: preset)
        #expect(metadata.published == "2022-02-01T18:41:00+01:00")
        #expect(metadata.section == "International")
        // The seed names only an organisation, which is weaker than a byline found on the page.
        #expect(metadata.authors == ["Guessed Byline"])
    }

    @Test("follows a JSON-LD @graph: article over web page, author by @id, relative image, keywords de-duplicated")
    func jsonLDGraph() throws {
        let metadata = try metadata(ofFile: try fixture("graph"), url: "https://portside.example/news/tram/")
        #expect(metadata.title == "Harbour tram extension approved after ten-year debate")
        #expect(metadata.description == "Councillors voted 31 to 12 for the 4.2 km line along the quays.")
        #expect(metadata.authors == ["Maren Olsen"])
        #expect(metadata.published == "2023-05-17T08:30:00+02:00")
        #expect(metadata.modified == "2023-05-18T10:05:12+02:00")
        #expect(metadata.sitename == "Portside Courier Ltd")
        #expect(metadata.section == "Transport")
        #expect(metadata.tags == ["trams", "transport", "Harbour", "city council"])
        #expect(metadata.image == "https://portside.example/uploads/2023/05/tram-quay.jpg")
        #expect(metadata.canonical == "https://portside.example/news/tram/")
        #expect(metadata.language == "en")
    }

    @Test("reads a top-level JSON-LD array with author arrays, epoch dates and image arrays")
    func jsonLDArray() throws {
        let url = "https://www.diariodelsur.example/economia/cosecha-aceituna-jaen.html"
        let metadata = try metadata(ofFile: try fixture("jsonld-array"), url: url)
        #expect(metadata.title == "La cosecha de aceituna se adelanta en Jaén")
        #expect(metadata.authors == ["Lucía Fernández", "Tomás Ruiz"])
        #expect(metadata.published == "2024-10-21")
        #expect(metadata.modified == "2024-10-21T12:00:00Z")
        #expect(metadata.sitename == "Diario del Sur")
        #expect(metadata.tags == ["aceite", "Jaén", "agricultura"])
        #expect(metadata.image == "https://cdn.diariodelsur.example/img/olivos-1200.jpg")
        #expect(metadata.language == "es")
        #expect(metadata.canonical == url)
    }

    @Test("repairs trailing commas, raw control characters and escaped quotes, and skips hopeless JSON-LD")
    func malformedJSONLD() throws {
        let metadata = try metadata(ofFile: try fixture("malformed"), url: nil)
        #expect(metadata.title == "Gemeinde stimmt für Solaranlage auf dem Schulhaus")
        #expect(metadata.description == "Die Anlage soll \"bis 2026\" Strom für 80 Haushalte liefern.")
        #expect(metadata.authors == ["Anna Muster"])
        #expect(metadata.published == "2025-06-03T07:15:00+02:00")
        #expect(metadata.tags == ["Energie", "Schule"])
        #expect(metadata.section == "Region Land")
        #expect(metadata.sitename == "Bergdorf Bote")
        #expect(metadata.language == "de")
    }

    @Test("reads an OpenGraph-only page, skipping profile URLs and resolving the image against og:url")
    func openGraphOnly() throws {
        let metadata = try metadata(ofFile: try fixture("opengraph"), url: nil)
        #expect(metadata.title == "Night trains return to the Alps")
        #expect(metadata.description == "Three operators add sleeper services between Zurich, Vienna and Milan.")
        #expect(metadata.sitename == "Rail Weekly")
        #expect(metadata.canonical == "https://railweekly.example/europe/night-trains-alps")
        #expect(metadata.image == "https://railweekly.example/media/nightjet-brenner.jpg")
        #expect(metadata.language == "en")
        #expect(metadata.published == "2024-12-09T06:00:00Z")
        #expect(metadata.modified == "2024-12-10T14:22:00Z")
        #expect(metadata.section == "Europe")
        #expect(metadata.authors == ["Priya Natarajan"])
        #expect(metadata.tags == ["Night trains", "Alps"])
    }

    @Test("reads a page with named meta tags only")
    func metaOnly() throws {
        let metadata = try metadata(ofFile: try fixture("meta-only"),
                                    url: "https://www.zuger-nachrichten.example/zug/stadt/neue-velowege?utm=1")
        #expect(metadata.title == "Neue Velowege für die Altstadt")
        #expect(metadata.description == "Der Stadtrat will bis 2027 drei neue Velowege bauen.")
        #expect(metadata.authors == ["Lea Meier", "Jonas Keller"])
        #expect(metadata.tags == ["Velo", "Verkehr", "Altstadt"])
        #expect(metadata.published == "2022-02-01T18:41:00Z")
        #expect(metadata.modified == "2022-02-02")
        #expect(metadata.section == "Zug")
        #expect(metadata.sitename == "Zuger Nachrichten")
        #expect(metadata.language == "de")
        #expect(metadata.canonical == "https://www.zuger-nachrichten.example/zug/stadt/neue-velowege")
    }

    @Test("reads microdata, ignoring comment authors and resolving the image against <base href>")
    func microdata() throws {
        let metadata = try metadata(ofFile: try fixture("microdata"), url: "https://cronache.example/genova/diga")
        #expect(metadata.title == "Il porto di Genova amplia la diga")
        #expect(metadata.authors == ["Giulia Bianchi"])
        #expect(metadata.published == "2024-03-12")
        #expect(metadata.modified == "2024-03-13T09:10:00+01:00")
        #expect(metadata.image == "https://cronache.example/static/img/diga.jpg")
        #expect(metadata.language == "it")
        #expect(metadata.sitename == "cronache.example")
        #expect(metadata.section == "Porto")
    }

    @Test("falls back to the document title, rel=author links, <time> text and the host")
    func weakSources() throws {
        let url = "https://www.example-gazette.example/2023/06/03/lake-ferry-timetable"
        let metadata = try metadata(ofFile: try fixture("weak"), url: url)
        #expect(metadata.title == "Lake ferry timetable changes for the summer season")
        #expect(metadata.authors == ["Ola Nordmann"])
        #expect(metadata.published == "2023-06-03T16:15:00")
        #expect(metadata.sitename == "example-gazette.example")
        #expect(metadata.tags.isEmpty)
        #expect(metadata.canonical == nil)
    }

    @Test("weak sources do not replace the clean stage's guesses")
    func weakSourcesKeepGuesses() throws {
        let preset = Metadata(authors: ["Kari Nordmann"], published: "2023-06-02")
        let metadata = try metadata(ofFile: try fixture("weak"), url: "https://gazette.example/2023/06/03/ferry",
                                    preset: preset)
        #expect(metadata.authors == ["Kari Nordmann"])
        #expect(metadata.published == "2023-06-02")
    }

    @Test("takes the date from the URL when the page has none")
    func urlDate() throws {
        let html = "<html><head><title>Ferry</title></head><body><p>Text</p></body></html>"
        #expect(try metadata(ofHTML: html, url: "https://news.example/2021/11/05/ferry").published == "2021-11-05")
        #expect(try metadata(ofHTML: html, url: "https://news.example/archive/20211105/ferry").published == "2021-11-05")
        #expect(try metadata(ofHTML: html, url: "https://news.example/ferry").published == nil)
    }

    @Test("finds dates in unlisted date meta tags and in elements whose class names a date")
    func classNamedDates() throws {
        let meta = """
            <html><head><meta name="sn-post-date" content="2019/11/19"><meta name="copyright-date" content="2001">
            </head><body><p>Text</p></body></html>
            """
        #expect(try metadata(ofHTML: meta, url: nil).published == "2019-11-19")
        let classes = """
            <html><body><div class="comment-date">3 March 2018</div>
            <span class="date date-published">18 November 2019</span><p>Text</p></body></html>
            """
        #expect(try metadata(ofHTML: classes, url: nil).published == "2019-11-18")
        let guessed = try metadata(ofHTML: classes, url: nil, preset: Metadata(published: "2019-11-17"))
        #expect(guessed.published == "2019-11-17")
    }

    @Test("finds bylines in elements whose class names an author, before JSON-LD organisations")
    func classNamedBylines() throws {
        let html = """
            <html><head><script type="application/ld+json">
            {"@type":"NewsArticle","headline":"Pier reopens","author":{"@type":"Organization","name":"Coast Wire"}}
            </script></head><body><article><h1>Pier reopens</h1>
            <div class="author-bio">Jane writes about the coast and has lived in Brighton since 1999.</div>
            <div class="byline">By <a class="author-name" href="/jane">Jane Doe</a> | March 3, 2019</div>
            <p>The pier reopened on Sunday.</p></article></body></html>
            """
        let found = try metadata(ofHTML: html, url: nil)
        #expect(found.authors == ["Jane Doe"])
        #expect(found.published == "2019-03-03")
        let organisationOnly = html.replacingOccurrences(of: "class=\"byline\"", with: "class=\"meta\"")
            .replacingOccurrences(of: "class=\"author-name\"", with: "class=\"link\"")
        #expect(try metadata(ofHTML: organisationOnly, url: nil).authors == ["Coast Wire"])
    }

    @Test("turns a site name written as a URL into its host and drops machine tokens from tags")
    func siteNameAndTagCleanup() throws {
        let html = """
            <html><head><meta property="og:site_name" content="https://www.newsnation.example">
            <meta name="keywords" content="delhi, @post-id:1913719, /article, &amp;quot;, oxygen bar"></head></html>
            """
        let metadata = try metadata(ofHTML: html, url: nil)
        #expect(metadata.sitename == "newsnation.example")
        #expect(metadata.tags == ["delhi", "oxygen bar"])
    }

    @Test("prefers the candidate title that matches the <h1>")
    func titleMatchingHeading() throws {
        let html = """
            <html><head><title>Short title - Site</title>
            <meta property="og:title" content="A longer social headline for sharing">
            <meta name="twitter:title" content="The on-page headline">
            </head><body><h1>The  on-page headline</h1></body></html>
            """
        #expect(try metadata(ofHTML: html, url: nil).title == "The on-page headline")
    }

    @Test("walks a 100,000-deep document without overflowing the stack")
    func deepDocument() throws {
        let depth = 100_000
        let html = "<html lang=\"nl\"><body>" + String(repeating: "<div>", count: depth)
            + "<time datetime=\"2021-04-05\">5 april 2021</time><span itemprop=\"author\">Jan Jansen</span>"
            + String(repeating: "</div>", count: depth) + "</body></html>"
        let document = try HTMLDocument(bytes: Array(html.utf8), limits: HTMLLimits(maxBytes: 10_000_000, maxNodes: 1_000_000))
        var metadata = Metadata()
        MetadataExtractor.extract(from: document, url: nil, into: &metadata)
        #expect(metadata.language == "nl")
        #expect(metadata.published == "2021-04-05")
    }

    @Test("stays linear on 50,000 nested microdata headlines", .timeLimit(.minutes(2)))
    func deepMicrodataHeadlines() throws {
        let depth = 50_000
        let html = "<html><body>" + String(repeating: "<div itemprop=\"headline\">", count: depth) + "Nested"
            + String(repeating: "</div>", count: depth) + "<meta property=\"og:title\" content=\"Ada Quill\"></body></html>"
        let document = try HTMLDocument(bytes: Array(html.utf8), limits: HTMLLimits(maxBytes: 10_000_000, maxNodes: 1_000_000))
        var metadata = Metadata()
        MetadataExtractor.extract(from: document, url: nil, into: &metadata)
        #expect(metadata.title == "Ada Quill")
    }

    @Test("stays linear on 50,000 nested microdata comment authors", .timeLimit(.minutes(2)))
    func deepMicrodataComments() throws {
        let depth = 50_000
        let html = "<html><body>" + String(repeating: "<div itemtype=\"https://schema.org/Comment\" itemprop=\"author\">", count: depth)
            + "Ada Quill" + String(repeating: "</div>", count: depth) + "</body></html>"
        let document = try HTMLDocument(bytes: Array(html.utf8), limits: HTMLLimits(maxBytes: 10_000_000, maxNodes: 1_000_000))
        var metadata = Metadata()
        MetadataExtractor.extract(from: document, url: nil, into: &metadata)
        #expect(metadata.authors.isEmpty)
    }

    @Test("stays linear on 50,000 nested <time> and byline elements", .timeLimit(.minutes(2)))
    func deepTimes() throws {
        let depth = 50_000
        let limits = HTMLLimits(maxBytes: 10_000_000, maxNodes: 1_000_000)
        let times = "<html><body><article>" + String(repeating: "<time>", count: depth) + "Nested"
            + String(repeating: "</time>", count: depth) + "<time datetime=\"2021-04-05\"></time></article></body></html>"
        var metadata = Metadata()
        MetadataExtractor.extract(from: try HTMLDocument(bytes: Array(times.utf8), limits: limits), url: nil, into: &metadata)
        #expect(metadata.published == "2021-04-05")
        let bylines = "<html><body>" + String(repeating: "<div class=\"byline\">", count: depth) + "By Ada Quill"
            + String(repeating: "</div>", count: depth) + "</body></html>"
        metadata = Metadata()
        MetadataExtractor.extract(from: try HTMLDocument(bytes: Array(bylines.utf8), limits: limits), url: nil, into: &metadata)
        #expect(metadata.authors.isEmpty)
    }

    @Test("reads no value from an element with more nodes below it than a value has")
    func containerIsNoValue() throws {
        let cells = String(repeating: "<i></i>", count: PageSignals.maximumValueNodes) + "Ada Quill"
        let document = try HTMLDocument(bytes: Array("<html><body><h1>\(cells)</h1><h1>Short <b>title</b></h1></body></html>".utf8))
        let signals = PageSignals(document: document)
        #expect(signals.headings == ["Short title"])
        let long = String(repeating: "word ", count: 70)
        let longDocument = try HTMLDocument(bytes: Array("<html><body><h1>\(long)</h1></body></html>".utf8))
        #expect(PageSignals(document: longDocument).headings.isEmpty)
    }

    @Test("survives an empty document and binary junk")
    func emptyAndJunk() throws {
        #expect(try metadata(ofHTML: "", url: nil) == Metadata())
        let junk = String(decoding: (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self)
        _ = try metadata(ofHTML: junk, url: "https://junk.example/")
    }
}

struct DateNormalizerTests {
    @Test("keeps ISO 8601 offsets verbatim and dates as dates")
    func isoDates() {
        #expect(DateNormalizer.normalize("2022-02-01T18:41:00+01:00") == "2022-02-01T18:41:00+01:00")
        #expect(DateNormalizer.normalize("2022-02-01") == "2022-02-01")
        #expect(DateNormalizer.normalize(" 2022-02-01T18:41:00.123Z ") == "2022-02-01T18:41:00Z")
        #expect(DateNormalizer.normalize("2022-02-01T18:41+0530") == "2022-02-01T18:41:00+05:30")
        #expect(DateNormalizer.normalize("2022-02-01 18:41:00") == "2022-02-01T18:41:00")
        #expect(DateNormalizer.normalize("2022/2/1") == "2022-02-01")
        #expect(DateNormalizer.normalize("20220201") == "2022-02-01")
        #expect(DateNormalizer.normalize("2022-02-01T18:41:00-05:00") == "2022-02-01T18:41:00-05:00")
    }

    @Test("reads RFC 1123 dates and epoch times as UTC")
    func rfcAndEpoch() {
        #expect(DateNormalizer.normalize("Tue, 01 Feb 2022 18:41:00 GMT") == "2022-02-01T18:41:00Z")
        #expect(DateNormalizer.normalize("Tue, 01 Feb 2022 18:41:00 +0100") == "2022-02-01T18:41:00+01:00")
        #expect(DateNormalizer.normalize("1643737260") == "2022-02-01T17:41:00Z")
        #expect(DateNormalizer.normalize("1643737260000") == "2022-02-01T17:41:00Z")
    }

    @Test("reads day-first numbers and month names in several languages")
    func textualDates() {
        #expect(DateNormalizer.normalize("01.02.2022") == "2022-02-01")
        #expect(DateNormalizer.normalize("01.02.2022, 18:41") == "2022-02-01T18:41:00")
        #expect(DateNormalizer.normalize("25/12/2023") == "2023-12-25")
        #expect(DateNormalizer.normalize("12/25/2023") == "2023-12-25")
        #expect(DateNormalizer.normalize("February 1, 2022") == "2022-02-01")
        #expect(DateNormalizer.normalize("Feb. 1st, 2022 6:41 PM EST") == "2022-02-01T18:41:00-05:00")
        #expect(DateNormalizer.normalize("1 février 2022") == "2022-02-01")
        #expect(DateNormalizer.normalize("Publié le 1er février 2022 à 18h41") == "2022-02-01T18:41:00")
        #expect(DateNormalizer.normalize("1. März 2022") == "2022-03-01")
        #expect(DateNormalizer.normalize("3 de agosto de 2021") == "2021-08-03")
        #expect(DateNormalizer.normalize("12 marzo 2024") == "2024-03-12")
        #expect(DateNormalizer.normalize("1\u{A0}juillet\u{A0}2020") == "2020-07-01")
    }

    @Test("rejects impossible and implausible dates")
    func rejections() {
        #expect(DateNormalizer.normalize("2022-13-01") == nil)
        #expect(DateNormalizer.normalize("2022-02-30") == nil)
        #expect(DateNormalizer.normalize("1994-12-31") == nil)
        #expect(DateNormalizer.normalize("\(DateNormalizer.latestYear + 1)-01-01") == nil)
        #expect(DateNormalizer.normalize("2022-02-01T25:00:00") == "2022-02-01")
        #expect(DateNormalizer.normalize("yesterday") == nil)
        #expect(DateNormalizer.normalize("") == nil)
        #expect(DateNormalizer.normalize("February 2022") == nil)
        #expect(DateNormalizer.normalize("2024-02-29") == "2024-02-29")
        #expect(DateNormalizer.normalize("2023-02-29") == nil)
    }

    @Test("finds dates in URL paths and nowhere else")
    func urlDates() {
        #expect(DateNormalizer.date(inURL: "https://a.example/2022/02/01/title") == "2022-02-01")
        #expect(DateNormalizer.date(inURL: "https://a.example/news/2022-02-01/title") == "2022-02-01")
        #expect(DateNormalizer.date(inURL: "https://a.example/news/20220201/title") == "2022-02-01")
        #expect(DateNormalizer.date(inURL: "https://a.example/title-2022-02-01.html") == "2022-02-01")
        #expect(DateNormalizer.date(inURL: "https://a.example/2022/02/title") == nil)
        #expect(DateNormalizer.date(inURL: "https://a.example/id/2022021234/title") == nil)
        #expect(DateNormalizer.date(inURL: "https://2022-02-01.example/title") == nil)
        #expect(DateNormalizer.date(inURL: "https://a.example/title?date=2022-02-01") == nil)
    }
}

struct AuthorNamesTests {
    @Test("splits bylines and removes prefixes, addresses, handles and job titles")
    func cleanup() {
        #expect(AuthorNames.names(in: "By Jane Doe and John Roe") == ["Jane Doe", "John Roe"])
        #expect(AuthorNames.names(in: "Von Anna Muster, Redaktorin") == ["Anna Muster"])
        #expect(AuthorNames.names(in: "Par Jean Dupont et Marie Curie") == ["Jean Dupont", "Marie Curie"])
        #expect(AuthorNames.names(in: "Por Tomás Ruiz y Lucía Fernández") == ["Tomás Ruiz", "Lucía Fernández"])
        #expect(AuthorNames.names(in: "Di Giulia Bianchi") == ["Giulia Bianchi"])
        #expect(AuthorNames.names(in: "Jane Doe (@janedoe) jane.doe@example.com") == ["Jane Doe"])
        #expect(AuthorNames.names(in: "John Roe | Senior Correspondent") == ["John Roe"])
        #expect(AuthorNames.names(in: "https://www.facebook.com/jroe") == [])
        #expect(AuthorNames.names(in: "JANE DOE") == ["Jane Doe"])
        #expect(AuthorNames.names(in: "Text: Lea Meier; Bilder: Jonas Keller") == ["Lea Meier", "Jonas Keller"])
        #expect(AuthorNames.names(in: "admin") == [])
        #expect(AuthorNames.names(in: "John Y Doe") == ["John Y Doe"])
        #expect(AuthorNames.names(in: "Mara Lindqvist, MS, RD") == ["Mara Lindqvist"])
        #expect(AuthorNames.names(in: "Analysis by Peter Halvorsen, Daily Example Editor-at-large") == ["Peter Halvorsen"])
        #expect(AuthorNames.names(in: "Dana K. Whitlow, example-news.com") == ["Dana K. Whitlow"])
        #expect(AuthorNames.names(in: "AFP") == ["AFP"])
        #expect(AuthorNames.names(in: "Tom Okafor Monday, November 18, 2019") == ["Tom Okafor"])
        #expect(!AuthorNames.names(in: "The Russian and Syrian defense ministries").contains("Syrian defense ministries"))
        #expect(AuthorNames.names(in: "Ursula von der Leyen") == ["Ursula von der Leyen"])
        #expect(AuthorNames.names(in: "Ilse Brandt. Northwind Gazette") == ["Ilse Brandt"])
    }

    @Test("merges names without duplicates and keeps at most five")
    func merging() {
        var names = ["Jane Doe"]
        AuthorNames.merge(["jane doe", "A One", "B Two", "C Three", "D Four", "E Five"], into: &names)
        #expect(names == ["Jane Doe", "A One", "B Two", "C Three", "D Four"])
    }
}

struct MetadataTextTests {
    @Test("normalises language tags to the lower-cased primary subtag")
    func languages() {
        #expect(MetadataText.primaryLanguage("fr-CH") == "fr")
        #expect(MetadataText.primaryLanguage("en_US") == "en")
        #expect(MetadataText.primaryLanguage("DE") == "de")
        #expect(MetadataText.primaryLanguage("de, en") == "de")
        #expect(MetadataText.primaryLanguage("english") == nil)
        #expect(MetadataText.primaryLanguage("") == nil)
    }

    @Test("strips site names and short suffixes from document titles")
    func titleSuffixes() {
        #expect(MetadataText.strippingSiteName("Blinken et Lavrov se sont parlé - watson", siteNames: ["watson.ch"],
                                               strippingShortParts: false) == "Blinken et Lavrov se sont parlé")
        #expect(MetadataText.strippingSiteName("Portside Courier | Trams approved", siteNames: ["Portside Courier"],
                                               strippingShortParts: false) == "Trams approved")
        #expect(MetadataText.strippingSiteName("Lake ferry timetable changes – Example Gazette", siteNames: [],
                                               strippingShortParts: true) == "Lake ferry timetable changes")
        #expect(MetadataText.strippingSiteName("Lake ferry timetable changes – Example Gazette", siteNames: [],
                                               strippingShortParts: false) == "Lake ferry timetable changes – Example Gazette")
        #expect(MetadataText.strippingSiteName("Rock - Paper", siteNames: [], strippingShortParts: true) == "Rock - Paper")
        // Separators that share their spaces must not overlap.
        #expect(MetadataText.titleParts("Harbour news - - | - watson") == ["Harbour news", "-", "- watson"])
        #expect(MetadataText.strippingSiteName("Harbour trams - - watson", siteNames: ["watson.ch"],
                                               strippingShortParts: false) == "Harbour trams")
    }

    @Test("resolves relative, protocol-relative and absolute URLs")
    func urls() {
        let base = "https://news.example/section/story.html"
        #expect(MetadataText.resolve("/img/a.jpg", against: base) == "https://news.example/img/a.jpg")
        #expect(MetadataText.resolve("img/a.jpg", against: base) == "https://news.example/section/img/a.jpg")
        #expect(MetadataText.resolve("//cdn.example/a.jpg", against: base) == "https://cdn.example/a.jpg")
        #expect(MetadataText.resolve("http://other.example/a.jpg", against: base) == "http://other.example/a.jpg")
        #expect(MetadataText.resolve("img/a b.jpg", against: base) == "https://news.example/section/img/a%20b.jpg")
        #expect(MetadataText.resolve("img/a.jpg", against: nil) == nil)
        #expect(MetadataText.resolve("data:image/png;base64,AAAA", against: base) == nil)
        #expect(MetadataText.host(of: "https://www.Watson.ch:443/fr/") == "watson.ch")
    }

    @Test("decodes HTML entities")
    func entities() {
        #expect(MetadataText.decodingEntities("Tom &amp; Jerry &#8211; &#x2019;s &quot;best&quot; &bogus;")
            == "Tom & Jerry – ’s \"best\" &bogus;")
    }
}

struct LinkedDataReaderTests {
    @Test("repairs trailing commas and control characters inside strings")
    func repair() throws {
        let value = try #require(LinkedDataReader.parse("{\"a\": [1, 2,], \"b\": \"x\ny\",}") as? [String: Any])
        #expect(value["b"] as? String == "x\ny")
        let control = try #require(LinkedDataReader.parse("{\"c\": \"a\u{01}b\"}") as? [String: Any])
        #expect(control["c"] as? String == "a\u{01}b")
        #expect(LinkedDataReader.parse("{\"a\": ") == nil)
        #expect(LinkedDataReader.parse("not json at all") == nil)
    }

    @Test("keeps organisations apart from people")
    func organisations() {
        var reader = LinkedDataReader()
        reader.read(script: """
            {"@type":"BlogPosting","headline":"Hi","author":[{"@type":"Organization","name":"Acme News"}],
             "keywords":"one, two"}
            """)
        let facts = reader.facts()
        #expect(facts.personAuthors.isEmpty)
        #expect(facts.organizationAuthors == ["Acme News"])
        #expect(facts.keywords == ["one", "two"])
        #expect(facts.headline == "Hi")
    }
}
