//! Opt-in timing of `apigctl lint` and `apigctl import` (`APIGCTL_TIMINGS=1`): the time of each
//! phase per file and of each rule, printed to stderr at the end of the run. For finding what
//! makes a document slow; it costs nothing when the variable is not set.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Whether `APIGCTL_TIMINGS` is set to a non-empty value other than `0`.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        START.get_or_init(Instant::now);
        std::env::var("APIGCTL_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0")
    })
}

/// One timing: what, how long it took, when it ended, and the file it was for (set by
/// [`end_file`]; `None` for the run's own phases).
type Entry = (String, Duration, Duration, Option<String>);

static RECORDED: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// When timing started (the first question whether it is on), for each phase's end time.
static START: OnceLock<Instant> = OnceLock::new();

/// Records `what` took `took` (no-op unless [`enabled`]).
pub fn record(what: impl FnOnce() -> String, took: Duration) {
    if enabled() {
        push(what(), took, None);
    }
}

/// Records an entry, ended now.
fn push(what: String, took: Duration, file: Option<String>) {
    if let Ok(mut r) = RECORDED.lock() {
        let ended = START.get().map(Instant::elapsed).unwrap_or_default();
        r.push((what, took, ended, file));
    }
}

/// Says that what was recorded since the last call, and belongs to no file yet, was for the
/// file `name`: the report then shows each file's phases and rules under its name. The
/// caller works on one file at a time while timing, so nothing of another file is in between.
pub fn end_file(name: &str) {
    if enabled()
        && let Ok(mut r) = RECORDED.lock()
    {
        for entry in r.iter_mut().filter(|e| e.3.is_none()) {
            entry.3 = Some(name.to_owned());
        }
    }
}

/// [`time`] for what belongs to the run, not to the file being done while it runs (work in
/// the background): [`end_file`] leaves it to the run.
pub fn time_run<T>(what: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    push(what.to_owned(), start.elapsed(), Some(String::new()));
    out
}

/// Runs `f`, recording its wall time under `what` when timings are enabled.
pub fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    record(|| what.to_owned(), start.elapsed());
    out
}

/// Everything recorded so far, as lines for stderr, and forgets it: the phases in the order
/// they ended, then the ten slowest rules; for each file [`end_file`] named, under a line
/// with its name, then the run's own phases. Empty when timings are disabled.
pub fn take_report() -> String {
    if !enabled() {
        return String::new();
    }
    let recorded = match RECORDED.lock() {
        Ok(mut r) => std::mem::take(&mut *r),
        Err(_) => return String::new(),
    };
    // The files in the order they were done, each with its entries; the run's own last.
    let mut groups: Vec<(Option<String>, Vec<Entry>)> = Vec::new();
    for mut entry in recorded {
        // The run's own, whether done in the background or after the files.
        if entry.3.as_deref() == Some("") {
            entry.3 = None;
        }
        match groups.iter_mut().find(|(file, _)| *file == entry.3) {
            Some((_, entries)) => entries.push(entry),
            None => groups.push((entry.3.clone(), vec![entry])),
        }
    }
    groups.sort_by_key(|(file, _)| file.is_none());
    let mut out = String::new();
    for (file, entries) in groups {
        if let Some(file) = file {
            out.push_str(&format!(
                "apigctl: timing: {}:\n",
                crate::report::one_line(&file)
            ));
        }
        out.push_str(&section(entries));
    }
    out
}

/// The lines of one file's entries (or the run's own).
fn section(entries: Vec<Entry>) -> String {
    let (mut rules, phases): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(w, ..)| w.starts_with("rule "));
    let mut out = String::new();
    for (what, took, ended, _) in &phases {
        out.push_str(&format!(
            "apigctl: timing: {:>9.2} ms  {what} (done at {:.1} ms)\n",
            ms(*took),
            ms(*ended)
        ));
    }
    if rules.is_empty() {
        return out;
    }
    let total: Duration = rules.iter().map(|(_, t, ..)| *t).sum();
    out.push_str(&format!(
        "apigctl: timing: {:>9.2} ms  all {} rule runs, slowest:\n",
        ms(total),
        rules.len()
    ));
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (what, took, ..) in rules.iter().take(10) {
        out.push_str(&format!(
            "apigctl: timing: {:>9.2} ms    {what}\n",
            ms(*took)
        ));
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
