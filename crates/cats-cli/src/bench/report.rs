//! What the benchmarks share: latency percentiles, progress bars, the resident memory peak and
//! printing a result as a table or JSON.

use std::time::Duration;

use serde::Serialize;

/// Latencies of one phase, summarised in milliseconds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Latencies {
    /// Median, ms.
    pub p50_ms: f64,
    /// 90th percentile, ms.
    pub p90_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
}

impl Latencies {
    /// Summarise `samples` (any order; zeros when empty).
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let at = |p: f64| {
            if samples.is_empty() {
                return 0.0;
            }
            let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
            samples[i].as_secs_f64() * 1000.0
        };
        Latencies {
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }

    /// `p50 … / p90 … / p99 … / max … ms`.
    pub fn line(&self) -> String {
        format!(
            "p50 {:.1} / p90 {:.1} / p99 {:.1} / max {:.1} ms",
            self.p50_ms, self.p90_ms, self.p99_ms, self.max_ms
        )
    }
}

/// A progress bar on standard error over `len` steps, labelled `what`.
pub fn bar(len: usize, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} {{per_sec}} {{elapsed}}"
        ))
        .expect("a valid template"),
    );
    bar
}

/// The peak resident memory of this process in MB (`VmHWM` of `/proc/self/status`), when the
/// system tells.
pub fn peak_resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Print `result` as pretty JSON when `json`, otherwise the `rows` as a two-column table.
pub fn print<T: Serialize>(json: bool, title: &str, rows: &[(&str, String)], result: &T) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(result).expect("a result serialises")
        );
        return;
    }
    println!("{title}");
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, value) in rows {
        println!("  {key:<width$}  {value}");
    }
}

/// `n` with thousands separators: `12,345`.
pub fn thousands(n: f64) -> String {
    let whole = n.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_thousands() {
        let l = Latencies::of((1..=100).map(Duration::from_millis).collect());
        assert_eq!(
            (l.p50_ms.round(), l.p99_ms.round(), l.max_ms),
            (51.0, 99.0, 100.0)
        );
        assert_eq!(Latencies::of(Vec::new()).max_ms, 0.0);
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }
}
