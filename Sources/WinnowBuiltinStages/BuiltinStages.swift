public import WinnowCore
import ArchiveStage
import CleanStage
import EnrichStage
import ExecStage
import FetchStage
import ParseStage

/// The stages that ship with Winnow, ready to register: fetch, clean, parse, enrich, archive and exec.
public enum BuiltinStages {
    /// The factories of every built-in stage, in pipeline order.
    public static let factories: [StageFactory] = [
        StageFactory(FetchStage.self),
        StageFactory(CleanStage.self),
        StageFactory(ParseStage.self),
        StageFactory(EnrichStage.self),
        StageFactory(ArchiveStage.self),
        StageFactory(ExecStage.self),
    ]

    /// A registry holding every built-in stage (and no inputs: the runner adds those).
    public static var registry: StageRegistry {
        var registry = StageRegistry()
        for factory in factories { registry.register(factory) }
        return registry
    }
}
