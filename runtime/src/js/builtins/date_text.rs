//! Dates as text: the civil calendar, the string forms `Date` prints, and `Date.parse` (the
//! ISO format, and the informal forms V8 also accepts: `Nov 14 2023 12:00`, `2023/11/14`,
//! RFC 2822, `Date.prototype.toString`'s own output).

use crate::js::tz::TimeZone;

/// A time value's civil fields: year, month (1-12), day, hours, minutes, seconds,
/// milliseconds, weekday (0 = Sunday).
#[allow(missing_docs)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub milli: u32,
    pub weekday: u32,
}

/// Splits a time value into civil fields (proleptic Gregorian).
pub fn civil(t: f64) -> Civil {
    let ms = t as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Civil {
        year: yoe + era * 400 + i64::from(month <= 2),
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        minute: (rem / 60_000 % 60) as u32,
        second: (rem / 1000 % 60) as u32,
        milli: (rem % 1000) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Days since the epoch of a civil date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Which string form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `toString`.
    Full,
    /// `toDateString`.
    Date,
    /// `toTimeString`.
    Time,
    /// `toUTCString`.
    Utc,
    /// `toLocaleString` (en-US).
    Locale,
    /// `toLocaleDateString` (en-US).
    LocaleDate,
    /// `toLocaleTimeString` (en-US).
    LocaleTime,
}

/// A year as `Date` prints it: four digits, a minus sign before negative years.
fn year(y: i64) -> String {
    if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("{y:04}")
    }
}

/// `toISOString` of a valid time value.
pub fn iso(t: f64) -> String {
    let c = civil(t);
    let y = if (0..=9999).contains(&c.year) {
        format!("{:04}", c.year)
    } else if c.year < 0 {
        format!("-{:06}", -c.year)
    } else {
        format!("+{:06}", c.year)
    };
    format!(
        "{y}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.month, c.day, c.hour, c.minute, c.second, c.milli
    )
}

/// The string form `form` of `t` in `tz`.
pub fn format(tz: &TimeZone, t: f64, form: Form) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    if form == Form::Utc {
        let c = civil(t);
        return format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            DAYS[c.weekday as usize],
            c.day,
            MONTHS[c.month as usize - 1],
            year(c.year),
            c.hour,
            c.minute,
            c.second
        );
    }
    let offset = tz.offset_ms(t);
    let c = civil(t + offset);
    let date = format!(
        "{} {} {:02} {}",
        DAYS[c.weekday as usize],
        MONTHS[c.month as usize - 1],
        c.day,
        year(c.year)
    );
    let minutes = (offset / 60_000.0) as i64;
    let sign = if minutes < 0 { '-' } else { '+' };
    let zone = format!(
        "GMT{sign}{:02}{:02} ({})",
        minutes.abs() / 60,
        minutes.abs() % 60,
        tz.long_name(t)
    );
    let time = format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second);
    let h12 = if c.hour.is_multiple_of(12) {
        12
    } else {
        c.hour % 12
    };
    let ampm = if c.hour < 12 { "AM" } else { "PM" };
    let local_date = format!("{}/{}/{}", c.month, c.day, c.year);
    let local_time = format!("{h12}:{:02}:{:02} {ampm}", c.minute, c.second);
    match form {
        Form::Full => format!("{date} {time} {zone}"),
        Form::Date => date,
        Form::Time => format!("{time} {zone}"),
        Form::Locale => format!("{local_date}, {local_time}"),
        Form::LocaleDate => local_date,
        Form::LocaleTime => local_time,
        Form::Utc => unreachable!("handled above"),
    }
}

/// `Date.parse(s)`: the time value, or NaN.
pub fn parse(tz: &TimeZone, s: &str) -> f64 {
    match parse_iso(s).or_else(|| parse_informal(s)) {
        Some((local, Some(offset_min))) => time_clip(local - offset_min * 60_000.0),
        Some((local, None)) => time_clip(tz.local_to_utc(local)),
        None => f64::NAN,
    }
}

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() >= n && s.as_bytes()[..n].iter().all(u8::is_ascii_digit))
        .then(|| s[..n].parse().ok())
        .flatten()
}

