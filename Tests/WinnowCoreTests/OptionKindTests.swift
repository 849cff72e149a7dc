import Testing
import WinnowCore

struct OptionKindTests {
    @Test("byte sizes accept decimal and binary units and plain counts", arguments: [
        (JSONValue.string("20MB"), Int64(20_000_000)), ("512KiB", 524_288), ("1.5GB", 1_500_000_000), ("64k", 65_536),
        ("100", 100), (.number(4096), 4096), (" 2 mib ", 2_097_152), ("7b", 7),
    ])
    func parsesByteSizes(value: JSONValue, bytes: Int64) {
        #expect(ByteSize.parse(value) == bytes)
        #expect(OptionKind.byteSize.problems(with: value, at: "x").isEmpty)
    }

    @Test("malformed byte sizes are rejected with the path", arguments: [
        JSONValue.string("big"), "-5MB", "MB", .number(-1), .bool(true), "", "infGB", "nan", "1e30", .number(1e300),
    ])
    func rejectsByteSizes(value: JSONValue) {
        #expect(ByteSize.parse(value) == nil)
        let problems = OptionKind.byteSize.problems(with: value, at: "stages[0].with.maxBytes")
        #expect(problems.map(\.path) == ["stages[0].with.maxBytes"])
        #expect(problems.first?.message.hasPrefix("expected a size") == true)
    }

    @Test("durations accept ms, s, m, h and plain seconds", arguments: [
        (JSONValue.string("30s"), Duration.seconds(30)), ("500ms", .milliseconds(500)), ("2m", .seconds(120)),
        ("1h", .seconds(3600)), (.number(1.5), .milliseconds(1500)), ("0.25", .milliseconds(250)),
    ])
    func parsesDurations(value: JSONValue, duration: Duration) {
        #expect(DurationValue.parse(value) == duration)
    }

    @Test("malformed durations are rejected")
    func rejectsDurations() {
        for value: JSONValue in ["soon", "-1s", "5 parsecs", .array([]), "infs", "nanms", "1e300h", .number(1e300)] {
            #expect(DurationValue.parse(value) == nil, "\(value)")
            #expect(OptionKind.duration.problems(with: value, at: "t").count == 1)
        }
    }

    @Test("choices accept listed values and suggest the closest one for a typo")
    func checksChoices() {
        let kind = OptionKind.choice(["keep", "drop", "separate"])
        #expect(kind.problems(with: "drop", at: "c").isEmpty)
        let problems = kind.problems(with: "dorp", at: "stages[1].with.comments")
        #expect(problems.count == 1)
        #expect(problems[0].message == "\"dorp\" is not allowed: expected one of \"keep\", \"drop\", \"separate\" (did you mean \"drop\"?)")
        #expect(kind.problems(with: 3, at: "c").first?.message == "expected one of \"keep\", \"drop\", \"separate\", found a number 3")
    }

    @Test("integer ranges report the value and the range")
    func checksIntegers() {
        let kind = OptionKind.integer(1...9)
        #expect(kind.problems(with: 9, at: "l").isEmpty)
        #expect(kind.problems(with: 10, at: "l").first?.message == "10 is out of range: expected an integer from 1 to 9")
        #expect(kind.problems(with: 2.5, at: "l").first?.message == "expected an integer from 1 to 9, found a number 2.5")
        #expect(kind.problems(with: "high", at: "l").first?.message == "expected an integer from 1 to 9, found a string \"high\"")
        #expect(OptionKind.integer(1...Int.max).description == "an integer ≥ 1")
    }

    @Test("a huge whole number given for another type is quoted in the message without overflowing")
    func quotesHugeNumbers() {
        let problems = OptionKind.string.problems(with: .number(1e300), at: "s")
        #expect(problems.first?.message == "expected a string, found a number 1e+300")
    }

    @Test("lists check every element at its own path, and a single value counts as a list of one")
    func checksLists() {
        let kind = OptionKind.list(.choice(["jsonl", "jsonl.gz"]))
        #expect(kind.problems(with: ["jsonl", "jsonl.gz"], at: "f").isEmpty)
        #expect(kind.problems(with: "jsonl", at: "f").isEmpty)
        let problems = kind.problems(with: ["jsonl", "warc", 3], at: "stages[4].with.formats")
        #expect(problems.map(\.path) == ["stages[4].with.formats[1]", "stages[4].with.formats[2]"])
        #expect(kind.problems(with: ["a": 1], at: "f").first?.message.hasPrefix("expected a list of values from") == true)
        #expect(OptionKind.list(.string).description == "a list of strings")
    }

    @Test("options fill in defaults and read values in their declared types")
    func fillsDefaults() {
        let specs = [
            OptionSpec("level", .integer(1...9), default: 5, summary: "Level."),
            OptionSpec("size", .byteSize, default: "1KiB", summary: "Size."),
            OptionSpec("dir", .string, summary: "Directory."),
            OptionSpec("tag", .string, optional: true, summary: "Tag."),
        ]
        let options = StageOptions(["dir": "out", "level": 7], applying: specs)
        #expect(options.int("level") == 7)
        #expect(options.byteSize("size") == 1024)
        #expect(options.string("dir") == "out")
        #expect(options["tag"] == nil)
        #expect(specs.map(\.isRequired) == [false, false, true, false])
    }
}

struct NameSuggestionTests {
    @Test("a near typo gets the closest name")
    func suggestsClosest() {
        let stages = ["archive", "clean", "enrich", "fetch", "parse"]
        #expect(NameSuggestion.closest(to: "claen", among: stages) == "clean")
        #expect(NameSuggestion.closest(to: "Parse", among: stages) == "parse")
        #expect(NameSuggestion.closest(to: "archiv", among: stages) == "archive")
        #expect(NameSuggestion.closest(to: "fecth", among: stages) == "fetch")
    }

    @Test("a name far from every candidate gets no suggestion")
    func declinesDistantNames() {
        #expect(NameSuggestion.closest(to: "translate", among: ["archive", "clean", "fetch"]) == nil)
        #expect(NameSuggestion.closest(to: "x", among: []) == nil)
    }
}
