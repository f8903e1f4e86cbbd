//! Calendar dates (the `created` field) and instants (a schedule's `at`),
//! without a date-time dependency.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A calendar date, as in `created = 2026-11-24` (UTC when the library writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts, or `None` if it is not a real date.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Date;
    /// assert_eq!(Date::new(2026, 11, 24).unwrap().to_string(), "2026-11-24");
    /// assert!(Date::new(2026, 2, 29).is_none());
    /// ```
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days from `self` to `later` (negative if `later` is earlier).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Date;
    /// let a = Date::new(2026, 2, 27).unwrap();
    /// let b = Date::new(2026, 3, 2).unwrap();
    /// assert_eq!(a.days_until(b), 3);
    /// assert_eq!(b.days_until(a), -3);
    /// ```
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    // Howard Hinnant's `days_from_civil` and `civil_from_days`.
    pub(crate) fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub(crate) fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(0, 9999) as u16;
        Date { year, month, day }
    }
}

/// A text that is not a [`Date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError(String);

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a date: write `YYYY-MM-DD`, like `2027-01-31`",
            self.0
        )
    }
}

impl std::error::Error for ParseDateError {}

impl FromStr for Date {
    type Err = ParseDateError;

    /// `YYYY-MM-DD`, a real date.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Date;
    /// assert_eq!("2027-01-31".parse::<Date>().unwrap(), Date::new(2027, 1, 31).unwrap());
    /// assert!("2027-02-30".parse::<Date>().is_err());
    /// assert!("27-1-31".parse::<Date>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Date, ParseDateError> {
        match leading_date(text.as_bytes()) {
            Some(Some(date)) if text.len() == 10 => Ok(date),
            _ => Err(ParseDateError(text.to_owned())),
        }
    }
}

/// The `YYYY-MM-DD` that `bytes` begin with: `None` if they are not in that
/// form, `Some(None)` if it is no real date.
fn leading_date(bytes: &[u8]) -> Option<Option<Date>> {
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (
        decimal(bytes, 0..4)?,
        decimal(bytes, 5..7)?,
        decimal(bytes, 8..10)?,
    );
    Some(Date::new(year, month as u8, day as u8))
}

/// The decimal number written in `bytes[range]` (at most 4 digits), if it
/// is all digits.
fn decimal(bytes: &[u8], range: std::ops::Range<usize>) -> Option<u16> {
    let digits = bytes.get(range)?;
    digits.iter().all(u8::is_ascii_digit).then(|| {
        digits
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An instant in whole seconds, as a schedule's `at` is written:
/// `2026-12-09T09:00:00Z`, or with an offset (`2026-12-09T10:00:00+01:00`,
/// the same instant).
///
/// Whole seconds because flagd's evaluators compare `$flagd.timestamp`, the
/// evaluation time in whole seconds since the Unix epoch: a step at a
/// second boundary is taken at the same instant by every language.
/// `Display` gives RFC 3339 in UTC (`2026-12-09T09:00:00Z`); `FromStr`
/// reads RFC 3339 with an offset or `Z`, the seconds optional
/// (`2026-12-09T09:00Z`), and refuses a date-time without an offset (which
/// servers in different zones would read as different instants) and
/// fractions of a second.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// use toggles::Timestamp;
/// let at: Timestamp = "2026-12-09T10:00+01:00".parse().unwrap();
/// assert_eq!(at.to_string(), "2026-12-09T09:00:00Z");
/// assert_eq!(at.unix_seconds(), 1_796_806_800);
/// assert!("2026-12-09T09:00:00".parse::<Timestamp>().is_err()); // no offset
/// assert!("2026-12-09T09:00:00.5Z".parse::<Timestamp>().is_err()); // a fraction
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
}

impl Timestamp {
    /// The instant `seconds` after 1970-01-01T00:00:00Z (before it if
    /// negative).
    pub const fn from_unix_seconds(seconds: i64) -> Timestamp {
        Timestamp { seconds }
    }

    /// Seconds since 1970-01-01T00:00:00Z: what flagd's `$flagd.timestamp`
    /// is compared with.
    pub const fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The whole second `time` is in (a time before the epoch counts
    /// down: 0.5 s before it is in second −1). Saturates past ±2^63 s.
    pub fn from_system_time(time: SystemTime) -> Timestamp {
        let seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                let seconds = whole.saturating_neg();
                if before.subsec_nanos() > 0 {
                    seconds.saturating_sub(1)
                } else {
                    seconds
                }
            }
        };
        Timestamp { seconds }
    }

    /// The current second, from the system clock.
    pub fn now() -> Timestamp {
        Timestamp::from_system_time(SystemTime::now())
    }

    /// The instant as a [`SystemTime`] (saturated where the platform's
    /// cannot hold it).
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_secs(self.seconds.unsigned_abs());
        let time = if self.seconds >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        };
        time.unwrap_or(UNIX_EPOCH)
    }

    /// The instant written as a date, a time and an offset from UTC in
    /// minutes, or `None` if one of them is out of range.
    pub(crate) fn from_parts(
        date: Date,
        (hour, minute, second): (u8, u8, u8),
        offset_minutes: i16,
    ) -> Option<Timestamp> {
        if hour > 23 || minute > 59 || second > 60 || offset_minutes.unsigned_abs() >= 24 * 60 {
            return None;
        }
        // A leap second (TOML allows `:60`) is the second after `:59`.
        let seconds = date.days_since_epoch() * 86_400
            + i64::from(hour) * 3_600
            + i64::from(minute) * 60
            + i64::from(second)
            - i64::from(offset_minutes) * 60;
        Some(Timestamp { seconds })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let in_day = self.seconds.rem_euclid(86_400);
        let date = Date::from_days_since_epoch(days);
        write!(
            f,
            "{date}T{:02}:{:02}:{:02}Z",
            in_day / 3_600,
            in_day / 60 % 60,
            in_day % 60
        )
    }
}

