//! The words every command shares: `ON`/`OFF`, ages, expiry, "did you
//! mean", lists of keys, who an edit is about, the base values' label.

use toggles::Date;

pub fn on_off(on: bool) -> &'static str {
    if on { "ON" } else { "OFF" }
}

/// How long until an instant `seconds` ahead, in its two largest units,
/// rounded down: `in 2 days 3 h`, `in 1 day`, `in 5 h 20 min`, `in 3 min
/// 5 s`, `in 40 s`; `now` for none left (or a time already past).
pub fn time_left(seconds: i64) -> String {
    if seconds <= 0 {
        return "now".to_owned();
    }
    let (days, hours) = (seconds / 86_400, seconds / 3_600 % 24);
    let (minutes, secs) = (seconds / 60 % 60, seconds % 60);
    let two = |big: String, small: i64, unit: &str| {
        if small == 0 {
            format!("in {big}")
        } else {
            format!("in {big} {small} {unit}")
        }
    };
    match () {
        () if days > 0 => two(
            if days == 1 {
                "1 day".to_owned()
            } else {
                format!("{days} days")
            },
            hours,
            "h",
        ),
        () if hours > 0 => two(format!("{hours} h"), minutes, "min"),
        () if minutes > 0 => two(format!("{minutes} min"), secs, "s"),
        () => format!("in {secs} s"),
    }
}

/// Whole days since `created`, if known.
pub fn age_days(created: Option<Date>, today: Date) -> Option<i64> {
    created.map(|created| created.days_until(today))
}

/// `expires`'s date with how far it is from `today`: `2026-12-31 (in 25
/// days)`, `2026-12-06 (today, the last day)`, `2026-12-01 (expired 5 days
/// ago)`.
pub fn expiry(expires: Date, today: Date) -> String {
    let days = today.days_until(expires);
    let when = match days {
        0 => "today, the last day".to_owned(),
        1 => "in 1 day".to_owned(),
        d if d > 0 => format!("in {d} days"),
        -1 => "expired 1 day ago".to_owned(),
        d => format!("expired {} days ago", -d),
    };
    format!("{expires} ({when})")
}

/// The candidate closest to `name` if it is close enough to be a typo, or
/// if one of the two is the other cut short (`checkout` for `checkout-v2`).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.len() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| (distance(name, candidate), candidate))
        .filter(|&(d, candidate)| d <= limit || cut_short(name, candidate))
        .min()
        .map(|(_, candidate)| candidate)
}

/// Whether the shorter of `a` and `b` begins the longer and has at least 4
/// bytes (fewer would match too much).
fn cut_short(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short)
}

/// Levenshtein distance over bytes (names are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let next = (diagonal + usize::from(x != y))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Up to five keys, comma-separated, then how many more.
pub fn some_keys<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> String {
    let total = keys.len();
    let shown: Vec<&str> = keys.take(5).collect();
    let mut text = shown.join(", ");
    if total > shown.len() {
        text.push_str(&format!(" and {} more", total - shown.len()));
    }
    text
}

/// `1 key stays`, `2 keys stay`.
pub fn keys_stay(n: usize) -> String {
    if n == 1 {
        "1 key stays".to_owned()
    } else {
        format!("{n} keys stay")
    }
}

/// `1 key`, `2 keys`.
pub fn keys(n: usize) -> String {
    if n == 1 {
        "1 key".to_owned()
    } else {
        format!("{n} keys")
    }
}

/// `new_cart`, or `new_cart in production` when editing an environment.
pub fn who(name: &str, environment: Option<&str>) -> String {
    match environment {
        Some(environment) => format!("{name} in {environment}"),
        None => name.to_owned(),
    }
}

/// ` --env production`, or nothing: for the commands an edit suggests.
pub fn env_flag(environment: Option<&str>) -> String {
    environment.map_or(String::new(), |e| format!(" --env {e}"))
}

/// The label of the base values' column and line.
pub const BASE: &str = "(base)";

/// `(base)` or the environment's name: no environment name has parentheses.
pub fn label(environment: Option<&str>) -> &str {
    environment.unwrap_or(BASE)
}

/// Each name once, in the order first given.
pub fn dedup(names: &[String]) -> impl Iterator<Item = &str> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(String::as_str)
        .filter(move |name| seen.insert(*name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["dark_mode", "new_cart", "one_click_pay"];
        assert_eq!(did_you_mean("dark_mod", names), Some("dark_mode"));
        assert_eq!(did_you_mean("new-cart", names), Some("new_cart"));
        assert_eq!(did_you_mean("light", names), None);
    }

    #[test]
    fn time_left_reads_in_its_two_largest_units() {
        assert_eq!(time_left(0), "now");
        assert_eq!(time_left(-5), "now");
        assert_eq!(time_left(40), "in 40 s");
        assert_eq!(time_left(3 * 60 + 5), "in 3 min 5 s");
        assert_eq!(time_left(5 * 3_600 + 20 * 60 + 59), "in 5 h 20 min");
        assert_eq!(time_left(3_600), "in 1 h");
        assert_eq!(time_left(86_400 + 59 * 60), "in 1 day");
        assert_eq!(time_left(2 * 86_400 + 3 * 3_600 + 1), "in 2 days 3 h");
    }

    #[test]
    fn an_expiry_says_how_far_it_is_from_today() {
        let date = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            expiry(date("2026-12-06"), date("2026-12-06")),
            "2026-12-06 (today, the last day)"
        );
        assert_eq!(
            expiry(date("2026-12-06"), date("2026-12-05")),
            "2026-12-06 (in 1 day)"
        );
        assert_eq!(
            expiry(date("2026-12-31"), date("2026-12-06")),
            "2026-12-31 (in 25 days)"
        );
        assert_eq!(
            expiry(date("2026-12-06"), date("2026-12-07")),
            "2026-12-06 (expired 1 day ago)"
        );
        assert_eq!(
            expiry(date("2026-12-01"), date("2026-12-06")),
            "2026-12-01 (expired 5 days ago)"
        );
    }

    #[test]
    fn suggests_a_name_cut_short_or_run_on() {
        let releases = ["checkout-v2", "search"];
        assert_eq!(did_you_mean("checkout", releases), Some("checkout-v2"));
        assert_eq!(
            did_you_mean("checkout-v2-final", releases),
            Some("checkout-v2")
        );
        assert_eq!(did_you_mean("checkout_v2", releases), Some("checkout-v2"));
        // Too short to tell.
        assert_eq!(did_you_mean("che", releases), None);
    }
}
