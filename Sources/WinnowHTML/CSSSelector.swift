import WinnowCore
internal import CLibXML2

/// A parsed CSS selector from the subset Winnow supports, for user keep/drop rules and stage code.
///
/// Supported: type (`div`) and universal (`*`) selectors, `.class`, `#id`, attribute selectors (`[attr]`,
/// `[attr=value]`, `[attr~=value]`, `[attr^=value]`, `[attr$=value]`, `[attr*=value]`, `[attr|=value]`),
/// compounds of these (`div.a#b[x]`), the descendant (space) and child (`>`) combinators, and comma-separated
/// groups. Pseudo-classes, pseudo-elements, namespaces and sibling combinators are rejected with a clear error.
///
/// Matching follows the DOM's `querySelectorAll`: tag and attribute names are case-insensitive, class, id and
/// attribute values case-sensitive. `HTMLNode.select(_:)` costs one pass over the subtree whatever the
/// selector, so deep documents stay linear.
public struct CSSSelector: Sendable, Hashable, CustomStringConvertible {
    /// The selector text as given.
    public let description: String
    let groups: [Complex]

    /// Parses a selector.
    /// - Throws: `StageError` with code `.invalidSelector`, naming the offending position and what is supported.
    public init(_ text: String) throws {
        description = text
        var parser = SelectorParser(text)
        groups = try parser.parseList()
    }

    /// A chain of compounds joined by combinators, matched right to left.
    struct Complex: Sendable, Hashable {
        var compounds: [Compound]
        /// `childCombinator[k]` tells whether compounds `k` and `k + 1` are joined by `>` (else by a space).
        var childCombinator: [Bool]
    }

    /// Conditions on one element.
    struct Compound: Sendable, Hashable {
        var tag: [UInt8]?
        var conditions: [Condition] = []
    }

    enum Condition: Sendable, Hashable {
        case id([UInt8])
        case className([UInt8])
        case attribute(name: String, operation: Operation, value: [UInt8])
    }

    enum Operation: Sendable, Hashable {
        case exists, equals, includesWord, prefix, suffix, contains, dashPrefix
    }
}

private struct SelectorParser {
    let text: String
    let bytes: [UInt8]
    var index = 0

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
    }

    static let supported = "supported: tag, *, .class, #id, [attr], [attr=v], [attr~=v], [attr^=v], [attr$=v], "
        + "[attr*=v], [attr|=v], descendant (space) and child (>) combinators, and comma-separated groups"

    func error(_ what: String) -> StageError {
        StageError(.invalidSelector, "CSS selector '\(text)': \(what) at offset \(index); \(Self.supported)")
    }

    mutating func parseList() throws -> [CSSSelector.Complex] {
        var groups: [CSSSelector.Complex] = []
        while true {
            skipSpace()
            groups.append(try parseComplex())
            skipSpace()
            if index == bytes.count { break }
            guard bytes[index] == UInt8(ascii: ",") else { throw error("unexpected '\(character(at: index))'") }
            index += 1
        }
        return groups
    }

    mutating func parseComplex() throws -> CSSSelector.Complex {
        var compounds = [try parseCompound()]
        var child: [Bool] = []
        while true {
            let hadSpace = skipSpace()
            guard index < bytes.count, bytes[index] != UInt8(ascii: ",") else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                skipSpace()
                child.append(true)
            } else if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "~") {
                throw error("sibling combinator '\(character(at: index))' is not supported")
            } else if hadSpace {
                child.append(false)
            } else {
                throw error("unexpected '\(character(at: index))'")
            }
            compounds.append(try parseCompound())
        }
        guard compounds.count <= 64 else { throw error("more than 64 compound selectors in one group") }
        return CSSSelector.Complex(compounds: compounds, childCombinator: child)
    }

    mutating func parseCompound() throws -> CSSSelector.Compound {
        var compound = CSSSelector.Compound()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "*") {
            index += 1
        } else if index < bytes.count, isNameByte(bytes[index]) {
            compound.tag = Array(try parseName().lowercased().utf8)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                index += 1
                compound.conditions.append(.className(Array(try parseName().utf8)))
            } else if byte == UInt8(ascii: "#") {
                index += 1
                compound.conditions.append(.id(Array(try parseName().utf8)))
            } else if byte == UInt8(ascii: "[") {
                index += 1
                compound.conditions.append(try parseAttribute())
            } else if byte == UInt8(ascii: ":") {
                throw error("pseudo-classes and pseudo-elements (':…') are not supported")
            } else if byte == UInt8(ascii: "|") {
                throw error("namespaces ('|') are not supported")
            } else {
                break
            }
        }
        if index == start {
            throw error(index < bytes.count ? "unexpected '\(character(at: index))'" : "missing selector")
        }
        return compound
    }

    mutating func parseAttribute() throws -> CSSSelector.Condition {
        skipSpace()
        let name = try parseName().lowercased()
        skipSpace()
        guard index < bytes.count else { throw error("unclosed '['") }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .attribute(name: name, operation: .exists, value: [])
        }
        let operation: CSSSelector.Operation
        switch bytes[index] {
        case UInt8(ascii: "="): operation = .equals
        case UInt8(ascii: "~"): operation = .includesWord
        case UInt8(ascii: "^"): operation = .prefix
        case UInt8(ascii: "$"): operation = .suffix
        case UInt8(ascii: "*"): operation = .contains
        case UInt8(ascii: "|"): operation = .dashPrefix
        default: throw error("unexpected '\(character(at: index))' in attribute selector")
        }
        index += operation == .equals ? 1 : 2
        guard operation == .equals || (index <= bytes.count && bytes[index - 1] == UInt8(ascii: "=")) else {
            index -= 1
            throw error("expected '=' in attribute selector")
        }
        skipSpace()
        var value: [UInt8]
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            let quote = bytes[index]
            index += 1
            value = []
            while index < bytes.count, bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                value.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else { throw error("unclosed string") }
            index += 1
        } else {
            value = Array(try parseName().utf8)
        }
        skipSpace()
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "i") || bytes[index] | 0x20 == UInt8(ascii: "s") {
            throw error("attribute selector flags ('i', 's') are not supported")
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "]") else { throw error("expected ']'") }
        index += 1
        return .attribute(name: name, operation: operation, value: value)
    }

    /// An identifier: letters, digits, `-`, `_`, non-ASCII, and backslash escapes of one character.
    mutating func parseName() throws -> String {
        var name: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                name.append(bytes[index + 1])
                index += 2
            } else if isNameByte(byte) {
                name.append(byte)
                index += 1
            } else {
                break
            }
        }
        guard !name.isEmpty else {
            throw error(index < bytes.count ? "expected a name before '\(character(at: index))'" : "expected a name")
        }
        return String(decoding: name, as: UTF8.self)
    }

    @discardableResult
    mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
            || bytes[index] == 0x0D || bytes[index] == 0x0C
        {
            index += 1
        }
        return index > start
    }

    func isNameByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }

    func character(at position: Int) -> String {
        String(decoding: bytes[position..<min(position + 1, bytes.count)], as: UTF8.self)
    }
}

