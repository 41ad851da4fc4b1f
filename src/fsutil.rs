//! File-system helpers shared by the commands that write files.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory,
/// fsync, rename over `path`, then fsync of the directory so the rename itself survives a crash.
/// A reader (or a crash) sees either the old content or the new, never a mix.
///
/// # Errors
///
/// The I/O error; the temporary file is removed on failure.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_pieces_atomically(path, &[bytes])
}

/// [`write_atomically`] for a text in pieces, written one after another.
///
/// # Errors
///
/// As [`write_atomically`].
pub fn write_pieces_atomically<P: AsRef<[u8]>>(path: &Path, pieces: &[P]) -> std::io::Result<()> {
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
        for piece in pieces {
            file.write_all(piece.as_ref())?;
        }
        file.sync_all()?;
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
