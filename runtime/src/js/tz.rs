//! The local time zone `Date` works in: the host's, as Node's (its `TZ` environment variable,
//! else `/etc/localtime`), with the zone's rules from the system's tz database.

/// A time zone: its rules and, when known, its IANA name (for the long names `Date`'s
/// `toString` shows).
pub struct TimeZone {
    name: Option<String>,
    rules: Option<tz::TimeZone>,
}

impl TimeZone {
    /// UTC.
    pub fn utc() -> TimeZone {
        TimeZone {
            name: Some("UTC".into()),
            rules: None,
        }
    }

    /// The host's zone: `TZ` if set, else `/etc/localtime`; UTC if neither can be read.
    pub fn local() -> TimeZone {
        match std::env::var("TZ") {
            Ok(tz) => TimeZone::named(&tz).unwrap_or_else(TimeZone::utc),
            Err(_) => {
                let name = std::fs::read_link("/etc/localtime").ok().and_then(|p| {
                    let p = p.to_string_lossy().into_owned();
                    p.split_once("zoneinfo/").map(|(_, n)| n.to_string())
                });
                match tz::TimeZone::local() {
                    Ok(rules) => TimeZone {
                        name,
                        rules: Some(rules),
                    },
                    Err(_) => TimeZone::utc(),
                }
            }
        }
    }

    /// A zone by IANA name (`Asia/Tokyo`) or POSIX TZ string (`EST5EDT`); `None` if unknown.
    pub fn named(tz: &str) -> Option<TimeZone> {
        let name = tz.strip_prefix(':').unwrap_or(tz);
        if name.is_empty() || name == "UTC" || name == "Etc/UTC" {
            return Some(TimeZone::utc());
        }
        let rules = tz::TimeZone::from_posix_tz(tz).ok()?;
        Some(TimeZone {
            name: Some(name.to_string()),
            rules: Some(rules),
        })
    }

    /// The zone's offset from UTC at the UTC time `t` (milliseconds since the epoch), in
    /// milliseconds.
    pub fn offset_ms(&self, t: f64) -> f64 {
        self.local_type(t)
            .map_or(0.0, |(off, _)| off as f64 * 1000.0)
    }

    fn local_type(&self, t: f64) -> Option<(i32, bool)> {
        let rules = self.rules.as_ref()?;
        let secs = (t / 1000.0).floor();
        let lt = rules.find_local_time_type(secs as i64).ok()?;
        Some((lt.ut_offset(), lt.is_dst()))
    }

    /// The UTC time of the local time `local` (milliseconds), as `new Date(y, m, d, ...)`
    /// resolves it: a repeated time is its earlier instant, a skipped one is read with the
    /// offset before the transition.
    pub fn local_to_utc(&self, local: f64) -> f64 {
        let before = self.offset_ms(local - 86_400_000.0);
        let after = self.offset_ms(local + 86_400_000.0);
        let valid = |off: f64| {
            let utc = local - off;
            (self.offset_ms(utc) == off).then_some(utc)
        };
        match (valid(before), valid(after)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => local - before,
        }
    }

