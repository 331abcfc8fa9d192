//! Retries with exponential backoff, as `x-speakeasy-retries` describes them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How an operation is retried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Retry {
    /// First interval, in milliseconds.
    pub(crate) initial_interval_ms: u64,
    /// Largest interval, in milliseconds.
    pub(crate) max_interval_ms: u64,
    /// Stop retrying once this much time has passed since the first attempt, in milliseconds.
    pub(crate) max_elapsed_ms: u64,
    /// Growth of the interval per attempt.
    pub(crate) exponent: f64,
    /// Status ranges (inclusive) that are retried: `5XX` is `(500, 599)`.
    pub(crate) statuses: &'static [(u16, u16)],
    /// Whether connection failures and timeouts are retried.
    pub(crate) connection_errors: bool,
}

impl Retry {
    pub(crate) fn retries_status(&self, status: u16) -> bool {
        self.statuses.iter().any(|(lo, hi)| (*lo..=*hi).contains(&status))
    }

    /// The wait before retry number `attempt` (0 for the first retry): `initial * attempt^exponent`
    /// plus jitter, at most `max_interval`. The jitter is up to a second, as Speakeasy's SDKs
    /// use, but never more than the initial interval, so short intervals stay short.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let base = self.initial_interval_ms as f64 * f64::from(attempt).powf(self.exponent);
        let jitter_cap = self.initial_interval_ms.min(1000);
        let jitter = if jitter_cap == 0 { 0 } else { random_u64() % jitter_cap };
        let ms = (base + jitter as f64).min(self.max_interval_ms as f64);
        Duration::from_millis(ms.max(0.0) as u64)
    }
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64));
    h.finish()
}

/// A `Retry-After` value: delay seconds, or an HTTP date (IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`). `None` when absent, unparseable or in the past.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = parse_http_date(value)?;
    when.duration_since(now).ok()
}

fn parse_http_date(s: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let day: i64 = day.parse().ok()?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].iter().position(|m| m == month)? as i64 + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time.split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else { return None };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    u64::try_from(secs).ok().map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Retry = Retry { initial_interval_ms: 500, max_interval_ms: 60_000, max_elapsed_ms: 3_600_000, exponent: 1.5, statuses: &[(500, 599), (429, 429)], connection_errors: true };

    #[test]
    fn statuses_and_ranges() {
        assert!(R.retries_status(503) && R.retries_status(429));
        assert!(!R.retries_status(404) && !R.retries_status(600));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for _ in 0..50 {
            assert!(R.backoff(0) < Duration::from_millis(500), "first retry waits only the jitter");
            let second = R.backoff(1);
            assert!(second >= Duration::from_millis(500) && second < Duration::from_millis(1000), "{second:?}");
            let third = R.backoff(2);
            assert!(third >= Duration::from_millis(1414) && third < Duration::from_millis(1914), "{third:?}");
            assert_eq!(R.backoff(100), Duration::from_millis(60_000));
        }
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now), None, "in the past");
        assert_eq!(retry_after("soon", now), None);
    }
}
