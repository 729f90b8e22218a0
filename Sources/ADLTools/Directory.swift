// Folder listings for file-name completion.

@preconcurrency import Glibc
import ADL

enum Directory {
    /// The entries of `folder` ("" is the working folder, a leading `~/` is the home
    /// folder), with whether each is a folder; nil when it cannot be read.
    static func entries(_ folder: String) -> [(name: String, isDirectory: Bool)]? {
        var path = folder.isEmpty ? "." : folder
        if path.hasPrefix("~/"), let home = System.environment("HOME") { path = home + path.dropFirst() }
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var out: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            var isDirectory = Int32(entry.pointee.d_type) == DT_DIR
            if Int32(entry.pointee.d_type) == DT_UNKNOWN || Int32(entry.pointee.d_type) == DT_LNK {
                var info = stat()
                isDirectory = stat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            out.append((name, isDirectory))
        }
        return out
    }
}