/// Why a text is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimestampError {
    text: String,
    why: &'static str,
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an instant: {}; write a date, a time and `Z` or an offset, like \
             `2026-12-09T09:00:00Z` or `2026-12-09T10:00+01:00`",
            self.text, self.why
        )
    }
}

impl std::error::Error for ParseTimestampError {}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(text: &str) -> Result<Timestamp, ParseTimestampError> {
        let fail = |why| ParseTimestampError {
            text: text.to_owned(),
            why,
        };
        let bytes = text.as_bytes();
        let number = |range| decimal(bytes, range);
        let shape = "it is not in the form `YYYY-MM-DDTHH:MM[:SS]` with `Z` or an offset";
        let date = leading_date(bytes)
            .ok_or_else(|| fail(shape))?
            .ok_or_else(|| fail("no such date"))?;
        if bytes.len() == 10 {
            return Err(fail(
                "a date alone is no instant (it begins at a different moment in each time zone)",
            ));
        }
        if !matches!(bytes[10], b'T' | b't' | b' ') || bytes.len() < 16 || bytes[13] != b':' {
            return Err(fail(shape));
        }
        let (Some(hour), Some(minute)) = (number(11..13), number(14..16)) else {
            return Err(fail(shape));
        };
        let mut at = 16;
        let mut second = 0;
        if bytes.get(at) == Some(&b':') {
            second = number(at + 1..at + 3).ok_or_else(|| fail(shape))?;
            at += 3;
        }
        if bytes.get(at) == Some(&b'.') {
            return Err(fail("a schedule's steps are whole seconds"));
        }
        let offset = match bytes.get(at) {
            None => {
                return Err(fail(
                    "it has no `Z` or offset, so each time zone would read another instant",
                ));
            }
            Some(b'Z' | b'z') if bytes.len() == at + 1 => 0,
            Some(&sign @ (b'+' | b'-')) if bytes.len() == at + 6 && bytes[at + 3] == b':' => {
                let (Some(h), Some(m)) = (number(at + 1..at + 3), number(at + 4..at + 6)) else {
                    return Err(fail(shape));
                };
                if m > 59 {
                    return Err(fail("the offset's minutes are past 59"));
                }
                let minutes = (h * 60 + m) as i16;
                if sign == b'-' { -minutes } else { minutes }
            }
            Some(_) => return Err(fail(shape)),
        };
        Timestamp::from_parts(date, (hour as u8, minute as u8, second as u8), offset)
            .ok_or_else(|| fail("the time or the offset is out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_the_calendar() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(20_416).to_string(),
            "2025-11-24"
        );
        for days in (-700_000..800_000).step_by(997) {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
            assert!(Date::new(date.year, date.month, date.day).is_some());
        }
    }

    #[test]
    fn instants_read_and_write_rfc_3339_in_whole_seconds() {
        let at = |text: &str| text.parse::<Timestamp>().map(|t| t.to_string());
        assert_eq!(at("1970-01-01T00:00:00Z").unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(at("2026-12-07 09:00z").unwrap(), "2026-12-07T09:00:00Z");
        assert_eq!(
            at("2026-12-07T01:30:00-07:30").unwrap(),
            "2026-12-07T09:00:00Z"
        );
        assert_eq!(at("1969-12-31T23:59:59Z").unwrap(), "1969-12-31T23:59:59Z");
        assert_eq!(
            Timestamp::from_unix_seconds(-1).to_string(),
            "1969-12-31T23:59:59Z"
        );
        for bad in [
            "2026-12-07",
            "2026-12-07T09:00",
            "2026-12-07T09:00:00",
            "2026-12-07T09:00:00.000Z",
            "2026-02-30T09:00Z",
            "2026-12-07T24:00Z",
            "2026-12-07T09:00+24:00",
            "2026-12-07T09:00+01:60",
            "2026-12-07T09:00ZZ",
            "",
            "tomorrow",
        ] {
            assert!(at(bad).is_err(), "{bad:?}");
        }
        for seconds in (-60_000_000_000i64..250_000_000_000).step_by(999_999_937) {
            let t = Timestamp::from_unix_seconds(seconds);
            assert_eq!(t.to_string().parse::<Timestamp>(), Ok(t));
            assert_eq!(Timestamp::from_system_time(t.to_system_time()), t);
        }
    }

    #[test]
    fn a_time_inside_a_second_is_in_that_second() {
        let half = Duration::from_millis(500);
        assert_eq!(
            Timestamp::from_system_time(UNIX_EPOCH + half).unix_seconds(),
            0
        );
        assert_eq!(
            Timestamp::from_system_time(UNIX_EPOCH - half).unix_seconds(),
            -1
        );
        // Saturates instead of wrapping or panicking.
        let _ = Timestamp::from_unix_seconds(i64::MAX).to_system_time();
        let _ = Timestamp::from_unix_seconds(i64::MIN).to_system_time();
    }
}
