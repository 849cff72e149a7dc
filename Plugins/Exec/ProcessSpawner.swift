#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A started child process: its id and the parent's ends of its three standard streams.
struct SpawnedProcess: Sendable {
    /// The process id; the child also leads a process group of that id.
    var pid: pid_t
    /// The write end of the child's stdin (non-blocking, close-on-exec).
    var stdin: Int32
    /// The read end of the child's stdout (non-blocking, close-on-exec).
    var stdout: Int32
    /// The read end of the child's stderr (non-blocking, close-on-exec).
    var stderr: Int32
}

/// Starts programs with `posix_spawn`, wiring their stdin, stdout and stderr to pipes.
///
/// The child runs in its own process group (so a terminal's Ctrl-C reaches the runner, which lets in-flight
/// records finish, and a kill reaches the child's own children), with default signal dispositions and an
/// empty signal mask, in `workingDirectory`, and inherits no descriptor besides its three streams.
enum ProcessSpawner {
    /// Starts `executable` with `arguments` (the first being the program name) and `environment`
    /// (`NAME=value` entries); throws the `errno` of the failing call as a `SpawnError`.
    static func spawn(
        executable: String, arguments: [String], environment: [String], workingDirectory: String?
    ) throws(SpawnError) -> SpawnedProcess {
        let stdinPipe = try makePipe()
        let stdoutPipe: (read: Int32, write: Int32)
        let stderrPipe: (read: Int32, write: Int32)
        do {
            stdoutPipe = try makePipe()
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write])
            throw error
        }
        do {
            stderrPipe = try makePipe()
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write, stdoutPipe.read, stdoutPipe.write])
            throw error
        }
        let childEnds = [stdinPipe.read, stdoutPipe.write, stderrPipe.write]
        let parentEnds = [stdinPipe.write, stdoutPipe.read, stderrPipe.read]

        #if canImport(Glibc)
        var fileActions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var fileActions: posix_spawn_file_actions_t = nil
        var attributes: posix_spawnattr_t = nil
        #endif
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_adddup2(&fileActions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&fileActions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&fileActions, stderrPipe.write, 2)
        if let addCloseFrom = GNUExtensions.addCloseFrom {
            _ = addCloseFrom(&fileActions, 3)
        }
        if let workingDirectory, let addChangeDirectory = GNUExtensions.addChangeDirectory {
            _ = addChangeDirectory(&fileActions, workingDirectory)
        }

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let status = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        closeAll(childEnds)
        guard status == 0 else {
            closeAll(parentEnds)
            throw SpawnError(call: "posix_spawn", code: status)
        }
        for descriptor in parentEnds {
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        }
        return SpawnedProcess(pid: pid, stdin: stdinPipe.write, stdout: stdoutPipe.read, stderr: stderrPipe.read)
    }

    /// Creates a close-on-exec pipe.
    static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        // pipe2 is hidden from Swift; children started here close inherited descriptors anyway (closefrom).
        let status = pipe(&descriptors)
        if status == 0 {
            _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
        }
        guard status == 0 else { throw SpawnError(call: "pipe", code: errno) }
        return (descriptors[0], descriptors[1])
    }

    private static func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors { close(descriptor) }
    }
}

/// A failed system call while starting a child process.
struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// The call that failed.
    var call: String
    /// The `errno` value.
    var code: Int32

    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}

/// glibc's non-portable spawn actions, looked up at run time because the C headers hide them from Swift.
private enum GNUExtensions {
    typealias AddChangeDirectory = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+), when present.
    static var addChangeDirectory: AddChangeDirectory? {
        symbol("posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChangeDirectory.self) }
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), when present.
    static var addCloseFrom: AddCloseFrom? {
        symbol("posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        return dlsym(handle, name)
    }
}
