//! Screening speed for the status line: records per hour over the time
//! spent deciding this session, where a pause longer than five minutes
//! counts as five minutes (a coffee break does not halve the rate), and
//! the ETA that follows from it.

use std::time::SystemTime;

/// A gap between decisions longer than this counts as this long.
const MAX_GAP_SECS: f64 = 300.0;
/// Below this many decisions the rate is not shown (it would be noise).
const MIN_DECISIONS: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct Rate {
    last: Option<f64>,
    active_secs: f64,
    decisions: usize,
}

/// Seconds since the epoch of an RFC 3339 time, or `None`.
pub fn seconds(rfc3339: &str) -> Option<f64> {
    let t = humantime::parse_rfc3339_weak(rfc3339).ok()?;
    Some(t.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs_f64())
}

impl Rate {
    /// The session starts (the first key) at `t`.
    pub fn start(&mut self, t: f64) {
        if self.last.is_none() {
            self.last = Some(t);
        }
    }

    /// A record was decided at `t`.
    pub fn decided(&mut self, t: f64) {
        let last = self.last.unwrap_or(t);
        self.active_secs += (t - last).clamp(0.0, MAX_GAP_SECS);
        self.last = Some(t);
        self.decisions += 1;
    }

    /// Records per hour, once there is enough to say.
    pub fn per_hour(&self) -> Option<f64> {
        (self.decisions >= MIN_DECISIONS && self.active_secs >= 1.0)
            .then(|| self.decisions as f64 * 3600.0 / self.active_secs)
    }

    /// Time to decide `left` more records at the current rate, as `5h18`,
    /// `42m` or `<1m`; `None` with nothing left.
    pub fn eta(&self, left: usize) -> Option<String> {
        let per_hour = self.per_hour()?;
        if left == 0 {
            return None;
        }
        let minutes = (left as f64 / per_hour * 60.0).round() as u64;
        Some(match minutes {
            0 => "<1m".to_string(),
            1..60 => format!("{minutes}m"),
            _ => format!("{}h{:02}", minutes / 60, minutes % 60),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_ignores_long_pauses() {
        let mut r = Rate::default();
        r.start(0.0);
        assert_eq!(r.per_hour(), None);
        // One decision every 10 s, then an hour's break, then two more.
        for t in [10.0, 20.0, 30.0, 3630.0, 3640.0] {
            r.decided(t);
        }
        // Active time: 10 + 10 + 10 + 300 + 10 = 340 s for 5 decisions.
        let expected = 5.0 * 3600.0 / 340.0;
        assert!((r.per_hour().unwrap() - expected).abs() < 1e-9);
        // 53 records at ~52.9/h is about an hour.
        assert_eq!(r.eta(53).as_deref(), Some("1h00"));
        assert_eq!(r.eta(5).as_deref(), Some("6m"));
        assert_eq!(r.eta(0), None, "nothing left: no ETA, not 0m");
        assert_eq!(r.eta(1).as_deref(), Some("1m"));
        // One decision every 2 s: the last record takes under a minute.
        let mut fast = Rate::default();
        fast.start(0.0);
        for t in [2.0, 4.0, 6.0] {
            fast.decided(t);
        }
        assert_eq!(fast.eta(1).as_deref(), Some("<1m"));
        assert_eq!(seconds("1970-01-01T00:01:40Z"), Some(100.0));
        assert_eq!(seconds("yesterday"), None);
    }
}
