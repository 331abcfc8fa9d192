
/// `format: date-time` as `chrono::DateTime<Utc>`: written as RFC 3339 in UTC (`Z`, fractional
/// seconds only when there are some), read by [`parse_date_time`].
pub(crate) struct Rfc3339;

impl Codec<chrono::DateTime<chrono::Utc>> for Rfc3339 {
    fn encode<S: Serializer>(value: &chrono::DateTime<chrono::Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<chrono::DateTime<chrono::Utc>, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_date_time(&text).ok_or_else(|| serde::de::Error::custom(format_args!("`{text}` is not a date-time (RFC 3339)")))
    }
}

/// `format: date` as `chrono::NaiveDate`: written `YYYY-MM-DD`, read by [`parse_date`].
pub(crate) struct FullDate;

impl Codec<chrono::NaiveDate> for FullDate {
    fn encode<S: Serializer>(value: &chrono::NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%d"))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<chrono::NaiveDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_date(&text).ok_or_else(|| serde::de::Error::custom(format_args!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// Reads a date-time as real servers write them: RFC 3339, and leniently its common variants
/// (lowercase `t` or `z`, a space for `T`, fractional seconds of any length, an offset without a
/// colon or minutes, `UTC`/`GMT` for `Z`, no seconds), and with no offset at all as UTC; a bare
/// date is its midnight in UTC, and an HTTP date (RFC 2822) is read too.
pub(crate) fn parse_date_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
    let text = text.trim();
    if let Ok(d) = text.parse::<chrono::DateTime<FixedOffset>>() {
        return Some(d.to_utc());
    }
    // An HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), as headers carry them.
    if text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return chrono::DateTime::parse_from_rfc2822(text).ok().map(|d| d.to_utc());
    }
    let mut s = text.to_ascii_uppercase();
    if s.len() == 10 {
        return NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    }
    if s.as_bytes().get(10) == Some(&b' ') {
        s.replace_range(10..11, "T");
    }
    let mut offset_seconds = 0i32;
    let local = if let Some(l) = ["Z", "UTC", "GMT"].iter().find_map(|z| s.strip_suffix(z)) {
        l.trim_end().to_string()
    } else {
        // An offset starts at the last sign after the time's start.
        match s.get(11..).and_then(|t| t.rfind(['+', '-'])).map(|i| i + 11) {
            Some(i) => {
                let (sign, digits) = (if &s[i..=i] == "-" { -1 } else { 1 }, s[i + 1..].replace(':', ""));
                if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
                    return None;
                }
                let hours: i32 = digits[..2].parse().ok()?;
                let minutes: i32 = if digits.len() == 4 { digits[2..].parse().ok()? } else { 0 };
                offset_seconds = sign * (hours * 3600 + minutes * 60);
                s[..i].to_string()
            }
            None => s,
        }
    };
    let naive = NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M"))
        .ok()?;
    let offset = FixedOffset::east_opt(offset_seconds)?;
    naive.and_local_timezone(offset).single().map(|d| d.to_utc())
}

/// Reads a date (`YYYY-MM-DD`); leniently, the date of a date-time (its own calendar day, not
/// the day in UTC).
pub(crate) fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    let date = chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    (text.len() == 10 || parse_date_time(text).is_some()).then_some(date)
}

#[cfg(test)]
mod chrono_tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Times {
        #[serde(with = "As::<Rfc3339>")]
        at: chrono::DateTime<chrono::Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "As::<Opt<FullDate>>")]
        on: Option<chrono::NaiveDate>,
    }

    fn utc(text: &str) -> String {
        parse_date_time(text).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn date_times_are_read_leniently() {
        assert_eq!(utc("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z");
        assert_eq!(utc(" 2024-01-02t03:04:05z "), "2024-01-02T03:04:05Z");
        assert_eq!(utc("2024-01-02 03:04:05+01:00"), "2024-01-02T02:04:05Z");
        assert_eq!(utc("2024-01-02T03:04:05.123456789123Z"), "2024-01-02T03:04:05.123456789Z");
        assert_eq!(utc("2024-01-02T03:04:05.5"), "2024-01-02T03:04:05.500Z");
        assert_eq!(utc("2024-01-02T03:04:05"), "2024-01-02T03:04:05Z");
        assert_eq!(utc("2024-01-02T03:04:05+0530"), "2024-01-01T21:34:05Z");
        assert_eq!(utc("2024-01-02T03:04:05-02"), "2024-01-02T05:04:05Z");
        assert_eq!(utc("2024-01-02T03:04Z"), "2024-01-02T03:04:00Z");
        assert_eq!(utc("2024-01-02 03:04:05 UTC"), "2024-01-02T03:04:05Z");
        assert_eq!(utc("2024-01-02"), "2024-01-02T00:00:00Z");
        assert_eq!(utc("Wed, 21 Oct 2015 07:28:00 GMT"), "2015-10-21T07:28:00Z");
        for bad in ["", "yesterday", "2024-13-02T03:04:05Z", "2024-01-02T25:04:05Z", "2024-01-02T03:04:05+1", "2024-01-02T03:04:05+ab:cd", "1704164645"] {
            assert_eq!(utc(bad), "none", "{bad}");
        }
    }

    #[test]
    fn dates_are_read_leniently() {
        let d = |t: &str| parse_date(t).map(|d| d.to_string());
        assert_eq!(d("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(d("2024-02-29T23:30:00-05:00").as_deref(), Some("2024-02-29"), "its own day, not UTC's");
        assert_eq!(d("2023-02-29"), None);
        assert_eq!(d("2024-02-29junk"), None);
        assert_eq!(d("29/02/2024"), None);
    }

    #[test]
    fn written_as_rfc3339_and_read_back() {
        let v: Times = serde_json::from_str(r#"{"at":"2024-01-02 03:04:05.120+00:00","on":"2024-01-02"}"#).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"at":"2024-01-02T03:04:05.120Z","on":"2024-01-02"}"#);
        let e = serde_json::from_str::<Times>(r#"{"at":"soon"}"#).unwrap_err();
        assert!(e.to_string().contains("`soon` is not a date-time"), "{e}");
        assert!(serde_json::from_str::<Times>(r#"{"at":1704164645}"#).is_err());
    }
}