// MARK: Matching

extension HTMLNode {
    /// Whether this element matches `selector` (ancestors anywhere above it count for combinators).
    ///
    /// Costs O(depth) when the rightmost compound matches; use `select(_:)` to find all matches in a subtree.
    public func matches(_ selector: CSSSelector) -> Bool {
        guard isElement else { return false }
        let candidates = selector.groups.filter { $0.compounds[$0.compounds.count - 1].matches(pointer) }
        if candidates.isEmpty { return false }
        if candidates.contains(where: { $0.compounds.count == 1 }) { return true }
        var chain: [xmlNodePtr] = []
        var node: xmlNodePtr? = pointer
        while let current = node, Self.isTreeNode(current) {
            if current.pointee.type == XML_ELEMENT_NODE { chain.append(current) }
            node = current.pointee.parent
        }
        for group in candidates {
            var state = SelectorState()
            for element in chain.reversed() { state = state.child(entering: element, group: group) }
            if state.matchesLast(of: group) { return true }
        }
        return false
    }

    /// The elements below this node that match `selector`, in document order (this node excluded).
    public func select(_ selector: CSSSelector) -> [HTMLNode] { select(selector, includingSelf: false) }

    func select(_ selector: CSSSelector, includingSelf: Bool) -> [HTMLNode] {
        guard isElement else { return [] }
        var results: [HTMLNode] = []
        let groups = selector.groups
        // States for this node, computed down its ancestor chain.
        var ancestors: [xmlNodePtr] = []
        var node: xmlNodePtr? = pointer
        while let current = node, Self.isTreeNode(current) {
            if current.pointee.type == XML_ELEMENT_NODE { ancestors.append(current) }
            node = current.pointee.parent
        }
        var top = groups.map { _ in SelectorState() }
        for element in ancestors.reversed() {
            for (index, group) in groups.enumerated() { top[index] = top[index].child(entering: element, group: group) }
        }
        if includingSelf, zip(top, groups).contains(where: { $0.matchesLast(of: $1) }) { results.append(self) }
        // A stack of per-group states, one frame per open element below this node.
        var stack = top
        var current = firstElement(from: pointer.pointee.children)
        var frame = 0
        while let element = current {
            var matched = false
            let base = frame * groups.count
            for (index, group) in groups.enumerated() {
                let state = stack[base + index].child(entering: element, group: group)
                stack.append(state)
                if state.matchesLast(of: group) { matched = true }
            }
            if matched { results.append(HTMLNode(element, document)) }
            if let child = firstElement(from: element.pointee.children) {
                frame += 1
                current = child
                continue
            }
            stack.removeLast(groups.count)
            var climbing = element
            while true {
                if let sibling = firstElement(from: climbing.pointee.next) {
                    current = sibling
                    break
                }
                guard frame > 0, let parent = climbing.pointee.parent else {
                    current = nil
                    break
                }
                frame -= 1
                stack.removeLast(groups.count)
                climbing = parent
            }
        }
        return results
    }

