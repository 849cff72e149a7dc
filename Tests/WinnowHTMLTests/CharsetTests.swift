import Testing
import WinnowHTML

@Suite struct CharsetDecoding {
    /// Wraps body bytes in a minimal page with an optional `<head>` snippet (ASCII).
    func page(head: String = "", body: [UInt8]) -> [UInt8] {
        Array("<html><head>\(head)<title>t</title></head><body><p>".utf8) + body + Array("</p></body></html>".utf8)
    }

    func bodyText(_ document: HTMLDocument) -> String { document.body?.normalizedText ?? "" }

    @Test("UTF-8 without any declaration is read as UTF-8")
    func undeclaredUTF8() throws {
        let document = try HTMLDocument(bytes: page(body: Array("Grüße, 東京, €".utf8)))
        #expect(bodyText(document) == "Grüße, 東京, €")
        #expect(document.charset == "utf-8")
        #expect(document.charsetSource == .detected)
    }

    @Test("windows-1252 declared in a meta tag")
    func windows1252Meta() throws {
        // "Café – 50 €" in windows-1252.
        let bytes: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x96, 0x20, 0x35, 0x30, 0x20, 0x80]
        let document = try HTMLDocument(bytes: page(head: "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">", body: bytes))
        #expect(bodyText(document) == "Café – 50 €")
        #expect(document.charset == "windows-1252")
        #expect(document.charsetSource == .meta)
    }

    @Test("undeclared windows-1252 is detected because it is not UTF-8")
    func undeclaredWindows1252() throws {
        let document = try HTMLDocument(bytes: page(body: [0x4D, 0xFC, 0x6E, 0x63, 0x68, 0x65, 0x6E]))
        #expect(bodyText(document) == "München")
        #expect(document.charset == "windows-1252")
    }

    @Test("Shift_JIS declared in a meta tag, and by the transport")
    func shiftJIS() throws {
        // "日本語のテキスト" in Shift_JIS.
        let bytes: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x82, 0xCC, 0x83, 0x65, 0x83, 0x4C, 0x83, 0x58, 0x83, 0x67]
        let meta = try HTMLDocument(bytes: page(head: "<meta charset=\"Shift_JIS\">", body: bytes))
        #expect(bodyText(meta) == "日本語のテキスト")
        #expect(meta.charset == "shift_jis")
        #expect(meta.title == "t")
        let transport = try HTMLDocument(bytes: page(body: bytes), transportCharset: "x-sjis")
        #expect(bodyText(transport) == "日本語のテキスト")
        #expect(transport.charsetSource == .transport)
    }

    @Test("EUC-JP and GBK declared in meta tags")
    func otherLegacyCharsets() throws {
        // "日本" in EUC-JP and "中文" in GBK.
        let eucJP = try HTMLDocument(bytes: page(head: "<meta charset=euc-jp>", body: [0xC6, 0xFC, 0xCB, 0xDC]))
        #expect(bodyText(eucJP) == "日本")
        let gbk = try HTMLDocument(bytes: page(head: "<meta charset=gb2312>", body: [0xD6, 0xD0, 0xCE, 0xC4]))
        #expect(bodyText(gbk) == "中文")
    }

    @Test("a page declaring UTF-8 but holding windows-1252 bytes is read as windows-1252, without U+FFFD")
    func declaredUTF8ButWindows1252() throws {
        // "Zürich und Genève" in windows-1252.
        let bytes: [UInt8] = [0x5A, 0xFC, 0x72, 0x69, 0x63, 0x68, 0x20, 0x75, 0x6E, 0x64, 0x20, 0x47, 0x65, 0x6E, 0xE8, 0x76, 0x65]
        let document = try HTMLDocument(bytes: page(head: "<meta charset=\"utf-8\">", body: bytes))
        #expect(bodyText(document) == "Zürich und Genève")
        #expect(document.charset == "windows-1252")
        let header = try HTMLDocument(bytes: page(body: bytes), transportCharset: "UTF-8")
        #expect(bodyText(header) == "Zürich und Genève")
    }

    @Test("a UTF-8 page with a few stray bytes keeps its UTF-8 and reads only the stray bytes as windows-1252")
    func mostlyUTF8() throws {
        let bytes = Array("Grüße aus Köln ".utf8) + [0xE9, 0x20] + Array("und Zürich".utf8)
        let document = try HTMLDocument(bytes: page(head: "<meta charset=utf-8>", body: bytes))
        #expect(bodyText(document) == "Grüße aus Köln é und Zürich")
        #expect(document.charset == "utf-8")
        #expect(document.invalidByteCount == 1)
    }

    @Test("a page declaring iso-8859-1 but holding UTF-8 is read as UTF-8")
    func declaredLatin1ButUTF8() throws {
        let bytes = Array("Ærøskøbing, naïve café".utf8)
        let meta = try HTMLDocument(bytes: page(head: "<meta charset=\"iso-8859-1\">", body: bytes))
        #expect(bodyText(meta) == "Ærøskøbing, naïve café")
        #expect(meta.charset == "utf-8")
        #expect(meta.charsetSource == .detected)
        let transport = try HTMLDocument(bytes: page(body: bytes), transportCharset: "ISO-8859-1")
        #expect(bodyText(transport) == "Ærøskøbing, naïve café")
    }

    @Test("a page declaring Shift_JIS but holding bytes that are not Shift_JIS falls back without U+FFFD storms")
    func wrongLegacyDeclaration() throws {
        let bytes = [UInt8](repeating: 0x82, count: 200) + Array(" Straße".utf8)
        let document = try HTMLDocument(bytes: page(head: "<meta charset=shift_jis>", body: bytes))
        #expect(!bodyText(document).unicodeScalars.contains("\u{FFFD}"))
    }

    @Test("byte order marks decide UTF-8 and UTF-16 whatever is declared")
    func byteOrderMarks() throws {
        let utf8 = try HTMLDocument(bytes: [0xEF, 0xBB, 0xBF] + page(head: "<meta charset=windows-1252>", body: Array("Ünïcödé".utf8)))
        #expect(bodyText(utf8) == "Ünïcödé")
        #expect(utf8.charsetSource == .byteOrderMark)
        #expect(!utf8.html().contains("\u{FEFF}"))

        let source = "<html><body><p>Привет, 世界 😀</p></body></html>"
        let little = [UInt8(0xFF), 0xFE] + source.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let littleDocument = try HTMLDocument(bytes: little)
        #expect(bodyText(littleDocument) == "Привет, 世界 😀")
        #expect(littleDocument.charset == "utf-16le")
        let big = [UInt8(0xFE), 0xFF] + source.utf16.flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        #expect(bodyText(try HTMLDocument(bytes: big)) == "Привет, 世界 😀")
    }

    @Test("an unknown transport charset is ignored in favour of the meta tag")
    func unknownTransportCharset() throws {
        let document = try HTMLDocument(bytes: page(head: "<meta charset=windows-1252>", body: [0x66, 0xFC, 0x72]),
                                        transportCharset: "x-made-up")
        #expect(bodyText(document) == "für")
        #expect(document.charsetSource == .meta)
    }

    @Test("a meta declaration inside a comment is not used")
    func metaInComment() throws {
        let document = try HTMLDocument(bytes: page(head: "<!-- <meta charset=shift_jis> --><meta charset=windows-1252>",
                                                     body: [0x66, 0xFC, 0x72]))
        #expect(bodyText(document) == "für")
        #expect(document.charset == "windows-1252")
    }
}
