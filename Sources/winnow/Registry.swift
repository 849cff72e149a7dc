import WinnowBuiltinStages
import WinnowCore
import WinnowRunner

/// The stages and inputs the CLI knows: the built-in stages plus the runner's standard inputs.
enum CLIRegistry {
    static var standard: StageRegistry {
        var registry = BuiltinStages.registry
        StandardSources.register(into: &registry)
        return registry
    }
}
