//! File-system helpers shared by the commands that write files.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory,
/// fsync, rename over `path`, then fsync of the directory so the rename itself survives a crash.
/// A reader (or a crash) sees either the old content or the new, never a mix.
///
/// What `path` is stays what it was: a symbolic link is followed and the file it names is
/// replaced (with the link kept), a replaced file keeps its permissions, and a device or a pipe
/// (`/dev/stdout`, a FIFO) is written in place, since there is no file to replace. A read-only
/// file is not replaced: a rename would ignore its mode (and root's writes ignore it anyway),
/// so its mode bits are checked, not left to the system.
///
/// # Errors
///
/// The I/O error (`PermissionDenied` for a read-only file, saying how to make it writable);
/// the temporary file is removed on failure.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`] for a text that `write` writes to the file, as it is made; if `write`
/// fails, `path` is left as it was.
///
/// # Errors
///
/// As [`write_atomically`], and the error of `write`.
pub fn write_atomically_with<F>(path: &Path, write: F) -> std::io::Result<()>
where
    F: FnOnce(&mut std::fs::File) -> std::io::Result<()>,
{
    // A device or a pipe (a FIFO; `/dev/stdout` on a pipe), and one of the process's own
    // descriptors whatever it is open on, are written in place: the caller means that stream
    // (`-o /dev/stdout >> log` appends to the log).
    let in_place = path.starts_with("/proc")
        || path.starts_with("/dev/fd")
        || ["/dev/stdout", "/dev/stderr"]
            .iter()
            .any(|d| path == Path::new(d));
    let permissions = match std::fs::metadata(path) {
        Ok(meta) if in_place || (!meta.is_file() && !meta.is_dir()) => {
            let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
            return write(&mut file);
        }
        // Said before a rename would say "device or resource busy" (for `.`) or worse.
        Ok(meta) if meta.is_dir() => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory; name a file in it",
            ));
        }
        // Its mode says no one may write it: someone made it read-only to keep it as it is.
        Ok(meta) if meta.permissions().readonly() => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "it is read-only; make it writable first (`chmod u+w {}`), or write to another file",
                    crate::report::one_line(&path.display().to_string())
                ),
            ));
        }
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let path = &destination(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        write(&mut file)?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&temp, permissions)?;
        }
        std::fs::rename(&temp, path)?;
        // Directories cannot be opened for syncing on every platform; where they can, the
        // rename is only durable once the directory entry is.
        if let Ok(dir) = std::fs::File::open(&dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Where writing `path` goes: a symbolic link is followed to the path it names, link after link.
fn destination(path: &Path) -> std::io::Result<PathBuf> {
    let mut dest = path.to_path_buf();
    // As many links as Linux follows before it gives up (ELOOP).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&dest) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&dest)?;
                // A relative target is relative to the link's directory; `join` keeps an
                // absolute one as it is.
                dest = match dest.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(dest),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_file_is_replaced_and_keeps_its_permissions() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Nothing else is left in the directory.
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);
    }

    /// A read-only file is refused by its mode bits (so as root too) and left as it was, with
    /// nothing left beside it; through a link too.
    #[test]
    fn a_read_only_file_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::os::unix::fs::symlink("out.yaml", dir.join("link.yaml")).unwrap();
        for target in [path.clone(), dir.join("link.yaml")] {
            let error = write_atomically(&target, b"new").unwrap_err();
            assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
            assert_eq!(
                error.to_string(),
                format!(
                    "it is read-only; make it writable first (`chmod u+w {}`), or write to another file",
                    target.display()
                )
            );
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o444);
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), 2);
        // Writable by its group only is writable: the mode is not all the system checks.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o464)).unwrap();
        write_atomically(&path, b"new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o464);
    }

    #[test]
    fn a_symbolic_link_is_followed_and_stays_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/out.yaml"), "old").unwrap();
        std::os::unix::fs::symlink("real/out.yaml", dir.join("link.yaml")).unwrap();
        std::os::unix::fs::symlink("link.yaml", dir.join("link2.yaml")).unwrap();
        write_atomically(&dir.join("link2.yaml"), b"new").unwrap();
        for link in ["link.yaml", "link2.yaml"] {
            let meta = std::fs::symlink_metadata(dir.join(link)).unwrap();
            assert!(meta.file_type().is_symlink(), "{link}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.join("real/out.yaml")).unwrap(),
            "new"
        );
        // A dangling link makes the file it names.
        std::os::unix::fs::symlink("real/new.yaml", dir.join("dangling.yaml")).unwrap();
        write_atomically(&dir.join("dangling.yaml"), b"made").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("real/new.yaml")).unwrap(),
            "made"
        );
        // A loop is an error, not a hang.
        std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).unwrap();
        let error = write_atomically(&dir.join("loop-a"), b"x").unwrap_err();
        assert!(error.to_string().contains("symbolic links"), "{error}");
    }

    #[test]
    fn a_pipe_is_written_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo makes the pipe");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomically(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()));
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);
    }
}
