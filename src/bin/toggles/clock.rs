//! Today's date as the person running the command sees it: the local date
//! (`toggles check` fails on the day after `expires` where the team is, not
//! where UTC is), from the C library's time zone rules (`TZ`,
//! `/etc/localtime`); UTC where there are none. The same for another
//! instant (a commit's, for `check`'s "unchanged since").

use toggles::{Date, Timestamp};

/// Today's local date.
pub fn local_today() -> Date {
    local_date(Timestamp::now())
}

/// The local date of the instant `at` (its UTC date where the time zone
/// rules cannot tell).
pub fn local_date(at: Timestamp) -> Date {
    local(at).unwrap_or_else(|| utc_date(at))
}

/// The UTC date of `at`: the date part of its RFC 3339 form.
fn utc_date(at: Timestamp) -> Date {
    at.to_string()
        .get(..10)
        .and_then(|date| date.parse().ok())
        .unwrap_or_else(Date::today)
}

#[cfg(unix)]
fn local(at: Timestamp) -> Option<Date> {
    let now = libc::time_t::try_from(at.unix_seconds()).ok()?;
    // SAFETY: `localtime_r` writes only into `tm`, which lives on this
    // stack, and reads `now`; it is the thread-safe form of `localtime`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let result = unsafe { libc::localtime_r(&now, &mut tm) };
    if result.is_null() {
        return None;
    }
    Date::new(
        u16::try_from(tm.tm_year + 1900).ok()?,
        u8::try_from(tm.tm_mon + 1).ok()?,
        u8::try_from(tm.tm_mday).ok()?,
    )
}

#[cfg(not(unix))]
fn local(_: Timestamp) -> Option<Date> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_date_is_within_a_day_of_utc() {
        let (local, utc) = (local_today(), Date::today());
        assert!(local.days_until(utc).abs() <= 1, "{local} against {utc}");
    }

    #[test]
    fn the_utc_date_of_an_instant_is_its_rfc_3339_date() {
        let at: Timestamp = "2026-09-01T23:30:00Z".parse().unwrap();
        assert_eq!(utc_date(at), Date::new(2026, 9, 1).unwrap());
        assert!(local_date(at).days_until(utc_date(at)).abs() <= 1);
    }
}
