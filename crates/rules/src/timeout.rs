//! Reply timeouts: in single chats between an employee and a customer, the time from the first
//! unanswered customer message to the employee's next message, counted in working minutes of the
//! organisation's calendar (working days and hours in its time zone, holidays and make-up days).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use dossier_model::{Action, Content, ConversationKey, Hit, HitKind, Message, MsgId, Severity, UserId};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::org::Org;

/// A working calendar as configured (JSON-friendly); compile it with [`WorkCalendar::compile`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkCalendar {
    /// Offset of local time from UTC, minutes (480 for China Standard Time, which has no DST).
    pub utc_offset_minutes: i32,
    /// Working weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Working hours of a working day, `["09:00", "12:00"]` pairs in local time.
    pub hours: Vec<(String, String)>,
    /// Days off that would otherwise be working days (public holidays), `YYYY-MM-DD`.
    pub holidays: Vec<NaiveDate>,
    /// Working days that would otherwise be days off (调休 make-up days), `YYYY-MM-DD`.
    pub extra_workdays: Vec<NaiveDate>,
}

impl Default for WorkCalendar {
    fn default() -> Self {
        Self {
            utc_offset_minutes: 480,
            weekdays: vec![1, 2, 3, 4, 5],
            hours: vec![("09:00".into(), "18:00".into())],
            holidays: Vec::new(),
            extra_workdays: Vec::new(),
        }
    }
}

fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

impl WorkCalendar {
    /// Checks and compiles the calendar.
    pub fn compile(&self) -> Result<Calendar, Error> {
        let offset = FixedOffset::east_opt(self.utc_offset_minutes * 60).ok_or_else(|| {
            Error::Calendar(format!(
                "utc offset {} minutes is out of range",
                self.utc_offset_minutes
            ))
        })?;
        if let Some(d) = self.weekdays.iter().find(|d| !(1..=7).contains(*d)) {
            return Err(Error::Calendar(format!(
                "weekday {d} is not 1 (Monday) … 7 (Sunday)"
            )));
        }
        let mut periods = Vec::new();
        for (a, b) in &self.hours {
            let (Some(s), Some(e)) = (parse_hhmm(a), parse_hhmm(b)) else {
                return Err(Error::Calendar(format!(
                    "working hours {a:?}–{b:?} are not HH:MM"
                )));
            };
            if s >= e {
                return Err(Error::Calendar(format!(
                    "working hours {a}–{b} end before they start"
                )));
            }
            periods.push((s, e));
        }
        periods.sort_unstable();
        if periods.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err(Error::Calendar("working hours overlap".into()));
        }
        Ok(Calendar {
            offset,
            weekdays: self.weekdays.clone(),
            periods,
            holidays: self.holidays.clone(),
            extra_workdays: self.extra_workdays.clone(),
        })
    }
}

/// A compiled working calendar.
#[derive(Clone, Debug)]
pub struct Calendar {
    offset: FixedOffset,
    weekdays: Vec<u8>,
    /// Working periods of a day, minutes from local midnight, sorted, disjoint.
    periods: Vec<(i64, i64)>,
    holidays: Vec<NaiveDate>,
    extra_workdays: Vec<NaiveDate>,
}

/// Longest wait counted, in days: beyond it the answer is "very late" anyway.
const MAX_DAYS: i64 = 400;

impl Calendar {
    /// The local date of a time in milliseconds.
    pub fn local_date(&self, ms: i64) -> NaiveDate {
        self.offset
            .timestamp_millis_opt(ms)
            .single()
            .map_or(NaiveDate::MIN, |t| t.date_naive())
    }

    /// Whether `date` is a working day.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        if self.extra_workdays.contains(&date) {
            return true;
        }
        !self.holidays.contains(&date)
            && self
                .weekdays
                .contains(&(date.weekday().number_from_monday() as u8))
    }

    /// Whole working minutes between two times in milliseconds (0 when `to` is not after `from`).
    pub fn working_minutes(&self, from_ms: i64, to_ms: i64) -> i64 {
        self.working_ms(from_ms, to_ms) / 60_000
    }

    /// Working milliseconds between two times in milliseconds (0 when `to` is not after `from`).
    pub fn working_ms(&self, from_ms: i64, to_ms: i64) -> i64 {
        if to_ms <= from_ms {
            return 0;
        }
        let off = i64::from(self.offset.local_minus_utc()) * 1000;
        let (from_local, to_local) = (from_ms + off, to_ms + off);
        let day_ms = 86_400_000i64;
        let first_day = from_local.div_euclid(day_ms);
        let last_day = to_local.div_euclid(day_ms).min(first_day + MAX_DAYS);
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        let mut total_ms = 0i64;
        for day in first_day..=last_day {
            let Some(date) = epoch.checked_add_signed(Duration::days(day)) else {
                continue;
            };
            if !self.is_workday(date) {
                continue;
            }
            let base = day * day_ms;
            for &(s, e) in &self.periods {
                let (ps, pe) = (base + s * 60_000, base + e * 60_000);
                let overlap = pe.min(to_local) - ps.max(from_local);
                if overlap > 0 {
                    total_ms += overlap;
                }
            }
        }
        total_ms
    }
}

/// Reply-timeout settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeoutConfig {
    /// A customer waiting longer than this many working minutes is a timeout.
    pub limit_minutes: i64,
    /// The organisation's working calendar.
    pub calendar: WorkCalendar,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            limit_minutes: 30,
            calendar: WorkCalendar::default(),
        }
    }
}

