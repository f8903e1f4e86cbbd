//! Today's date as the person running the command sees it: the local date
//! (`toggles check` fails on the day after `expires` where the team is, not
//! where UTC is), from the C library's time zone rules (`TZ`,
//! `/etc/localtime`); UTC where there are none.

use toggles::Date;

/// Today's local date.
pub fn local_today() -> Date {
    local().unwrap_or_else(Date::today)
}

#[cfg(unix)]
fn local() -> Option<Date> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let now = libc::time_t::try_from(now).ok()?;
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
fn local() -> Option<Date> {
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
}
