import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The temporary files of uploads: an Excel workbook as it arrives (read from its end, so kept whole first) and its
/// sheet unpacked. Each name carries the process's id; every normal path removes its file, and a server that starts
/// removes those of processes that no longer run (a server killed in the middle of a 2 GB upload left 2 GB behind).
public enum UploadFiles {
    /// What a file holds, by the start of its name.
    public enum Kind: String, CaseIterable {
        case workbook = "credit-import-"
        case sheet = "credit-sheet-"
    }

    /// A new file name in the temporary directory: `credit-import-<pid>-<detail>-<uuid>.xlsx` and the like.
    public static func url(_ kind: Kind, detail: String = "") -> URL {
        let name = "\(kind.rawValue)\(getpid())-\(detail.isEmpty ? "" : detail + "-")\(UUID().uuidString).\(kind == .workbook ? "xlsx" : "xml")"
        return FileManager.default.temporaryDirectory.appendingPathComponent(name)
    }

    /// Removes the upload files of processes that no longer run; returns how many. Files of running processes (this
    /// one, or another server on the machine) are left alone, as are names without a process id.
    @discardableResult
    public static func removeOrphans(in directory: URL = FileManager.default.temporaryDirectory) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed = 0
        for name in names {
            guard let prefix = Kind.allCases.map(\.rawValue).first(where: { name.hasPrefix($0) }),
                let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap({ Int32($0) }), pid > 0,
                !isRunning(pid)
            else { continue }
            if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }

    /// Whether a process with this id exists (one of another user counts as running).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