/// A customer left waiting past the limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutRecord {
    /// The conversation.
    pub conversation: ConversationKey,
    /// The employee who should have answered.
    pub employee: UserId,
    /// The customer.
    pub customer: UserId,
    /// The first unanswered customer message.
    pub msgid: MsgId,
    /// When it was sent, milliseconds.
    pub asked_at: i64,
    /// The employee's reply, if one came.
    pub reply_msgid: Option<MsgId>,
    /// When the reply came (or `None`: still unanswered at the end of the data).
    pub replied_at: Option<i64>,
    /// Whole working minutes waited (the limit is compared with the exact wait, so 30 here can be
    /// past a 30-minute limit).
    pub waited_minutes: i64,
}

impl TimeoutRecord {
    /// The record as a hit on the customer's message.
    pub fn to_hit(&self, severity: Severity) -> Hit {
        Hit {
            msgid: self.msgid.clone(),
            rule: "timeout".into(),
            kind: HitKind::Timeout,
            word: Some(format!("{}分钟", self.waited_minutes)),
            start: 0,
            end: 0,
            severity,
        }
    }
}

/// Replies and timeouts of one employee on one local day (the day the customer asked).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// Customer questions answered (or timed out) that day.
    pub questions: u64,
    /// Of which timed out.
    pub timeouts: u64,
    /// Sum of working minutes waited, over answered questions.
    pub total_wait_minutes: i64,
    /// Longest wait.
    pub max_wait_minutes: i64,
}

/// The outcome of a reply-time analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyReport {
    /// Timeouts, in order of the customer's message.
    pub timeouts: Vec<TimeoutRecord>,
    /// Per employee and local day.
    pub per_day: BTreeMap<UserId, BTreeMap<NaiveDate, DayStats>>,
}

impl ReplyReport {
    /// Totals per employee over all days.
    pub fn per_employee(&self) -> BTreeMap<UserId, DayStats> {
        self.per_day
            .iter()
            .map(|(u, days)| {
                let total = days.values().fold(DayStats::default(), |mut a, d| {
                    a.questions += d.questions;
                    a.timeouts += d.timeouts;
                    a.total_wait_minutes += d.total_wait_minutes;
                    a.max_wait_minutes = a.max_wait_minutes.max(d.max_wait_minutes);
                    a
                });
                (u.clone(), total)
            })
            .collect()
    }
}

/// A customer's message that asks for an answer: sent (not recalled), not a consent record.
fn is_question(m: &Message) -> bool {
    m.action == Action::Send && !matches!(m.content, Content::Agree(_) | Content::Disagree(_))
}

/// Any message of the employee ends the wait (switch records are not messages).
fn is_answer(m: &Message) -> bool {
    m.action != Action::Switch && !matches!(m.content, Content::Switch)
}

/// Analyses reply times over `messages` (any order; any conversations). Only single chats
/// between one employee and one outsider count. `now_ms` closes questions still unanswered at the
/// end of the data (pass `None` to ignore them).
pub fn analyse_replies(
    messages: &[Message],
    org: &dyn Org,
    config: &TimeoutConfig,
    now_ms: Option<i64>,
) -> Result<ReplyReport, Error> {
    let cal = config.calendar.compile()?;
    let mut by_conv: HashMap<ConversationKey, Vec<&Message>> = HashMap::new();
    for m in messages {
        if m.group().is_none() && m.tolist.len() == 1 {
            let (a, b) = (org.is_employee(&m.from), org.is_employee(&m.tolist[0]));
            if a != b && if a { is_answer(m) } else { is_question(m) } {
                by_conv.entry(m.conversation()).or_default().push(m);
            }
        }
    }
    let mut report = ReplyReport::default();
    let mut convs: Vec<_> = by_conv.into_iter().collect();
    convs.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, mut msgs) in convs {
        msgs.sort_by_key(|m| m.msgtime);
        let mut waiting: Option<&Message> = None;
        for m in msgs {
            let from_employee = org.is_employee(&m.from);
            match (from_employee, waiting) {
                (false, None) => waiting = Some(m),
                (false, Some(_)) => {}
                (true, Some(q)) => {
                    let waited = cal.working_ms(q.msgtime, m.msgtime);
                    record(&mut report, &cal, &key, q, Some(m), waited, config.limit_minutes);
                    waiting = None;
                }
                (true, None) => {}
            }
        }
        if let (Some(q), Some(now)) = (waiting, now_ms) {
            let waited = cal.working_ms(q.msgtime, now);
            if waited > config.limit_minutes * 60_000 {
                record(&mut report, &cal, &key, q, None, waited, config.limit_minutes);
            }
        }
    }
    report
        .timeouts
        .sort_by(|a, b| (a.asked_at, &a.msgid.0).cmp(&(b.asked_at, &b.msgid.0)));
    Ok(report)
}

/// Records one question; `waited_ms` is in working milliseconds: a wait of 30 minutes and 20
/// seconds is past a 30-minute limit even though it is 30 whole minutes.
fn record(
    report: &mut ReplyReport,
    cal: &Calendar,
    key: &ConversationKey,
    q: &Message,
    reply: Option<&Message>,
    waited_ms: i64,
    limit: i64,
) {
    let waited = waited_ms / 60_000;
    let employee = q.tolist[0].clone();
    let day = report
        .per_day
        .entry(employee.clone())
        .or_default()
        .entry(cal.local_date(q.msgtime))
        .or_default();
    day.questions += 1;
    day.max_wait_minutes = day.max_wait_minutes.max(waited);
    if reply.is_some() {
        day.total_wait_minutes += waited;
    }
    if waited_ms > limit * 60_000 {
        day.timeouts += 1;
        report.timeouts.push(TimeoutRecord {
            conversation: key.clone(),
            employee,
            customer: q.from.clone(),
            msgid: q.msgid.clone(),
            asked_at: q.msgtime,
            reply_msgid: reply.map(|r| r.msgid.clone()),
            replied_at: reply.map(|r| r.msgtime),
            waited_minutes: waited,
        });
    }
}
