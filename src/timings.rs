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

static RECORDED: Mutex<Vec<(String, Duration, Duration)>> = Mutex::new(Vec::new());

/// When timing started (the first question whether it is on), for each phase's end time.
static START: OnceLock<Instant> = OnceLock::new();

/// Records `what` took `took` (no-op unless [`enabled`]).
pub fn record(what: impl FnOnce() -> String, took: Duration) {
    if enabled()
        && let Ok(mut r) = RECORDED.lock()
    {
        let ended = START.get().map(Instant::elapsed).unwrap_or_default();
        r.push((what(), took, ended));
    }
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

/// Everything recorded so far, as lines for stderr (phases in the order they ended, then the
/// ten slowest rules), and forgets it. Empty when timings are disabled.
pub fn take_report() -> String {
    if !enabled() {
        return String::new();
    }
    let recorded = match RECORDED.lock() {
        Ok(mut r) => std::mem::take(&mut *r),
        Err(_) => return String::new(),
    };
    let (mut rules, phases): (Vec<_>, Vec<_>) = recorded
        .into_iter()
        .partition(|(w, _, _)| w.starts_with("rule "));
    let mut out = String::new();
    for (what, took, ended) in &phases {
        out.push_str(&format!(
            "apigctl: timing: {:>9.2} ms  {what} (done at {:.1} ms)\n",
            ms(*took),
            ms(*ended)
        ));
    }
    if rules.is_empty() {
        return out;
    }
    let total: Duration = rules.iter().map(|(_, t, _)| *t).sum();
    out.push_str(&format!(
        "apigctl: timing: {:>9.2} ms  all {} rule runs, slowest:\n",
        ms(total),
        rules.len()
    ));
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (what, took, _) in rules.iter().take(10) {
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