/// The date time string format: `YYYY[-MM[-DD]][THH:mm[:ss[.sss]]][Z|±HH:mm]`, years also
/// as `±YYYYYY`. Returns the time as if UTC and the offset in minutes east of UTC (`None`:
/// local time; date-only forms are UTC).
fn parse_iso(s: &str) -> Option<(f64, Option<f64>)> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (0, s),
    };
    let ylen = if sign == 0 { 4 } else { 6 };
    let y = digits(rest, ylen)? * if sign < 0 { -1 } else { 1 };
    let mut r = &rest[ylen..];
    let (mut m, mut d) = (1, 1);
    if let Some(t) = r.strip_prefix('-') {
        m = digits(t, 2)?;
        r = &t[2..];
        if let Some(t) = r.strip_prefix('-') {
            d = digits(t, 2)?;
            r = &t[2..];
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0, 0, 0, 0.0);
    let mut offset = Some(0.0);
    if let Some(t) = r.strip_prefix('T').or_else(|| r.strip_prefix(' ')) {
        h = digits(t, 2)?;
        let t = t.get(2..)?.strip_prefix(':')?;
        mi = digits(t, 2)?;
        r = &t[2..];
        if let Some(t) = r.strip_prefix(':') {
            sec = digits(t, 2)?;
            r = &t[2..];
            if let Some(t) = r.strip_prefix('.') {
                let n = t.bytes().take_while(u8::is_ascii_digit).count();
                ms = format!("0.{}", &t[..n]).parse::<f64>().ok()? * 1000.0;
                r = &t[n..];
            }
        }
        offset = None;
    }
    match r {
        "" => {}
        "Z" => offset = Some(0.0),
        _ => {
            let sign = match r.as_bytes()[0] {
                b'+' => 1.0,
                b'-' => -1.0,
                _ => return None,
            };
            let oh = digits(&r[1..], 2)?;
            let om = digits(r.get(3..)?.strip_prefix(':')?, 2)?;
            offset = Some(sign * (oh * 60 + om) as f64);
            if r.len() != 6 {
                return None;
            }
        }
    }
    let valid = (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && (h < 24 || h == 24 && mi == 0 && sec == 0)
        && mi < 60
        && sec < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(y, m as u32, d as u32) as f64;
    let t = days * 86_400_000.0 + ((h * 60 + mi) * 60 + sec) as f64 * 1000.0 + ms.trunc();
    Some((t, offset))
}

/// The informal forms: words and numbers in any common order.
fn parse_informal(s: &str) -> Option<(f64, Option<f64>)> {
    let mut nums: Vec<i64> = Vec::new();
    let (mut month, mut time, mut offset, mut pm) = (None, None, None, None);
    let mut rest = s.trim();
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if c == '(' {
            // A comment: `(Japan Standard Time)`.
            rest = rest.split_once(')').map_or("", |(_, r)| r);
        } else if c.is_ascii_digit() {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[n..];
            if after.starts_with(':') {
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
                    .unwrap_or(rest.len());
                time = Some(parse_clock(&rest[..end])?);
                rest = &rest[end..];
            } else {
                nums.push(rest[..n].parse().ok()?);
                rest = after;
            }
        } else if (c == '+' || c == '-') && (offset.is_some() || time.is_some()) {
            let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
            let v: i64 = rest[1..1 + n].parse().ok()?;
            let mins = if n <= 2 {
                v * 60
            } else {
                v / 100 * 60 + v % 100
            };
            offset = Some(if c == '-' { -mins } else { mins } as f64);
            rest = &rest[1 + n..];
        } else if c.is_ascii_alphabetic() {
            let n = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let word = rest[..n].to_ascii_lowercase();
            match word.as_str() {
                "am" | "pm" => pm = Some(word == "pm"),
                "gmt" | "utc" | "ut" | "z" => offset = Some(0.0),
                w if w.len() >= 3 => {
                    if let Some(i) = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(&w[..3])) {
                        month = Some(i as i64 + 1);
                    } else if !DAYS.iter().any(|d| d.eq_ignore_ascii_case(&w[..3])) {
                        return None;
                    }
                }
                _ => return None,
            }
            rest = &rest[n..];
        } else if matches!(c, ' ' | ',' | '/' | '-' | '.') {
            rest = &rest[1..];
        } else {
            return None;
        }
    }
    let (y, m, d) = informal_date(month, &nums)?;
    let (mut h, mi, sec, ms) = time.unwrap_or((0, 0, 0, 0.0));
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let days = days_from_civil(y, m as u32, d as u32) as f64;
    let t = days * 86_400_000.0 + ((h * 60 + mi) * 60 + sec) as f64 * 1000.0 + ms;
    Some((t, offset))
}

