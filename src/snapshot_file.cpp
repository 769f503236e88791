// Snapshot files written atomically (see include/relscore/snapshot.hpp).
//
// Design notes
// - The temporary file is created with mkstemp() in the destination's directory, so the
//   final rename() never crosses file systems and is atomic (POSIX).
// - fsync(file) before rename(): otherwise a crash soon after the rename may expose a
//   renamed but empty file (ext4 delayed allocation). fsync(directory) after rename():
//   makes the rename itself durable.
// - The new file gets the mode of the one it replaces (a new one: 0600, as mkstemp makes it).
// - Any failure removes the temporary file and leaves the destination as it was.

#include <relscore/snapshot.hpp>

#include "snapshot_format.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

RELSCORE_BEGIN_NAMESPACE
namespace {

[[noreturn]] void fail(const char* what, const std::filesystem::path& path, int err) {
    throw file_error(fmt::format("relscore::save_snapshot(): {} '{}': {}", what, path.string(), std::strerror(err)));
}

void step(detail::save_step s) {
    if (detail::save_snapshot_hook) detail::save_snapshot_hook(s);
}

// Closes the descriptor and removes the temporary file unless the save completed.
struct temp_file {
    std::string path;
    int fd = -1;
    bool keep = false;
    ~temp_file() {
        if (fd >= 0) ::close(fd);
        if (!keep) ::unlink(path.c_str());
    }
};

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path, errno);
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

}  // namespace

void save_snapshot(const scorer& s, const std::filesystem::path& path) { write_file_atomically(path, s.to_bytes()); }

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");

    temp_file tmp;
    tmp.path = path.string() + ".tmp-XXXXXX";
    tmp.fd = ::mkstemp(tmp.path.data());
    if (tmp.fd < 0) {
        tmp.keep = true;  // nothing was created
        fail("cannot create a temporary file beside", path, errno);
    }
    // mkstemp() makes the file private (0600): keep that for a new snapshot (it holds
    // people's names), but keep the mode of the snapshot being replaced.
    if (struct stat existing{}; ::stat(path.c_str(), &existing) == 0) ::fchmod(tmp.fd, existing.st_mode & 07777);
    step(detail::save_step::temp_opened);
    const std::size_t half = bytes.size() / 2;
    write_all(tmp.fd, bytes.data(), half, tmp.path);
    step(detail::save_step::half_written);
    write_all(tmp.fd, bytes.data() + half, bytes.size() - half, tmp.path);
    step(detail::save_step::written);
    if (::fsync(tmp.fd) != 0) fail("cannot fsync", tmp.path, errno);
    step(detail::save_step::file_synced);
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) fail("cannot close", tmp.path, errno);
    if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail("cannot rename the temporary file to", path, errno);
    tmp.keep = true;  // it is `path` now
    step(detail::save_step::renamed);
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) fail("cannot open directory", dir, errno);
    const int synced = ::fsync(dir_fd);
    const int err = errno;
    ::close(dir_fd);
    if (synced != 0) fail("cannot fsync directory", dir, err);
    step(detail::save_step::dir_synced);
}

scorer load_snapshot(const std::filesystem::path& path) {
    const auto bad_snapshot = [&](const parse_error& e) {
        return parse_error(path.string(), 0, 0, "", fmt::format("relscore::load_snapshot(): '{}': {}", path.string(), e.what()));
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw file_error(fmt::format("relscore::load_snapshot(): cannot open '{}': {}", path.string(), std::strerror(errno)));
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } close_on_exit{fd};
    namespace format = detail::snapshot_format;
    constexpr std::size_t header_size = format::magic.size() + 4;  // magic, version
    std::string bytes;
    bool header_checked = false;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw file_error(fmt::format("relscore::load_snapshot(): cannot read '{}': {}", path.string(), std::strerror(errno)));
        if (n == 0) break;
        bytes.append(buffer, static_cast<std::size_t>(n));
        // The header is checked as soon as it is read: a path that never ends (/dev/zero) or a
        // big file that is no snapshot fails at once instead of being read until memory runs out.
        if (!header_checked && bytes.size() >= header_size) {
            header_checked = true;
            std::uint32_t version = 0;
            std::memcpy(&version, bytes.data() + format::magic.size(), 4);
            if (!bytes.starts_with(format::magic) || version < format::oldest_readable_version ||
                version > format::format_version) {
                try {
                    (void)scorer::from_bytes(std::string_view(bytes).substr(0, header_size));  // says which
                } catch (const parse_error& e) {
                    throw bad_snapshot(e);
                }
            }
        }
    }
    try {
        return scorer::from_bytes(bytes);
    } catch (const parse_error& e) {
        throw bad_snapshot(e);
    }
}

RELSCORE_END_NAMESPACE