    private func firstElement(from start: xmlNodePtr?) -> xmlNodePtr? {
        var node = start
        while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.next }
        return node
    }
}

/// Which prefixes of a complex selector match at an element: `here` bit k means compounds 0…k match with
/// compound k on the element; `above` is the union of `here` over its ancestors.
struct SelectorState {
    var above: UInt64 = 0
    var here: UInt64 = 0

    func child(entering element: xmlNodePtr, group: CSSSelector.Complex) -> SelectorState {
        let parentHere = here
        let newAbove = above | here
        var newHere: UInt64 = 0
        for (k, compound) in group.compounds.enumerated() {
            let reachable: Bool
            if k == 0 {
                reachable = true
            } else if group.childCombinator[k - 1] {
                reachable = parentHere & (1 << UInt64(k - 1)) != 0
            } else {
                reachable = newAbove & (1 << UInt64(k - 1)) != 0
            }
            if reachable, compound.matches(element) { newHere |= 1 << UInt64(k) }
        }
        return SelectorState(above: newAbove, here: newHere)
    }

    func matchesLast(of group: CSSSelector.Complex) -> Bool {
        here & (1 << UInt64(group.compounds.count - 1)) != 0
    }
}

extension CSSSelector.Compound {
    func matches(_ element: xmlNodePtr) -> Bool {
        if let tag {
            guard let name = element.pointee.name, equalsCString(name, tag) else { return false }
        }
        for condition in conditions {
            switch condition {
            case .id(let value):
                guard let actual = attributeValue(element, "id"), equalsCString(actual, value) else { return false }
            case .className(let value):
                guard let actual = attributeValue(element, "class"), containsWord(actual, value) else { return false }
            case .attribute(let name, let operation, let value):
                guard let actual = attributeValue(element, name) else { return false }
                if !Self.apply(operation, actual, value) { return false }
            }
        }
        return true
    }

    private func attributeValue(_ element: xmlNodePtr, _ name: String) -> UnsafePointer<UInt8>? {
        guard let attribute = HTMLNode.findAttribute(name, of: element) else { return nil }
        return HTMLNode.simpleValue(of: attribute) ?? HTMLNode.emptyCString
    }

    private static func apply(_ operation: CSSSelector.Operation, _ actual: UnsafePointer<UInt8>, _ value: [UInt8]) -> Bool {
        var length = 0
        while actual[length] != 0 { length += 1 }
        let bytes = UnsafeBufferPointer(start: actual, count: length)
        switch operation {
        case .exists: return true
        case .equals: return bytes.elementsEqual(value)
        case .includesWord: return !value.isEmpty && containsWord(actual, value)
        case .prefix: return !value.isEmpty && bytes.starts(with: value)
        case .suffix: return !value.isEmpty && length >= value.count && bytes[(length - value.count)...].elementsEqual(value)
        case .contains:
            guard !value.isEmpty, length >= value.count else { return false }
            for start in 0...(length - value.count) where bytes[start..<(start + value.count)].elementsEqual(value) {
                return true
            }
            return false
        case .dashPrefix:
            return bytes.elementsEqual(value)
                || (bytes.starts(with: value) && length > value.count && bytes[value.count] == UInt8(ascii: "-"))
        }
    }
}

private func equalsCString(_ cString: UnsafePointer<UInt8>, _ bytes: [UInt8]) -> Bool {
    for (index, byte) in bytes.enumerated() where cString[index] != byte { return false }
    return cString[bytes.count] == 0
}

/// Whether a whitespace-separated list contains `word`.
private func containsWord(_ list: UnsafePointer<UInt8>, _ word: [UInt8]) -> Bool {
    var index = 0
    while list[index] != 0 {
        while list[index] == 0x20 || list[index] == 0x09 || list[index] == 0x0A || list[index] == 0x0D || list[index] == 0x0C {
            index += 1
        }
        let start = index
        while list[index] != 0, list[index] != 0x20, list[index] != 0x09, list[index] != 0x0A, list[index] != 0x0D,
            list[index] != 0x0C
        {
            index += 1
        }
        if index - start == word.count, word.indices.allSatisfy({ list[start + $0] == word[$0] }) { return true }
    }
    return false
}
