import WinnowCore
import WinnowHTML

/// A kind of boilerplate the clean stage can remove or keep, each switchable in `pipeline.json`.
public enum BoilerplateCategory: String, CaseIterable, Sendable {
    /// `<video>`, `<audio>` and player blocks.
    case video
    /// Comment sections (and their forms).
    case comments
    /// Share and social-media widgets.
    case share
    /// Advertisements and sponsored slots.
    case ads
    /// Cookie and consent banners (and other overlays).
    case consent
    /// Navigation, site headers and footers, sidebars.
    case navigation
    /// Breadcrumb trails.
    case breadcrumbs
    /// Related-article, next-article and recommendation teasers.
    case related
    /// Newsletter sign-ups, subscription prompts and paywall notices.
    case newsletter
    /// Bylines and datelines.
    case bylines
}

/// What the clean stage does with one category of boilerplate.
public enum CategoryMode: String, Sendable {
    /// Remove it from the document.
    case drop
    /// Leave it in place.
    case keep
    /// Remove it and put its text into `record.content.comments` (comments only).
    case separate
    /// Remove it and record what it says (authors, dates) in `record.metadata` (bylines only).
    case metadata
}

/// The validated settings of a clean stage.
struct CleanConfiguration: Sendable {
    var modes: [BoilerplateCategory: CategoryMode]
    var selectMainContent: Bool
    var keepSelectors: [CSSSelector]
    var dropSelectors: [CSSSelector]
    var limits: HTMLLimits

    /// The mode of a category (`drop` when unset).
    func mode(_ category: BoilerplateCategory) -> CategoryMode { modes[category] ?? .drop }

    /// Whether the category is removed from the document (in any way).
    func removes(_ category: BoilerplateCategory) -> Bool { mode(category) != .keep }

    static let optionSpecs: [OptionSpec] = {
        var specs: [OptionSpec] = []
        let summaries: [BoilerplateCategory: String] = [
            .video: "Video and audio blocks (players, <video>, <audio>): drop or keep.",
            .comments: "Comment sections: drop, keep, or separate (their text goes to content.comments).",
            .share: "Share and social-media widgets: drop or keep.",
            .ads: "Advertisements and sponsored slots: drop or keep.",
            .consent: "Cookie and consent banners and other overlays: drop or keep.",
            .navigation: "Navigation, site headers and footers, sidebars (<nav>, <aside>, ARIA landmarks): drop or keep.",
            .breadcrumbs: "Breadcrumb trails: drop or keep.",
            .related: "Related-article, next-article and recommendation teasers: drop or keep.",
            .newsletter: "Newsletter sign-ups, subscription prompts and paywall notices: drop or keep.",
            .bylines: "Bylines and datelines: metadata (remove from the text; record authors and the dateline's date "
                + "in metadata when those are empty), keep, or drop.",
        ]
        for category in BoilerplateCategory.allCases {
            let choices: [String]
            let defaultValue: String
            switch category {
            case .comments: (choices, defaultValue) = (["drop", "keep", "separate"], "drop")
            case .bylines: (choices, defaultValue) = (["metadata", "keep", "drop"], "metadata")
            default: (choices, defaultValue) = (["drop", "keep"], "drop")
            }
            specs.append(OptionSpec(category.rawValue, .choice(choices), default: .string(defaultValue),
                                    summary: summaries[category] ?? ""))
        }
        specs += [
            OptionSpec("mainContent", .boolean, default: true,
                       summary: "Select the main content (best-scoring container plus the blocks that belong to it) "
                           + "and remove the rest; false removes the boilerplate categories only."),
            OptionSpec("keep", .list(.string), default: [],
                       summary: "CSS selectors (tag, .class, #id, [attr], descendant) of elements never removed."),
            OptionSpec("drop", .list(.string), default: [],
                       summary: "CSS selectors of elements always removed (applied first)."),
            OptionSpec("maxBytes", .byteSize, default: "20MB",
                       summary: "The largest HTML body accepted; larger records fail with a too-large error."),
            OptionSpec("maxNodes", .integer(1...Int.max), default: 2_000_000,
                       summary: "The largest number of DOM nodes accepted; larger records fail with a too-large error."),
        ]
        return specs
    }()

    init(options: StageOptions) throws {
        var modes: [BoilerplateCategory: CategoryMode] = [:]
        for category in BoilerplateCategory.allCases {
            let raw = options.string(category.rawValue) ?? (category == .bylines ? "metadata" : "drop")
            guard let mode = CategoryMode(rawValue: raw) else {
                throw StageError(.invalidInput, "clean option '\(category.rawValue)': unknown value '\(raw)'")
            }
            modes[category] = mode
        }
        self.modes = modes
        selectMainContent = options.bool("mainContent") ?? true
        keepSelectors = try Self.selectors(options.strings("keep") ?? [], option: "keep")
        dropSelectors = try Self.selectors(options.strings("drop") ?? [], option: "drop")
        let maxBytes = options.byteSize("maxBytes") ?? 20_000_000
        limits = HTMLLimits(maxBytes: Int(clamping: maxBytes), maxNodes: options.int("maxNodes") ?? 2_000_000)
    }

    private static func selectors(_ texts: [String], option: String) throws -> [CSSSelector] {
        try texts.map { text in
            do {
                return try CSSSelector(text)
            } catch let error as StageError {
                throw StageError(error.code, "clean option '\(option)': \(error.message)")
            }
        }
    }
}
