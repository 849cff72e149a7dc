import Testing
import WinnowCore
import WinnowHTML

@Suite struct CSSSelectorMatching {
    let page = """
        <div id=page class="layout"><header><nav class="menu top">m</nav></header>
        <main><article class="post" data-id="p-17" lang="en-GB"><h1>T</h1><p class=lead>lead</p>
        <section class="comments"><div class="comment"><p>c1</p></div></section></article></main>
        <footer><p>f</p><a href="https://example.com/share?x=1" rel="nofollow noopener">s</a></footer></div>
        """

    func select(_ selector: String) throws -> [String] {
        let document = try parse(page)
        return document.select(try CSSSelector(selector)).map { node in
            node.id ?? (node.classNames.first.map { "\(node.tagName).\($0)" } ?? node.tagName)
        }
    }

    @Test("type, universal, class, id and compound selectors")
    func simple() throws {
        #expect(try select("nav") == ["nav.menu"])
        #expect(try select(".comment") == ["div.comment"])
        #expect(try select("#page") == ["page"])
        #expect(try select("nav.menu.top") == ["nav.menu"])
        #expect(try select("nav.menu.bottom").isEmpty)
        #expect(try select("DIV#page.layout") == ["page"])
        #expect(try select("header *") == ["nav.menu"])
    }

    @Test("attribute selectors with every operator")
    func attributes() throws {
        #expect(try select("[data-id]") == ["article.post"])
        #expect(try select("[data-id=p-17]") == ["article.post"])
        #expect(try select("[data-id='p-1']").isEmpty)
        #expect(try select("a[href^=\"https://\"]") == ["a"])
        #expect(try select("a[href$='x=1']") == ["a"])
        #expect(try select("a[href*=share]") == ["a"])
        #expect(try select("a[rel~=noopener]") == ["a"])
        #expect(try select("a[rel~=noop]").isEmpty)
        #expect(try select("[lang|=en]") == ["article.post"])
    }

    @Test("descendant and child combinators, and comma groups in document order")
    func combinators() throws {
        #expect(try select("article p") == ["p.lead", "p"])
        #expect(try select("article > p") == ["p.lead"])
        #expect(try select("main > article > section > .comment > p") == ["p"])
        #expect(try select("main > section").isEmpty)
        #expect(try select("#page > main p.lead") == ["p.lead"])
        #expect(try select("footer p, nav, h1") == ["nav.menu", "h1", "p"])
    }

    @Test("matches agrees with select, and sees ancestors above the starting node")
    func matchesAgreesWithSelect() throws {
        let document = try parse(page)
        let selector = try CSSSelector("article .comment p, footer > *")
        let all = try #require(document.root).descendants.filter { $0.matches(selector) }
        #expect(all == document.select(selector))
        let section = try #require(document.select(try CSSSelector("section")).first)
        #expect(section.select(try CSSSelector("article p")).count == 1)
        #expect(section.select(try CSSSelector("article p")).first?.text == "c1")
    }

    @Test("unsupported or malformed selectors are rejected with a clear error")
    func rejected() throws {
        for text in ["a + b", "p ~ p", "a:hover", "p::before", "", "div >", "[x", "[x=\"y]", ".", "svg|rect", "a[href=x i]", "a, "] {
            let error = #expect(throws: StageError.self, "\(text)") { try CSSSelector(text) }
            #expect(error?.code == .invalidSelector)
            #expect(error?.message.contains("CSS selector '\(text)'") == true)
        }
        let sibling = #expect(throws: StageError.self) { try CSSSelector("h1 + p") }
        #expect(sibling?.message.contains("sibling combinator '+' is not supported") == true)
    }
}
