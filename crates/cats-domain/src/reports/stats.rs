//! Summary statistics of samples (transit times in hours, delivery times in seconds).

use serde::Serialize;

/// Mean, median and 90th percentile of a sample.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Values in the sample.
    pub count: usize,
    /// Arithmetic mean; `None` for an empty sample.
    pub mean: Option<f64>,
    /// Median (the mean of the two middle values of an even sample).
    pub median: Option<f64>,
    /// 90th percentile, nearest rank: the smallest value with at least 90 % of the sample at or
    /// below it.
    pub p90: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

/// Summarise `values` (any order; NaN values are left out).
pub fn summary(values: &[f64]) -> Summary {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return Summary::default();
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Summary {
        count: n,
        mean: Some(v.iter().sum::<f64>() / n as f64),
        median: Some(median),
        p90: Some(nearest_rank(&v, 0.9)),
        max: v.last().copied(),
    }
}

/// The nearest-rank percentile `q` (0..=1) of a sorted, non-empty sample.
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `a / b`, `None` when `b` is zero.
pub fn rate(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_samples() {
        let s = summary(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(
            (s.count, s.mean, s.median, s.p90, s.max),
            (4, Some(2.5), Some(2.5), Some(4.0), Some(4.0))
        );
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(summary(&ten).p90, Some(9.0));
        assert_eq!(summary(&[7.0]).median, Some(7.0));
        assert_eq!(summary(&[]), Summary::default());
        assert_eq!(rate(1, 4), Some(0.25));
        assert_eq!(rate(1, 0), None);
    }
}
