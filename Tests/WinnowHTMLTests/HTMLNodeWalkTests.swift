import Testing
import WinnowHTML

@Suite struct HTMLNodeWalk {
    /// The walk below `node` as a list of events: `<tag` on entering an element, `>tag` on leaving it, `"text"`
    /// for a text run; `decide` answers for each element (descend by default).
    static func events(below node: HTMLNode, decide: (HTMLNode) -> WalkDecision = { _ in .descend }) -> [String] {
        var events: [String] = []
        node.walk(enter: { node in
            guard node.isElement else {
                if node.isText, let content = node.content { events.append("\"\(content)\"") }
                return .skipChildren
            }
            events.append("<" + (node.id ?? node.tagName))
            return decide(node)
        }, leave: { element in
            events.append(">" + (element.id ?? element.tagName))
        })
        return events
    }

    @Test("enters and leaves nest like the tags, in document order, and stay inside the subtree")
    func order() throws {
        let document = try parse("""
            <div id=a><h2 id=b>Title</h2><p id=c>One <em id=d>two</em> three</p><br id=e><!-- note --></div>\
            <p id=f>after</p>
            """)
        let div = try #require(document.body?.firstChild)
        let inside = [
            "<b", "\"Title\"", ">b", "<c", "\"One \"", "<d", "\"two\"", ">d", "\" three\"", ">c", "<e", ">e",
        ]
        #expect(Self.events(below: div) == inside)
        let body = try #require(document.body)
        #expect(Self.events(below: body) == ["<a"] + inside + [">a", "<f", "\"after\"", ">f"])
    }

    @Test("skipChildren walks past a subtree without entering its nodes or leaving it")
    func skipChildren() throws {
        let document = try parse("<div id=a><p id=b>x<i id=c>y</i></p><p id=d>z</p></div>")
        let div = try #require(document.body?.firstChild)
        let events = Self.events(below: div) { $0.id == "b" ? .skipChildren : .descend }
        #expect(events == ["<b", "<d", "\"z\"", ">d"])
    }

    @Test("stop ends the walk at once, with no further enter or leave")
    func stop() throws {
        let document = try parse("<div id=a><p id=b><i id=c>y</i><b id=d>w</b></p><p id=e>z</p></div>")
        let div = try #require(document.body?.firstChild)
        let events = Self.events(below: div) { $0.id == "c" ? .stop : .descend }
        #expect(events == ["<b", "<c"])
    }

    @Test("a 100,000-deep tree walks without overflowing the stack, every element entered and left once")
    func deepTree() throws {
        let depth = 100_000
        let html = "<html><body>" + String(repeating: "<div>", count: depth) + "bottom"
            + String(repeating: "</div>", count: depth) + "<p>after</p></body></html>"
        let document = try parse(html)
        let body = try #require(document.body)
        var open = 0
        var deepest = 0
        var entered = 0
        var left = 0
        var texts: [String] = []
        body.walk(enter: { node in
            if node.isElement {
                entered += 1
                open += 1
                deepest = max(deepest, open)
                return .descend
            }
            if let content = node.content { texts.append(content) }
            return .skipChildren
        }, leave: { _ in
            left += 1
            open -= 1
        })
        #expect(entered == depth + 1)
        #expect(left == depth + 1)
        #expect(deepest == depth)
        #expect(open == 0)
        #expect(texts == ["bottom", "after"])
    }
}
