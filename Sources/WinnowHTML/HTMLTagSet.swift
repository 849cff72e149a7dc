internal import CLibXML2

/// A set of tag names with a membership test that allocates nothing, for hot tree walks.
///
/// ```swift
/// let boilerplate: HTMLTagSet = ["nav", "footer", "aside"]
/// let hits = root.descendants.filter { boilerplate.contains($0) }
/// ```
public struct HTMLTagSet: Sendable, ExpressibleByArrayLiteral {
    /// Names packed into two words (names up to 16 bytes), in an open-addressing table.
    private var slots: [PackedName?]
    private var mask: Int
    /// Names longer than 16 bytes, compared byte by byte.
    private var longNames: [[UInt8]]
    /// The names in the set.
    public let names: Set<String>

    /// A set of lower-case tag names.
    public init(_ names: some Sequence<String>) {
        let unique = Set(names.map { $0.lowercased() })
        self.names = unique
        var capacity = 8
        while capacity < unique.count * 2 { capacity <<= 1 }
        slots = Array(repeating: nil, count: capacity)
        mask = capacity - 1
        longNames = []
        for name in unique {
            let bytes = Array(name.utf8)
            guard let packed = PackedName(bytes) else {
                longNames.append(bytes)
                continue
            }
            var slot = packed.slot & mask
            while slots[slot] != nil { slot = (slot + 1) & mask }
            slots[slot] = packed
        }
    }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    /// Whether `node` is an element whose name is in the set.
    public func contains(_ node: HTMLNode) -> Bool {
        guard node.pointer.pointee.type == XML_ELEMENT_NODE, let name = node.pointer.pointee.name else { return false }
        return contains(name: name)
    }

    /// Whether the set holds `name` (lower case).
    public func contains(_ name: String) -> Bool { names.contains(name) }

    func contains(name: UnsafePointer<UInt8>) -> Bool {
        guard let packed = PackedName(cString: name) else {
            return longNames.contains { candidate in
                var index = 0
                for byte in candidate {
                    if name[index] != byte { return false }
                    index += 1
                }
                return name[index] == 0
            }
        }
        var slot = packed.slot & mask
        while let candidate = slots[slot] {
            if candidate == packed { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Up to 16 bytes of a name in two little-endian words; the length makes prefixes distinct.
    struct PackedName: Equatable, Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        init?(_ bytes: [UInt8]) {
            guard bytes.count <= 16, !bytes.isEmpty else { return nil }
            for (index, byte) in bytes.enumerated() { set(byte, at: index) }
        }

        @inline(__always)
        init?(cString: UnsafePointer<UInt8>) {
            var index = 0
            while cString[index] != 0 {
                guard index < 16 else { return nil }
                set(cString[index], at: index)
                index += 1
            }
            if index == 0 { return nil }
        }

        @inline(__always)
        private mutating func set(_ byte: UInt8, at index: Int) {
            if index < 8 { low |= UInt64(byte) << (8 * UInt64(index)) } else { high |= UInt64(byte) << (8 * UInt64(index - 8)) }
        }

        /// A cheap multiplicative hash (not Swift's seeded hashing: the table is private and small).
        var slot: Int {
            Int(truncatingIfNeeded: ((low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD) >> 29)
        }
    }
}
