import Testing
import WinnowHTML

@Suite struct HTMLNodeTraversal {
    @Test("descendants come in document order, iteratively")
    func preorder() throws {
        let document = try parse("<div id=a><p id=b><i id=c></i></p><p id=d>t</p></div><span id=e></span>")
        let body = try #require(document.body)
        let ids = Array(body.descendantElements.compactMap(\.id))
        #expect(ids == ["a", "b", "c", "d", "e"])
        let div = try #require(body.firstChild)
        #expect(div.descendants.compactMap(\.id) == ["b", "c", "d"])
        #expect(div.elementChildren.map(\.tagName) == ["p", "p"])
        #expect(div.firstChild?.nextSibling?.id == "d")
        #expect(div.lastChild?.previousSibling?.id == "b")
        #expect(div.nextElementSibling?.id == "e")
        #expect(div.parent == body)
        #expect(document.root?.parent == nil)
    }

    @Test("text skips script, style, noscript and template; normalised text collapses whitespace at block edges")
    func text() throws {
        let document = try parse("""
            <div><h2>Title</h2><p>One\n  two&nbsp;three</p><script>bad()</script><style>.x{}</style>
            <noscript>enable js</noscript><template><p>tpl</p></template><p>Four<br>five <a href="#">link text</a></p></div>
            """)
        let div = try #require(document.body?.firstChild)
        #expect(!div.text.contains("bad()"))
        #expect(!div.text.contains("enable js"))
        #expect(!div.text.contains("tpl"))
        #expect(div.text.contains("One\n  two\u{A0}three"))
        #expect(div.normalizedText == "Title One two three Four five link text")
        #expect(div.textLength == div.normalizedText.unicodeScalars.count)
        #expect(div.linkTextLength == "link text".count)
    }

    @Test("tag and attribute names are lower-cased, values kept as written")
    func caseOfNames() throws {
        let document = try parse("<DIV Data-Role=MainContent><SPAN>x</SPAN></DIV>")
        let div = try #require(document.body?.firstChild)
        #expect(div.tagName == "div")
        #expect(div.hasTag("div") && !div.hasTag("DIV") && !div.hasTag("di"))
        #expect(div.attribute("data-role") == "MainContent")
        #expect(div.firstChild?.tagName == "span")
    }

    @Test("attributes, id, class names and the lower-cased class-and-id string")
    func attributes() throws {
        let document = try parse("<div ID=Main CLASS=' Comment-List  box ' data-x=\"a &amp; b\" hidden>x</div>")
        let div = try #require(document.body?.firstChild)
        #expect(div.id == "Main")
        #expect(div.classNames == ["Comment-List", "box"])
        #expect(div.classAndID == " comment-list  box  main")
        #expect(div.attribute("data-x") == "a & b")
        #expect(div.attribute("hidden") == "")
        #expect(div.attribute("missing") == nil)
        #expect(div.attributes.map(\.name) == ["id", "class", "data-x", "hidden"])
        div.setAttribute("data-x", "<new> ü")
        div.removeAttribute("hidden")
        #expect(div.attribute("data-x") == "<new> ü")
        #expect(!div.hasAttribute("hidden"))
        #expect(document.html(of: div).contains("data-x=\"&lt;new&gt; ü\""))
    }

    @Test("tag sets match element names without allocating")
    func tagSets() throws {
        let document = try parse(articlePage)
        let boilerplate: HTMLTagSet = ["nav", "footer", "aside", "a-very-long-custom-element-name"]
        let names = try #require(document.body).descendants.filter { boilerplate.contains($0) }.map(\.tagName)
        #expect(names == ["nav", "footer"])
        let custom = try parse("<a-very-long-custom-element-name>x</a-very-long-custom-element-name>")
        #expect(custom.body?.firstChild.map(boilerplate.contains) == true)
        #expect(custom.body?.firstChild?.hasTag("a-very-long-custom-element-name") == true)
    }
}

@Suite struct HTMLNodeEditing {
    @Test("remove detaches nested nodes in any order, and stale handles stay readable")
    func remove() throws {
        let document = try parse("<div id=outer><p id=inner>gone</p></div><p id=kept>kept</p>")
        let body = try #require(document.body)
        let outer = try #require(body.firstChild)
        let inner = try #require(outer.firstChild)
        outer.remove()
        inner.remove()
        outer.remove()
        #expect(body.normalizedText == "kept")
        #expect(!outer.isAttached && !inner.isAttached)
        #expect(outer.parent == nil)
        #expect(inner.text == "gone")
        #expect(!document.html().contains("gone"))
    }

    @Test("removing each node as the walk returns it skips its subtree and keeps walking")
    func removeWhileIterating() throws {
        let document = try parse("<div class=ad><p>ad</p></div><p>one</p><div class=ad>x</div><p>two<span class=ad>s</span></p>")
        let body = try #require(document.body)
        var visited: [String] = []
        for node in body.descendants where node.isElement {
            visited.append(node.tagName)
            if node.classNames.contains("ad") { node.remove() }
        }
        #expect(visited == ["div", "p", "div", "p", "span"])
        #expect(body.normalizedText == "one two")
    }

    @Test("unwrap replaces an element by its children, also during a walk")
    func unwrap() throws {
        let document = try parse("<p>a <span>b <i>c</i></span> d</p>")
        let paragraph = try #require(document.body?.firstChild)
        var visited: [String] = []
        for node in paragraph.descendants where node.isElement {
            visited.append(node.tagName)
            if node.hasTag("span") { node.unwrap() }
        }
        #expect(visited == ["span", "i"])
        #expect(document.html(of: paragraph) == "<p>a b <i>c</i> d</p>")
        #expect(paragraph.children.map { $0.isText ? "#" : $0.tagName } == ["#", "#", "i", "#"])
    }

    @Test("setText replaces an element's children or a text node's content")
    func setText() throws {
        let document = try parse("<p>old <b>bold</b></p>")
        let paragraph = try #require(document.body?.firstChild)
        let bold = try #require(paragraph.lastChild)
        paragraph.setText("new & <plain>")
        #expect(paragraph.text == "new & <plain>")
        #expect(document.html(of: paragraph) == "<p>new &amp; &lt;plain&gt;</p>")
        #expect(!bold.isAttached)
        paragraph.firstChild?.setText("again")
        #expect(paragraph.text == "again")
    }
}
