//! Freeing big values without making the user wait: the trees of a big document, its import
//! provenance and definition take tens of milliseconds to free. They are freed on a pool thread
//! while the command goes on, or not at all in a process about to exit.

use std::sync::atomic::{AtomicBool, Ordering};

/// Frees `value` on a pool thread; the caller goes on (rendering the report, writing the
/// output) meanwhile. After [`exit_without_freeing`] it is not freed at all.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    if EXITING.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        rayon::spawn(move || drop(value));
    }
}

static EXITING: AtomicBool = AtomicBool::new(false);

/// For a process that exits once its command is done (the `apigctl` binary): the document
/// trees and imported definitions are left for the operating system to reclaim, instead of
/// taking pool threads from the report while they are freed.
pub fn exit_without_freeing() {
    EXITING.store(true, Ordering::Relaxed);
}