    /// The name `Date.prototype.toString` shows in parentheses at the UTC time `t`.
    pub fn long_name(&self, t: f64) -> String {
        let (offset, dst) = self.local_type(t).unwrap_or((0, false));
        let known = self.name.as_deref().and_then(|n| {
            LONG_NAMES
                .iter()
                .find(|(zones, _, _)| zones.split(' ').any(|z| z == n))
        });
        match known {
            Some((_, _, daylight)) if dst && !daylight.is_empty() => daylight.to_string(),
            Some((_, standard, _)) => standard.to_string(),
            None if offset == 0 && self.rules.is_none() => "Coordinated Universal Time".into(),
            None => {
                let sign = if offset < 0 { '-' } else { '+' };
                let m = offset.unsigned_abs() / 60;
                format!("GMT{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

/// Zones (space-separated IANA names) and the English names ICU gives their standard and
/// daylight time (empty: the zone keeps standard time).
const LONG_NAMES: &[(&str, &str, &str)] = &[
    (
        "UTC Etc/UTC Etc/Universal Universal Zulu",
        "Coordinated Universal Time",
        "",
    ),
    ("Etc/GMT GMT", "Greenwich Mean Time", ""),
    (
        "Europe/London",
        "Greenwich Mean Time",
        "British Summer Time",
    ),
    (
        "Europe/Dublin",
        "Greenwich Mean Time",
        "Irish Standard Time",
    ),
    (
        "Europe/Lisbon Atlantic/Canary Atlantic/Madeira",
        "Western European Standard Time",
        "Western European Summer Time",
    ),
    (
        "Europe/Paris Europe/Berlin Europe/Madrid Europe/Rome Europe/Amsterdam Europe/Brussels \
         Europe/Vienna Europe/Zurich Europe/Stockholm Europe/Oslo Europe/Copenhagen \
         Europe/Warsaw Europe/Prague Europe/Budapest Europe/Belgrade Europe/Luxembourg \
         Africa/Algiers Africa/Tunis",
        "Central European Standard Time",
        "Central European Summer Time",
    ),
    (
        "Europe/Athens Europe/Helsinki Europe/Kiev Europe/Kyiv Europe/Bucharest Europe/Sofia \
         Europe/Riga Europe/Tallinn Europe/Vilnius Africa/Cairo",
        "Eastern European Standard Time",
        "Eastern European Summer Time",
    ),
    (
        "Europe/Moscow",
        "Moscow Standard Time",
        "Moscow Summer Time",
    ),
    ("Asia/Tokyo", "Japan Standard Time", "Japan Daylight Time"),
    ("Asia/Seoul", "Korean Standard Time", "Korean Daylight Time"),
    (
        "Asia/Shanghai Asia/Chongqing Asia/Harbin PRC",
        "China Standard Time",
        "China Daylight Time",
    ),
    (
        "Asia/Hong_Kong",
        "Hong Kong Standard Time",
        "Hong Kong Summer Time",
    ),
    (
        "Asia/Taipei",
        "Taipei Standard Time",
        "Taipei Daylight Time",
    ),
    ("Asia/Singapore", "Singapore Standard Time", ""),
    ("Asia/Kolkata Asia/Calcutta", "India Standard Time", ""),
    (
        "Asia/Karachi",
        "Pakistan Standard Time",
        "Pakistan Summer Time",
    ),
    (
        "Asia/Dhaka",
        "Bangladesh Standard Time",
        "Bangladesh Summer Time",
    ),
    ("Asia/Kathmandu Asia/Katmandu", "Nepal Time", ""),
    ("Asia/Dubai Asia/Muscat", "Gulf Standard Time", ""),
    ("Asia/Tehran", "Iran Standard Time", "Iran Daylight Time"),
    (
        "Asia/Jerusalem Asia/Tel_Aviv",
        "Israel Standard Time",
        "Israel Daylight Time",
    ),
    (
        "Asia/Bangkok Asia/Ho_Chi_Minh Asia/Saigon",
        "Indochina Time",
        "",
    ),
    ("Asia/Jakarta", "Western Indonesia Time", ""),
    (
        "America/New_York America/Detroit America/Toronto America/Indiana/Indianapolis \
         US/Eastern EST5EDT",
        "Eastern Standard Time",
        "Eastern Daylight Time",
    ),
    (
        "America/Chicago America/Winnipeg America/Mexico_City US/Central CST6CDT",
        "Central Standard Time",
        "Central Daylight Time",
    ),
    (
        "America/Denver America/Edmonton America/Boise US/Mountain MST7MDT",
        "Mountain Standard Time",
        "Mountain Daylight Time",
    ),
    ("America/Phoenix", "Mountain Standard Time", ""),
    (
        "America/Los_Angeles America/Vancouver America/Tijuana US/Pacific PST8PDT",
        "Pacific Standard Time",
        "Pacific Daylight Time",
    ),
    (
        "America/Anchorage US/Alaska",
        "Alaska Standard Time",
        "Alaska Daylight Time",
    ),
    (
        "Pacific/Honolulu US/Hawaii",
        "Hawaii-Aleutian Standard Time",
        "",
    ),
    (
        "America/Halifax",
        "Atlantic Standard Time",
        "Atlantic Daylight Time",
    ),
    (
        "America/St_Johns",
        "Newfoundland Standard Time",
        "Newfoundland Daylight Time",
    ),
    (
        "America/Sao_Paulo",
        "Brasilia Standard Time",
        "Brasilia Summer Time",
    ),
    (
        "America/Argentina/Buenos_Aires America/Buenos_Aires",
        "Argentina Standard Time",
        "",
    ),
    (
        "Australia/Sydney Australia/Melbourne Australia/Hobart Australia/Canberra",
        "Australian Eastern Standard Time",
        "Australian Eastern Daylight Time",
    ),
    ("Australia/Brisbane", "Australian Eastern Standard Time", ""),
    (
        "Australia/Adelaide",
        "Australian Central Standard Time",
        "Australian Central Daylight Time",
    ),
    ("Australia/Darwin", "Australian Central Standard Time", ""),
    ("Australia/Perth", "Australian Western Standard Time", ""),
    (
        "Pacific/Auckland",
        "New Zealand Standard Time",
        "New Zealand Daylight Time",
    ),
    ("Africa/Johannesburg", "South Africa Standard Time", ""),
    ("Africa/Lagos", "West Africa Standard Time", ""),
    ("Africa/Nairobi", "East Africa Time", ""),
];
