//! Time in Asia/Shanghai (UTC+8, no daylight saving): working hours and working minutes.

/// Offset of Asia/Shanghai from UTC, in milliseconds.
pub const TZ_OFFSET_MS: i64 = 8 * 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Working day start, minutes after local midnight (09:00).
pub const WORK_START_MIN: i64 = 9 * 60;
/// Working day end, minutes after local midnight (18:00).
pub const WORK_END_MIN: i64 = 18 * 60;

/// The archive starts at 2025-03-03 00:00 Asia/Shanghai (a Monday), in UTC milliseconds.
pub const ARCHIVE_START_MS: i64 = 1_740_931_200_000;

/// Local day number (days since 1970-01-01 in Asia/Shanghai).
pub fn local_day(t: i64) -> i64 {
    (t + TZ_OFFSET_MS).div_euclid(DAY_MS)
}

/// Milliseconds since local midnight.
pub fn local_ms_of_day(t: i64) -> i64 {
    (t + TZ_OFFSET_MS).rem_euclid(DAY_MS)
}

/// Weekday of a local day, 0 = Monday.
pub fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Whether a local day is a working day (Monday to Friday; the demo has no holidays).
pub fn is_workday(day: i64) -> bool {
    weekday(day) < 5
}

/// UTC ms of local midnight of `day`.
pub fn day_start(day: i64) -> i64 {
    day * DAY_MS - TZ_OFFSET_MS
}

/// Whether `t` falls inside working hours.
pub fn in_working_hours(t: i64) -> bool {
    let m = local_ms_of_day(t) / 60_000;
    is_workday(local_day(t)) && (WORK_START_MIN..WORK_END_MIN).contains(&m)
}

/// Working milliseconds between `a` and `b` (0 when `b <= a`).
pub fn working_ms_between(a: i64, b: i64) -> i64 {
    if b <= a {
        return 0;
    }
    let mut total = 0;
    let mut day = local_day(a);
    let last = local_day(b);
    while day <= last {
        if is_workday(day) {
            let ws = day_start(day) + WORK_START_MIN * 60_000;
            let we = day_start(day) + WORK_END_MIN * 60_000;
            let lo = a.max(ws);
            let hi = b.min(we);
            if hi > lo {
                total += hi - lo;
            }
        }
        day += 1;
    }
    total
}

/// The instant `ms` working milliseconds after `t` (moving into the next working period as needed).
pub fn add_working_ms(t: i64, ms: i64) -> i64 {
    let mut t = t;
    let mut left = ms.max(0);
    loop {
        let day = local_day(t);
        let ws = day_start(day) + WORK_START_MIN * 60_000;
        let we = day_start(day) + WORK_END_MIN * 60_000;
        if !is_workday(day) || t >= we {
            t = day_start(day + 1) + WORK_START_MIN * 60_000;
            continue;
        }
        if t < ws {
            t = ws;
        }
        if t + left <= we {
            return t + left;
        }
        left -= we - t;
        t = day_start(day + 1) + WORK_START_MIN * 60_000;
    }
}

/// Local `yyyy-MM-dd HH:mm:ss` (for collect.create_time).
pub fn local_datetime(t: i64) -> String {
    let day = local_day(t);
    let (y, m, d) = civil_from_days(day);
    let s = local_ms_of_day(t) / 1000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// (year, month, day) of a day number (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_is_monday_midnight() {
        assert_eq!(weekday(local_day(ARCHIVE_START_MS)), 0);
        assert_eq!(local_ms_of_day(ARCHIVE_START_MS), 0);
        assert_eq!(local_datetime(ARCHIVE_START_MS), "2025-03-03 00:00:00");
    }

    #[test]
    fn working_time_round_trips() {
        let fri_1750 = ARCHIVE_START_MS + 4 * DAY_MS + (17 * 60 + 50) * 60_000;
        let t = add_working_ms(fri_1750, 30 * 60_000);
        // 10 minutes on Friday, 20 on Monday morning.
        assert_eq!(local_datetime(t), "2025-03-10 09:20:00");
        assert_eq!(working_ms_between(fri_1750, t), 30 * 60_000);
        let sat = ARCHIVE_START_MS + 5 * DAY_MS + 12 * 3_600_000;
        assert_eq!(working_ms_between(sat, sat + 3_600_000), 0);
    }
}
