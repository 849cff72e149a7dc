import Foundation

/// Turns the dates pages write (ISO 8601, RFC 1123, epoch times, `01.02.2022`, `February 1, 2022`,
/// `1 février 2022`) into ISO 8601, and finds dates in URL paths.
///
/// Output keeps what the input said and nothing more: a date stays a date (`2022-02-01`), a date-time without
/// zone stays local (`2022-02-01T18:41:00`), a given offset is kept (`+01:00`), and UTC (`Z`, `GMT`, `UTC`,
/// epoch times) is written `Z`. Dates before 1995 or after next year, and impossible ones, are rejected.
enum DateNormalizer {
    /// The earliest year accepted (the web before it published few dated pages).
    static let earliestYear = 1995

    /// The latest year accepted: next year (pages announce, but do not publish, the future).
    static let latestYear: Int = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.component(.year, from: Date()) + 1
    }()

    /// Inputs longer than this are cut before the textual scan (dates are short; containers are not dates).
    static let maximumScannedBytes = 160

    /// The ISO 8601 form of `value`, or `nil` when it holds no plausible date.
    static func normalize(_ value: String) -> String? {
        var bytes = Array(value.utf8.prefix(maximumScannedBytes))
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        var start = 0
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count else { return nil }
        if start > 0 { bytes.removeFirst(start) }
        if let epoch = epochDate(bytes) { return epoch.iso }
        if let iso = isoDate(bytes) { return iso.iso }
        return textualDate(bytes)?.iso
    }

    /// The date a URL's path spells (`/2022/02/01/`, `/2022-02-01/`, `/20220201/`, `slug-2022-02-01.html`),
    /// as `YYYY-MM-DD`.
    static func date(inURL url: String) -> String? {
        let bytes = Array(url.utf8)
        var index = 0
        if let scheme = firstIndex(of: Array("://".utf8), in: bytes) {
            index = scheme + 3
            while index < bytes.count, bytes[index] != UInt8(ascii: "/") { index += 1 }
        }
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
        let path = Array(bytes[index..<end])
        var position = 0
        while position < path.count {
            guard isDigit(path[position]), position == 0 || !isDigit(path[position - 1]) else {
                position += 1
                continue
            }
            let run = digitRun(path, from: position)
            if run.count == 8, let date = CivilDate(year: run.value / 10000, month: run.value / 100 % 100,
                                                   day: run.value % 100) {
                return date.iso
            }
            if run.count == 4, let date = separatedURLDate(path, yearAt: position, year: run.value) {
                return date.iso
            }
            position += run.count
        }
        return nil
    }

    /// `YYYY/MM/DD`, `YYYY-MM-DD` or `YYYY_MM_DD` starting at `index`, the day not followed by a digit.
    private static func separatedURLDate(_ path: [UInt8], yearAt index: Int, year: Int) -> CivilDate? {
        let separatorIndex = index + 4
        guard separatorIndex < path.count else { return nil }
        let separator = path[separatorIndex]
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: "_") else {
            return nil
        }
        let month = digitRun(path, from: separatorIndex + 1)
        let secondSeparator = separatorIndex + 1 + month.count
        guard (1...2).contains(month.count), secondSeparator < path.count, path[secondSeparator] == separator else {
            return nil
        }
        let day = digitRun(path, from: secondSeparator + 1)
        guard (1...2).contains(day.count) else { return nil }
        return CivilDate(year: year, month: month.value, day: day.value)
    }

    // MARK: Epoch times

    /// Ten digits are seconds, thirteen milliseconds since 1970, in UTC.
    private static func epochDate(_ bytes: [UInt8]) -> DateTime? {
        guard bytes.count == 10 || bytes.count == 13, bytes.allSatisfy(isDigit) else { return nil }
        let run = digitRun(bytes, from: 0)
        let seconds = bytes.count == 13 ? run.value / 1000 : run.value
        let days = seconds / 86_400
        let remainder = seconds % 86_400
        let (year, month, day) = civilDate(fromDaysSinceEpoch: days)
        guard let date = CivilDate(year: year, month: month, day: day) else { return nil }
        return DateTime(date: date, time: Time(hour: remainder / 3600, minute: remainder / 60 % 60,
                                               second: remainder % 60, zone: .utc))
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (days ≥ 0).
    static func civilDate(fromDaysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        // Count in 400-year eras starting on 0000-03-01, so that leap days fall at the end of a year.
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    // MARK: ISO 8601 and its relatives

    /// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` or `YYYYMMDD` at the start, then an optional time and zone;
    /// trailing text after a complete date is ignored.
    private static func isoDate(_ bytes: [UInt8]) -> DateTime? {
        let year = digitRun(bytes, from: 0)
        var index: Int
        let date: CivilDate
        if year.count == 8 {
            guard let compact = CivilDate(year: year.value / 10000, month: year.value / 100 % 100, day: year.value % 100)
            else { return nil }
            date = compact
            index = 8
        } else {
            guard year.count == 4, bytes.count > 4 else { return nil }
            let separator = bytes[4]
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".")
            else { return nil }
            let month = digitRun(bytes, from: 5)
            guard (1...2).contains(month.count), 5 + month.count < bytes.count, bytes[5 + month.count] == separator
            else { return nil }
            let day = digitRun(bytes, from: 6 + month.count)
            guard (1...2).contains(day.count),
                let parsed = CivilDate(year: year.value, month: month.value, day: day.value)
            else { return nil }
            date = parsed
            index = 6 + month.count + day.count
        }
        guard index < bytes.count else { return DateTime(date: date, time: nil) }
        guard bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") else {
            return isDigit(bytes[index]) ? nil : DateTime(date: date, time: nil)
        }
        var scanner = ByteScanner(bytes: bytes, index: index + 1)
        guard var time = scanner.clockTime() else { return DateTime(date: date, time: nil) }
        scanner.skipSpaces()
        time.zone = scanner.zone()
        return DateTime(date: date, time: time)
    }

    // MARK: Dates in words and day-first numbers

    /// A date found among the words of `bytes`: `D.M.YYYY`, `D/M/YYYY`, `D Month YYYY`, `Month D, YYYY`,
    /// `YYYY/MM/DD`, with an optional clock time and zone after it.
    private static func textualDate(_ bytes: [UInt8]) -> DateTime? {
        let tokens = DateToken.tokenize(bytes)
        var index = 0
        while index < tokens.count {
            if let (date, next) = date(in: tokens, at: index) {
                return DateTime(date: date, time: time(in: tokens, from: next))
            }
            index += 1
        }
        return nil
    }

    /// The date whose first token is `tokens[index]`, and the index after it.
    private static func date(in tokens: [DateToken], at index: Int) -> (CivilDate, Int)? {
        switch tokens[index] {
        case .number(let first, let firstDigits):
            if let numeric = numericDate(in: tokens, at: index, first: first, firstDigits: firstDigits) {
                return numeric
            }
            guard firstDigits <= 2 else { return nil }
            var cursor = skipFillers(tokens, from: index + 1, allowingOrdinals: true)
            guard cursor < tokens.count, case .word(let word) = tokens[cursor], let month = month(named: word) else {
                return nil
            }
            cursor = skipFillers(tokens, from: cursor + 1, allowingOrdinals: false)
            guard cursor < tokens.count, case .number(let year, 4) = tokens[cursor],
                let date = CivilDate(year: year, month: month, day: first)
            else { return nil }
            return (date, cursor + 1)
        case .word(let word):
            guard let month = month(named: word) else { return nil }
            var cursor = skipFillers(tokens, from: index + 1, allowingOrdinals: false)
            guard cursor < tokens.count, case .number(let day, let dayDigits) = tokens[cursor], dayDigits <= 2 else {
                return nil
            }
            cursor = skipFillers(tokens, from: cursor + 1, allowingOrdinals: true)
            guard cursor < tokens.count, case .number(let year, 4) = tokens[cursor],
                let date = CivilDate(year: year, month: month, day: day)
            else { return nil }
            return (date, cursor + 1)
        case .punctuation:
            return nil
        }
    }

    /// `D.M.YYYY`, `D-M-YYYY`, `D/M/YYYY` (day first unless the second number cannot be a month) or
    /// `YYYY/M/D`, the separators equal.
    private static func numericDate(in tokens: [DateToken], at index: Int, first: Int, firstDigits: Int) -> (CivilDate, Int)? {
        guard index + 4 < tokens.count, case .punctuation(let separator) = tokens[index + 1],
            separator == UInt8(ascii: ".") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-"),
            case .number(let second, let secondDigits) = tokens[index + 2], secondDigits <= 2,
            case .punctuation(separator) = tokens[index + 3],
            case .number(let third, let thirdDigits) = tokens[index + 4]
        else { return nil }
        if firstDigits == 4, thirdDigits <= 2 {
            return CivilDate(year: first, month: second, day: third).map { ($0, index + 5) }
        }
        guard firstDigits <= 2, thirdDigits == 4 else { return nil }
        if separator == UInt8(ascii: "/"), second > 12, first <= 12 {
            return CivilDate(year: third, month: first, day: second).map { ($0, index + 5) }
        }
        return CivilDate(year: third, month: second, day: first).map { ($0, index + 5) }
    }

    /// The index of the first token at or after `index` that is not a filler (`,`, `.`, `de`, `of`, `the`,
    /// and ordinal suffixes when `allowingOrdinals`).
    private static func skipFillers(_ tokens: [DateToken], from index: Int, allowingOrdinals: Bool) -> Int {
        var cursor = index
        while cursor < tokens.count {
            switch tokens[cursor] {
            case .punctuation(let byte) where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "."):
                cursor += 1
            case .word(let word) where fillerWords.contains(word) || (allowingOrdinals && ordinalSuffixes.contains(word)):
                cursor += 1
            default:
                return cursor
            }
        }
        return cursor
    }

    /// A clock time starting within a few tokens of `index` (`18:41`, `18:41:00`, `6:41 pm`, `18h41`), with
    /// its zone.
    private static func time(in tokens: [DateToken], from index: Int) -> Time? {
        var cursor = index
        let limit = min(tokens.count, index + 4)
        while cursor < limit {
            if case .number(let hour, let hourDigits) = tokens[cursor], hourDigits <= 2, cursor + 2 < tokens.count,
                case .number(let minute, 2) = tokens[cursor + 2]
            {
                switch tokens[cursor + 1] {
                case .punctuation(UInt8(ascii: ":")), .word("h"):
                    return clockTime(in: tokens, hour: hour, minute: minute, after: cursor + 3)
                default:
                    break
                }
            }
            cursor += 1
        }
        return nil
    }

    private static func clockTime(in tokens: [DateToken], hour: Int, minute: Int, after index: Int) -> Time? {
        var cursor = index
        var second = 0
        if cursor + 1 < tokens.count, case .punctuation(UInt8(ascii: ":")) = tokens[cursor],
            case .number(let value, 2) = tokens[cursor + 1]
        {
            second = value
            cursor += 2
        }
        var hour = hour
        if cursor < tokens.count, case .word(let word) = tokens[cursor], word == "am" || word == "pm" || word == "a.m"
            || word == "p.m"
        {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (word.hasPrefix("p") ? 12 : 0)
            cursor += 1
        }
        guard hour < 24, minute < 60, second < 61 else { return nil }
        return Time(hour: hour, minute: minute, second: second, zone: zone(in: tokens, at: cursor))
    }

    /// `GMT`, `UTC`, `Z`, a named zone, or `+HHMM` / `+HH:MM` / `GMT+1` at `index`.
    private static func zone(in tokens: [DateToken], at index: Int) -> Zone? {
        guard index < tokens.count else { return nil }
        switch tokens[index] {
        case .word(let word):
            if word == "gmt" || word == "utc" || word == "z" {
                return offsetZone(in: tokens, at: index + 1) ?? .utc
            }
            return namedZones[word].map(Zone.offset)
        case .punctuation:
            return offsetZone(in: tokens, at: index)
        case .number:
            return nil
        }
    }

    private static func offsetZone(in tokens: [DateToken], at index: Int) -> Zone? {
        guard index + 1 < tokens.count, case .punctuation(let sign) = tokens[index],
            sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            case .number(let value, let digits) = tokens[index + 1]
        else { return nil }
        let minutes: Int
        switch digits {
        case 4:
            minutes = value / 100 * 60 + value % 100
        case 1, 2:
            if index + 3 < tokens.count, case .punctuation(UInt8(ascii: ":")) = tokens[index + 2],
                case .number(let extra, 2) = tokens[index + 3]
            {
                minutes = value * 60 + extra
            } else {
                minutes = value * 60
            }
        default:
            return nil
        }
        guard minutes <= 14 * 60 else { return nil }
        return .offset(sign == UInt8(ascii: "-") ? -minutes : minutes)
    }

    // MARK: Words

    /// Month names and abbreviations in English, French, German, Spanish, Italian, Portuguese and Dutch.
    private static let monthNames: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "janvier", "janv", "januar", "jänner", "enero", "ene", "gennaio", "gen", "janeiro", "januari"],
            ["february", "feb", "février", "fevrier", "févr", "fevr", "fév", "fev", "februar", "febrero", "febbraio",
             "fevereiro", "februari"],
            ["march", "mar", "mars", "märz", "maerz", "mär", "marzo", "março", "marco", "maart", "mrt"],
            ["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
            ["may", "mai", "mayo", "maggio", "mag", "maio", "mei"],
            ["june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho"],
            ["july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug", "julho"],
            ["august", "aug", "août", "aout", "agosto", "augustus"],
            ["september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "set", "setembro"],
            ["october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out"],
            ["november", "nov", "novembre", "noviembre", "novembro"],
            ["december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre",
             "dezembro", "desember"],
        ]
        var table: [String: Int] = [:]
        for (index, group) in names.enumerated() {
            for name in group { table[name] = index + 1 }
        }
        return table
    }()

    private static let fillerWords: Set<String> = ["de", "of", "the", "del", "di", "den", "der", "le", "el"]
    private static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th", "er", "re", "º", "o"]
    private static let namedZones: [String: Int] = [
        "cet": 60, "cest": 120, "met": 60, "mest": 120, "mez": 60, "mesz": 120, "bst": 60, "wet": 0, "west": 60,
        "eet": 120, "eest": 180, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
        "pst": -480, "pdt": -420,
    ]

    private static func month(named word: String) -> Int? { monthNames[word] }

    // MARK: Bytes

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }

    /// The value and length of the run of digits at `index` (at most 13 digits are read into the value).
    static func digitRun(_ bytes: [UInt8], from index: Int) -> (value: Int, count: Int) {
        var value = 0
        var cursor = index
        while cursor < bytes.count, isDigit(bytes[cursor]) {
            if cursor - index < 13 { value = value * 10 + Int(bytes[cursor] - 0x30) }
            cursor += 1
        }
        return (value, cursor - index)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

/// A valid calendar date within the accepted years.
struct CivilDate: Equatable {
    let year: Int
    let month: Int
    let day: Int

    init?(year: Int, month: Int, day: Int) {
        guard (DateNormalizer.earliestYear...DateNormalizer.latestYear).contains(year), (1...12).contains(month),
            day >= 1, day <= CivilDate.days(inMonth: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    var iso: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
}

/// A time zone as written: UTC, or an offset in minutes.
enum Zone: Equatable {
    case utc
    case offset(Int)
}

/// A clock time with an optional zone.
struct Time: Equatable {
    var hour: Int
    var minute: Int
    var second: Int
    var zone: Zone?
}

/// A date with an optional time.
struct DateTime {
    let date: CivilDate
    let time: Time?

    var iso: String {
        guard let time else { return date.iso }
        var result = "\(date.iso)T\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
        switch time.zone {
        case .none:
            break
        case .utc:
            result += "Z"
        case .offset(let minutes):
            result += minutes < 0 ? "-" : "+"
            result += "\(pad(abs(minutes) / 60, 2)):\(pad(abs(minutes) % 60, 2))"
        }
        return result
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// A cursor over the bytes of an ISO 8601 time and zone.
private struct ByteScanner {
    let bytes: [UInt8]
    var index: Int

    mutating func skipSpaces() {
        while index < bytes.count, DateNormalizer.isSpace(bytes[index]) { index += 1 }
    }

    /// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff` (fractions dropped).
    mutating func clockTime() -> Time? {
        let hour = DateNormalizer.digitRun(bytes, from: index)
        guard hour.count == 2, index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: ":") else { return nil }
        let minute = DateNormalizer.digitRun(bytes, from: index + 3)
        guard minute.count == 2 else { return nil }
        index += 5
        var second = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            let run = DateNormalizer.digitRun(bytes, from: index + 1)
            guard run.count == 2 else { return nil }
            second = run.value
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                index += 1 + DateNormalizer.digitRun(bytes, from: index + 1).count
            }
        }
        guard hour.value < 24, minute.value < 60, second < 61 else { return nil }
        return Time(hour: hour.value, minute: minute.value, second: second, zone: nil)
    }

    /// `Z`, `+HH:MM`, `+HHMM`, `+HH`, `GMT`, `UTC` (optionally followed by an offset).
    mutating func zone() -> Zone? {
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        if byte == UInt8(ascii: "Z") || byte == UInt8(ascii: "z") { return .utc }
        if index + 2 < bytes.count {
            let word = String(decoding: bytes[index..<(index + 3)], as: UTF8.self).lowercased()
            if word == "gmt" || word == "utc" {
                index += 3
                return offset() ?? .utc
            }
        }
        return offset()
    }

    private mutating func offset() -> Zone? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else {
            return nil
        }
        let negative = bytes[index] == UInt8(ascii: "-")
        let hours = DateNormalizer.digitRun(bytes, from: index + 1)
        var minutes = 0
        switch hours.count {
        case 4:
            minutes = hours.value / 100 * 60 + hours.value % 100
        case 2:
            minutes = hours.value * 60
            let colon = index + 3
            if colon < bytes.count, bytes[colon] == UInt8(ascii: ":") {
                let extra = DateNormalizer.digitRun(bytes, from: colon + 1)
                guard extra.count == 2 else { return nil }
                minutes += extra.value
            }
        default:
            return nil
        }
        guard minutes <= 14 * 60 else { return nil }
        return .offset(negative ? -minutes : minutes)
    }
}

/// A token of a date written in words: a number, a lower-cased word, or one punctuation byte.
enum DateToken: Equatable {
    case number(Int, digits: Int)
    case word(String)
    case punctuation(UInt8)

    /// Splits bytes into numbers, words (letters, non-ASCII bytes and inner dots, as in `a.m`) and
    /// punctuation; whitespace separates tokens and is dropped.
    static func tokenize(_ bytes: [UInt8]) -> [DateToken] {
        var tokens: [DateToken] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isNoBreakSpace(bytes, at: index) {
                index += 2
            } else if DateNormalizer.isDigit(byte) {
                let run = DateNormalizer.digitRun(bytes, from: index)
                tokens.append(.number(run.value, digits: run.count))
                index += run.count
            } else if isLetter(byte) {
                var end = index
                while end < bytes.count, isLetter(bytes[end]) && !isNoBreakSpace(bytes, at: end)
                    || (bytes[end] == UInt8(ascii: ".") && end + 1 < bytes.count && isLetter(bytes[end + 1])
                        && end > index && bytes[end - 1] != UInt8(ascii: "."))
                {
                    end += 1
                }
                tokens.append(.word(String(decoding: bytes[index..<end], as: UTF8.self).lowercased()))
                index = end
            } else {
                if !DateNormalizer.isSpace(byte) { tokens.append(.punctuation(byte)) }
                index += 1
            }
        }
        return tokens
    }

    private static func isNoBreakSpace(_ bytes: [UInt8], at index: Int) -> Bool {
        bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
    }
}