/// Year, month and day from the numbers of an informal date (`Mar 5 2024`, `5 Mar 24`,
/// `3/5/2024`, `2024/3/5`): two-digit years as V8 reads them.
fn informal_date(month: Option<i64>, nums: &[i64]) -> Option<(i64, i64, i64)> {
    let (y, m, d) = match (month, nums) {
        (Some(m), [a, b]) if *a > 31 => (*a, m, *b),
        (Some(m), [a, b]) => (*b, m, *a),
        (None, [a, b, c]) if *a > 31 => (*a, *b, *c),
        (None, [a, b, c]) => (*c, *a, *b),
        _ => return None,
    };
    let y = match y {
        0..50 => y + 2000,
        50..100 => y + 1900,
        _ => y,
    };
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// `HH:MM[:SS[.mmm]]`.
fn parse_clock(s: &str) -> Option<(i64, i64, i64, f64)> {
    let mut parts = s.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let (sec, ms) = match parts.next() {
        Some(p) => match p.split_once('.') {
            Some((s, f)) => (
                s.parse().ok()?,
                format!("0.{f}").parse::<f64>().ok()? * 1000.0,
            ),
            None => (p.parse().ok()?, 0.0),
        },
        None => (0, 0.0),
    };
    (h < 24 && m < 60 && sec < 60).then_some((h, m, sec, ms.trunc()))
}

/// `TimeClip`: NaN outside ±8.64e15 ms, whole milliseconds, no -0.
pub fn time_clip(t: f64) -> f64 {
    if t.is_finite() && t.abs() <= 8.64e15 {
        t.trunc() + 0.0
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_node_accepts() {
        let utc = TimeZone::utc();
        let cases = [
            ("2023-11-14T12:00:00Z", 1699963200000.0),
            ("2023-11-14", 1699920000000.0),
            ("2023-11-14T12:00:00+09:00", 1699930800000.0),
            ("+002023-11-14T00:00:00Z", 1699920000000.0),
            ("Tue, 14 Nov 2023 22:13:20 GMT", 1700000000000.0),
            ("Nov 14 2023 12:00:00", 1699963200000.0),
            ("2023/11/14", 1699920000000.0),
            ("11/14/2023", 1699920000000.0),
            ("14 Nov 2023", 1699920000000.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse(&utc, s), want, "{s}");
        }
        assert!(parse(&utc, "garbage").is_nan());
        assert!(parse(&utc, "2023-13-01").is_nan());
    }

    #[test]
    fn formats_like_v8() {
        let utc = TimeZone::utc();
        assert_eq!(
            format(&utc, 1700000000000.0, Form::Full),
            "Tue Nov 14 2023 22:13:20 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            format(&utc, 1700000000000.0, Form::Utc),
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
        assert_eq!(iso(8.64e15), "+275760-09-13T00:00:00.000Z");
    }
}
