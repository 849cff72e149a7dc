#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WinnowCore

/// How an output file is opened when it already exists.
public enum ExistingFilePolicy: Sendable {
    /// Truncate and rewrite it.
    case overwrite
    /// Add to its end (valid for gzip: members simply follow each other).
    case append
    /// Refuse with an error.
    case fail
}

/// A file opened for writing through a POSIX descriptor; writes loop until every byte is written.
///
/// Used from one task at a time.
final class FileOutput {
    let path: String
    private var descriptor: Int32
    /// The file's size: what was there when opened in append mode plus everything written since.
    private(set) var size: Int64

    init(path: String, existing: ExistingFilePolicy) throws {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        switch existing {
        case .overwrite: flags |= O_TRUNC
        case .append: flags |= O_APPEND
        case .fail: flags |= O_EXCL
        }
        let opened = open(path, flags, 0o644)
        guard opened >= 0 else {
            let code = errno
            if code == EEXIST {
                throw StageError(.io, "\(path) already exists; remove it or allow overwriting")
            }
            throw StageError(.io, "cannot open \(path) for writing: \(String(cString: strerror(code)))")
        }
        descriptor = opened
        self.path = path
        let end = lseek(opened, 0, SEEK_END)
        size = end > 0 ? Int64(end) : 0
    }

    deinit {
        if descriptor >= 0 { _ = Self.closeDescriptor(descriptor) }
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Writes all of `bytes`, retrying after interrupts and short writes; on failure the file is truncated back
    /// to its size before the call.
    func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw StageError(.io, "\(path) is already closed") }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Self.writeDescriptor(
                    descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    // Cut off the partial write, so the file still ends after a complete piece (a gzip member).
                    _ = ftruncate(descriptor, off_t(size))
                    throw StageError(.io, "cannot write to \(path): \(String(cString: strerror(code)))")
                }
                offset += written
            }
        }
        size += Int64(bytes.count)
    }

    /// Closes the descriptor; later writes throw. Closing twice does nothing.
    func close() throws {
        guard descriptor >= 0 else { return }
        let status = Self.closeDescriptor(descriptor)
        descriptor = -1
        if status != 0 {
            throw StageError(.io, "cannot close \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func writeDescriptor(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
        Darwin.write(fd, pointer, count)
        #elseif canImport(Musl)
        Musl.write(fd, pointer, count)
        #else
        Glibc.write(fd, pointer, count)
        #endif
    }

    private static func closeDescriptor(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
        Darwin.close(fd)
        #elseif canImport(Musl)
        Musl.close(fd)
        #else
        Glibc.close(fd)
        #endif
    }
}

@available(*, unavailable)
extension FileOutput: Sendable {}
